/**
 * {@linkcode readEavRecords}: an EAV export, converted to flat rows as it arrives (off the main
 * thread for CSV), typed like {@linkcode readRecords}.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { columnLabels, withColumnLabels } from "../transform/label.ts";
import { pivotEav } from "../transform/eav.ts";
import { eavCsvPlan } from "../parse/eav_csv.ts";
import { EavCsvConverter } from "../parse/eav_converter.ts";
import {
  checkRecordIds,
  exportRecordBodies,
  exportRecordIds,
  listedIds,
  parseRecordBody,
} from "../api/records.ts";
import { frameHeight, selectFrame } from "../frame.ts";
import { nativeGarbageCollector } from "../_native_gc.ts";
import { displayInvalid, displayMissing } from "../jupyter/reports.ts";
import { readDictionary } from "./dictionary.ts";
import {
  checkReadOptions,
  emptyFrame,
  exportColumns,
  type ReadRecordsOptions,
  type ReadRecordsResult,
  typedResult,
  withDisplay,
  withRecordId,
  withWarnings,
} from "./_typed.ts";
import { checkNames } from "../dictionary/check_names.ts";

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
export const PREFETCH = 4;

/** Resident memory (MiB) above which a batched read frees dead frames, and the growth (MiB)
 * since the last time that makes it do so again. */
export const GC_ABOVE_MIB = 512;
export const GC_GROWTH_MIB = 192;

/** Rows of text typed at once by a batched read: casting has a fixed cost per call, so small
 * batches are typed a few at a time (a stack of a few chunks casts as fast as one chunk). */
export const TYPE_ROWS = 40_000;

/**
 * Exports in batches of record ids (as `exportRecords` does: ids first, one request when few
 * enough) and casts the batches as they arrive (a few at a time, up to {@linkcode TYPE_ROWS}
 * rows), so only those are ever held as strings; the typed parts are stacked in id order.
 * **prepare** hears how many batches there will be before the first is asked for.
 */
export async function readBatched(
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
      dateRangeBegin: options.dateRangeBegin,
      dateRangeEnd: options.dateRangeEnd,
    }, signal);
    if (ids.length <= size) {
      // One request with the same filters: every id exported must be in it (a body cut short
      // at a line boundary still parses).
      const raw = await exportFlat(undefined);
      checkRecordIds(raw, [listedIds(id, ids, 0, 1)]);
      return typedResult(raw, dictionary, options);
    }
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
  if (options.exportDataAccessGroups || options.exportSurveyFields) {
    throw new TypeError(
      "Cannot read EAV records: exportDataAccessGroups and exportSurveyFields are for readRecords (flat exports)",
    );
  }
  const dictionary = await readDictionary(client, { signal: options.signal });
  checkNames(dictionary, options, "read EAV records");
  const format = options.format ?? "csv";
  const columns = exportColumns(dictionary, options);
  // CSV bodies become flat frames as they arrive (values copied, never decoded); a body in
  // another format, or a JSON retry, is pivoted as a frame.
  const converter = new EavCsvConverter(eavCsvPlan(dictionary), columns, true);
  try {
    return withWarnings(
      await readBatched(
        client,
        dictionary,
        options,
        (records) => readEav(records),
        (batches) => converter.prepare(batches),
      ),
      options,
    );
  } finally {
    converter.close();
  }
  async function readEav(records: string[] | undefined): Promise<pl.DataFrame> {
    // One request per call (readBatched batches): one body.
    const bodies = exportRecordBodies(client, {
      type: "eav",
      rawOrLabel: "raw",
      format,
      records,
      fields: withRecordId(dictionary, options),
      forms: options.forms,
      events: options.events,
      filterLogic: options.filterLogic,
      dateRangeBegin: options.dateRangeBegin,
      dateRangeEnd: options.dateRangeEnd,
      batchSize: Infinity,
      signal: options.signal,
    });
    for await (const part of bodies) {
      if (part.format === "csv") return await converter.read(part.body);
      const eav = parseRecordBody(part);
      if (frameHeight(eav) === 0) return emptyFrame(columns);
      // A JSON or XML body (also the JSON retry of an empty CSV body): not CSV-injection
      // escaped, so nothing to unescape. REDCap's flat export leaves out an event's base row
      // holding nothing but the record id when repeat instances of the event follow it.
      return selectFrame(pivotEav(eav, dictionary, { flatRows: true }), ...columns);
    }
    return emptyFrame(columns);
  }
}
