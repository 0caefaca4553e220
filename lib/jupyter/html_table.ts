/**
 * A readable, escaped HTML table for any DataFrame or array of rows.
 *
 * @module
 */

import type pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { redactTokens } from "./redact.ts";
import { frameColumns, frameHeight, lazyFrame } from "../frame.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { columnLabels } from "../transform/label.ts";

/** What {@linkcode htmlTable} renders: a DataFrame, or plain row objects (codebooks, reports). */
export type TableInput = DataFrame | readonly Readonly<Record<string, unknown>>[];

/** Options for {@linkcode htmlTable} and `displayFrame`. */
export interface HtmlTableOptions {
  /**
   * Rows shown; the rest are summarized as "… N more rows".
   * @default {20}
   */
  maxRows?: number;
  /**
   * Columns shown; the rest are summarized as "… N more columns".
   * @default {50}
   */
  maxColumns?: number;
  /** Column name → field label, shown as a second header row (only when given). */
  labels?: Readonly<Record<string, string>>;
  /** The project's dictionary: columns named after a field (or checkbox option) get its label
   * in the label row, for any frame (after a `select`, `filter` or join too); **labels** win.
   */
  dictionary?: DataDictionary;
  /** A title shown in bold in the table caption. */
  title?: string;
  /** Text shown after the title in the caption (a note, a count). */
  caption?: string;
  /**
   * Show a row of column dtypes (DataFrames only).
   * @default {true}
   */
  dtypes?: boolean;
}

/**
 * Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
 *
 * @example Escape markup in a field label
 * ```ts
 * import { escapeHtml } from "denocap/jupyter";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(escapeHtml(`<b>Age</b> & "sex"`), "&lt;b&gt;Age&lt;/b&gt; &amp; &quot;sex&quot;");
 * ```
 *
 * @param text Any text.
 * @returns The text, safe inside HTML elements and quoted attributes.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = "<style>.denocap-table{border-collapse:collapse;font-size:12px}" +
  ".denocap-table th,.denocap-table td{border:1px solid #ddd;padding:2px 6px;text-align:left;" +
  "vertical-align:top}.denocap-table td.num{text-align:right}" +
  ".denocap-table .dtype,.denocap-table .null,.denocap-table .more{color:#888;font-style:italic}" +
  ".denocap-table .label{font-weight:normal}.denocap-table caption{text-align:left}</style>";

/**
 * Renders a DataFrame (or an array of row objects) as an HTML table: every value escaped, a row
 * of column names, then field labels (when **labels** is given), then dtypes; nulls shown as
 * *null*; at most **maxRows** rows with "… N more rows" after them. Tokens are redacted.
 *
 * @example A truncated table with labels
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { htmlTable } from "denocap/jupyter";
 * import { ok } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2", "3"], age: [34, 51, null] });
 * const html = htmlTable(df, { maxRows: 2, labels: { age: "Age (years)" }, title: "Ages" });
 * ok(html.includes("Age (years)"));
 * ok(html.includes("… 1 more row"));
 * ok(html.includes(">f64<"));
 * ```
 *
 * @param df The frame or rows.
 * @param options Limits, labels, title and caption.
 * @returns One `<table>` (preceded by a small `<style>`).
 */
export function htmlTable(df: TableInput, options: HtmlTableOptions = {}): string {
  const { maxRows = 20, maxColumns = 50, title, caption, dtypes = true, dictionary } = options;
  if (!Number.isInteger(maxRows) || maxRows < 0) {
    throw new RangeError(
      `Cannot render table: maxRows must be a non-negative integer, got ${maxRows}`,
    );
  }
  const frame = Array.isArray(df) ? undefined : df as pl.DataFrame;
  const rowsInput = Array.isArray(df) ? df as readonly Record<string, unknown>[] : undefined;
  const allColumns = frame
    ? frameColumns(frame)
    : [...new Set(rowsInput!.flatMap((r) => Object.keys(r)))];
  const height = frame ? frameHeight(frame) : rowsInput!.length;
  const columns = allColumns.slice(0, maxColumns);
  const hiddenColumns = allColumns.length - columns.length;
  const labels = dictionary
    ? {
      ...(frame ? columnLabels(frame, dictionary) : dictionary.columnLabels()),
      ...options.labels,
    }
    : options.labels;
  const kinds = new Map<string, string>();
  if (frame) { for (const c of columns) kinds.set(c, dtypeName(frame.getColumn(c).dtype)); }
  const rows: Record<string, unknown>[] = frame
    ? (columns.length
      ? lazyFrame(frame).select(...columns).head(maxRows).collectSync().toRecords()
      : [])
    : rowsInput!.slice(0, maxRows).map((r) => ({ ...r }));

  const out: string[] = [STYLE, '<table class="denocap-table">'];
  if (title || caption) {
    out.push(
      "<caption>",
      title ? `<strong>${escapeHtml(title)}</strong>` : "",
      title && caption ? " " : "",
      caption ? escapeHtml(caption) : "",
      "</caption>",
    );
  }
  const moreHead = hiddenColumns
    ? `<th class="more">… ${plural(hiddenColumns, "more column")}</th>`
    : "";
  const moreCell = hiddenColumns ? '<td class="more">…</td>' : "";
  out.push("<thead><tr>", ...columns.map((c) => `<th>${escapeHtml(c)}</th>`), moreHead, "</tr>");
  if (labels) {
    out.push(
      "<tr>",
      ...columns.map((c) => `<th class="label">${escapeHtml(labels[c] ?? "")}</th>`),
      moreHead ? "<th></th>" : "",
      "</tr>",
    );
  }
  if (frame && dtypes) {
    out.push(
      "<tr>",
      ...columns.map((c) => `<th class="dtype">${escapeHtml(kinds.get(c)!)}</th>`),
      moreHead ? "<th></th>" : "",
      "</tr>",
    );
  }
  out.push("</thead><tbody>");
  for (const row of rows) {
    out.push("<tr>");
    for (const c of columns) {
      const value = row[c];
      const kind = kinds.get(c) ?? "";
      if (value === null || value === undefined) out.push('<td class="null">null</td>');
      else {
        const numeric = typeof value === "number" || typeof value === "bigint";
        out.push(
          numeric ? '<td class="num">' : "<td>",
          escapeHtml(formatValue(value, kind)),
          "</td>",
        );
      }
    }
    out.push(moreCell, "</tr>");
  }
  if (height > rows.length) {
    const span = columns.length + (hiddenColumns ? 1 : 0);
    out.push(
      `<tr><td class="more" colspan="${Math.max(span, 1)}">… ${
        plural(height - rows.length, "more row")
      }</td></tr>`,
    );
  }
  out.push("</tbody></table>");
  return redactTokens(out.join(""));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Polars' short dtype names (`str`, `cat`, `f64`, `date`, …). */
function dtypeName(dtype: pl.DataType): string {
  const text = String(dtype).replace(/^DataType\((.*)\)$/, "$1");
  const short: Record<string, string> = {
    String: "str",
    Utf8: "str",
    Categorical: "cat",
    Float64: "f64",
    Float32: "f32",
    Int64: "i64",
    Int32: "i32",
    Int16: "i16",
    Int8: "i8",
    UInt64: "u64",
    UInt32: "u32",
    UInt16: "u16",
    UInt8: "u8",
    Bool: "bool",
    Boolean: "bool",
    Date: "date",
    Null: "null",
  };
  if (short[text]) return short[text];
  const datetime = /^Datetime\((\w+)/.exec(text);
  if (datetime) return `datetime[${datetime[1]}]`;
  return text.toLowerCase();
}

/** Text of one cell: dates as ISO dates, datetimes without `T`/`Z`, objects as JSON. */
function formatValue(value: unknown, kind: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "Invalid Date";
    const iso = value.toISOString();
    const dateOnly = kind === "date" ||
      (kind === "" && iso.endsWith("T00:00:00.000Z"));
    if (dateOnly) return iso.slice(0, 10);
    return iso.replace("T", " ").replace(/\.000Z$/, "").replace(/Z$/, "");
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  try {
    return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? String(v) : v) ?? String(value);
  } catch {
    return String(value);
  }
}
