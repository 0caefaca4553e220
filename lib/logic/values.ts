/**
 * REDCap's value semantics: blanks, numeric strings, truthiness, comparison and number
 * formatting, shared by the evaluator, the functions and the Polars translation.
 *
 * @module
 */
import type { LogicValue } from "./ast.ts";

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Whether a value is blank (`""`). */
export function isBlank(value: LogicValue): boolean {
  return value === "";
}

/** A value as a number, or `undefined` when it is blank or not numeric (PHP's `is_numeric`). */
export function toNumber(value: LogicValue): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  return NUMERIC.test(value) ? Number(value) : undefined;
}

/** PHP truthiness, as REDCap evaluates logic: `""`, `"0"`, `0` and `false` are false. */
export function truthy(value: LogicValue): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  return value !== "" && value !== "0";
}

/**
 * Formats a number as REDCap stores a calculated value: 14 significant digits (PHP's
 * `precision`), no trailing zeros, integers without a decimal point; non-finite is blank.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "";
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const text = String(Number(value.toPrecision(14)));
  return text === "-0" ? "0" : text;
}

/** A value as text: numbers formatted as stored, booleans as `1`/`0`. */
export function toText(value: LogicValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  return value ? "1" : "0";
}

/** A number as a value: non-finite results (division by zero, `sqrt(-1)`) are blank. */
export function numberValue(value: number): LogicValue {
  return Number.isFinite(value) ? value : "";
}

/**
 * Compares two values as REDCap does: numerically when both are numeric, otherwise as text.
 * `=` and `<>` treat blank as the empty string (`[x] = ''`); `<`, `>`, `<=` and `>=` are false
 * whenever a side is blank or one side is numeric and the other is not.
 */
export function compareValues(op: string, left: LogicValue, right: LogicValue): boolean {
  const a = toNumber(left), b = toNumber(right);
  if (op === "=" || op === "<>") {
    const equal = a !== undefined && b !== undefined ? a === b : toText(left) === toText(right);
    return op === "=" ? equal : !equal;
  }
  let order: number;
  if (a !== undefined && b !== undefined) order = a - b;
  else {
    if (isBlank(left) || isBlank(right) || a !== undefined || b !== undefined) return false;
    const x = toText(left), y = toText(right);
    order = x < y ? -1 : x > y ? 1 : 0;
  }
  switch (op) {
    case "<":
      return order < 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    default:
      return order >= 0;
  }
}

/** A parsed date or date-time, as milliseconds of a UTC clock, with whether it had a time. */
export interface ParsedDate {
  ms: number;
  hasTime: boolean;
}

const YMD = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const XYZ = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function build(y: number, mo: number, d: number, h?: string, mi?: string, s?: string) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const ms = Date.UTC(y, mo - 1, d, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  const check = new Date(ms);
  if (check.getUTCDate() !== d) return undefined;
  return { ms, hasTime: h !== undefined };
}

/** A clock reading as a UTC-based date of the same wall-clock time (REDCap uses server time). */
export function wallClock(now: Date): number {
  return Date.UTC(
    now.getFullYear(),
    now.getMonth(),
    now.getDate(),
    now.getHours(),
    now.getMinutes(),
    now.getSeconds(),
  );
}

/**
 * Parses a date value: `YYYY-MM-DD[ HH:MM[:SS]]` always (REDCap stores dates that way), else
 * `MM-DD-YYYY` / `DD-MM-YYYY` by `format` (`mdy`, `dmy`). `today` and `now` read `now`.
 */
export function parseDate(value: LogicValue, format: string, now: Date): ParsedDate | undefined {
  const text = toText(value).trim();
  if (text === "") return undefined;
  const lower = text.toLowerCase();
  if (lower === "today") {
    const clock = wallClock(now);
    return { ms: clock - (clock % 86_400_000), hasTime: false };
  }
  if (lower === "now") return { ms: wallClock(now), hasTime: true };
  let m = YMD.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4], m[5], m[6]);
  m = XYZ.exec(text);
  if (m) {
    const [p, q] = format.toLowerCase() === "dmy" ? [m[2], m[1]] : [m[1], m[2]];
    return build(Number(m[3]), Number(p), Number(q), m[4], m[5], m[6]);
  }
  return undefined;
}

/** Formats UTC-clock milliseconds as `YYYY-MM-DD`, with ` HH:MM` or ` HH:MM:SS` if asked. */
export function formatDate(ms: number, time: "" | "hm" | "hms" = ""): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const date = `${String(d.getUTCFullYear()).padStart(4, "0")}-${p(d.getUTCMonth() + 1)}-${
    p(d.getUTCDate())
  }`;
  if (time === "") return date;
  const hm = `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  return time === "hm" ? hm : `${hm}:${p(d.getUTCSeconds())}`;
}
