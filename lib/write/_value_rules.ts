/**
 * The value rules of REDCap's import as Polars fast paths (validation-type patterns, min/max
 * ranges) and REDCap's messages; a cell a fast path flags is confirmed by the exact check.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { FieldInfo } from "../dictionary/data_dictionary.ts";
import { firstRow, selectFrame } from "../frame.ts";
import { type DateFormat, dateKind } from "../dictionary/validate.ts";
import type { FieldMetadata } from "../dictionary/metadata.ts";
import type { ImportIssueCode } from "./_issues.ts";

// REDCap's messages (the server's, word for word).
export const INVALID_CATEGORY = (field: string) => `The value is not a valid category for ${field}`;
export const CHECKBOX_VALUE_MESSAGE =
  "The value of a checkbox option must be 0 (unchecked) or 1 (checked)";
/** The server's dictionary row for a field (for the shared value checks). */
export function metadataOf(field: FieldInfo): FieldMetadata {
  return {
    field_name: field.name,
    form_name: field.form,
    field_type: field.type,
    text_validation_type_or_show_slider_number: field.validation,
    text_validation_min: field.min,
    text_validation_max: field.max,
    field_annotation: field.annotation,
  } as FieldMetadata;
}

/** A validation type's code when a value fails it. */
export function badCode(field: FieldInfo): ImportIssueCode {
  if (field.type === "slider") return "bad_integer";
  const v = field.validation.trim();
  const kind = dateKind(v);
  if (kind === "date") return "bad_date";
  if (kind) return "bad_datetime";
  if (v === "integer") return "bad_integer";
  if (v.startsWith("number")) return "bad_number";
  if (v.startsWith("time")) return "bad_time";
  return "bad_format";
}

/** Conservative Rust-regex fast paths: a match is always accepted by the exact check. */
export function fastPattern(field: FieldInfo, dateFormat: DateFormat): string | undefined {
  if (field.type === "slider") return "^[-+]?[0-9]+$";
  const v = field.validation.trim();
  const dp = /^number_(\d)dp(_comma_decimal)?$/.exec(v);
  if (dp) return `^[-+]?[0-9]+${dp[2] ? "," : "\\."}[0-9]{${dp[1]}}$`;
  const kind = dateKind(v);
  if (kind && dateFormat !== "YMD") return undefined;
  switch (kind) {
    case "date":
      return "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
    case "datetime":
      return "^[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]$";
    case "datetime_seconds":
      return "^[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$";
  }
  switch (v) {
    case "integer":
      return "^[-+]?[0-9]+$";
    case "number":
      return "^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)$";
    case "number_comma_decimal":
      return "^[-+]?([0-9]+,?[0-9]*|,[0-9]+)$";
    case "time":
      return "^([01][0-9]|2[0-3]):[0-5][0-9]$";
    case "time_hh_mm_ss":
      return "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$";
    case "time_mm_ss":
      return "^[0-5][0-9]:[0-5][0-9]$";
    case "zipcode":
      return "^[0-9]{5}(-[0-9]{4})?$";
    case "email":
      return "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$";
    case "phone":
      return "^\\(?[2-9][0-8][0-9]\\)?[ .-]*[2-9][0-9]{2}[ .-]*[0-9]{4}$";
  }
  return undefined;
}

/** Whether a field's values get a value check at all. */
export function checked(field: FieldInfo): boolean {
  return field.type === "slider" || (field.type === "text" && field.validation.trim() !== "");
}

/** A min/max bound in the field's stored form: `today`/`now` resolved; piped → undefined. */
export function resolveBound(bound: string, type: string, now: Date): string | undefined {
  const b = bound.trim();
  if (b === "" || b.includes("[")) return undefined;
  const p = (n: number) => String(n).padStart(2, "0");
  const today = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  if (b.toLowerCase() === "today") return today;
  if (b.toLowerCase() === "now") {
    const time = `${p(now.getHours())}:${p(now.getMinutes())}`;
    return dateKind(type) === "datetime_seconds"
      ? `${today} ${time}:${p(now.getSeconds())}`
      : `${today} ${time}`;
  }
  return b;
}

export function comparable(value: string, type: string): number | string | undefined {
  if (dateKind(type) || type.startsWith("time")) return value;
  const n = Number(value.replace(",", "."));
  return Number.isFinite(n) ? n : undefined;
}

/** The bounds of a text field, or undefined when it has none. */
export function rangeOf(field: FieldInfo, now: Date) {
  if (field.type !== "text") return undefined;
  const type = field.validation.trim();
  if (type === "") return undefined;
  const min = resolveBound(field.min, type, now);
  const max = resolveBound(field.max, type, now);
  if (min === undefined && max === undefined) return undefined;
  const numeric = !(dateKind(type) || type.startsWith("time"));
  return { type, min, max, numeric };
}

/** Whether a typed column's extreme values leave the range (then its cells need a look). */
export function outOfRange(
  raw: pl.DataFrame,
  columns: string[],
  range: NonNullable<ReturnType<typeof rangeOf>>,
  datetimeFormat: string,
): boolean {
  const p = (n: number) => String(n).padStart(2, "0");
  const text = (v: unknown): string | number | undefined => {
    if (v === null || v === undefined) return undefined;
    if (v instanceof Date) {
      const date = `${v.getUTCFullYear()}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())}`;
      if (!dateKind(range.type)?.startsWith("datetime")) return date;
      const time = `${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
      return datetimeFormat.endsWith("%S")
        ? `${date} ${time}:${p(v.getUTCSeconds())}`
        : `${date} ${time}`;
    }
    return Number(v);
  };
  const extremes = firstRow(selectFrame(
    raw,
    ...columns.flatMap((c, i) => [pl.col(c).min().alias(`a${i}`), pl.col(c).max().alias(`b${i}`)]),
  )).map(text);
  const lo = range.min === undefined ? undefined : comparable(range.min, range.type);
  const hi = range.max === undefined ? undefined : comparable(range.max, range.type);
  return extremes.some((v) =>
    v !== undefined && ((lo !== undefined && v < lo) || (hi !== undefined && v > hi))
  );
}

/** A superset of out-of-range cells, as an expression (numbers as numbers, dates as text). */
export function rangeExpr(
  c: pl.Expr,
  range: NonNullable<ReturnType<typeof rangeOf>>,
  text: boolean,
): pl.Expr {
  let out: pl.Expr = pl.lit(false);
  if (range.numeric) {
    const v = text ? c.str.replace(",", ".", true).cast(pl.Float64, false) : c.cast(pl.Float64);
    const lo = range.min === undefined ? NaN : Number(range.min.replace(",", "."));
    const hi = range.max === undefined ? NaN : Number(range.max.replace(",", "."));
    if (!Number.isNaN(lo)) out = out.or(v.lt(pl.lit(lo)).fillNull(false));
    if (!Number.isNaN(hi)) out = out.or(v.gt(pl.lit(hi)).fillNull(false));
    // Values that do not read as numbers go to the exact check anyway.
    out = out.or(v.isNull());
  } else {
    if (range.min !== undefined) out = out.or(c.lt(pl.lit(range.min)).fillNull(false));
    if (range.max !== undefined) out = out.or(c.gt(pl.lit(range.max)).fillNull(false));
  }
  return out;
}
