/**
 * REDCap's logic functions (`if`, `round`, `datediff`, `contains`, ...): arity and behaviour.
 * Blank inputs give blank results where REDCap's calculations do, and the aggregate functions
 * (`sum`, `mean`, `min`, ...) skip blanks as REDCap documents.
 *
 * @module
 */
import type { LogicValue } from "./ast.ts";
import {
  formatDate,
  isBlank,
  numberValue,
  parseDate,
  toNumber,
  toText,
  truthy,
  wallClock,
} from "./values.ts";

/** What a function may read besides its arguments. */
export interface FunctionEnvironment {
  /** The clock for `today`/`now`. */
  now: Date;
  /** The project's missing-data codes (for `isblankormissingcode`). */
  missingCodes: readonly string[];
}

/** A logic function: how many arguments it takes and what it computes. */
export interface LogicFunction {
  min: number;
  max: number;
  call(args: LogicValue[], env: FunctionEnvironment): LogicValue;
}

function num(value: LogicValue): number | undefined {
  return toNumber(value);
}

/** Rounds half away from zero after trimming float noise (`round(1.005, 2)` is 1.01). */
function roundWith(mode: (x: number) => number, value: number, places: number): number {
  const factor = 10 ** places;
  const scaled = Number((value * factor).toPrecision(15));
  return mode(scaled) / factor;
}

function unary(fn: (x: number) => number): LogicFunction {
  return {
    min: 1,
    max: 1,
    call: ([x]) => {
      const n = num(x);
      return n === undefined ? "" : numberValue(fn(n));
    },
  };
}

function rounding(mode: (x: number) => number): LogicFunction {
  return {
    min: 1,
    max: 2,
    call: ([x, places = 0]) => {
      const n = num(x), p = num(places);
      if (n === undefined || p === undefined) return "";
      return numberValue(roundWith(mode, n, Math.trunc(p)));
    },
  };
}

function aggregate(fn: (values: number[]) => number | undefined): LogicFunction {
  return {
    min: 1,
    max: Infinity,
    call: (args) => {
      const values = args.map(num).filter((n): n is number => n !== undefined);
      if (values.length === 0) return "";
      const result = fn(values);
      return result === undefined ? "" : numberValue(result);
    },
  };
}

function text(fn: (args: string[]) => LogicValue, min: number, max = min): LogicFunction {
  return { min, max, call: (args) => fn(args.map(toText)) };
}

const halfAwayFromZero = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Milliseconds per `datediff` unit (REDCap's month and year are average lengths). */
export const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  M: 86_400_000 * 30.44,
  y: 86_400_000 * 365.2425,
};

function datediff(args: LogicValue[], env: FunctionEnvironment): LogicValue {
  const [a, b, unitArg = "d"] = args;
  let format = "ymd";
  let signed = false;
  for (const extra of args.slice(3)) {
    const t = toText(extra).toLowerCase();
    if (t === "ymd" || t === "mdy" || t === "dmy") format = t;
    else signed = typeof extra === "boolean" ? extra : t === "true" || t === "1";
  }
  const unit = toText(unitArg);
  const perUnit = UNIT_MS[unit] ?? UNIT_MS[unit.toLowerCase()];
  const first = parseDate(a, format, env.now), second = parseDate(b, format, env.now);
  if (!first || !second || perUnit === undefined) return "";
  const diff = (second.ms - first.ms) / perUnit;
  return numberValue(signed ? diff : Math.abs(diff));
}

function datePart(part: "y" | "m" | "d"): LogicFunction {
  return {
    min: 1,
    max: 1,
    call: ([x], env) => {
      const d = parseDate(x, "ymd", env.now);
      if (!d) return "";
      const date = new Date(d.ms);
      return part === "y"
        ? date.getUTCFullYear()
        : part === "m"
        ? date.getUTCMonth() + 1
        : date.getUTCDate();
    },
  };
}

const lowerIncludes = (h: string, n: string) => h.toLowerCase().includes(n.toLowerCase());

/** Every function REDCap logic knows, by lower-case name. */
export const LOGIC_FUNCTIONS: ReadonlyMap<string, LogicFunction> = new Map<string, LogicFunction>([
  // `if` is evaluated lazily by the evaluator; this entry documents its arity.
  ["if", { min: 3, max: 3, call: ([c, a, b]) => truthy(c) ? a : b }],
  ["round", rounding(halfAwayFromZero)],
  ["roundup", rounding(Math.ceil)],
  ["rounddown", rounding(Math.floor)],
  ["sqrt", unary(Math.sqrt)],
  ["abs", unary(Math.abs)],
  ["exp", unary(Math.exp)],
  ["log", {
    min: 1,
    max: 2,
    call: ([x, base]) => {
      const n = num(x);
      if (n === undefined || n <= 0) return "";
      if (base === undefined) return numberValue(Math.log(n));
      const b = num(base);
      return b === undefined || b <= 0 || b === 1 ? "" : numberValue(Math.log(n) / Math.log(b));
    },
  }],
  ["min", aggregate((v) => Math.min(...v))],
  ["max", aggregate((v) => Math.max(...v))],
  ["sum", aggregate((v) => v.reduce((a, b) => a + b, 0))],
  ["mean", aggregate(mean)],
  [
    "median",
    aggregate((v) => {
      const s = [...v].sort((a, b) => a - b);
      const mid = Math.floor(s.length / 2);
      return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }),
  ],
  [
    "stdev",
    aggregate((v) => {
      if (v.length < 2) return 0;
      const m = mean(v);
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    }),
  ],
  ["datediff", { min: 2, max: 5, call: datediff }],
  ["year", datePart("y")],
  ["month", datePart("m")],
  ["day", datePart("d")],
  ["contains", text(([h, n]) => lowerIncludes(h, n), 2)],
  ["not_contain", text(([h, n]) => !lowerIncludes(h, n), 2)],
  ["starts_with", text(([h, n]) => h.toLowerCase().startsWith(n.toLowerCase()), 2)],
  ["ends_with", text(([h, n]) => h.toLowerCase().endsWith(n.toLowerCase()), 2)],
  ["left", {
    min: 2,
    max: 2,
    call: ([t, n]) => {
      const k = num(n);
      return k === undefined ? "" : [...toText(t)].slice(0, Math.max(0, k)).join("");
    },
  }],
  ["right", {
    min: 2,
    max: 2,
    call: ([t, n]) => {
      const k = num(n);
      const chars = [...toText(t)];
      return k === undefined || k <= 0 ? "" : chars.slice(Math.max(0, chars.length - k)).join("");
    },
  }],
  ["mid", {
    min: 3,
    max: 3,
    call: ([t, s, n]) => {
      const start = num(s), k = num(n);
      if (start === undefined || k === undefined || k <= 0) return "";
      const from = Math.max(0, start - 1);
      return [...toText(t)].slice(from, from + k).join("");
    },
  }],
  ["length", text(([t]) => [...t].length, 1)],
  [
    "find",
    text(([needle, haystack]) => haystack.toLowerCase().indexOf(needle.toLowerCase()) + 1, 2),
  ],
  ["concat", text((parts) => parts.join(""), 1, Infinity)],
  ["upper", text(([t]) => t.toUpperCase(), 1)],
  ["lower", text(([t]) => t.toLowerCase(), 1)],
  ["trim", text(([t]) => t.trim(), 1)],
  ["replace_text", text(([h, s, r]) => s === "" ? h : h.split(s).join(r), 3)],
  ["isnumber", { min: 1, max: 1, call: ([x]) => !isBlank(x) && toNumber(x) !== undefined }],
  ["isinteger", {
    min: 1,
    max: 1,
    call: ([x]) => typeof x === "number" ? Number.isInteger(x) : /^\s*[-+]?\d+\s*$/.test(toText(x)),
  }],
  ["isblankormissingcode", {
    min: 1,
    max: 1,
    call: ([x], env) => toText(x).trim() === "" || env.missingCodes.includes(toText(x)),
  }],
  ["ismissingcode", {
    min: 1,
    max: 1,
    call: ([x], env) => env.missingCodes.includes(toText(x)),
  }],
  ["today", { min: 0, max: 0, call: (_, env) => formatDate(wallClock(env.now)) }],
  ["now", { min: 0, max: 0, call: (_, env) => formatDate(wallClock(env.now), "hms") }],
]);
