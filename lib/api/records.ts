/**
 * `content=record`: export (one-shot or batched by record id), import, delete, rename, and
 * `generateNextRecordName`.
 *
 * @module
 */
import { frameColumns, frameHeight } from "../frame.ts";
import pl from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { ProgressTracker } from "../_progress.ts";
import { csvHeader } from "../parse/csv_rows.ts";
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
import { type CsvReader, internals, requestFrame as requestTableFrame } from "./call.ts";
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
  const frame = await exportRecordsWith(client, options);
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
  column: string;
  count: number;
  ids(): readonly string[];
  /** The batch's place (0-based) and the number of batches, for the error message. */
  index: number;
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

/** Reads the CSV body of batch **batch** as a frame; **expected**: the records the frame is
 * checked for (by its record-id column), when it is. A frame without the record-id column is
 * not checked: a reader that keeps the body for later checks it itself
 * ({@linkcode checkRecordIds}). */
export type BatchCsvReader = (
  bytes: Uint8Array,
  batch: number,
  expected: BatchIds | undefined,
) => pl.DataFrame | Promise<pl.DataFrame>;

/**
 * {@linkcode exportRecords}, with each CSV body read by **readCsv** instead of
 * `parseRedcapCsv()` (`readEavRecords()` turns EAV bodies into flat frames as they arrive,
 * `readRecords()` joins the bodies and parses them once). Bodies in other formats, and the
 * JSON retry of an empty CSV body, are read as usual.
 */
export async function exportRecordsWith(
  client: RedcapConnection,
  options: ExportRecordsOptions = {},
  readCsv?: BatchCsvReader,
): Promise<pl.DataFrame> {
  const readBatch = (batch: number, expected: BatchIds | undefined): CsvReader | undefined =>
    readCsv && ((bytes) => readCsv(bytes, batch, expected));
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
  const { signal } = options;
  const inner = internals(client);
  const tracker = new ProgressTracker("record", 1, inner.progress);
  const step = (bytes: number, rows: number) => tracker.step(bytes, rows);

  try {
    // One request: asked for, or few enough records named.
    if (size === Infinity || (records && records.length <= size)) {
      return await requestRecordFrame(
        client,
        { params: { ...base, records }, retry: true, signal },
        step,
        readBatch(0, undefined),
      );
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
      // A reader's frames are flat (readEavRecords): checked by the record-id column. EAV rows
      // exist only for stored values (REDCap's EAV export skips blanks), so an EAV body has a
      // row for every record only when it holds the record-id field, which REDCap stores in
      // every event with data; otherwise records without values for the fields asked for
      // have no rows, and nothing can be checked.
      idColumn = type !== "eav" || readCsv
        ? idField
        : await eavHasEveryRecord(client, idField, base.fields, base.forms, signal)
        ? "record"
        : undefined;
      const count = exported.nUnique() - (exported.nullCount() > 0 ? 1 : 0);
      if (count <= size) {
        // Few enough: one request with the same filters (no long id list), then the id check
        // by count (the ids are listed only to name missing ones).
        tracker.total = 2;
        if (idColumn === undefined) {
          return await requestRecordFrame(
            client,
            { params: { ...base }, retry: true, signal },
            (bytes, rows) => tracker.step(bytes, rows),
            readBatch(0, undefined),
          );
        }
        const expected = {
          column: idColumn,
          count,
          ids: () => distinctIds(exported),
          index: 0,
          total: 1,
        };
        const frame = await requestRecordFrame(
          client,
          { params: { ...base }, retry: true, signal },
          (bytes) => tracker.step(bytes, count),
          readBatch(0, expected),
        );
        checkRecordIds(frame, [expected]);
        return frame;
      }
      ids = distinctIds(exported);
    }
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
    tracker.total = batches.length + (records ? 0 : 1);
    const frames = await pool(batches, inner.concurrency, signal, async (batch, index) => {
      const expected = idColumn ? listedIds(idColumn, batch, index, batches.length) : undefined;
      const frame = await requestRecordFrame(
        client,
        { params: { ...base, records: batch }, retry: true, signal },
        (bytes) => tracker.step(bytes, batch.length),
        readBatch(index, expected),
      );
      if (expected) checkRecordIds(frame, [expected]);
      return frame;
    });
    return stack(frames);
  } finally {
    tracker.finish();
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
    const idFrame = await requestRecordFrame(
      client,
      {
        params: {
          content: "record",
          format: "csv",
          type: "flat",
          fields: [idField],
          events: checkList("export records", "events", filters.events),
          filterLogic: checkString("export records", "filterLogic", filters.filterLogic),
          dateRangeBegin: checkTimestamp(
            "export records",
            "dateRangeBegin",
            filters.dateRangeBegin,
          ),
          dateRangeEnd: checkTimestamp("export records", "dateRangeEnd", filters.dateRangeEnd),
        },
        retry: true,
        signal,
      },
      (bytes) => own.step(bytes, 0),
      (bytes) =>
        // Only the id column is read (the rest of each line is skipped).
        parseRedcapCsv(bytes, "record", csvHeader(bytes)[0] === idField ? [idField] : undefined),
    );
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
 * One record request. An empty CSV body is ambiguous: a failure under load (rAPI #280), or an
 * empty result from servers that send no header (REDCap 14+, REDCapR #624). The same request
 * is then asked in JSON, where an empty result is `[]` and a failure stays empty (and is
 * retried as usual).
 */
async function requestRecordFrame(
  client: RedcapConnection,
  spec: Parameters<typeof requestTableFrame>[1],
  onDone: (bytes: number, rows: number) => void,
  readCsv?: CsvReader,
): Promise<pl.DataFrame> {
  if (spec.params.format !== "csv") return await requestTableFrame(client, spec, onDone, readCsv);
  const read = readCsv ?? ((bytes: Uint8Array) => parseRedcapCsv(bytes, "record"));
  try {
    return await requestTableFrame(
      client,
      { ...spec, allowEmpty: true },
      onDone,
      (bytes) => {
        if (bytes.length === 0) throw new EmptyCsvBody();
        return read(bytes);
      },
    );
  } catch (error) {
    if (!(error instanceof EmptyCsvBody)) throw error;
    // Asked in JSON at once (not after the transport's retries and their waits): an empty
    // result costs two requests.
    return await requestTableFrame(
      client,
      { ...spec, params: { ...spec.params, format: "json" } },
      onDone,
    );
  }
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

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of results. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      signal?.throwIfAborted();
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
