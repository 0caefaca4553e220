/**
 * Value checks of record import, as REDCap runs them on each imported cell: text validation
 * types, dates in the import's date format (stored as ISO), sliders and hard ranges.
 *
 * @module
 */
import type { FieldMetadata } from "./metadata.ts";

/** The date order of imported date and datetime values (`dateFormat`). */
export type DateFormat = "YMD" | "MDY" | "DMY";

/** REDCap's generic message for a value that fails its field's validation (`config_functions_77`). */
export const INVALID_FORMAT =
  "The value you provided could not be validated because it does not follow the expected format. Please try again.";

/** The outcome of checking one value: the value to store, or REDCap's message. */
export type CheckResult = { value: string; error?: undefined } | {
  error: string;
  value?: undefined;
};

/** Anchored patterns of REDCap's built-in validation types (other than dates and datetimes). */
const PATTERNS: Record<string, RegExp> = {
  integer: /^[-+]?\d+$/,
  number: /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/,
  number_comma_decimal: /^[-+]?(\d+,?\d*|,\d+)([eE][-+]?\d+)?$/,
  time: /^([01]?\d|2[0-3]):[0-5]\d$/,
  time_hh_mm_ss: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/,
  time_mm_ss: /^[0-5]\d:[0-5]\d$/,
  email: /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[A-Za-z]{2,}$/,
  phone:
    /^\(?([2-9][0-8]\d)\)?[\s.-]*([2-9]\d{2})[\s.-]*(\d{4})(\s*(#|x\.?|ext\.?|extension)\s*\d+)?$/i,
  phone_australia: /^(\(0[2-8]\)|0[2-8])\s*\d{4}\s*\d{4}$/,
  zipcode: /^\d{5}(-\d{4})?$/,
  postalcode_australia: /^\d{4}$/,
  postalcode_canada: /^[ABCEGHJ-NPRSTVXY]\d[A-Z]\s*\d[A-Z]\d$/i,
  postalcode_french: /^((0?[1-9])|([1-8]\d)|(9[0-8]))\d{3}$/,
  postalcode_germany: /^(0[1-9]|[1-9]\d)\d{3}$/,
  postalcode_uk: /^([A-Z]{1,2}\d[A-Z\d]?|ASCN|STHL|TDCU|BBND|[BFS]IQQ|PCRN|TKCA)\s*\d[A-Z]{2}$/i,
  alpha_only: /^[a-z]+$/i,
  mrn_10d: /^\d{10}$/,
  mrn_generic: /^[a-z0-9_-]+$/i,
  ssn: /^\d{3}-\d{2}-\d{4}$/,
  vmrn: /^\d{4,9}$/,
};

/** `number_1dp` ... `number_4dp` and their comma variants: exactly N decimals. */
function decimalPattern(type: string): RegExp | undefined {
  const match = /^number_(\d)dp(_comma_decimal)?$/.exec(type);
  if (!match) return undefined;
  const mark = match[2] ? "," : "\\.";
  return new RegExp(`^[-+]?\\d+${mark}\\d{${match[1]}}$`);
}

/** Whether a validation type holds a date, a datetime or a datetime with seconds. */
export function dateKind(type: string): "date" | "datetime" | "datetime_seconds" | undefined {
  if (/^date_(ymd|mdy|dmy)$/.test(type)) return "date";
  if (/^datetime_(ymd|mdy|dmy)$/.test(type)) return "datetime";
  if (/^datetime_seconds_(ymd|mdy|dmy)$/.test(type)) return "datetime_seconds";
  return undefined;
}

/**
 * Reads a date in the import's date format (`YMD`: `2024-01-31`; `MDY`: `01/31/2024`; `DMY`:
 * `31/01/2024`; single-digit months and days and `-` or `/` accepted; Y-M-D in every format) and
 * returns it as ISO, or `undefined` when it is not a real date.
 */
export function parseImportDate(text: string, format: DateFormat): string | undefined {
  let y: string, m: string, d: string;
  let match: RegExpExecArray | null;
  // REDCap's import with dateFormat=MDY or DMY converts only the values written in that order;
  // a value already in Y-M-D (four-digit year first) is read as Y-M-D in the same file.
  const ymd = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (format === "YMD" || ymd) {
    match = ymd;
    if (!match) return undefined;
    [, y, m, d] = match;
  } else {
    match = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(text);
    if (!match) return undefined;
    if (format === "MDY") [, m, d, y] = match;
    else [, d, m, y] = match;
  }
  const year = Number(y), month = Number(m), day = Number(d);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return undefined;
  return `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
}

/** Reads a date, datetime or datetime with seconds; returns the ISO form or `undefined`. */
function parseDateValue(
  text: string,
  kind: "date" | "datetime" | "datetime_seconds",
  format: DateFormat,
): string | undefined {
  if (kind === "date") return parseImportDate(text, format);
  const space = text.lastIndexOf(" ");
  if (space < 0) return undefined;
  const date = parseImportDate(text.slice(0, space).trim(), format);
  const time = text.slice(space + 1);
  const pattern = kind === "datetime"
    ? /^([01]?\d|2[0-3]):([0-5]\d)$/
    : /^([01]?\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
  const match = pattern.exec(time);
  if (!date || !match) return undefined;
  return `${date} ${match[1].padStart(2, "0")}:${match.slice(2).filter(Boolean).join(":")}`;
}

/** A comparable number for min/max checks (dates compare as text, numbers as numbers). */
function comparable(value: string, type: string): number | string | undefined {
  if (dateKind(type) || type.startsWith("time")) return value;
  const n = Number(value.replace(",", "."));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Resolves a dictionary min/max bound (`today`, `now` or a literal; piped bounds are skipped) to
 * the stored form of the field's type.
 */
function resolveBound(bound: string, type: string, now: Date): string | undefined {
  const b = bound.trim();
  if (b === "" || b.includes("[")) return undefined;
  const p = (n: number) => String(n).padStart(2, "0");
  const today = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  const kind = dateKind(type);
  if (b.toLowerCase() === "today") return today;
  if (b.toLowerCase() === "now") {
    const time = `${p(now.getHours())}:${p(now.getMinutes())}`;
    return kind === "datetime_seconds"
      ? `${today} ${time}:${p(now.getSeconds())}`
      : `${today} ${time}`;
  }
  return b;
}

/**
 * Checks a text or slider value against its field's validation type and range. `value` is not
 * blank and not a missing-data code. Dates come back as ISO.
 *
 * @param field The field's dictionary row.
 * @param value The imported value.
 * @param dateFormat Order of imported dates.
 * @param now The server clock, for `today`/`now` bounds.
 */
export function checkTextValue(
  field: FieldMetadata,
  value: string,
  dateFormat: DateFormat,
  now: Date,
): CheckResult {
  const type = field.text_validation_type_or_show_slider_number.trim();
  const forceRange = /@FORCE-MINMAX\b/.test(field.field_annotation);
  if (field.field_type === "slider") {
    if (!/^[-+]?\d+$/.test(value)) return { error: INVALID_FORMAT };
    const min = field.text_validation_min.trim() === "" ? 0 : Number(field.text_validation_min);
    const max = field.text_validation_max.trim() === "" ? 100 : Number(field.text_validation_max);
    const n = Number(value);
    if (n < min || n > max) {
      return { error: `The value must be an integer between ${min} and ${max}` };
    }
    return { value };
  }
  if (field.field_type !== "text" || type === "") return { value };
  let stored = value;
  const kind = dateKind(type);
  if (kind) {
    const parsed = parseDateValue(value, kind, dateFormat);
    if (parsed === undefined) return { error: INVALID_FORMAT };
    stored = parsed;
  } else {
    const pattern = PATTERNS[type] ?? decimalPattern(type);
    // Custom validation types the server does not know accept anything.
    if (pattern && !pattern.test(value)) return { error: INVALID_FORMAT };
  }
  if (forceRange) {
    const v = comparable(stored, type);
    const min = resolveBound(field.text_validation_min, type, now);
    const max = resolveBound(field.text_validation_max, type, now);
    const lo = min === undefined ? undefined : comparable(min, type);
    const hi = max === undefined ? undefined : comparable(max, type);
    if (v !== undefined && ((lo !== undefined && v < lo) || (hi !== undefined && v > hi))) {
      return {
        error: `The value is outside the allowed range (${min ?? ""} - ${max ?? ""}) of this ` +
          `field, whose range is enforced by @FORCE-MINMAX`,
      };
    }
  }
  return { value: stored };
}

/** A C0 control character or DEL. */
// deno-lint-ignore no-control-regex
export const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;
/** The tuple message for a record name holding a control character. */
export const CONTROL_IN_RECORD =
  "The record name holds a control character (shown as \\uXXXX); record names must be " +
  "printable text";
/** The tuple message for a value holding a NUL (`node:sqlite` would cut it there). */
export const NUL_IN_VALUE =
  "The value holds a NUL character (shown as \\u0000), which cannot be stored";

/** Text with its control characters written as `\uXXXX`, for error messages. */
export function visible(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex
    /[\x00-\x1f\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
