/**
 * Analysis-ready frames straight from a project: {@linkcode readDictionary} builds the
 * {@linkcode DataDictionary} from the client's cached structure exports, {@linkcode readRecords}
 * exports one flat raw CSV and types and labels it from the dictionary,
 * {@linkcode readInstruments} splits that into one tidy frame per instrument, and
 * {@linkcode readEavRecords} gets the same typed frame from an EAV export.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { RedcapConnection } from "../_request.ts";
import { exportProjectInfo } from "../api/project.ts";
import { exportFieldNames } from "../api/field_names.ts";
import { exportInstruments } from "../api/instruments.ts";
import { exportEvents, exportInstrumentEventMappings } from "../api/events.ts";
import { exportArms } from "../api/arms.ts";
import { exportRepeatingFormsEvents } from "../api/repeating.ts";
import {
  type ArmRow,
  DataDictionary,
  type DictionaryStructure,
  type EventRow,
  type FieldNameRow,
  type FormEventMappingRow,
  type InstrumentRow,
  type RepeatingRow,
} from "../dictionary/data_dictionary.ts";
import { castRecords, codedColumns } from "../transform/cast.ts";
import { columnLabels, labelRecords, withColumnLabels } from "../transform/label.ts";
import { pivotEav } from "../transform/eav.ts";
import { eavCsvPlan } from "../parse/eav_csv.ts";
import { EavCsvConverter } from "../parse/eav_converter.ts";
import {
  type BatchIds,
  checkRecordIds,
  exportRecordIds,
  exportRecords,
  type ExportRecordsOptions,
  exportRecordsWith,
  listedIds,
} from "../api/records.ts";
import { metadataRows } from "../api/metadata.ts";
import { parseRedcapCsv } from "../parse/csv.ts";
import { checkCsvBody, csvHeader } from "../parse/csv_rows.ts";
import { splitInstruments } from "../transform/split_instruments.ts";
import type { Format } from "../types.ts";
import { frameColumns, frameHeight, selectFrame } from "../frame.ts";
import { RedcapResponseError } from "../errors.ts";
import { nativeGarbageCollector } from "../_native_gc.ts";
import { displayInvalid, displayMissing } from "../jupyter/reports.ts";
import { type HtmlDisplay, JUPYTER_DISPLAY } from "../jupyter/display.ts";

/** Options for {@linkcode readDictionary}. */
export interface ReadDictionaryOptions {
  /** Cancels the metadata request. */
  signal?: AbortSignal;
}

/**
 * Builds the project's {@linkcode DataDictionary} from the client's structure exports:
 * metadata, export field names, instruments and project info; events, arms and the
 * instrument-event mapping when the project is longitudinal (classic projects answer those with
 * an error, so they are not asked); repeating instruments and events when the project has them.
 * Every export is cached by the client, so calling this again costs no request (until
 * `client.refresh()`).
 *
 * @example The demo's dictionary
 * ```ts
 * import { readDictionary } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const dd = await readDictionary(createDemoClient({ records: 1 }));
 * strictEqual(dd.recordIdField, "record_id");
 * ok(dd.longitudinal);
 * ok(dd.isRepeatingForm("adverse_events", "week_4_arm_1"));
 * ```
 *
 * @param client The client.
 * @param options A cancel signal.
 * @returns The dictionary.
 */
export async function readDictionary(
  client: RedcapConnection,
  options: ReadDictionaryOptions = {},
): Promise<DataDictionary> {
  const { signal } = options;
  const [metadata, projectInfo, fieldNames, instruments] = await Promise.all([
    metadataRows(client, signal),
    exportProjectInfo(client),
    exportFieldNames(client),
    exportInstruments(client),
  ]);
  signal?.throwIfAborted();
  const structure: DictionaryStructure = {
    projectInfo: projectInfo as Record<string, unknown>,
    fieldNames: fieldNames as FieldNameRow[],
    instruments: instruments as InstrumentRow[],
  };
  // The rest of the structure in one round of requests (each is a round trip to the server).
  const longitudinal = Number(projectInfo.is_longitudinal) === 1;
  const repeating = Number(projectInfo.has_repeating_instruments_or_events ?? 0) === 1;
  const [events, arms, mapping, repeatingRows] = await Promise.all([
    longitudinal ? exportEvents(client) : undefined,
    longitudinal ? exportArms(client) : undefined,
    longitudinal ? exportInstrumentEventMappings(client) : undefined,
    repeating ? exportRepeatingFormsEvents(client) : undefined,
  ]);
  if (longitudinal) {
    structure.events = events as EventRow[];
    structure.arms = arms as ArmRow[];
    structure.formEventMapping = mapping as FormEventMappingRow[];
  }
  if (repeating) structure.repeating = repeatingRows as RepeatingRow[];
  signal?.throwIfAborted();
  return DataDictionary.fromMetadata(metadata, structure);
}

/** Options for {@linkcode readRecords} and {@linkcode readEavRecords}. */
export interface ReadRecordsOptions {
  /** Only these records. By default, every record. */
  records?: readonly (string | number)[];
  /** Only these fields (checkbox fields by base name). The record id is always added. */
  fields?: readonly string[];
  /** Only the fields of these instruments. The record id is always added. */
  forms?: readonly string[];
  /** Only these events (unique event names; longitudinal projects). */
  events?: readonly string[];
  /** REDCap logic, e.g. `[age] >= 18`, evaluated by the server. */
  filterLogic?: string;
  /** Radio, dropdown, yesno, truefalse and form-status columns as Categorical *code*s,
   * Categorical *label*s (see `levels()` for the dictionary order), or *both* (codes, with
   * labels added as `field__label`).
   * @default {"label"}
   */
  labels?: "code" | "label" | "both";
  /** Checkbox options as one Boolean column each (null where the form does not belong to the
   * row), or one List(Utf8) column of checked labels per field.
   * @default {"boolean"}
   */
  checkboxes?: "boolean" | "list";
  /** Records per request. *auto*: record ids first, then batches of 10,000 records for flat
   * exports (as `exportRecords`; their CSV bodies are parsed once, together) and of 2,500
   * records for EAV exports (each turned into flat rows, on a worker for CSV, and typed as it
   * arrives); `Infinity`: one request.
   * @default {"auto"}
   */
  batchSize?: number | "auto";
  /** Wire format of the export (the frame is the same in each).
   * @default {"csv"}
   */
  format?: Format;
  /** Cancels the export. */
  signal?: AbortSignal;
}

/** What {@linkcode readRecords} returns. */
export interface ReadRecordsResult {
  /** One typed, labelled row per record-event-instance; column labels recorded
   * (`columnLabels(data)`). */
  data: pl.DataFrame;
  /** Every value that did not cast: `record, event, instance, field, form, value, reason`
   * (renders as a table in Jupyter). */
  invalid: pl.DataFrame;
  /** Every missing-data code met: `record, event, instance, field, code`. */
  missing: pl.DataFrame;
  /** Columns read as text for a reason (unknown validation type, unknown column). */
  notes: string[];
  /** The dictionary the frame was typed with. */
  dictionary: DataDictionary;
}

const READ_KEYS = [
  "records",
  "fields",
  "forms",
  "events",
  "filterLogic",
  "labels",
  "checkboxes",
  "batchSize",
  "format",
  "signal",
];

function checkReadOptions(action: string, options: ReadRecordsOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!READ_KEYS.includes(key)) throw new TypeError(`Cannot ${action}: unknown option "${key}"`);
  }
  const { labels, checkboxes } = options;
  if (labels !== undefined && !["code", "label", "both"].includes(labels)) {
    throw new RangeError(
      `Cannot ${action}: "labels" must be "code", "label" or "both", got ${JSON.stringify(labels)}`,
    );
  }
  if (checkboxes !== undefined && !["boolean", "list"].includes(checkboxes)) {
    throw new RangeError(
      `Cannot ${action}: "checkboxes" must be "boolean" or "list", got ${
        JSON.stringify(checkboxes)
      }`,
    );
  }
}

/** The fields to ask for: the record id added when `fields`/`forms` would leave it out. */
function withRecordId(
  dictionary: DataDictionary,
  options: ReadRecordsOptions,
): string[] | undefined {
  const { fields, forms } = options;
  if (!fields && !forms) return undefined;
  const id = dictionary.recordIdField;
  const idForm = dictionary.field(id)!.form;
  const list = [...(fields ?? [])];
  if (!list.includes(id) && !(forms ?? []).includes(idForm)) list.unshift(id);
  // The client refuses an empty `fields` list: leave it out when only `forms` were asked for.
  return list.length > 0 ? list : undefined;
}

/** The columns a flat export of `fields`/`forms` has, in export order. */
function exportColumns(dictionary: DataDictionary, options: ReadRecordsOptions): string[] {
  const all = dictionary.columns();
  if (!options.fields && !options.forms) return all;
  const fields = new Set(options.fields ?? []);
  const forms = new Set(options.forms ?? []);
  return all.filter((column) => {
    const info = dictionary.columnInfo(column);
    if (!info || info.role === "id" || info.role === "structural") return true;
    return (info.field !== undefined && fields.has(info.field)) ||
      (info.form !== undefined && forms.has(info.form));
  });
}

function emptyFrame(columns: readonly string[]): pl.DataFrame {
  return pl.DataFrame({}, { schema: Object.fromEntries(columns.map((c) => [c, pl.String])) });
}

/** Makes a report frame render with `display` in Jupyter (and returns it). */
function withDisplay<T extends pl.DataFrame>(df: T, display: (df: T) => HtmlDisplay): T {
  Object.defineProperty(df, JUPYTER_DISPLAY, {
    enumerable: false,
    configurable: true,
    value: () => display(df)[JUPYTER_DISPLAY](),
  });
  return df;
}

/** Casts and labels a flat raw frame: the shared second half of every read. */
function typedResult(
  raw: pl.DataFrame,
  dictionary: DataDictionary,
  options: ReadRecordsOptions,
): ReadRecordsResult {
  const { labels = "label", checkboxes = "boolean" } = options;
  // Labels in one pass: castRecords maps radio, dropdown, yesno, truefalse and form-status
  // codes to labels itself, which is what labelRecords(castRecords(raw)) gives.
  const cast = castRecords(raw, dictionary, { labels: labels === "label" ? "label" : "code" });
  let data = cast.data;
  if (labels === "both" || checkboxes === "list") {
    data = labelRecords(data, dictionary, {
      labels: labels === "both" ? "both" : "code",
      checkboxes,
    });
  }
  return {
    data,
    invalid: withDisplay(cast.invalid, displayInvalid),
    missing: withDisplay(cast.missing, displayMissing),
    notes: cast.notes,
    dictionary,
  };
}

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
 * import pl from "nodejs-polars";
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
      batchSize: options.batchSize,
      signal: options.signal,
    };
    return request.format === "csv"
      ? exportJoinedCsv(client, request, dictionary)
      : exportRecords(client, request);
  };
  // Without `fields`/`forms` the export does not depend on the dictionary: ask for both at once.
  const [dd, raw] = options.fields || options.forms
    ? await dictionary.then(async (dd) => [dd, await exportRaw(dd)] as const)
    : await Promise.all([dictionary, exportRaw()]);
  // An empty JSON or XML export has no columns: give it the columns a CSV header would have.
  return typedResult(
    frameColumns(raw).length === 0 ? emptyFrame(exportColumns(dd, options)) : raw,
    dd,
    options,
  );
}

/**
 * A flat CSV export (in batches when large, as `exportRecords` does) read as one frame: the
 * batches' bodies are joined under one header and parsed once, because a frame read in one
 * piece casts about twice as fast as one stacked from batches, with the coded columns
 * (choices, yesno, checkboxes, form status) as Categorical, which reads and casts faster than
 * text. Each body is checked to be complete as it arrives; the joined frame is then checked
 * once for every record each batch asked for. When a batch came back another way (the JSON
 * retry of an empty body), the export is read as `exportRecords` reads it.
 */
async function exportJoinedCsv(
  client: RedcapConnection,
  request: ExportRecordsOptions,
  dictionary: Promise<DataDictionary>,
): Promise<pl.DataFrame> {
  const bodies: Uint8Array[] = [];
  const expected: BatchIds[] = [];
  const frame = await exportRecordsWith(client, request, (bytes, batch, ids) => {
    checkCsvBody(bytes, "record");
    bodies[batch] = bytes;
    if (ids) expected.push(ids);
    // No columns: exportRecordsWith leaves the record check to the joined frame.
    return pl.DataFrame();
  });
  // Every batch came back as JSON: nothing to join.
  if (bodies.length === 0) return frame;
  const parts = [...bodies.keys()].map((i) => bodies[i]);
  if (parts.some((b) => b === undefined) || frameColumns(frame).length > 0) {
    return exportRecords(client, request);
  }
  const body = joinCsv(parts);
  const coded = codedColumns(await dictionary, csvHeader(body));
  const joined = parseRedcapCsv(body, "record", undefined, coded);
  checkRecordIds(joined, expected.sort((a, b) => a.index - b.index));
  return joined;
}

/** CSV bodies with the same header as one body: the first whole, the others without their
 * header line (and BOM). */
function joinCsv(bodies: readonly Uint8Array[]): Uint8Array {
  if (bodies.length === 1) return bodies[0];
  const headerEnd = (b: Uint8Array) => b.indexOf(10) + 1;
  const skip = bodies.map((b, i) => (i === 0 ? 0 : headerEnd(b)));
  const header = bodies[0].subarray(0, headerEnd(bodies[0]));
  const total = bodies.reduce((n, b, i) => n + b.length - skip[i], 0);
  const out = new Uint8Array(total);
  let at = 0;
  bodies.forEach((b, i) => {
    const own = b.subarray(b[0] === 0xef ? 3 : 0, skip[i] || undefined);
    if (i > 0 && !sameBytes(own, header.subarray(header[0] === 0xef ? 3 : 0))) {
      throw new RedcapResponseError("record", "shape", `batch ${i + 1} has another header`);
    }
    out.set(b.subarray(skip[i]), at);
    at += b.length - skip[i];
  });
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Records per EAV request with `batchSize: "auto"`. An EAV body is about as large as the flat
 * body of the same records, and several batches are in flight at once (being fetched,
 * converted on the worker, typed), so batches are smaller than `exportRecords`' 10,000: at
 * 100,000 demo records this keeps the peak near 900 MiB, where 5,000 reaches 1 GiB (each
 * batch also has a fixed cost of a few milliseconds, so they are not smaller still).
 */
export const EAV_BATCH_SIZE = 2_500;

/** Batches requested ahead of the one being typed, so the worker always has a body to convert
 * (a request only completes when the main thread is free between batches). */
const PREFETCH = 4;

/** Resident memory (MiB) above which a batched read frees dead frames, and the growth (MiB)
 * since the last time that makes it do so again. */
const GC_ABOVE_MIB = 512;
const GC_GROWTH_MIB = 192;

/** Rows of text typed at once by a batched read: casting has a fixed cost per call, so small
 * batches are typed a few at a time (a stack of a few chunks casts as fast as one chunk). */
const TYPE_ROWS = 40_000;

/**
 * Exports in batches of record ids (as `exportRecords` does: ids first, one request when few
 * enough) and casts the batches as they arrive (a few at a time, up to {@linkcode TYPE_ROWS}
 * rows), so only those are ever held as strings; the typed parts are stacked in id order.
 * **prepare** hears how many batches there will be before the first is asked for.
 */
async function readBatched(
  client: RedcapConnection,
  dictionary: DataDictionary,
  options: ReadRecordsOptions,
  exportFlat: (records: string[] | undefined) => Promise<pl.DataFrame>,
  prepare?: (batches: number) => void,
): Promise<ReadRecordsResult> {
  const { batchSize = "auto", signal } = options;
  if (
    batchSize !== "auto" && batchSize !== Infinity &&
    !(Number.isInteger(batchSize) && batchSize >= 1)
  ) {
    throw new RangeError(
      `Cannot read EAV records: "batchSize" must be "auto", Infinity or an integer >= 1, got ${batchSize}`,
    );
  }
  const size = batchSize === "auto" ? EAV_BATCH_SIZE : batchSize;
  const requested = options.records?.map(String);
  if (size === Infinity || (requested && requested.length <= size)) {
    return typedResult(await exportFlat(requested), dictionary, options);
  }
  const id = dictionary.recordIdField;
  let ids: string[];
  if (requested) ids = [...new Set(requested)];
  else {
    ids = await exportRecordIds(client, id, {
      events: options.events,
      filterLogic: options.filterLogic,
    }, signal);
    if (ids.length <= size) return typedResult(await exportFlat(undefined), dictionary, options);
  }
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  prepare?.(batches.length);
  // Batches are typed while the next ones are on their way (and converted, off the main
  // thread, for EAV CSV): text in memory is at most TYPE_ROWS rows plus PREFETCH batches.
  const results: ReadRecordsResult[] = [];
  const collectGarbage = nativeGarbageCollector(GC_ABOVE_MIB, GC_GROWTH_MIB);
  const inFlight: Promise<pl.DataFrame>[] = [];
  let launched = 0;
  const launch = () => {
    const pending = exportFlat(batches[launched++]);
    pending.catch(() => {}); // handled when awaited
    inFlight.push(pending);
  };
  while (inFlight.length < Math.min(PREFETCH, batches.length)) launch();
  const stack = (frames: pl.DataFrame[]) => {
    const rows = frames.filter((f) => frameHeight(f) > 0);
    if (rows.length === 0) return frames[0];
    // No rechunk: copying the stacked batches into one chunk would double the peak.
    return rows.length === 1 ? rows[0] : pl.concat(rows, { how: "vertical", rechunk: false });
  };
  let text: pl.DataFrame[] = [];
  let textRows = 0;
  for (let index = 0; index < batches.length; index++) {
    signal?.throwIfAborted();
    const raw = await inFlight.shift()!;
    if (launched < batches.length) launch();
    if (!requested) checkRecordIds(raw, [listedIds(id, batches[index], index, batches.length)]);
    text.push(raw);
    textRows += frameHeight(raw);
    if (textRows < TYPE_ROWS && index + 1 < batches.length) continue;
    results.push(typedResult(stack(text), dictionary, options));
    text = [];
    textRows = 0;
    collectGarbage();
  }
  const data = withColumnLabels(stack(results.map((r) => r.data)), columnLabels(results[0].data));
  return {
    data,
    invalid: withDisplay(stack(results.map((r) => r.invalid)), displayInvalid),
    missing: withDisplay(stack(results.map((r) => r.missing)), displayMissing),
    notes: [...new Set(results.flatMap((r) => r.notes))],
    dictionary,
  };
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
): Promise<Map<string, pl.DataFrame>> {
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

/**
 * Reads records from an EAV export (`type=eav`, CSV unless **format** says otherwise) and
 * turns them into the frame a flat export gives (CSV bodies byte by byte, on a worker once
 * there is more than one batch; JSON and XML with `pivotEav()`), then types and labels it as
 * {@linkcode readRecords} does, so both give the same frame. REDCap's EAV CSV puts a TAB before
 * values starting with `=`, `-`, `+` or `@` (CSV-injection escaping); it is taken off again.
 * One difference is REDCap's own: a file-upload field holds the stored document id in EAV
 * exports and the file name in flat ones.
 *
 * @example The same frame from EAV
 * ```ts
 * import { readEavRecords, readRecords } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 5 });
 * const options = { fields: ["sex", "sbp", "race", "ae_term"] };
 * const flat = await readRecords(client, options);
 * const eav = await readEavRecords(client, options);
 * deepStrictEqual(eav.data.toRecords(), flat.data.toRecords());
 * ```
 *
 * @param client The client.
 * @param options As for {@linkcode readRecords}.
 * @returns The typed frame, the reports and the dictionary.
 */
export async function readEavRecords(
  client: RedcapConnection,
  options: ReadRecordsOptions = {},
): Promise<ReadRecordsResult> {
  checkReadOptions("read EAV records", options);
  const dictionary = await readDictionary(client, { signal: options.signal });
  const format = options.format ?? "csv";
  const columns = exportColumns(dictionary, options);
  // CSV bodies become flat frames as they arrive (values copied, never decoded); a body in
  // another format, or a JSON retry, is pivoted as a frame.
  const flat = new WeakSet<pl.DataFrame>();
  const converter = new EavCsvConverter(eavCsvPlan(dictionary), columns, true);
  const readCsv = async (bytes: Uint8Array) => {
    const frame = await converter.read(bytes);
    flat.add(frame);
    return frame;
  };
  try {
    return await readBatched(
      client,
      dictionary,
      options,
      (records) => readEav(records),
      (batches) => converter.prepare(batches),
    );
  } finally {
    converter.close();
  }
  async function readEav(records: string[] | undefined): Promise<pl.DataFrame> {
    const eav = await exportRecordsWith(client, {
      type: "eav",
      rawOrLabel: "raw",
      format,
      records,
      fields: withRecordId(dictionary, options),
      forms: options.forms,
      events: options.events,
      filterLogic: options.filterLogic,
      batchSize: Infinity,
      signal: options.signal,
    }, format === "csv" ? readCsv : undefined);
    if (flat.has(eav)) return eav;
    if (frameHeight(eav) === 0) return emptyFrame(columns);
    // A JSON or XML body (also the JSON retry of an empty CSV body): not CSV-injection
    // escaped, so nothing to unescape. REDCap's flat export leaves out an event's base row
    // holding nothing but the record id when repeat instances of the event follow it.
    return selectFrame(pivotEav(eav, dictionary, { flatRows: true }), ...columns);
  }
}
