/**
 * {@linkcode summarize}: one row per field, typed from the data dictionary; works on any frame
 * of a read, Date and Datetime columns included (nodejs-polars' `describe()` throws on them).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import { displayFrame, type HtmlDisplay, withDisplay } from "../jupyter/display.ts";
import { frameColumns } from "../frame.ts";
import {
  checkboxOptions,
  columnValues,
  fieldOf,
  formRows,
  levelIndexes,
  percent,
  plainLabel,
  unitOf,
} from "./_field_values.ts";
import { numberStats } from "./_stats.ts";

/** Options for {@linkcode summarize}. */
export interface SummarizeOptions {
  /** The `missing` report of the read that gave the frame (`record, event, instance, field,
   * code`): each field's missing-data codes are counted in `missing_codes`.
   * @default {undefined}
   */
  missing?: DataFrame;
  /** Coded levels listed in `top`, most frequent first.
   * @default {3}
   */
  top?: number;
}

interface Row {
  field: string;
  label: string;
  type: string;
  unit: string;
  n: number;
  missing: number;
  missing_codes: string | null;
  distinct: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  min: string | null;
  max: string | null;
  top: string | null;
}

function round(x: number | null, digits = 4): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function text(value: unknown, kind: string): string {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return kind === "date" ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
  }
  return String(value);
}

function topLevels(
  counts: { label: string; n: number }[],
  total: number,
  top: number,
): string | null {
  return counts.filter((c) => c.n > 0).sort((a, b) => b.n - a.n).slice(0, top)
    .map((c) => `${c.label} ${c.n} (${percent(c.n, total)}%)`).join(", ") || null;
}

function summarizeField(
  frame: pl.DataFrame,
  dictionary: DataDictionary,
  field: FieldInfo,
  codes: Map<string, Map<string, number>>,
  top: number,
): Row {
  const kind = field.typeInfo.kind;
  const applies = formRows(frame, dictionary, field.form);
  const codeCounts = codes.get(field.name);
  const row: Row = {
    field: field.name,
    label: plainLabel(field),
    type: kind,
    unit: unitOf(field),
    n: 0,
    missing: 0,
    missing_codes: codeCounts
      ? [...codeCounts].map(([code, n]) => `${code}: ${n}`).join(", ")
      : null,
    distinct: 0,
    mean: null,
    sd: null,
    median: null,
    q1: null,
    q3: null,
    min: null,
    max: null,
    top: null,
  };
  if (field.type === "checkbox") {
    const options = checkboxOptions(frame, dictionary, field);
    const rows = options[0].checked;
    row.n = rows.filter((v) => v !== null).length;
    row.missing = rows.filter((v, i) => v === null && applies[i]).length;
    const counts = options.map((o) => ({
      label: o.label,
      n: o.checked.filter((v) => v === true).length,
    }));
    row.distinct = counts.filter((c) => c.n > 0).length;
    row.top = topLevels(counts, row.n, top);
    return row;
  }
  const all = columnValues(frame, field.name);
  const blank = (v: unknown) => v === null || v === undefined || v === "";
  const values = all.filter((v) => !blank(v));
  row.n = values.length;
  row.missing = all.filter((v, i) => blank(v) && applies[i]).length;
  row.distinct = new Set(values.map((v) => v instanceof Date ? v.getTime() : v)).size;
  if (field.choices.length > 0) {
    const indexes = levelIndexes(frame, field).filter((v) => v !== null);
    const counts = field.choices.map((c, i) => ({
      label: c.label,
      n: indexes.filter((x) => x === i).length,
    }));
    row.top = topLevels(counts, row.n, top);
  } else if (["integer", "number", "calc"].includes(kind)) {
    const numbers = values.map(Number).filter(Number.isFinite);
    const s = numberStats(numbers);
    row.mean = round(s.mean);
    row.sd = round(s.sd);
    row.median = round(s.median);
    row.q1 = round(s.q1);
    row.q3 = round(s.q3);
    row.min = s.min === null ? null : String(s.min);
    row.max = s.max === null ? null : String(s.max);
  } else if (["date", "datetime", "time"].includes(kind) && values.length > 0) {
    const sorted = [...values].sort((a, b) =>
      a instanceof Date && b instanceof Date
        ? a.getTime() - b.getTime()
        : String(a) < String(b)
        ? -1
        : 1
    );
    row.min = text(sorted[0], kind);
    row.max = text(sorted[sorted.length - 1], kind);
  }
  return row;
}

/** The fields of the dictionary the frame holds, in dictionary order (descriptive fields and
 * form statuses left out). */
function framedFields(frame: pl.DataFrame, dictionary: DataDictionary): string[] {
  const columns = new Set(frameColumns(frame));
  return dictionary.fields.filter((f) =>
    f.typeInfo.kind !== "none" && !f.implicit &&
    (columns.has(f.name) || dictionary.checkboxColumns(f.name).some((c) => columns.has(c.column)))
  ).map((f) => f.name);
}

/**
 * Summarizes fields of a frame, one row per field, from what the dictionary says they are:
 * `field`, `label`, `type` (the kind of value: integer, number, calc, date, datetime, time,
 * categorical, boolean, checkbox, string, file), `unit` (a number field's short field note),
 * `n` (values), `missing` (blanks), `missing_codes` (counts of missing-data codes from the
 * read's `missing` report, when given), `distinct`, then `mean`, `sd`, `median`, `q1`, `q3`
 * for numbers, `min`/`max` (as text) for numbers, dates, datetimes and times, and `top`: the
 * most frequent levels of coded fields and checkbox options, with counts and percentages.
 *
 * `missing` counts blanks only on rows where the field belongs, as REDCap's own field stats
 * do: rows of events where the field's form is designated, and of its own repeating
 * instrument (a flat frame of a longitudinal project has blank cells for every form not on the
 * row's event); frames without `redcap_event_name` (an instrument's table, a join) hold every
 * form on every row. Free text is never shown (identifiers): only its counts.
 *
 * @example The demo's vitals, Date columns included
 * ```ts
 * import { summarize } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 20 });
 * const { data, dictionary, missing } = await client.readRecords();
 * const summary = summarize(data, dictionary, ["dob", "sex", "sbp", "race"], { missing });
 * strictEqual(summary.height, 4);
 * const [dob, sex, sbp] = summary.toRecords();
 * strictEqual(dob.type, "date");
 * ok(String(sex.top).startsWith("Female") || String(sex.top).startsWith("Male"));
 * ok((sbp.mean as number) > 80);
 * ```
 *
 * @param frame A frame of a read (or a part of one).
 * @param dictionary The project's dictionary.
 * @param fields Fields to summarize (checkbox fields by their base name). By default every
 * field of the dictionary the frame holds, except descriptive fields and form statuses.
 * @param options The read's `missing` report; how many top levels.
 * @returns One row per field, in the order given; it shows as a table in Jupyter.
 * @throws {RangeError} When a field is not in the dictionary or not in the frame.
 */
export function summarize(
  frame: DataFrame,
  dictionary: DataDictionary,
  fields?: readonly string[],
  options: SummarizeOptions = {},
): DataFrame & HtmlDisplay {
  const { missing, top = 3 } = options;
  const names = fields ?? framedFields(frame, dictionary);
  const codes = new Map<string, Map<string, number>>();
  if (missing && frameColumns(missing).includes("field")) {
    const f = columnValues(missing, "field").map(String);
    const c = columnValues(missing, "code").map(String);
    f.forEach((column, i) => {
      // Checkbox missing codes are reported by column (`race___unk`): count them by field.
      const name = dictionary.columnInfo(column)?.field ?? column;
      const counts = codes.get(name) ?? new Map<string, number>();
      counts.set(c[i], (counts.get(c[i]) ?? 0) + 1);
      codes.set(name, counts);
    });
  }
  const columns = new Set(frameColumns(frame));
  const rows = names.map((name) => {
    const field = fieldOf(dictionary, name, "summarize");
    const present = columns.has(name) ||
      dictionary.checkboxColumns(name).some((c) => columns.has(c.column));
    if (!present) throw new RangeError(`Cannot summarize: the frame has no column "${name}"`);
    return summarizeField(frame, dictionary, field, codes, top);
  });
  const schema = {
    field: pl.String,
    label: pl.String,
    type: pl.String,
    unit: pl.String,
    n: pl.Int64,
    missing: pl.Int64,
    missing_codes: pl.String,
    distinct: pl.Int64,
    mean: pl.Float64,
    sd: pl.Float64,
    median: pl.Float64,
    q1: pl.Float64,
    q3: pl.Float64,
    min: pl.String,
    max: pl.String,
    top: pl.String,
  };
  const df = pl.DataFrame(
    Object.fromEntries(
      Object.entries(schema).map((
        [key, dtype],
      ) => [key, pl.Series(key, rows.map((r) => r[key as keyof Row]), dtype)]),
    ),
  );
  return withDisplay(
    df,
    (df) => displayFrame(df, { title: "Summary", maxRows: 500, dtypes: false }),
  );
}
