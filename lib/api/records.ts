/**
 * `content=record`: export (one-shot or batched by record id), import, delete, rename, and
 * `generateNextRecordName`.
 *
 * @module
 */
import { frameColumns, frameHeight } from "../frame.ts";
import pl from "../deps/polars.ts";
import type { RedcapConnection, RequestParams } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { ProgressTracker } from "../_progress.ts";
import { checkCsvBody, csvHeader } from "../parse/csv_rows.ts";
import type { DecimalCharacter, Format, RawOrLabel, RecordType } from "../types.ts";
import {
  checkBoolean,
  checkInteger,
  checkKeys,
  checkList,
  checkOneOf,
  checkString,
  checkTimestamp,
} from "./_check.ts";
import { internals, parseFrame } from "./call.ts";
import { parseRedcapCsv } from "../parse/csv.ts";
import { recordIdField } from "./metadata.ts";
import { eavHasEveryRecord, emptyFlatFrame } from "./_empty_records.ts";

export {
  importRecords,
  type ImportRecordsData,
  type ImportRecordsOptions,
  type ImportRecordsResult,
} from "./records_import.ts";
export {
  deleteRecords,
  type DeleteRecordsOptions,
  generateNextRecordName,
  renameRecord,
  type RenameRecordOptions,
} from "./records_manage.ts";

/** Above this many records, `batchSize: "auto"` exports in batches of this many. */
export const AUTO_BATCH_SIZE = 10_000;

/** Options for {@linkcode exportRecords}. */
export interface ExportRecordsOptions {
  /** Only these records. By default, every record. */
  records?: readonly (string | number)[];
  /** Only these fields (checkbox fields by base name). By default, every field. REDCap leaves
   * out the record id and `redcap_event_name` unless the record-id field is listed. */
  fields?: readonly string[];
  /** Only the fields of these instruments. */
  forms?: readonly string[];
  /** Only these events (unique event names; longitudinal projects). */
  events?: readonly string[];
  /** One row per record-event-instance (*flat*) or one per stored value (*eav*).
   * @default {"flat"}
   */
  type?: RecordType;
  /** Coded values (*raw*) or their labels (*label*).
   * @default {"raw"}
   */
  rawOrLabel?: RawOrLabel;
  /** Field names (*raw*) or labels (*label*) as column names; flat CSV only. Labels repeat
   * (e.g. `Complete?`); Polars renames repeats `<label>_duplicated_<n>`.
   * @default {"raw"}
   */
  rawOrLabelHeaders?: RawOrLabel;
  /** With `rawOrLabel: "label"`: a checked option as its label, unchecked blank.
   * @default {false}
   */
  exportCheckboxLabel?: boolean;
  /** Add `redcap_survey_identifier` and `{form}_timestamp` columns.
   * @default {false}
   */
  exportSurveyFields?: boolean;
  /** Add `redcap_data_access_group`.
   * @default {false}
   */
  exportDataAccessGroups?: boolean;
  /** REDCap logic, e.g. `[age] >= 18`. */
  filterLogic?: string;
  /** Only records changed since (`YYYY-MM-DD HH:MM:SS` or a Date, server time). */
  dateRangeBegin?: string | Date;
  /** Only records changed before (`YYYY-MM-DD HH:MM:SS` or a Date, server time). */
  dateRangeEnd?: string | Date;
  /** Decimal mark of number fields. By default, each field's own. */
  decimalCharacter?: DecimalCharacter;
  /** Blank instead of `0` for forms never saved.
   * @default {false}
   */
  exportBlankForGrayFormStatus?: boolean;
  /** One column per checkbox field, checked codes comma-joined.
   * @default {false}
   */
  combineCheckboxOptions?: boolean;
  /** Wire format; the frame is the same in each (an empty flat export, whether REDCap sent an
   * empty body, a header alone or `[]`, has the columns the header would have had, from the
   * data dictionary; an empty EAV export has none). Flat exports default to csv, EAV to json
   * (EAV CSV is injection-escaped).
   * @default {"csv" for flat, "json" for eav}
   */
  format?: Format;
  /**
   * Records per request. *auto*: export the record ids first, then everything in one request
   * up to {@linkcode AUTO_BATCH_SIZE} records, else in batches of that size; `Infinity`: one
   * request, no id check. Batches run `concurrency` at a time, every exported id must come
   * back (in EAV exports: when they hold the record-id field, as records without stored values
   * for the fields asked for have no EAV rows), and the batches are stacked in id order.
   * @default {"auto"}
   */
  batchSize?: number | "auto";
  /** Cancels the export. */
  signal?: AbortSignal;
}

const EXPORT_KEYS = [
  "records",
  "fields",
  "forms",
  "events",
  "type",
  "rawOrLabel",
  "rawOrLabelHeaders",
  "exportCheckboxLabel",
  "exportSurveyFields",
  "exportDataAccessGroups",
  "filterLogic",
  "dateRangeBegin",
  "dateRangeEnd",
  "decimalCharacter",
  "exportBlankForGrayFormStatus",
  "combineCheckboxOptions",
  "format",
  "batchSize",
  "signal",
];

/**
 * Exports records (`content=record`) as a DataFrame whose columns are all strings (Utf8),
 * exactly as REDCap sent them: record ids keep leading zeros, blank values are `null`. Large
 * exports are split by record id (see **batchSize**).
 *
 * @example Export two fields
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const df = await client.exportRecords({ fields: ["record_id"] });
 * strictEqual(df.columns[0], "record_id");
 * ```
 *
 * @param client The client.
 * @param options Which records and fields, and how to encode them.
 * @returns One row per record-event-instance (flat) or per value (eav).
 * @throws {RangeError} For an option value REDCap would silently replace.
 * @throws {RedcapResponseError} When a batch misses ids the id export listed.
 */
export async function exportRecords(
  client: RedcapConnection,
  options: ExportRecordsOptions = {},
): Promise<pl.DataFrame> {
  // Each body is parsed as it arrives, inside the request, so a body that does not parse (cut
  // short inside a quoted value, yet ended by a line break) is asked again like any garbled one.
  const parsed = new Map<Uint8Array, pl.DataFrame>();
  const bodies = recordBodies(client, exportPlan(options), (part) => {
    parsed.set(part.body, parseRecordBody(part));
  });
  const frames: pl.DataFrame[] = [];
  for await (const part of bodies) {
    const frame = parsed.get(part.body)!;
    parsed.delete(part.body);
    if (part.expectedIds) checkRecordIds(frame, [part.expectedIds]);
    frames.push(frame);
  }
  const frame = stack(frames);
  // No record matched: REDCap 14+ sends an empty CSV body (older versions the header alone),
  // JSON `[]`. Every format gives the columns the header would have had.
  if (
    frameColumns(frame).length > 0 || (options.type ?? "flat") !== "flat" ||
    options.rawOrLabelHeaders === "label"
  ) return frame;
  return await emptyFlatFrame(client, options);
}

/** The records a batch must hold, in column **column**: how many, and which (listed only to
 * name the missing ones). */
export interface BatchIds {
  /** The column holding the record id (`record` in EAV bodies). */
  column: string;
  /** How many distinct records. */
  count: number;
  /** Which records (listed when some are missing, to name them). */
  ids(): readonly string[];
  /** The batch's place (0-based), for the error message. */
  index: number;
  /** The number of batches, for the error message. */
  total: number;
}

/** The {@linkcode BatchIds} of a batch that asked for **ids** by name. */
export function listedIds(
  column: string,
  ids: readonly string[],
  index: number,
  total: number,
): BatchIds {
  return { column, count: ids.length, ids: () => ids, index, total };
}

/** One answer body of a record export, as REDCap sent it (see {@linkcode exportRecordBodies}). */
export interface RecordBody {
  /** The body. A CSV body is whole: not empty, not JSON or XML, ended by a line break; a JSON
   * or XML body ends with its closing bracket or tag. */
  body: Uint8Array;
  /** The body's format: the one asked for, or `json` for the JSON retry of an empty CSV body. */
  format: Format;
  /** The batch's place (0-based). */
  batch: number;
  /** The number of batches. */
  batches: number;
  /** The records the body must hold, checked by the reader ({@linkcode checkRecordIds}) once
   * it is a frame; none when nothing can be checked (one request asked for, or an EAV export
   * without the record-id field). */
  expectedIds?: BatchIds;
}

/**
 * The answer bodies of a record export, in batch (record id) order, for a reader that turns
 * them into frames its own way: `exportRecords()` parses each and stacks them, `readRecords()`
 * joins the CSV bodies under one header and parses them once, `readEavRecords()` converts EAV
 * CSV to flat rows. The requests are those `exportRecords()` sends (see **batchSize**), up to
 * the client's `concurrency` at a time and at most that many bodies held ahead of the
 * reader, so a reader's work overlaps the next requests. A body that is empty, cut short or in
 * the wrong format counts as a failed request and is asked again (the client's retries); an
 * empty CSV body is asked again in JSON at once. Options are checked when this is called.
 *
 * @example The bodies of a small export
 * ```ts
 * import { exportRecordBodies } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 5 });
 * let bodies = 0;
 * for await (const part of exportRecordBodies(client, { fields: ["record_id"] })) {
 *   strictEqual(part.format, "csv");
 *   strictEqual(part.expectedIds?.count, 5);
 *   bodies++;
 * }
 * strictEqual(bodies, 1);
 * ```
 *
 * @param client The client.
 * @param options As for `exportRecords()`.
 * @returns The bodies, one per batch, in order.
 * @throws {RangeError} For an option value REDCap would silently replace.
 */
export function exportRecordBodies(
  client: RedcapConnection,
  options: ExportRecordsOptions = {},
): AsyncIterable<RecordBody> {
  const plan = exportPlan(options);
  return { [Symbol.asyncIterator]: () => recordBodies(client, plan) };
}

/** Reads one {@linkcode RecordBody} as a frame of strings, as `exportRecords()` does. */
export function parseRecordBody(part: Pick<RecordBody, "body" | "format">): pl.DataFrame {
  if (part.format === "csv") return parseRedcapCsv(part.body, "record");
  let text: string | undefined;
  return parseFrame("record", part.format, {
    headers: new Headers(),
    bytes: part.body,
    text: () => text ??= new TextDecoder().decode(part.body),
  });
}

/** The checked options of an export. */
type ExportPlan = ReturnType<typeof exportPlan>;

function exportPlan(options: ExportRecordsOptions) {
  const action = "export records";
  checkKeys(action, options, EXPORT_KEYS);
  const type = checkOneOf(action, "type", options.type, ["flat", "eav"]) ?? "flat";
  const format = checkOneOf(action, "format", options.format, ["csv", "json", "xml"]) ??
    (type === "flat" ? "csv" : "json");
  const rawOrLabelHeaders = checkOneOf(action, "rawOrLabelHeaders", options.rawOrLabelHeaders, [
    "raw",
    "label",
  ]);
  if (rawOrLabelHeaders === "label" && (format !== "csv" || type !== "flat")) {
    throw new RangeError(
      `Cannot ${action}: "rawOrLabelHeaders" "label" needs format "csv" and type "flat"`,
    );
  }
  const rawOrLabel = checkOneOf(action, "rawOrLabel", options.rawOrLabel, ["raw", "label"]);
  const exportCheckboxLabel = checkBoolean(
    action,
    "exportCheckboxLabel",
    options.exportCheckboxLabel,
  );
  if (exportCheckboxLabel && rawOrLabel !== "label") {
    throw new RangeError(`Cannot ${action}: "exportCheckboxLabel" needs "rawOrLabel" "label"`);
  }
  const records = checkList(action, "records", options.records);
  const base = {
    content: "record",
    format,
    type,
    fields: checkList(action, "fields", options.fields),
    forms: checkList(action, "forms", options.forms),
    events: checkList(action, "events", options.events),
    rawOrLabel,
    rawOrLabelHeaders,
    exportCheckboxLabel,
    exportSurveyFields: checkBoolean(action, "exportSurveyFields", options.exportSurveyFields),
    exportDataAccessGroups: checkBoolean(
      action,
      "exportDataAccessGroups",
      options.exportDataAccessGroups,
    ),
    filterLogic: checkString(action, "filterLogic", options.filterLogic),
    dateRangeBegin: checkTimestamp(action, "dateRangeBegin", options.dateRangeBegin),
    dateRangeEnd: checkTimestamp(action, "dateRangeEnd", options.dateRangeEnd),
    decimalCharacter: checkOneOf(action, "decimalCharacter", options.decimalCharacter, [",", "."]),
    exportBlankForGrayFormStatus: checkBoolean(
      action,
      "exportBlankForGrayFormStatus",
      options.exportBlankForGrayFormStatus,
    ),
    combineCheckboxOptions: checkBoolean(
      action,
      "combineCheckboxOptions",
      options.combineCheckboxOptions,
    ),
  } as const;
  const batchSize = options.batchSize ?? "auto";
  if (
    batchSize !== "auto" && batchSize !== Infinity &&
    checkInteger(action, "batchSize", batchSize, 1) === undefined
  ) {
    throw new RangeError(
      `Cannot ${action}: "batchSize" must be "auto", Infinity or an integer >= 1`,
    );
  }
  const size = batchSize === "auto" ? AUTO_BATCH_SIZE : batchSize;
  return { base, records, size, signal: options.signal };
}

/** A check of a body inside its request (a {@linkcode RedcapResponseError} retries it). */
type BodyCheck = (part: { body: Uint8Array; format: Format }) => void;

async function* recordBodies(
  client: RedcapConnection,
  { base, records, size, signal }: ExportPlan,
  check?: BodyCheck,
): AsyncGenerator<RecordBody> {
  const inner = internals(client);
  const rows = (got: { body: Uint8Array; format: Format }) =>
    // Counted only for a listener (a bar is drawn for batches only).
    inner.progress.onProgress ? countRows(got) : 0;
  const tracker = new ProgressTracker("record", 1, inner.progress);
  try {
    // One request: asked for, or few enough records named.
    if (size === Infinity || (records && records.length <= size)) {
      const got = await requestRecordBody(client, { ...base, records }, signal, check);
      tracker.step(got.body.length, rows(got));
      yield { ...got, batch: 0, batches: 1 };
      return;
    }
    let ids: string[];
    let idColumn: string | undefined;
    if (records) {
      ids = [...new Set(records)];
    } else {
      const idField = await recordIdField(client, signal);
      const exported = await exportIdColumn(
        client,
        idField,
        {
          events: base.events,
          filterLogic: base.filterLogic,
          dateRangeBegin: base.dateRangeBegin,
          dateRangeEnd: base.dateRangeEnd,
        },
        signal,
        tracker,
      );
      // Flat bodies are checked by the record-id column. EAV rows exist only for stored
      // values (REDCap's EAV export skips blanks), so an EAV body has a row for every record
      // only when it holds the record-id field, which REDCap stores in every event with data
      // (its EAV CSV names the column `record`); otherwise records without values for the
      // fields asked for have no rows, and nothing can be checked.
      idColumn = base.type !== "eav"
        ? idField
        : await eavHasEveryRecord(client, idField, base.fields, base.forms, signal)
        ? "record"
        : undefined;
      // More rows than a batch holds: list the ids at once (listing them gives the count).
      const listed = exported.len() > size ? distinctIds(exported) : undefined;
      const count = listed?.length ?? exported.nUnique() - (exported.nullCount() > 0 ? 1 : 0);
      if (count <= size) {
        // Few enough: one request with the same filters (no long id list), then the id check
        // by count (the ids are listed only to name missing ones).
        tracker.total = 2;
        const got = await requestRecordBody(client, { ...base }, signal, check);
        const expectedIds = idColumn === undefined ? undefined : {
          column: idColumn,
          count,
          ids: () => listed ?? distinctIds(exported),
          index: 0,
          total: 1,
        };
        tracker.step(got.body.length, expectedIds ? count : rows(got));
        yield { ...got, batch: 0, batches: 1, expectedIds };
        return;
      }
      ids = listed ?? distinctIds(exported);
    }
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
    tracker.total = batches.length + (records ? 0 : 1);
    yield* inOrder(batches.length, inner.concurrency, signal, async (index) => {
      const batch = batches[index];
      const got = await requestRecordBody(client, { ...base, records: batch }, signal, check);
      tracker.step(got.body.length, batch.length);
      return {
        ...got,
        batch: index,
        batches: batches.length,
        expectedIds: idColumn ? listedIds(idColumn, batch, index, batches.length) : undefined,
      };
    });
  } finally {
    tracker.finish();
  }
}

/** Rows of a body without known record ids, for progress: CSV lines after the header (a value
 * holding a line break counts twice), JSON or XML not counted. */
function countRows({ body, format }: { body: Uint8Array; format: Format }): number {
  if (format !== "csv") return 0;
  let lines = 0;
  for (let at = body.indexOf(10); at >= 0; at = body.indexOf(10, at + 1)) lines++;
  return Math.max(0, lines - 1);
}

/**
 * Runs `task` for indexes 0 to count - 1, at most `limit` at a time and at most `limit` results
 * ahead of the one the reader has, and yields the results in index order (a later task may finish
 * first). The first failure stops new tasks and is thrown in its turn.
 */
async function* inOrder<R>(
  count: number,
  limit: number,
  signal: AbortSignal | undefined,
  task: (index: number) => Promise<R>,
): AsyncGenerator<R> {
  const results: Promise<R>[] = [];
  let launched = 0;
  let running = 0;
  let yielded = 0;
  let stopped = false;
  const launch = () => {
    while (!stopped && launched < count && running < limit && launched - yielded <= limit) {
      running++;
      const result = task(launched++);
      result.then(() => {
        running--;
        launch();
      }, () => {
        running--;
        stopped = true;
      });
      results.push(result);
    }
  };
  try {
    for (; yielded < count; yielded++) {
      signal?.throwIfAborted();
      launch();
      const result = await results[yielded];
      delete results[yielded];
      yield result;
    }
  } finally {
    stopped = true;
  }
}

/** What narrows an export of record ids. */
export interface RecordIdFilters {
  events?: readonly string[];
  filterLogic?: string;
  dateRangeBegin?: string | Date;
  dateRangeEnd?: string | Date;
}

/**
 * The distinct record ids an export would hold, in export order: a flat CSV export of the
 * record-id field alone, of which only the id column is read. It counts as one step of
 * **tracker** (its own when none is given).
 *
 * @throws {TypeError} For a filter of the wrong type (as `exportRecords` checks it).
 * @throws {RedcapResponseError} When the answer has no record-id column.
 */
export async function exportRecordIds(
  client: RedcapConnection,
  idField: string,
  filters: RecordIdFilters,
  signal?: AbortSignal,
  tracker?: ProgressTracker,
): Promise<string[]> {
  return distinctIds(await exportIdColumn(client, idField, filters, signal, tracker));
}

/** The distinct ids of an id column, in order, without null. */
function distinctIds(column: pl.Series): string[] {
  if (column.len() === 0) return [];
  return (column.unique({ maintainOrder: true }).toArray() as (string | null)[])
    .filter((id): id is string => id !== null);
}

/** The record-id column of {@linkcode exportRecordIds}'s export, one value per row. */
async function exportIdColumn(
  client: RedcapConnection,
  idField: string,
  filters: RecordIdFilters,
  signal?: AbortSignal,
  tracker?: ProgressTracker,
): Promise<pl.Series> {
  const own = tracker ?? new ProgressTracker("record", 1, internals(client).progress);
  try {
    let idFrame = pl.DataFrame();
    const got = await requestRecordBody(
      client,
      {
        content: "record",
        format: "csv",
        type: "flat",
        fields: [idField],
        events: checkList("export records", "events", filters.events),
        filterLogic: checkString("export records", "filterLogic", filters.filterLogic),
        dateRangeBegin: checkTimestamp("export records", "dateRangeBegin", filters.dateRangeBegin),
        dateRangeEnd: checkTimestamp("export records", "dateRangeEnd", filters.dateRangeEnd),
      },
      signal,
      (part) => {
        // Parsed inside the request: a body that does not parse is asked again.
        idFrame = part.format === "csv"
          // Only the id column is read (the rest of each line is skipped).
          ? parseRedcapCsv(
            part.body,
            "record",
            csvHeader(part.body)[0] === idField ? [idField] : undefined,
          )
          : parseRecordBody(part);
      },
    );
    own.step(got.body.length, 0);
    // No record: an empty CSV body (REDCap 14+), read again as JSON `[]`.
    if (frameColumns(idFrame).length === 0) return pl.Series(idField, [], pl.Utf8);
    if (frameColumns(idFrame)[0] !== idField) {
      throw new RedcapResponseError("record", "shape", `the id export has no "${idField}" column`);
    }
    return idFrame.getColumn(idField);
  } finally {
    if (!tracker) own.finish();
  }
}

/**
 * One record request, its body checked whole inside the transport (so a body cut short is a
 * failed request, and retried). An empty CSV body is ambiguous: a failure under load (rAPI
 * #280), or an empty result from servers that send no header (REDCap 14+, REDCapR #624). The
 * same request is then asked in JSON, where an empty result is `[]` and a failure stays empty
 * (and is retried as usual).
 */
async function requestRecordBody(
  client: RedcapConnection,
  params: RequestParams & { format: Format },
  signal: AbortSignal | undefined,
  check?: BodyCheck,
): Promise<{ body: Uint8Array; format: Format }> {
  const send = (format: Format, allowEmpty: boolean) =>
    internals(client).send(
      { params: { ...params, format, returnFormat: "json" }, retry: true, signal, allowEmpty },
      (response) => {
        const bytes = response.bytes;
        if (format === "csv") {
          if (bytes.length === 0) throw new EmptyCsvBody();
          checkCsvBody(bytes, "record");
        } else checkClosed(bytes, format);
        check?.({ body: bytes, format });
        return { body: bytes, format };
      },
    );
  if (params.format !== "csv") return await send(params.format, false);
  try {
    return await send("csv", true);
  } catch (error) {
    if (!(error instanceof EmptyCsvBody)) throw error;
    // Asked in JSON at once (not after the transport's retries and their waits): an empty
    // result costs two requests.
    return await send("json", false);
  }
}

/** A JSON body ends with `]` or `}`, an XML one with `>` (after white space): else it was cut
 * short. */
function checkClosed(bytes: Uint8Array, format: Format): void {
  let end = bytes.length - 1;
  while (end >= 0 && bytes[end] <= 32) end--;
  const last = bytes[end];
  if (format === "xml" ? last === 62 : last === 93 || last === 125) return;
  throw new RedcapResponseError(
    "record",
    bytes.length === 0 ? "empty" : "truncated",
    `the ${format.toUpperCase()} body ${bytes.length === 0 ? "is empty" : "was cut short"}`,
  );
}

/** An empty CSV body, thrown past the transport (which would repeat a `RedcapError`). */
class EmptyCsvBody extends Error {}

/**
 * Throws when a frame lacks records one of **batches** asked for (deleted or renamed since the
 * id export, or the answer was cut short), naming the first such batch. The frame may hold
 * several batches (their bodies read as one); one without the batches' id column is not
 * checked (the field list left the id out).
 */
export function checkRecordIds(frame: pl.DataFrame, batches: readonly BatchIds[]): void {
  if (batches.length === 0 || !frameColumns(frame).includes(batches[0].column)) return;
  const column = frame.getColumn(batches[0].column);
  const expected = batches.reduce((n, b) => n + b.count, 0);
  // REDCap returns only requested records, so as many distinct ids as asked means all came.
  if (frameHeight(frame) > 0 && column.nUnique() === expected) return;
  const got = new Set(frameHeight(frame) ? column.unique().toArray() as string[] : []);
  for (const batch of batches) {
    const { index, total } = batch;
    const ids = batch.ids();
    const missing = ids.filter((id) => !got.has(id));
    if (missing.length === 0) continue;
    const shown = missing.slice(0, 5).map((id) => `"${id}"`).join(", ");
    throw new RedcapResponseError(
      "record",
      "truncated",
      `batch ${
        index + 1
      } of ${total} lacks ${missing.length} of its ${ids.length} records (${shown}${
        missing.length > 5 ? ", …" : ""
      }); they were deleted or renamed during the export, or the answer was cut short`,
    );
  }
}

/** Stacks frames: vertically when the columns agree, else by column name (EAV JSON varies). */
function stack(frames: pl.DataFrame[]): pl.DataFrame {
  const nonEmpty = frames.filter((f) => frameColumns(f).length > 0);
  if (nonEmpty.length === 0) return frames[0] ?? pl.DataFrame();
  if (nonEmpty.length === 1) return nonEmpty[0];
  const columns = frameColumns(nonEmpty[0]).join("\u0000");
  const same = nonEmpty.every((f) => frameColumns(f).join("\u0000") === columns);
  const rows = nonEmpty.filter((f) => frameHeight(f) > 0);
  if (rows.length === 0) return nonEmpty[0];
  if (same) {
    return rows.length === 1 ? rows[0] : pl.concat(rows, { how: "vertical", rechunk: false });
  }
  return pl.concat(rows, { how: "diagonal", rechunk: false });
}
