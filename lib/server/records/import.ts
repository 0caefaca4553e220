/**
 * Record import: the one code path that writes record data, used by `content=record` imports
 * and by the project loader. It checks everything REDCap checks, collects every problem, and
 * writes nothing unless the whole import is valid. This file orchestrates the three steps:
 * `_import_columns.ts` (what each column is), `_import_check.ts` (REDCap's checks, every problem
 * collected) and `_import_write.ts` (the write, logging and recalculation).
 *
 * @module
 */
import { ApiError } from "../_http.ts";
import type { RedcapStore } from "../store.ts";
import { tableOfObjects } from "./parse_import.ts";
import { classifyColumns, type ImportCells, type ImportOptions } from "./_import_columns.ts";
import { ImportRun } from "./_import_check.ts";
import { RowWriter } from "./_import_write.ts";

export type { DateFormat } from "../../dictionary/validate.ts";
export type { ImportCells, ImportOptions } from "./_import_columns.ts";

/** What an import did. */
export interface ImportResult {
  /** Number of distinct records touched. */
  count: number;
  /** Names of the records touched, in order of first appearance. */
  ids: string[];
  /** With `forceAutoNumber`: `[new name, name given in the data]` per record. */
  autoIds: [string, string][];
  /** With `acceptInvalid`: the values kept although they fail validation, as
   * `[record, field, value, message]`. */
  invalid?: [string, string, string, string][];
}

/**
 * Imports flat rows (REDCap's import shape: one row per record, event and repeat instance, raw
 * values as strings) into a project. Everything is checked first and every problem collected;
 * on any problem nothing is written and an {@linkcode ApiError} (400) carries REDCap's message:
 * `"record","field","value","message"` lines, or one whole-request message (unknown fields,
 * invalid events, ...). Calculated fields are recomputed after the write.
 *
 * @example Import two records, then a bad value
 * ```ts
 * import { fieldMetadata, importFlatRows, RedcapStore } from "denocap/server";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const projectId = store.createProject({
 *   info: { project_title: "Example" },
 *   metadata: [
 *     fieldMetadata({ field_name: "record_id", form_name: "intake", field_type: "text" }),
 *     fieldMetadata({
 *       field_name: "age", form_name: "intake", field_type: "text",
 *       text_validation_type_or_show_slider_number: "integer",
 *     }),
 *   ],
 *   instruments: [{ instrument_name: "intake", instrument_label: "Intake" }],
 *   arms: [], events: [], formEventMapping: [], repeating: [], dags: [], surveys: [],
 *   users: [], records: [], longitudinal: false,
 * });
 * const result = importFlatRows(store, projectId, [
 *   { record_id: "1", age: "30" },
 *   { record_id: "2", age: "41" },
 * ], { username: "alice" });
 * deepStrictEqual(result.ids, ["1", "2"]);
 * throws(() => importFlatRows(store, projectId, [{ record_id: "3", age: "x" }], { username: "alice" }));
 * ```
 *
 * @param store The store.
 * @param projectId The project to import into.
 * @param rows Flat rows keyed by export column names.
 * @param options Import behaviour.
 * @returns How many and which records were touched.
 */
export function importFlatRows(
  store: RedcapStore,
  projectId: number,
  rows: readonly Record<string, string>[],
  options: ImportOptions,
): ImportResult {
  const table = tableOfObjects(rows);
  return importRecordRows(store, projectId, table.header, table.rows, options);
}

/** Rows validated and written per chunk (a chunk ends where a record does). */
const CHUNK_ROWS = 2000;
/**
 * Rows per chunk of trusted rows (`ImportOptions.trusted`, the demo's, grouped by record): a
 * smaller chunk's rows stay in the processor's caches between the check and the write, and fewer
 * of them are alive when the garbage collector runs (about 5% less CPU for the demo's load).
 */
const TRUSTED_CHUNK_ROWS = 250;

/**
 * Imports rows given as cells under one header, the way {@linkcode importFlatRows} imports
 * objects, but a chunk at a time: rows are validated and written (and calculations recomputed)
 * about {@linkcode CHUNK_ROWS} rows at a time inside ONE transaction, so a large import never
 * holds all its rows, and it stays all-or-nothing: every problem of every row is collected
 * and, if there is any, the transaction is rolled back. A record whose rows are not together
 * in the data may be written in two steps (logged as two entries); it ends up the same.
 *
 * @example Import two rows of cells
 * ```ts
 * import { fieldMetadata, importRecordRows, RedcapStore } from "denocap/server";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const projectId = store.createProject({
 *   info: { project_title: "Example" },
 *   metadata: [
 *     fieldMetadata({ field_name: "record_id", form_name: "intake", field_type: "text" }),
 *     fieldMetadata({ field_name: "name", form_name: "intake", field_type: "text" }),
 *   ],
 *   instruments: [{ instrument_name: "intake", instrument_label: "Intake" }],
 *   arms: [], events: [], formEventMapping: [], repeating: [], dags: [], surveys: [],
 *   users: [], records: [], longitudinal: false,
 * });
 * const result = importRecordRows(store, projectId, ["record_id", "name"], [
 *   ["1", "Ann"],
 *   ["2", "Bo"],
 * ], { username: "alice" });
 * deepStrictEqual(result.ids, ["1", "2"]);
 * ```
 *
 * @param store The store.
 * @param projectId The project to import into.
 * @param header Column names (export column names); a repeated name's last column wins.
 * @param rows Each row's cells in header order (`undefined`: the row lacks that column).
 * @param options Import behaviour.
 * @returns How many and which records were touched.
 */
export function importRecordRows(
  store: RedcapStore,
  projectId: number,
  header: readonly string[],
  rows: Iterable<ImportCells>,
  options: ImportOptions,
): ImportResult {
  const model = store.project(projectId);
  const seed = options.seed ?? false;
  const iterator = rows[Symbol.iterator]();
  const first = iterator.next();
  if (first.done) return { count: 0, ids: [], autoIds: [] };

  // --- whole-request checks ---------------------------------------------------------------
  const positions = new Map<string, number>();
  header.forEach((name, index) => {
    positions.delete(name);
    positions.set(name, index);
  });
  const { columns, unknown } = classifyColumns(model, positions, seed);
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      `The following fields were not found in the project as real data fields: ${
        unknown.join(", ")
      }`,
    );
  }
  const idField = model.recordIdField;
  if (!positions.has(idField)) {
    throw new ApiError(
      400,
      `Cannot import records: the data has no column for the record ID field "${idField}"`,
    );
  }
  const run = new ImportRun(store, projectId, model, columns, positions, options);
  const writer = new RowWriter(store, projectId, model, columns, run.existing, {
    overwrite: options.overwriteBehavior === "overwrite",
    seed,
    username: options.username,
    dag: run.restrictDag ? options.dag! : "",
    api: options.api ?? false,
  });
  // Checked a chunk at a time; written only while nothing has been wrong so far.
  const process = (chunk: ImportCells[]) => {
    const infos = run.check(chunk);
    if (!run.failed()) writer.write(infos);
  };
  const idIndex = positions.get(idField)!;
  const chunkRows = options.trusted ? TRUSTED_CHUNK_ROWS : CHUNK_ROWS;
  store.transaction(() => {
    let chunk: ImportCells[] = [];
    let last: string | undefined;
    for (let next: IteratorResult<ImportCells> = first; !next.done; next = iterator.next()) {
      const record = (next.value[idIndex] ?? "").trim();
      if (chunk.length >= chunkRows && record !== last) {
        process(chunk);
        chunk = [];
      }
      chunk.push(next.value);
      last = record;
    }
    process(chunk);
    run.finish(); // throws (and so rolls back) when anything was wrong
  });
  const result: ImportResult = { count: run.ids.length, ids: run.ids, autoIds: run.autoIds };
  if (run.invalid.length > 0) result.invalid = run.invalid;
  return result;
}
