/**
 * Analysis-ready frames straight from a project: {@linkcode readDictionary} builds the
 * {@linkcode DataDictionary} from the client's cached structure exports, {@linkcode readRecords}
 * exports one flat raw CSV and types and labels it from the dictionary,
 * {@linkcode readInstruments} splits that into one tidy frame per instrument, and
 * {@linkcode readEavRecords} gets the same typed frame from an EAV export.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { codedColumns } from "../transform/cast.ts";
import {
  type BatchIds,
  checkRecordIds,
  exportRecordBodies,
  exportRecords,
  type ExportRecordsOptions,
  parseRecordBody,
} from "../api/records.ts";
import { parseRedcapCsv } from "../parse/csv.ts";
import { CsvJoin } from "../parse/csv_join.ts";
import { splitInstruments } from "../transform/split_instruments.ts";
import { frameColumns } from "../frame.ts";
import { readDictionary } from "./dictionary.ts";
import { checkNames } from "../dictionary/check_names.ts";
import { labelDataAccessGroups } from "../transform/dag_labels.ts";
import { exportDags } from "../api/dags.ts";
import {
  checkReadOptions,
  emptyFrame,
  exportColumns,
  type ReadRecordsOptions,
  type ReadRecordsResult,
  typedResult,
  withRecordId,
  withWarnings,
} from "./_typed.ts";

export { type ReadRecordsOptions, type ReadRecordsResult } from "./_typed.ts";

/**
 * Reads records as an analysis-ready frame: one flat raw export (CSV unless **format** says
 * otherwise; batched by record for large projects), typed with the dictionary by `castRecords()`
 * and labelled by `labelRecords()` — labels come from the dictionary, never from a second
 * export. Record ids, `redcap_event_name` and text stay strings; integers and sliders are
 * Int64; numbers and calcs Float64; dates Date; datetimes Datetime(ms); checkbox options
 * Boolean (null where the form does not belong to the row); coded fields Categorical. Values
 * that do not cast are null and listed in `invalid`; missing-data codes are null and listed in
 * `missing`. When **fields** or **forms** leave out the record id it is added (REDCap would
 * otherwise drop the id and `redcap_event_name`).
 *
 * @example Typed, labelled demo records
 * ```ts
 * import { readRecords } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 10 });
 * const { data, invalid } = await readRecords(client, { fields: ["sex", "sbp", "race"] });
 * strictEqual(data.columns[0], "record_id");
 * ok(data.getColumn("sbp").dtype.equals(pl.Int64));
 * ok(data.getColumn("race___2").dtype.equals(pl.Bool));
 * ok(data.getColumn("sex").toArray().includes("Female"));
 * strictEqual(invalid.height, 0);
 * ```
 *
 * @param client The client.
 * @param options Which records, fields, forms and events; label and checkbox modes.
 * @returns The typed frame, the invalid and missing reports, and the dictionary.
 * @throws {RangeError} For an option value out of range.
 */
export async function readRecords(
  client: RedcapConnection,
  options: ReadRecordsOptions = {},
): Promise<ReadRecordsResult> {
  checkReadOptions("read records", options);
  const dictionary = readDictionary(client, { signal: options.signal });
  const named = options.fields || options.forms || options.events;
  const exportRaw = (fields?: DataDictionary) => {
    const request: ExportRecordsOptions = {
      type: "flat",
      rawOrLabel: "raw",
      format: options.format ?? "csv",
      records: options.records,
      fields: fields ? withRecordId(fields, options) : undefined,
      forms: options.forms,
      events: options.events,
      filterLogic: options.filterLogic,
      exportDataAccessGroups: options.exportDataAccessGroups,
      exportSurveyFields: options.exportSurveyFields,
      dateRangeBegin: options.dateRangeBegin,
      dateRangeEnd: options.dateRangeEnd,
      batchSize: options.batchSize,
      signal: options.signal,
    };
    return request.format === "csv"
      ? exportJoinedCsv(client, request, dictionary)
      : exportRecords(client, request);
  };
  // Without `fields`/`forms`/`events` the export does not depend on the dictionary: ask for
  // both at once. With them, their names are checked first (REDCap answers a bare 400).
  const [dd, raw] = named
    ? await dictionary.then(async (dd) => {
      checkNames(dd, options, "read records");
      return [dd, await exportRaw(dd)] as const;
    })
    : await Promise.all([dictionary, exportRaw()]);
  // An empty JSON or XML export has no columns: give it the columns a CSV header would have.
  const result = typedResult(
    frameColumns(raw).length === 0 ? emptyFrame(exportColumns(dd, options)) : raw,
    dd,
    options,
  );
  if (options.exportDataAccessGroups && options.labels !== "code") {
    result.data = labelDataAccessGroups(
      result.data,
      await exportDags(client),
      options.labels ?? "label",
    );
  }
  return withWarnings(result, options);
}

/**
 * A flat CSV export (in batches when large, as `exportRecords` does) read as one frame: the
 * batches' bodies are joined under one header as they arrive (while the next are on their way)
 * and parsed once, because a frame read in one piece casts about twice as fast as one stacked
 * from batches, with the coded columns (choices, yesno, checkboxes, form status) as
 * Categorical, which reads and casts faster than text. Each body is checked whole by the
 * export; the joined frame is then checked once for every record each batch asked for. A batch
 * that came back another way (the JSON retry of an empty body) is read on its own and stacked
 * in its place.
 */
async function exportJoinedCsv(
  client: RedcapConnection,
  request: ExportRecordsOptions,
  dictionary: Promise<DataDictionary>,
): Promise<pl.DataFrame> {
  const expected: BatchIds[] = [];
  const frames: pl.DataFrame[] = [];
  let joined: CsvJoin | undefined;
  const parseJoined = async (join: CsvJoin) => {
    const coded = codedColumns(await dictionary, join.header);
    return parseRedcapCsv(join.bytes(), "record", undefined, coded);
  };
  for await (const part of exportRecordBodies(client, request)) {
    if (part.expectedIds) expected.push(part.expectedIds);
    if (part.format === "csv") {
      (joined ??= new CsvJoin(part.batches)).add(part.body, part.batch);
      continue;
    }
    if (joined) frames.push(await parseJoined(joined));
    joined = undefined;
    frames.push(parseRecordBody(part));
  }
  if (joined) frames.push(await parseJoined(joined));
  const frame = frames.length === 1 ? frames[0] : stackText(frames);
  checkRecordIds(frame, expected);
  return frame;
}

/** Frames of one export read in parts (joined CSV, JSON retries) stacked in order, as text: a
 * JSON part has no Categorical columns. A part without columns (JSON `[]`) adds nothing. */
function stackText(frames: readonly pl.DataFrame[]): pl.DataFrame {
  const parts = frames.filter((f) => frameColumns(f).length > 0).map((f) =>
    f.select(...frameColumns(f).map((c) => pl.col(c).cast(pl.Utf8)))
  );
  if (parts.length === 0) return frames[0];
  return parts.length === 1 ? parts[0] : pl.concat(parts, { how: "diagonal", rechunk: false });
}

/** Options for {@linkcode readInstruments}. */
export interface ReadInstrumentsOptions extends ReadRecordsOptions {
  /** Keep rows where every field of the form is blank.
   * @default {false}
   */
  keepEmptyRows?: boolean;
}

/**
 * Reads records ({@linkcode readRecords}) and splits them into one tidy frame per instrument
 * (`splitInstruments()`): keyed by form name in dictionary order, each with the record id,
 * `redcap_event_name` (longitudinal), `redcap_repeat_instance` (repeating forms) and the
 * form's own columns, at the form's own grain. Only forms with exported fields are returned.
 *
 * @example One frame per instrument of the demo
 * ```ts
 * import { readInstruments } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * const forms = await readInstruments(createDemoClient({ records: 10 }), {
 *   forms: ["vitals", "adverse_events"],
 * });
 * deepStrictEqual([...forms.keys()], ["vitals", "adverse_events"]);
 * ok(forms.get("adverse_events")!.columns.includes("redcap_repeat_instance"));
 * ```
 *
 * @param client The client.
 * @param options As for {@linkcode readRecords}, and whether to keep empty rows.
 * @returns Frames keyed by form name.
 */
export async function readInstruments(
  client: RedcapConnection,
  options: ReadInstrumentsOptions = {},
): Promise<Map<string, DataFrame>> {
  const { keepEmptyRows, ...readOptions } = options;
  const { data, dictionary } = await readRecords(client, readOptions);
  const id = dictionary.recordIdField;
  const present = new Set(frameColumns(data));
  const forms = dictionary.forms.filter((form) =>
    form.fields.some((name) => {
      if (name === id || dictionary.isFormStatus(name)) return false;
      const field = dictionary.field(name)!;
      return present.has(name) || field.columns.some((c) => present.has(c));
    }) || (options.forms ?? []).includes(form.name)
  ).map((f) => f.name);
  return splitInstruments(data, dictionary, { forms, keepEmptyRows });
}
