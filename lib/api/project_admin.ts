/**
 * Whole-project calls: creating a project with a super token (`content=project` import),
 * changing its settings (`content=project_settings`) and exporting it as Project XML
 * (`content=project_xml`).
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { checkShape, internals } from "./call.ts";
import {
  checkBoolean,
  checkInteger,
  checkKeys,
  checkList,
  checkString,
  requireString,
} from "./_check.ts";
import { sendCount, sendText, signalOnly, type SignalOptions } from "./admin.ts";

/** A setting's value: text, a number, a 0/1 flag as a boolean. */
export type SettingValue = string | number | boolean;

/** The settings a new project is created with (REDCap's `content=project` data). */
export interface CreateProjectData {
  /** The title. */
  project_title: string;
  /** 0 practice, 1 other (give `purpose_other`), 2 research, 3 quality improvement,
   * 4 operational support. */
  purpose: 0 | 1 | 2 | 3 | 4;
  /** What "other" purpose (with `purpose` 1). */
  purpose_other?: string;
  /** Notes. */
  project_notes?: string;
  /** Longitudinal (events and arms). */
  is_longitudinal?: 0 | 1 | boolean;
  /** Surveys enabled. */
  surveys_enabled?: 0 | 1 | boolean;
  /** Record auto-numbering. */
  record_autonumbering_enabled?: 0 | 1 | boolean;
}

/** Options for {@linkcode createProject}. */
export interface CreateProjectOptions extends SignalOptions {
  /** A Project XML (from {@linkcode exportProjectXml}) to build the project from: instruments,
   * events, settings and, when it holds them, records. */
  odm?: string;
}

/** Options for {@linkcode exportProjectXml}. */
export interface ExportProjectXmlOptions extends SignalOptions {
  /** Only the project's structure, no records.
   * @default {false}
   */
  returnMetadataOnly?: boolean;
  /** Only these records. */
  records?: readonly (string | number)[];
  /** Only these fields. */
  fields?: readonly string[];
  /** Only these events (unique names). */
  events?: readonly string[];
  /** Only records matching this REDCap logic. */
  filterLogic?: string;
  /** Add survey identifiers and timestamps. */
  exportSurveyFields?: boolean;
  /** Add each record's data access group. */
  exportDataAccessGroups?: boolean;
  /** Embed uploaded files (base64). */
  exportFiles?: boolean;
}

const CREATE_KEYS = [
  "project_title",
  "purpose",
  "purpose_other",
  "project_notes",
  "is_longitudinal",
  "surveys_enabled",
  "record_autonumbering_enabled",
];

/** Settings as REDCap's text (booleans as 0/1), checked for scalars. */
function settingRow(action: string, data: Record<string, unknown>): Record<string, string> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError(`Cannot ${action}: the settings must be an object`);
  }
  const row: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (typeof value === "boolean") row[key] = value ? "1" : "0";
    else if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) {
      row[key] = String(value);
    } else throw new TypeError(`Cannot ${action}: the setting "${key}" is not text or a number`);
  }
  if (Object.keys(row).length === 0) {
    throw new RangeError(`Cannot ${action}: there are no settings to send`);
  }
  return row;
}

/**
 * Creates a project (`content=project`) and returns its new API token. Needs a client made with
 * a super token (64 hexadecimal characters); a project token is refused by REDCap. Not
 * retried: a repeat would create a second project.
 *
 * @example Create a project on a local server with a super token
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, fullRights, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const superToken = "AB".repeat(32);
 * store.addToken(superToken, undefined, fullRights("admin"));
 * const handler = createRedcapHandler(store);
 * const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
 *   handler(new Request(input, init));
 * const admin = new RedcapClient("http://localhost/api/", superToken, { fetch });
 * const token = await admin.createProject({ project_title: "Pilot", purpose: 0 });
 * const project = new RedcapClient("http://localhost/api/", token, { fetch });
 * strictEqual((await project.exportProjectInfo()).project_title, "Pilot");
 * ```
 *
 * @param client A client with a super token.
 * @param data The new project's settings.
 * @param options A Project XML to build it from, a cancel signal.
 * @returns The new project's 32-character API token.
 */
export async function createProject(
  client: RedcapConnection,
  data: CreateProjectData,
  options: CreateProjectOptions = {},
): Promise<string> {
  const action = "create project";
  checkKeys(action, options, ["odm", "signal"]);
  const odm = checkString(action, "odm", options.odm);
  const row = settingRow(action, data as unknown as Record<string, unknown>);
  checkKeys(action, row, CREATE_KEYS);
  requireString(action, "project_title", data.project_title);
  if (data.purpose === undefined) throw new TypeError(`Cannot ${action}: "purpose" is required`);
  checkInteger(action, "purpose", data.purpose, 0, 4);
  if (Number(data.purpose) === 1 && !(data.purpose_other ?? "").trim()) {
    throw new TypeError(`Cannot ${action}: "purpose_other" is required when "purpose" is 1`);
  }
  const answer = await sendText(client, {
    params: { content: "project", data: JSON.stringify([row]), odm },
    retry: "a repeat would create a second project",
    signal: options.signal,
  });
  return checkShape(
    "project",
    z.string().trim().regex(/^[0-9A-Fa-f]{32}$/, "expected a 32-character token"),
    answer,
  );
}

/**
 * Changes project settings (`content=project_settings`): title, purpose, notes, flags such as
 * `surveys_enabled` or `is_longitudinal`, IRB and grant numbers, the PI, missing-data codes.
 * Retried: a repeat sets the same values. Clears the client's cached structure.
 *
 * @example Rename the project
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.importProjectSettings({ project_title: "Renamed" }), 1);
 * strictEqual((await client.exportProjectInfo()).project_title, "Renamed");
 * ```
 *
 * @param client The client.
 * @param settings The settings to change, by REDCap name.
 * @param options A cancel signal.
 * @returns The number of settings changed.
 */
export async function importProjectSettings(
  client: RedcapConnection,
  settings: Record<string, SettingValue>,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import project settings";
  const signal = signalOnly(action, options);
  const row = settingRow(action, settings);
  if ("project_title" in row && row.project_title.trim() === "") {
    throw new RangeError(`Cannot ${action}: "project_title" is blank`);
  }
  return await sendCount(client, {
    params: { content: "project_settings", data: JSON.stringify([row]) },
    retry: true,
    structural: true,
    signal,
  });
}

/**
 * Exports the whole project as Project XML (`content=project_xml`; CDISC ODM 1.3.1 with
 * REDCap's extensions): its structure and, unless `returnMetadataOnly`, the records the user
 * may export. {@linkcode createProject} builds a copy from it.
 *
 * @example The demo's structure as XML
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const xml = await client.exportProjectXml({ returnMetadataOnly: true });
 * ok(xml.includes("<ODM") && xml.includes("redcap:RecordAutonumberingEnabled"));
 * ```
 *
 * @param client The client.
 * @param options What to include.
 * @returns The XML text.
 */
export async function exportProjectXml(
  client: RedcapConnection,
  options: ExportProjectXmlOptions = {},
): Promise<string> {
  const action = "export project XML";
  checkKeys(action, options, [
    "returnMetadataOnly",
    "records",
    "fields",
    "events",
    "filterLogic",
    "exportSurveyFields",
    "exportDataAccessGroups",
    "exportFiles",
    "signal",
  ]);
  const flag = (name: keyof ExportProjectXmlOptions) => {
    const value = checkBoolean(action, name, options[name]);
    return value === undefined ? undefined : String(value);
  };
  const params = {
    content: "project_xml",
    returnMetadataOnly: flag("returnMetadataOnly"),
    records: checkList(action, "records", options.records),
    fields: checkList(action, "fields", options.fields),
    events: checkList(action, "events", options.events),
    filterLogic: checkString(action, "filterLogic", options.filterLogic),
    exportSurveyFields: flag("exportSurveyFields"),
    exportDataAccessGroups: flag("exportDataAccessGroups"),
    exportFiles: flag("exportFiles"),
    returnFormat: "json",
  };
  return await internals(client).send(
    { params, retry: true, signal: options.signal },
    (response) => {
      const text = response.text();
      if (!/<ODM[\s>]/.test(text.slice(0, 2000))) {
        throw new RedcapResponseError("project_xml", "shape", "expected a Project XML (<ODM>)");
      }
      return text;
    },
  );
}
