/**
 * Internal: reading DataFrame columns into plain JSON values for inline vega-lite data, and
 * mapping codes/labels/booleans to labels in dictionary order.
 *
 * @module
 */

import type pl from "../deps/polars.ts";
import { type ChartField, type FieldChoice, REDCAP_COLUMN_TITLES } from "./field_info.ts";
import { frameColumns } from "../frame.ts";
import { readColumnLabels } from "../transform/column_labels.ts";

/**
 * A column's title when no description is given: the label recorded with the frame (a read's
 * column labels, `withEventColumns`' `Arm`), REDCap's name for its own columns (`Event`), else
 * the column name (an analyst's own column).
 */
export function plainTitle(df: pl.DataFrame, column: string): string {
  return readColumnLabels(df)[column] ?? REDCAP_COLUMN_TITLES[column] ?? column;
}

/** Throws a clear error unless the frame has the column. */
export function requireColumn(df: pl.DataFrame, column: string, action: string): void {
  const columns = frameColumns(df);
  if (!columns.includes(column)) {
    throw new Error(
      `Cannot ${action}: the frame has no column "${column}" (columns: ${
        columns.slice(0, 12).join(", ")
      }${columns.length > 12 ? ", …" : ""})`,
    );
  }
}

/** The dtype's variant name (`Float64`, `Date`, `Categorical`, …). */
export function dtypeOf(df: pl.DataFrame, column: string): string {
  return df.getColumn(column).dtype.variant;
}

const NUMERIC = new Set([
  "Float64",
  "Float32",
  "Int64",
  "Int32",
  "Int16",
  "Int8",
  "UInt64",
  "UInt32",
  "UInt16",
  "UInt8",
]);

/** Whether a dtype variant is numeric. */
export function isNumericDtype(variant: string): boolean {
  return NUMERIC.has(variant);
}

/**
 * A column as JSON-ready values: Dates become ISO strings (`YYYY-MM-DD` for `pl.Date`),
 * bigints numbers, everything else as is (nulls stay null).
 */
export function columnValues(df: pl.DataFrame, column: string): unknown[] {
  const series = df.getColumn(column);
  const variant = series.dtype.variant;
  return (series.toArray() as unknown[]).map((v) => toJson(v, variant));
}

function toJson(value: unknown, variant: string): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return variant === "Date" ? iso.slice(0, 10) : iso;
  }
  if (typeof value === "bigint") return Number(value);
  return value;
}

/** Whether a value counts as missing: null, undefined, NaN or an empty/blank string. */
export function isMissing(value: unknown): boolean {
  return value === null || value === undefined ||
    (typeof value === "number" && Number.isNaN(value)) ||
    (typeof value === "string" && value.trim() === "");
}

/** A number from a numeric value or numeric text (raw exports), else null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Default choices for Boolean columns without any. */
const BOOLEAN_CHOICES: readonly FieldChoice[] = [
  { code: "1", label: "Yes" },
  { code: "0", label: "No" },
];

/**
 * Maps a cell to its choice label, whether the frame holds labels (typed/labelled frames),
 * raw codes (raw exports) or Booleans (yes/no as Boolean). Unknown values pass through as text;
 * missing values give null.
 */
export function choiceLabeler(info: ChartField | undefined): (value: unknown) => string | null {
  const choices = info?.choices ?? (info?.type === "boolean" ? BOOLEAN_CHOICES : []);
  const labels = new Set(choices.map((c) => c.label));
  const byCode = new Map(choices.map((c) => [c.code, c.label]));
  return (value) => {
    if (isMissing(value)) return null;
    if (typeof value === "boolean") {
      const code = value ? "1" : "0";
      return byCode.get(code) ?? (value ? "Yes" : "No");
    }
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    if (labels.has(text)) return text;
    return byCode.get(text) ?? byCode.get(text.trim()) ?? text;
  };
}

/**
 * Category order: the field's choice labels in dictionary order, then any other observed value
 * in order of first appearance (so no data is hidden).
 */
export function categoryOrder(info: ChartField | undefined, observed: Iterable<string>): string[] {
  const order = (info?.choices ?? (info?.type === "boolean" ? BOOLEAN_CHOICES : [])).map((c) =>
    c.label
  );
  const seen = new Set(order);
  for (const value of observed) {
    if (!seen.has(value)) {
      seen.add(value);
      order.push(value);
    }
  }
  return order;
}

/**
 * Whether a checkbox cell is checked: true, 1, "1", "Checked", or the option's own label (label
 * exports); false/0/"0"/"Unchecked"/"" are unchecked; null is unknown.
 */
export function isChecked(value: unknown, optionLabel: string): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "number" || typeof value === "bigint") return Number(value) === 1;
  const text = String(value).trim();
  return text === "1" || text === "Checked" || (text !== "" && text === optionLabel);
}

/** An entry of an explicit event order: a unique event name, or a name with its label. */
export type EventEntry = string | { readonly name: string; readonly label: string };

/**
 * Orders event values: by **events** when given (values may be unique names or labels; the
 * label is shown), else in order of first appearance in the frame.
 */
export function eventAxis(
  values: readonly unknown[],
  events: readonly EventEntry[] | undefined,
): { order: string[]; labelOf: (value: unknown) => string | null } {
  const entries = (events ?? []).map((e) =>
    typeof e === "string" ? { name: e, label: e } : { name: e.name, label: e.label }
  );
  const byName = new Map(entries.map((e) => [e.name, e.label]));
  const labelOf = (value: unknown): string | null => {
    if (isMissing(value)) return null;
    const text = String(value);
    return byName.get(text) ?? text;
  };
  // Events of different arms may share a label (Baseline): one category each.
  const order = [...new Set(entries.map((e) => e.label))];
  const seen = new Set(order);
  for (const value of values) {
    const label = labelOf(value);
    if (label !== null && !seen.has(label)) {
      seen.add(label);
      order.push(label);
    }
  }
  return { order, labelOf };
}

/** Labels of a "by" (color) column, and their order. */
export function groupAxis(
  df: pl.DataFrame,
  by: string,
  byInfo: ChartField | undefined,
  action: string,
): { values: (string | null)[]; order: string[]; title: string } {
  requireColumn(df, by, action);
  const label = choiceLabeler(byInfo);
  const values = columnValues(df, by).map((v) => label(v) ?? "Missing");
  return {
    values,
    order: categoryOrder(byInfo, values.filter((v): v is string => v !== null)),
    title: byInfo?.label ?? plainTitle(df, by),
  };
}
