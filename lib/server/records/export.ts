/**
 * `content=record` export as a pure function: a project model, the records' stored data points
 * and the request's options in, REDCap's response body out (flat or EAV; CSV, JSON or XML).
 *
 * Behaviour follows REDCap 15.7.6 (`API/record/export.php`, `Records::getData`) and the real
 * outputs in the corpus:
 *
 * - Flat columns: record id, then (only when the record id is exported) `redcap_event_name`,
 *   `redcap_repeat_instrument`, `redcap_repeat_instance`, `redcap_data_access_group`,
 *   `redcap_survey_identifier`; then fields in dictionary order (checkboxes as `field___code`,
 *   a survey's `{form}_timestamp` before its first field, `{form}_complete` closing each form).
 * - Flat rows: one per record × event × repeat instrument/instance that has data, in record
 *   order, event order, base row first, then repeating forms in form order by instance. An
 *   event's base row holding nothing but the record id is left out when repeating instances of
 *   that event follow (as REDCap does); rows whose values are all blank or 0 are kept. A
 *   repeating row leaves other forms blank; a base row leaves repeating forms blank. Unchecked
 *   checkboxes are `0` and untouched forms' status `0`, but both are blank where the form is not
 *   designated for the event or belongs to another repeat context.
 * - JSON: every value a string except `redcap_repeat_instance` on repeating rows (a number).
 * - CSV: PHP `fputcsv` quoting, LF line ends; no rows is an empty body with no header line
 *   (REDCap 14 and later).
 * - XML: `<records><item><field><![CDATA[v]]></field>...</item></records>`, blanks as
 *   `<field></field>`.
 *
 * @module
 */
import type { ProjectModel } from "../model.ts";
import { EavWriter } from "./_eav.ts";
import { type ExportRecordInput, planExport, type RecordExportOptions } from "./export_plan.ts";
import { FlatWriter } from "./_flat.ts";

export type { ExportRecordInput, RecordExportOptions } from "./export_plan.ts";
export { NO_EXPORT_ACCESS } from "./export_plan.ts";

/**
 * Builds the body of a record export. Throws {@linkcode ApiError} (400) for invalid `fields`,
 * `forms` or `events`, with REDCap's messages.
 *
 * @example Export a classic project as CSV
 * ```ts
 * import { exportRecords } from "./export.ts";
 * import { ProjectModel } from "../model.ts";
 * import { fieldMetadata } from "../project.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const model = new ProjectModel({
 *   info: {}, instruments: [], arms: [], events: [], formEventMapping: [], repeating: [],
 *   dags: [], surveys: [], users: [], records: [], longitudinal: false,
 *   metadata: [
 *     fieldMetadata({ field_name: "record_id", form_name: "intake", field_type: "text" }),
 *     fieldMetadata({ field_name: "age", form_name: "intake", field_type: "text" }),
 *   ],
 * });
 * const body = exportRecords(model, [{
 *   record: "1",
 *   dag: "",
 *   points: [
 *     { record: "1", event_id: 1, instance: 1, field_name: "record_id", value: "1" },
 *     { record: "1", event_id: 1, instance: 1, field_name: "age", value: "42" },
 *   ],
 * }], { format: "csv" });
 * strictEqual(body, "record_id,age,intake_complete\n1,42,0\n");
 * ```
 *
 * @param model The project.
 * @param records The records to export, in export order, with all their data points.
 * @param options The parsed request options.
 * @returns The response body.
 */
export function exportRecords(
  model: ProjectModel,
  records: Iterable<ExportRecordInput>,
  options: RecordExportOptions = {},
): string {
  return [...exportRecordChunks(model, records, options)].join("");
}

/**
 * Builds the body of a record export lazily, as parts to concatenate: records are read from
 * `records` only as parts are asked for, so a large export never sits in memory whole. (An
 * EAV body's columns depend on every row: it streams only when `eavRepeated` says up front
 * whether it has repeat columns, else it is assembled at the end.) The request is
 * checked at once: invalid `fields`, `forms` or `events` throw {@linkcode ApiError} (400) here,
 * not while iterating.
 *
 * @example Stream a flat JSON export
 * ```ts
 * import { exportRecordChunks } from "./export.ts";
 * import { ProjectModel } from "../model.ts";
 * import { fieldMetadata } from "../project.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const model = new ProjectModel({
 *   info: {}, instruments: [], arms: [], events: [], formEventMapping: [], repeating: [],
 *   dags: [], surveys: [], users: [], records: [], longitudinal: false,
 *   metadata: [fieldMetadata({ field_name: "record_id", form_name: "intake", field_type: "text" })],
 * });
 * const points = [{ record: "7", event_id: 1, instance: 1, field_name: "record_id", value: "7" }];
 * const parts = [...exportRecordChunks(model, [{ record: "7", dag: "", points }], {
 *   format: "json",
 *   fields: ["record_id"],
 * })];
 * strictEqual(parts.join(""), '[{"record_id":"7"}]');
 * ```
 *
 * @param model The project.
 * @param records The records to export, in export order, with all their data points.
 * @param options The parsed request options.
 * @returns The body's parts, in order.
 */
export function exportRecordChunks(
  model: ProjectModel,
  records: Iterable<ExportRecordInput>,
  options: RecordExportOptions = {},
): Generator<string> {
  const plan = planExport(model, options);
  const writer = options.type === "eav" ? new EavWriter(plan) : new FlatWriter(plan);
  return (function* () {
    const start = writer.begin();
    if (start !== "") yield start;
    for (const record of records) {
      writer.add(record);
      const parts = writer.take();
      for (const part of parts) yield part;
    }
    yield* writer.finish();
  })();
}
