/**
 * `denocap/server`: the REDCap API on SQLite, for demos, notebooks and tests.
 *
 * A project comes from REDCap's Project XML, a folder of API exports, or the built-in demo. The
 * handler is a `fetch`-style function, so tests call it in-process; {@linkcode serveRedcap} puts
 * it on a socket.
 *
 * @example Export the demo's records in-process
 * ```ts
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { ok } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 10 });
 * const handler = createRedcapHandler(store);
 * const body = new URLSearchParams({ token: tokens[0], content: "record", format: "csv" });
 * const response = await handler(new Request("http://localhost/api/", { method: "POST", body }));
 * ok((await response.text()).startsWith("record_id,"));
 * ```
 *
 * @module
 */

// The handler and the socket server
export { createRedcapHandler, type RedcapHandlerOptions } from "./handler.ts";
export {
  parseServeArgs,
  type RunningRedcapServer,
  serveRedcap,
  type ServeRedcapOptions,
  type ServeUser,
  startupLines,
} from "./serve.ts";

// Storage and projects
export {
  type FileEntry,
  type LogEntry,
  type RecordEntry,
  RedcapStore,
  type StoreOptions,
  type TokenGrant,
} from "./store.ts";
export { type EventModel, type FormModel, ProjectModel } from "./model.ts";
export type { Choice } from "../dictionary/choices.ts";
export {
  declareToken,
  type LoadedProject,
  loadProject,
  type LoadProjectOptions,
  type ProjectSource,
  type TokenRights,
} from "./load.ts";
export { readProjectXml } from "./odm/project_xml.ts";
export {
  type DateFormat,
  type ImportCells,
  importFlatRows,
  type ImportOptions,
  importRecordRows,
  type ImportResult,
} from "./records/import.ts";
export { fieldMetadata, fullRights } from "./project.ts";
export { readProjectFolder } from "./folder/project_folder.ts";
export { DEMO_DAG_TOKEN, DEMO_TOKEN, demoProject, type DemoProjectOptions } from "./demo/mod.ts";
export type {
  Arm,
  DataAccessGroup,
  DataPoint,
  EventDefinition,
  FieldMetadata,
  FormEventMapping,
  Instrument,
  ProjectDefinition,
  RepeatingFormEvent,
  ReportDefinition,
  StoredFile,
  StoredRow,
  SurveySettings,
  TokenDefinition,
  UserRights,
  UserRole,
} from "./project.ts";
