/**
 * Calculated fields as REDCap computes them: `calc` fields, `@CALCTEXT(...)` and
 * `@CALCDATE(date, offset, unit)` action tags. Shared by the local server (which recomputes
 * them after imports) and {@linkcode checkCalculations} (which finds stale values on a frame).
 *
 * @module
 */
import type { LogicNode, LogicValue } from "./ast.ts";
import type { LogicContext } from "./evaluate.ts";
import { evaluateExpression, formatLogicValue, parseLogic } from "./logic.ts";
import { formatDate, parseDate, toNumber, toText } from "./values.ts";
import { UNIT_MS } from "./functions.ts";

/** One calculated field, parsed. */
export interface Calculation {
  /** The field name. */
  field: string;
  /** `calc` (a calc field), `calctext` (`@CALCTEXT`) or `calcdate` (`@CALCDATE`). */
  kind: "calc" | "calctext" | "calcdate";
  /** The parsed expression (for `@CALCDATE`: the date, the offset and the unit). */
  trees: LogicNode[];
  /** The field's validation (`@CALCDATE` formats a datetime with its minutes or seconds). */
  validation: string;
}

/** The metadata columns a calculation is read from. */
export interface CalculationSource {
  field_name: string;
  field_type: string;
  select_choices_or_calculations?: string;
  field_annotation?: string;
  text_validation_type_or_show_slider_number?: string;
}

/**
 * The argument text of an action tag such as `@CALCTEXT(...)` in an annotation, with nested
 * parentheses and quoted strings respected; `undefined` if the tag is absent or unclosed.
 */
export function actionTagArgument(annotation: string, tag: string): string | undefined {
  const match = new RegExp(`${tag}\\s*\\(`, "i").exec(annotation);
  if (!match) return undefined;
  let depth = 1;
  let quote = "";
  const start = match.index + match[0].length;
  for (let i = start; i < annotation.length; i++) {
    const c = annotation[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return annotation.slice(start, i);
  }
  return undefined;
}

/** Splits top-level comma-separated arguments (`@CALCDATE([d], 7, 'd')`). */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = "", last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(text.slice(last));
  return parts.map((p) => p.trim());
}

/**
 * A field's calculation, parsed, or `undefined` when the field is not calculated (nor a
 * `@CALCDATE` with three arguments).
 *
 * @throws {LogicSyntaxError} When the calculation does not parse.
 */
export function parseCalculation(field: CalculationSource): Calculation | undefined {
  const annotation = field.field_annotation ?? "";
  const validation = field.text_validation_type_or_show_slider_number ?? "";
  const base = { field: field.field_name, validation };
  if (field.field_type === "calc") {
    return {
      ...base,
      kind: "calc",
      trees: [parseLogic(field.select_choices_or_calculations ?? "")],
    };
  }
  const text = actionTagArgument(annotation, "@CALCTEXT");
  if (text !== undefined) return { ...base, kind: "calctext", trees: [parseLogic(text)] };
  const date = actionTagArgument(annotation, "@CALCDATE");
  if (date === undefined) return undefined;
  const args = splitArguments(date);
  if (args.length !== 3) return undefined;
  return { ...base, kind: "calcdate", trees: args.map((a) => parseLogic(a)) };
}

/**
 * A calculated field's value as REDCap stores it: a calc as a number without float noise
 * (blank when not a number), `@CALCTEXT` as text, `@CALCDATE` as `YYYY-MM-DD` (with ` HH:MM`
 * or ` HH:MM:SS` for datetime validations), blank when an input is blank.
 */
export function computeCalculation(calc: Calculation, context: LogicContext): string {
  const values: LogicValue[] = calc.trees.map((t) => evaluateExpression(t, context));
  if (calc.kind === "calc") {
    const n = toNumber(values[0]);
    return n === undefined ? "" : formatLogicValue(n);
  }
  if (calc.kind === "calctext") return formatLogicValue(values[0]);
  const [date, offset, unit] = values;
  const start = parseDate(date, "ymd", context.now ?? new Date());
  const amount = toNumber(offset);
  const perUnit = UNIT_MS[toText(unit)];
  if (!start || amount === undefined || perUnit === undefined) return "";
  const ms = Math.round(start.ms + amount * perUnit);
  if (calc.validation.startsWith("datetime_seconds")) return formatDate(ms, "hms");
  if (calc.validation.startsWith("datetime")) return formatDate(ms, "hm");
  return formatDate(ms);
}
