/**
 * {@linkcode writeRecords}: a typed (or raw) frame back into a project — serialised to
 * REDCap's raw form with Polars, checked against the dictionary before anything is sent,
 * optionally previewed as a {@linkcode ChangeSet}, and imported in batches of whole records.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { type Dag, exportDags } from "../api/dags.ts";
import { exportRecords } from "../api/records.ts";
import { callApi } from "../api/call.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { RedcapApiError } from "../errors.ts";
import {
  firstRow,
  frameColumns,
  frameHeight,
  leftJoinFrame,
  selectFrame,
  sliceFrame,
  withColumnsFrame,
} from "../frame.ts";
import { readDictionary } from "../read/dictionary.ts";
import { isDtype, serializeFrame, wireToText } from "./_serialize.ts";
import { compareWithStored } from "./change_set.ts";
import { ImportBatchError, ImportValidationError } from "./errors.ts";
import { type DateFormat, type ImportIssue, validateRawFrame } from "./validate.ts";
import type { WriteRecordsResult } from "./_result.ts";
import { inferRepeatInstrument } from "./_repeat.ts";
import { isExtraColumn } from "./_columns.ts";

export { type BatchResult, type WriteRecordsResult } from "./_result.ts";

/** Options for {@linkcode writeRecords}. */
export interface WriteRecordsOptions {
  /** The project's dictionary. By default it is read from the client (cached). */
  dictionary?: DataDictionary;
  /** *flat* frames (one row per record-event-instance) or *eav* frames (`record,
   * field_name, value[, redcap_event_name, redcap_repeat_instrument, redcap_repeat_instance]`,
   * checkboxes as `field___code` 0/1, as `toEav()` gives).
   * @default {"eav" when the frame has record, field_name and value columns, else "flat"}
   */
  type?: "flat" | "eav";
  /** *normal* ignores blanks; *overwrite* erases stored values where the frame is blank.
   * @default {"normal"}
   */
  overwriteBehavior?: "normal" | "overwrite";
  /** Let REDCap name the records; the given ids only group rows. The result maps given →
   * assigned ids. Never retried.
   * @default {false}
   */
  forceAutoNumber?: boolean;
  /** Order of date parts of dates given as text (typed dates are always sent as ISO).
   * @default {"YMD"}
   */
  dateFormat?: DateFormat;
  /** Compare with what is stored and return the changes; send nothing.
   * @default {false}
   */
  dryRun?: boolean;
  /** Send without the pre-flight check (REDCap still checks).
   * @default {false}
   */
  skipValidation?: boolean;
  /** Records per request (all rows of a record go in the same request).
   * @default {1000}
   */
  batchSize?: number;
  /** Most requests at a time.
   * @default {1}
   */
  concurrency?: number;
  /** Columns that are not project fields (an analyst's `bmi_group`): *error* refuses the
   * write naming them all (REDCap refuses such an import whole); *drop* leaves them out with
   * a warning.
   * @default {"error"}
   */
  extraColumns?: "error" | "drop";
  /** Cancels the import between batches (and the request in flight). */
  signal?: AbortSignal;
}

const OPTION_KEYS = [
  "dictionary",
  "type",
  "overwriteBehavior",
  "forceAutoNumber",
  "dateFormat",
  "dryRun",
  "skipValidation",
  "batchSize",
  "concurrency",
  "extraColumns",
  "signal",
];
const EAV_KEYS = ["redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"];

function checkOptions(options: WriteRecordsOptions): void {
  const action = "write records";
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw new TypeError(`Cannot ${action}: unknown option "${key}"`);
    }
  }
  const oneOf = (name: string, value: unknown, allowed: string[]) => {
    if (value !== undefined && !allowed.includes(value as string)) {
      throw new RangeError(
        `Cannot ${action}: "${name}" must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${
          JSON.stringify(value)
        }`,
      );
    }
  };
  oneOf("type", options.type, ["flat", "eav"]);
  oneOf("overwriteBehavior", options.overwriteBehavior, ["normal", "overwrite"]);
  oneOf("dateFormat", options.dateFormat, ["YMD", "MDY", "DMY"]);
  oneOf("extraColumns", options.extraColumns, ["error", "drop"]);
  for (const name of ["batchSize", "concurrency"] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new RangeError(`Cannot ${action}: "${name}" must be an integer >= 1, got ${value}`);
    }
  }
}

/** EAV rows (strings) → flat rows for checking: one row per record-event-instance. */
function eavToFlatFrame(eav: pl.DataFrame, dd: DataDictionary): pl.DataFrame {
  const columns = frameColumns(eav);
  const keys = ["record", ...EAV_KEYS.filter((k) => columns.includes(k))];
  const long = eav.select(
    ...keys.map((k) => pl.col(k).cast(pl.String).fillNull(pl.lit(""))),
    pl.col("field_name").cast(pl.String).str.strip(),
    pl.col("value").cast(pl.String).fillNull(pl.lit("")),
  ).filter(pl.col("field_name").neq(pl.lit(dd.recordIdField)));
  if (frameHeight(long) === 0) {
    return eav.select(...keys.map((k) => pl.col(k).cast(pl.String)))
      .rename({ record: dd.recordIdField });
  }
  const wide = long.pivot("value", {
    index: keys,
    on: "field_name",
    aggregateFunc: "last",
  } as never) as pl.DataFrame;
  return wide.rename({ record: dd.recordIdField });
}

const DAG = "redcap_data_access_group";

/**
 * `redcap_data_access_group` as REDCap's import takes it, unique group names: a frame read
 * with `exportDataAccessGroups` holds the groups' names (`labelDataAccessGroups`), which are
 * mapped back; `redcap_data_access_group__label` (labels "both") is a copy and is left out.
 * Values that are neither stay as they are for the check to report.
 */
function dagUniqueNames(raw: pl.DataFrame, dags: readonly Dag[]): pl.DataFrame {
  const columns = frameColumns(raw);
  if (!columns.includes(DAG)) return raw;
  if (columns.includes(`${DAG}__label`)) {
    raw = selectFrame(raw, ...columns.filter((c) => c !== `${DAG}__label`));
  }
  const value = pl.col(DAG).cast(pl.String);
  const unique = new Set(dags.map((d) => d.unique_group_name));
  const named = dags.filter((d) => !unique.has(d.data_access_group_name));
  if (named.length === 0) return withColumnsFrame(raw, value.alias(DAG));
  let chain = pl.when(value.isNull()).then(value) as unknown as {
    when(e: pl.Expr): { then(e: pl.Expr): unknown };
  };
  for (const d of named) {
    chain = chain.when(value.eq(pl.lit(d.data_access_group_name)))
      .then(pl.lit(d.unique_group_name)) as typeof chain;
  }
  const mapped = (chain as unknown as { otherwise(e: pl.Expr): pl.Expr }).otherwise(value);
  return withColumnsFrame(raw, mapped.alias(DAG));
}

/**
 * Columns that are not project fields: refused at once, naming them all (REDCap refuses the
 * whole import: "The following fields were not found in the project as real data fields"),
 * or with `extraColumns: "drop"` left out with a warning.
 */
function dropExtraColumns(
  raw: pl.DataFrame,
  dd: DataDictionary,
  mode: "error" | "drop" = "error",
): { raw: pl.DataFrame; dropped: ImportIssue[] } {
  const columns = frameColumns(raw);
  const extras = columns.filter((c) => isExtraColumn(c, dd));
  if (extras.length === 0) return { raw, dropped: [] };
  if (mode === "error") {
    throw new ImportValidationError(extras.map((column) => ({
      record: "",
      field: column,
      value: "",
      message: `The following fields were not found in the project as real data fields: ${column}`,
      code: "unknown_field",
      severity: "error",
    })));
  }
  const message = `Left out ${extras.length} column${extras.length === 1 ? "" : "s"} that ${
    extras.length === 1 ? "is not a field" : "are not fields"
  } of the project: ${extras.join(", ")}`;
  console.warn(`Warning: ${message}`);
  return {
    raw: selectFrame(raw, ...columns.filter((c) => !extras.includes(c))),
    dropped: extras.map((column) => ({
      record: "",
      field: column,
      value: "",
      message,
      code: "extra_column_dropped",
      severity: "warning",
    })),
  };
}

/** Whether CSV would change some value (REDCap drops a space before `-@+=` in CSV only). */
function csvUnsafe(raw: pl.DataFrame, dd: DataDictionary, eav: boolean): boolean {
  // Only free text can start with a space: typed, validated and coded values cannot pass the
  // check with one.
  const columns = eav ? ["value"] : raw.getColumns().filter((s) => {
    if (!isDtype(s.dtype, "String", "Utf8")) return false;
    const info = dd.columnInfo(s.name);
    const field = info?.field ? dd.field(info.field) : undefined;
    if (!field || info?.role !== "field") return info?.role !== "checkbox";
    return field.choices.length === 0 && field.validation.trim() === "";
  }).map((s) => s.name);
  if (columns.length === 0 || frameHeight(raw) === 0) return false;
  // A value starting with a space sorts before "!": columns whose smallest value does not
  // need no closer look (an aggregate, no per-row result). Then a prefix test, then the pattern.
  const smallest = firstRow(
    selectFrame(raw, ...columns.map((c) => pl.col(c).cast(pl.String).min())),
  );
  const low = columns.filter((_, i) => smallest[i] !== null && String(smallest[i]) < "!");
  if (low.length === 0) return false;
  const spaced = firstRow(selectFrame(
    raw,
    ...low.map((c) => pl.col(c).cast(pl.String).str.startsWith(" ").fillNull(false).any()),
  ));
  const suspects = low.filter((_, i) => spaced[i]);
  if (suspects.length === 0) return false;
  const flags = firstRow(selectFrame(
    raw,
    ...suspects.map((c) =>
      pl.col(c).cast(pl.String).str.contains("^ [-@+=]").fillNull(false).any().alias(c)
    ),
  ));
  return flags.some(Boolean);
}

function encode(part: pl.DataFrame, format: "csv" | "json", datetimeFormat?: string): string {
  if (format === "csv") return part.writeCSV({ datetimeFormat }).toString();
  return JSON.stringify(
    wireToText(part, datetimeFormat).toRecords().map((row) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(row)) out[k] = v === null ? "" : String(v);
      return out;
    }),
  );
}

/** Splits rows into batches of whole records, keeping row order inside each batch. */
/** Runs of equal record ids: each run's id and first row. */
interface RecordRuns {
  ids: string[];
  offsets: number[];
  /** Whether each record's rows form one run (the usual order of an export). */
  contiguous: boolean;
}

function recordRuns(raw: pl.DataFrame, idColumn: string): RecordRuns {
  const idText = pl.col(idColumn).cast(pl.String).fillNull(pl.lit(""));
  const starts = selectFrame(raw, idText.alias("id")).withRowIndex("row")
    .filter(pl.col("id").neq(pl.col("id").shift(1)).fillNull(true));
  const ids = starts.getColumn("id").toArray() as string[];
  const offsets = starts.getColumn("row").toArray() as number[];
  return { ids, offsets, contiguous: new Set(ids).size === ids.length };
}

function batchesOf(
  raw: pl.DataFrame,
  idColumn: string,
  batchSize: number,
  runs: RecordRuns,
): { records: string[]; rows: pl.DataFrame }[] {
  // With one run per record, batches are zero-copy slices.
  const ids = runs.contiguous ? runs.ids : [...new Set(runs.ids)];
  if (ids.length <= batchSize) return [{ records: ids, rows: raw }];
  if (runs.contiguous) {
    const offsets = runs.offsets;
    const height = frameHeight(raw);
    const out: { records: string[]; rows: pl.DataFrame }[] = [];
    for (let i = 0; i < ids.length; i += batchSize) {
      const from = offsets[i];
      const to = i + batchSize < ids.length ? offsets[i + batchSize] : height;
      out.push({ records: ids.slice(i, i + batchSize), rows: sliceFrame(raw, from, to - from) });
    }
    return out;
  }
  const index = pl.DataFrame({
    [idColumn]: ids,
    __batch: ids.map((_, i) => Math.floor(i / batchSize)),
  }, { schema: { [idColumn]: pl.String, __batch: pl.Int64 } });
  const tagged = leftJoinFrame(
    withColumnsFrame(raw, pl.col(idColumn).cast(pl.String).fillNull(pl.lit(""))),
    index,
    idColumn,
  );
  const parts = tagged.partitionBy("__batch", true, false);
  const out: { records: string[]; rows: pl.DataFrame }[] = [];
  for (let b = 0, i = 0; i < ids.length; b++, i += batchSize) {
    out.push({ records: ids.slice(i, i + batchSize), rows: parts[b] });
  }
  // partitionBy keeps the first-appearance order of the keys, which is batch order.
  return out;
}

/**
 * Writes a frame into a project. The frame may be typed (as `readRecords()` or
 * `castRecords()`/`labelRecords()` give it) or raw text:
 *
 * - Categorical labels or codes → codes; Booleans → `1`/`0`; a List column of checkbox labels
 *   or codes (`checkboxes: "list"`) → its `field___code` 0/1 columns; dates → `YYYY-MM-DD`,
 *   datetimes → `YYYY-MM-DD HH:MM[:SS]` per the field's validation; floats without float noise
 *   (`1.1`, `100000`, exactly N decimals for `number_Ndp`); ids as text.
 * - Calculated fields, survey timestamps, file fields are left out (REDCap ignores them), with a
 *   warning.
 * - A table of `readInstruments()` writes back as it is: rows with a `redcap_repeat_instance`
 *   but no `redcap_repeat_instrument` get the repeating instrument whose fields they hold
 *   (REDCap needs it: "redcap_repeat_instance cannot have a value since this instrument or
 *   event is not a repeating instrument"), also in a frame mixing instruments; rows of a
 *   repeating event keep a blank instrument, as REDCap imports them.
 * - `redcap_data_access_group` holding group names (a read with `exportDataAccessGroups`) is
 *   sent as unique group names.
 * - Columns that are not project fields (an analyst's `bmi_group`) are refused in one message
 *   naming them all, or left out with a warning with `extraColumns: "drop"`.
 * - Everything is checked as REDCap checks an import (see `validateRecords()`); while any error
 *   stands nothing is sent and an {@linkcode ImportValidationError} says, one line per kind of
 *   problem, how many values, which records and what the value should look like; its `issues`
 *   hold every one.
 * - `dryRun` compares with what is stored (the affected records are exported) and returns a
 *   {@linkcode ChangeSet}: each value that would change (labels beside codes), the records
 *   that would be new, the blanks `overwriteBehavior: "normal"` leaves alone; nothing is sent.
 * - The import goes in batches of whole records (`batchSize`), `concurrency` at a time. A
 *   failed batch stops the rest and throws an {@linkcode ImportBatchError} whose `result` says
 *   which records landed. Batches are retried after transient failures only when a repeat
 *   cannot duplicate data (never with `forceAutoNumber` or `redcap_repeat_instance` "new").
 *
 * @example Change a value and see the change first
 * ```ts
 * import { readRecords, writeRecords } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 3 });
 * const { data } = await readRecords(client, { records: ["1"], fields: ["first_name"] });
 * const name = pl.col("first_name");
 * const edited = data.withColumns(
 *   pl.when(name.isNotNull()).then(pl.lit("Ada")).otherwise(name).alias("first_name"),
 * );
 * const preview = await writeRecords(client, edited, { dryRun: true });
 * strictEqual(preview.changes?.changes[0].new, "Ada");
 * const result = await writeRecords(client, edited);
 * strictEqual(result.count, 1);
 * ```
 *
 * @example Write a repeating instrument's table back
 * ```ts
 * import { readInstruments, writeRecords } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 10 });
 * const forms = await readInstruments(client, { forms: ["adverse_events"] });
 * const events = forms.get("adverse_events")!; // one row per instance, no redcap_repeat_instrument
 * const reviewed = events.withColumns(pl.lit("Complete").alias("adverse_events_complete"));
 * const preview = await writeRecords(client, reviewed, { dryRun: true });
 * ok(preview.changes!.changes.every((c) => c.instrument === "adverse_events"));
 * strictEqual(preview.changes!.changes[0].newLabel, "Complete");
 * const result = await writeRecords(client, reviewed);
 * ok(result.count > 0);
 * ```
 *
 * @param client The client.
 * @param frame The rows to write.
 * @param options Overwrite behaviour, dry run, batches, auto-numbering.
 * @returns What was imported (or, with `dryRun`, what would change).
 * @throws {ImportValidationError} When the check finds errors (nothing sent).
 * @throws {ImportBatchError} When a batch fails (the error's `result` says what landed).
 */
export async function writeRecords(
  client: RedcapConnection,
  frame: DataFrame,
  options: WriteRecordsOptions = {},
): Promise<WriteRecordsResult> {
  checkOptions(options);
  const {
    overwriteBehavior = "normal",
    forceAutoNumber = false,
    dateFormat = "YMD",
    dryRun = false,
    skipValidation = false,
    batchSize = 1000,
    concurrency = 1,
    signal,
  } = options;
  const dd = options.dictionary ?? await readDictionary(client, { signal });
  const columns = frameColumns(frame);
  const type = options.type ??
    (["record", "field_name", "value"].every((c) => columns.includes(c)) ? "eav" : "flat");
  const timings = { serialize: 0, validate: 0, encode: 0, send: 0 };

  // --- serialise ----------------------------------------------------------------------------
  let t = performance.now();
  let payload: pl.DataFrame; // what is sent
  let flat: pl.DataFrame; // flat view for checks and comparison
  let issues: ImportIssue[] = [];
  let datetimeFormat: string | undefined;
  let runs: RecordRuns | undefined;
  let dags: Dag[] | undefined;
  if (type === "eav") {
    for (const c of ["record", "field_name", "value"]) {
      if (!columns.includes(c)) {
        throw new TypeError(`Cannot write records: the EAV frame has no "${c}" column`);
      }
    }
    const kept = ["record", "field_name", "value", ...EAV_KEYS.filter((k) => columns.includes(k))];
    payload = frame.select(...kept.map((c) => pl.col(c).cast(pl.String)));
    flat = eavToFlatFrame(payload, dd);
  } else {
    const serialized = serializeFrame(frame, dd);
    if (frameColumns(serialized.raw).includes(DAG)) dags = await exportDags(client);
    const { raw, dropped } = dropExtraColumns(
      dagUniqueNames(serialized.raw, dags ?? []),
      dd,
      options.extraColumns,
    );
    payload = flat = inferRepeatInstrument(raw, dd);
    issues = [...serialized.issues, ...dropped];
    datetimeFormat = serialized.datetimeFormat;
  }
  timings.serialize = performance.now() - t;

  // --- check --------------------------------------------------------------------------------
  t = performance.now();
  if (!skipValidation) {
    if (frameColumns(flat).includes(DAG)) dags ??= await exportDags(client);
    if (type === "flat" && frameColumns(flat).includes(dd.recordIdField)) {
      runs = recordRuns(flat, dd.recordIdField);
    }
    issues = [
      ...issues,
      ...validateRawFrame(flat, dd, {
        dateFormat,
        dags: dags?.map((d) => d.unique_group_name),
      }, { contiguous: runs?.contiguous }),
    ];
    if (issues.some((i) => i.severity === "error")) throw new ImportValidationError(issues);
  }
  timings.validate = performance.now() - t;
  const warnings = issues.filter((i) => i.severity === "warning");
  const idColumn = type === "eav" ? "record" : dd.recordIdField;
  if (!frameColumns(payload).includes(idColumn)) {
    throw new TypeError(`Cannot write records: the frame has no "${idColumn}" column`);
  }
  const result: WriteRecordsResult = {
    dryRun,
    count: 0,
    imported: [],
    failed: [],
    notSent: [],
    autoIds: {},
    batches: [],
    warnings,
    timings,
  };

  // --- dry run ------------------------------------------------------------------------------
  if (dryRun) {
    const ids = frameHeight(flat) === 0
      ? []
      : (flat.getColumn(dd.recordIdField).cast(pl.String).dropNulls()
        .unique({ maintainOrder: true }).toArray() as string[]);
    const stored = forceAutoNumber || ids.length === 0
      ? pl.DataFrame()
      : await exportRecords(client, { records: ids, signal });
    result.changes = compareWithStored(
      wireToText(flat, datetimeFormat),
      stored,
      dd,
      overwriteBehavior,
      type === "flat",
    );
    return result;
  }
  if (frameHeight(payload) === 0) return result;

  // --- import in batches --------------------------------------------------------------------
  t = performance.now();
  const format = csvUnsafe(payload, dd, type === "eav") ? "json" : "csv";
  const hasNew = frameColumns(payload).includes("redcap_repeat_instance") &&
    firstRow(selectFrame(
        payload,
        pl.col("redcap_repeat_instance").cast(pl.String).str.strip().str.toLowerCase()
          .eq(pl.lit("new")).fillNull(false).any(),
      ))[0] === true;
  const idempotent = !forceAutoNumber && !hasNew;
  const batches = batchesOf(payload, idColumn, batchSize, runs ?? recordRuns(payload, idColumn));
  timings.encode += performance.now() - t;
  result.batches = batches.map((b, index) => ({
    index,
    records: b.records,
    status: "not_sent",
  }));
  let failure: unknown;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && next < batches.length) {
      if (signal?.aborted) {
        failure ??= signal.reason;
        return;
      }
      const index = next++;
      const batch = batches[index];
      const entry = result.batches[index];
      const te = performance.now();
      const data = encode(batch.rows, format, datetimeFormat);
      timings.encode += performance.now() - te;
      const ts = performance.now();
      try {
        const text = await callApi(client, "record", {
          format,
          type,
          overwriteBehavior,
          forceAutoNumber: forceAutoNumber ? "true" : undefined,
          dateFormat,
          returnContent: forceAutoNumber ? "auto_ids" : "ids",
          returnFormat: "json",
          data,
        }, { idempotent, signal });
        const ids = JSON.parse(text) as string[];
        entry.status = "imported";
        entry.count = ids.length;
        if (forceAutoNumber) {
          for (const item of ids) {
            const comma = String(item).indexOf(",");
            result.autoIds[String(item).slice(comma + 1)] = String(item).slice(0, comma);
          }
        }
      } catch (error) {
        entry.status = error instanceof RedcapApiError ? "failed" : "uncertain";
        entry.error = error;
        failure ??= error;
      } finally {
        timings.send += performance.now() - ts;
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, batches.length) }, () => worker()),
  );
  for (const b of result.batches) {
    if (b.status === "imported") {
      result.imported.push(...b.records);
      result.count += b.count ?? b.records.length;
    } else if (b.status === "failed") result.failed.push(...b.records);
    else if (b.status === "uncertain") (result.uncertain ??= []).push(...b.records);
    else result.notSent.push(...b.records);
  }
  if (failure !== undefined) throw new ImportBatchError(result, failure);
  return result;
}
