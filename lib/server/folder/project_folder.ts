/**
 * Reads a project from a folder of REDCap API exports (`metadata.csv`, `events.csv`,
 * `records.csv`, ...) into a {@linkcode ProjectDefinition}, built by the server's one project
 * builder (`_project_builder.ts`), as a Project XML file's is.
 *
 * @module
 */
import { buildProject } from "../_project_builder.ts";
import type { ProjectDefinition } from "../project.ts";
import { readDags, readSurveys } from "./_groups.ts";
import { readMetadata } from "./_metadata.ts";
import { readRecords } from "./_records.ts";
import { readSettings } from "./_settings.ts";
import {
  readArmsAndEvents,
  readDesignations,
  readInstruments,
  readRepeating,
} from "./_structure.ts";

/**
 * Reads a project from a folder of REDCap exports, in the API's CSV shapes.
 *
 * The folder holds `metadata.csv` (the data dictionary, with API column names or the web UI's
 * "Variable / Field Name" headers) and optionally `project.json` (`content=project` keys),
 * `instruments.csv`, `arms.csv`, `events.csv`, `form_event_mapping.csv`,
 * `repeating_forms_events.csv`, `dags.csv`, `surveys.csv` (`form_name,title`) and `records.csv`
 * (flat raw rows, kept as they are). The project is longitudinal when `events.csv` has rows.
 * Without `instruments.csv`, labels come from form names (`adverse_events` → `Adverse events`);
 * without `arms.csv`, arms are named `Arm N`; a longitudinal project without
 * `form_event_mapping.csv` has every form in every event.
 *
 * @example Read a folder with just a dictionary
 * ```ts
 * import { readProjectFolder } from "denocap/server";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 *
 * const folder = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(
 *   `${folder}/metadata.csv`,
 *   "field_name,form_name,field_type,field_label\nrecord_id,enrolment_form,text,Record ID\n",
 * );
 * const project = readProjectFolder(folder);
 * assertEquals(project.instruments, [
 *   { instrument_name: "enrolment_form", instrument_label: "Enrolment form" },
 * ]);
 * assertEquals(project.longitudinal, false);
 * Deno.removeSync(folder, { recursive: true });
 * ```
 *
 * @param path The folder.
 * @returns The project definition.
 * @throws {SyntaxError} For malformed files, naming the file and line.
 * @throws {RangeError} When `metadata.csv` is missing or the folder does not exist.
 */
export function readProjectFolder(path: string): ProjectDefinition {
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(path);
  } catch {
    throw new RangeError(`Cannot read project folder "${path}": it does not exist`);
  }
  if (!stat.isDirectory) throw new RangeError(`Cannot read project folder "${path}": not a folder`);

  const metadata = readMetadata(path);
  const forms = [...new Set(metadata.map((f) => f.form_name))];
  const info = readSettings(path);
  const instruments = readInstruments(path, forms);
  const { arms, events } = readArmsAndEvents(path);
  const formEventMapping = readDesignations(path, events, forms);
  const repeating = readRepeating(path, events, forms);
  const dags = readDags(path);
  const surveys = readSurveys(path, forms);
  const { records, recordDags } = readRecords(path, metadata[0].field_name);
  return buildProject({
    title: path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "",
    info,
    metadata,
    instruments,
    arms,
    events,
    formEventMapping,
    repeating,
    dags,
    surveys,
    records,
    recordDags,
  });
}
