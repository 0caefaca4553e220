/**
 * Translation of a parsed REDCap logic tree into one Polars expression over a frame, following
 * REDCap's comparison rules (numbers compare as numbers when both sides read as numbers, else as text;
 * blank is ""). Trees that cannot be translated throw {@linkcode Untranslatable} and are evaluated row by row.
 *
 * @module
 */
import { parseChoices } from "../dictionary/choices.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import pl from "../deps/polars.ts";
import type { FieldMetadata as FullFieldMetadata } from "../dictionary/metadata.ts";
import type { BinaryNode, FieldNode, LogicNode, LogicValue } from "./ast.ts";
import { checkboxSuffix } from "./evaluate.ts";
import { compareValues, formatNumber, toNumber, truthy } from "./values.ts";

/**
 * The data-dictionary columns the DataFrame helpers read: a full metadata row (from
 * `exportMetadata` or a project definition) fits, and so does a hand-written subset.
 */
export type LogicFieldMetadata =
  & Pick<FullFieldMetadata, "field_name" | "form_name" | "field_type">
  & Partial<
    Pick<FullFieldMetadata, "select_choices_or_calculations" | "branching_logic" | "required_field">
  >;
export type FieldMetadata = LogicFieldMetadata;

/** Thrown inside the translation when a node has no Polars form; the caller falls back. */
export class Untranslatable extends Error {}

/** A translated node: its numeric reading, its text reading and its truth. */
export interface Compiled {
  /** Float64, null when blank or not numeric. `undefined` when the node is never numeric. */
  num?: pl.Expr;
  /** Utf8, `""` when blank. Lazy: some nodes have no faithful text form. */
  str: () => pl.Expr;
  truth: () => pl.Expr;
  /** A literal's value, for folding. */
  literal?: LogicValue;
  /** For a text column: the column itself (null when blank), to compare without filling. */
  raw?: pl.Expr;
  /** For a checkbox option: whether it is checked (its value is "1" or "0"). */
  checked?: pl.Expr;
  /**
   * For a coded field (radio, dropdown, yes/no) whose codes are all written canonically
   * (`1`, not `01` or `1.0`): a code equals a number exactly when its text does.
   */
  canonicalCodes?: boolean;
}

export interface FrameInfo {
  df: pl.DataFrame;
  /** Whether numeric readings of text strip spaces first (slower, always exact). */
  strip: boolean;
  /** Text columns read as numbers with a plain cast. */
  plainCasts: Set<string>;
  columns: Map<string, pl.DataType>;
  metadata: Map<string, FieldMetadata>;
  recordIdField: string;
}

export function dtypeName(dtype: pl.DataType): string {
  return String(dtype.variant ?? dtype);
}

export function dtypeKind(dtype: pl.DataType): "str" | "num" | "bool" | "date" | "other" {
  const name = dtypeName(dtype);
  if (name === "Utf8" || name === "String") return "str";
  if (/^(U?Int\d+|Float\d+)$/.test(name)) return "num";
  if (name === "Bool" || name === "Boolean") return "bool";
  if (name === "Date") return "date";
  return "other";
}

export function literal(value: LogicValue): Compiled {
  const n = toNumber(value);
  const text = typeof value === "number"
    ? formatNumber(value)
    : typeof value === "boolean"
    ? (value ? "1" : "0")
    : value;
  const compiled: Compiled = {
    str: () => pl.lit(text),
    truth: () => pl.lit(truthy(value)),
    literal: value,
  };
  if (n !== undefined) compiled.num = pl.lit(n);
  return compiled;
}

/**
 * The numeric reading of a text column. Polars' lenient cast reads what PHP's `is_numeric`
 * accepts (not "nan" or "inf") except surrounding spaces. Stripping is slow, so the first
 * attempt casts plainly and records the column; {@linkcode evaluateLogic} then checks in the
 * same pass whether any non-blank value failed the cast, and only then evaluates again with
 * stripping.
 */
export function numericReading(info: FrameInfo, name: string): pl.Expr {
  const col = pl.col(name);
  if (info.strip) return col.str.strip().cast(pl.Float64, false);
  info.plainCasts.add(name);
  return pl.col(castColumn(name));
}

/** The hidden column holding a text column's plain numeric cast. */
export function castColumn(name: string): string {
  return `\u0000num\u0000${name}`;
}

export function columnReading(name: string, dtype: pl.DataType, info: FrameInfo): Compiled {
  const col = pl.col(name);
  switch (dtypeKind(dtype)) {
    case "str": {
      const str = col.fillNull("");
      let num: pl.Expr | undefined;
      return {
        get num() {
          return num ??= numericReading(info, name);
        },
        str: () => str,
        truth: () => str.neq(pl.lit("")).and(str.neq(pl.lit("0"))),
        raw: col,
      };
    }
    case "num": {
      const num = col.cast(pl.Float64);
      return {
        num,
        str: () => {
          throw new Untranslatable();
        },
        truth: () => num.fillNull(0).neq(pl.lit(0)),
      };
    }
    case "bool": {
      const num = col.cast(pl.Float64);
      return {
        num,
        str: () =>
          pl.when(col).then(pl.lit("1")).when(col.isNull()).then(pl.lit("")).otherwise(pl.lit("0")),
        truth: () => col.fillNull(false),
      };
    }
    case "date": {
      const str = col.dt.strftime("%Y-%m-%d").fillNull("");
      return { str: () => str, truth: () => col.isNotNull() };
    }
    default:
      throw new Untranslatable();
  }
}

export function checkboxReading(name: string, dtype: pl.DataType): Compiled {
  const col = pl.col(name);
  const kind = dtypeKind(dtype);
  const checked = kind === "str"
    ? col.eq(pl.lit("1")).fillNull(false)
    : kind === "bool"
    ? col.fillNull(false)
    : kind === "num"
    ? col.eq(pl.lit(1)).fillNull(false)
    : undefined;
  if (!checked) throw new Untranslatable();
  return {
    num: pl.when(checked).then(pl.lit(1)).otherwise(pl.lit(0)).cast(pl.Float64),
    str: () => pl.when(checked).then(pl.lit("1")).otherwise(pl.lit("0")),
    truth: () => checked,
    checked,
  };
}

export function fieldReading(node: FieldNode, info: FrameInfo): Compiled {
  if (node.event !== undefined || node.instance !== undefined) throw new Untranslatable();
  if (node.code !== undefined) {
    const name = `${node.field}___${checkboxSuffix(node.code)}`;
    const dtype = info.columns.get(name);
    return dtype ? checkboxReading(name, dtype) : literal("0");
  }
  const dtype = info.columns.get(node.field);
  if (!dtype) return literal("");
  const reading = columnReading(node.field, dtype, info);
  if (reading.raw && hasCanonicalCodes(info.metadata.get(node.field))) {
    reading.canonicalCodes = true;
  }
  return reading;
}

/** Whether a node may be numeric, without computing its numeric reading. */
export function hasNum(c: Compiled): boolean {
  return "num" in c;
}

export const CODED_TYPES = new Set(["radio", "dropdown", "yesno", "truefalse"]);

/** Whether a coded field's codes are all canonical numbers or non-numeric text. */
export function hasCanonicalCodes(field: FieldMetadata | undefined): boolean {
  if (!field || !CODED_TYPES.has(field.field_type)) return false;
  if (field.field_type !== "radio" && field.field_type !== "dropdown") return true;
  return parseChoices(field.select_choices_or_calculations).every(({ code }) => {
    const n = toNumber(code);
    return n === undefined || formatNumber(n) === code;
  });
}

/** Whether a literal is a number written the way REDCap writes it (`5`, `2.5`). */
export function isCanonicalNumber(value: LogicValue | undefined): boolean {
  if (typeof value === "number") return true;
  if (typeof value !== "string") return false;
  const n = toNumber(value);
  return n !== undefined && formatNumber(n) === value;
}

export function bothNumeric(a: Compiled, b: Compiled): pl.Expr {
  return a.num!.isNotNull().and(b.num!.isNotNull());
}

/** Text equality, comparing a raw column with a non-blank constant without filling nulls. */
export function textEqual(a: Compiled, b: Compiled): pl.Expr {
  const constant = (c: Compiled) => typeof c.literal === "string" && c.literal !== "";
  if (a.raw && constant(b)) return a.raw.eq(pl.lit(b.literal as string)).fillNull(false);
  if (b.raw && constant(a)) return b.raw.eq(pl.lit(a.literal as string)).fillNull(false);
  return a.str().eq(b.str());
}

export function compare(op: string, a: Compiled, b: Compiled): pl.Expr {
  const numeric = (x: pl.Expr, y: pl.Expr) =>
    op === "="
      ? x.eq(y)
      : op === "<>"
      ? x.neq(y)
      : op === "<"
      ? x.lt(y)
      : op === ">"
      ? x.gt(y)
      : op === "<="
      ? x.ltEq(y)
      : x.gtEq(y);
  const aNum = hasNum(a), bNum = hasNum(b);
  const aLit = a.literal !== undefined, bLit = b.literal !== undefined;
  if ((a.checked && bLit) || (b.checked && aLit)) {
    // A checkbox option against a constant: fold the constant against "1" and "0".
    const [option, constant] = a.checked ? [a.checked, b.literal!] : [b.checked!, a.literal!];
    const forward = a.checked !== undefined;
    const holds = (v: string) => compareValues(op, forward ? v : constant, forward ? constant : v);
    const whenChecked = holds("1"), whenUnchecked = holds("0");
    if (whenChecked === whenUnchecked) return pl.lit(whenChecked);
    return whenChecked ? option : option.not();
  }
  if (op === "=" || op === "<>") {
    if (
      (a.canonicalCodes && isCanonicalNumber(b.literal)) ||
      (b.canonicalCodes && isCanonicalNumber(a.literal))
    ) {
      return op === "=" ? textEqual(a, b) : textEqual(a, b).not();
    }
    if (aNum && bNum && (aLit || bLit)) {
      // One side is a numeric literal: equal as numbers when the other side is numeric, else
      // as text. Equal text implies equal numbers, so "text equal or numbers equal" is exact.
      const equal = textEqual(a, b).or(a.num!.eq(b.num!).fillNull(false));
      return op === "=" ? equal : equal.not();
    }
    if ((aLit && !aNum) || (bLit && !bNum)) {
      return op === "=" ? textEqual(a, b) : textEqual(a, b).not();
    }
    if (aNum && bNum) {
      return pl.when(bothNumeric(a, b)).then(numeric(a.num!, b.num!)).otherwise(
        numeric(a.str(), b.str()),
      );
    }
    return numeric(a.str(), b.str());
  }
  if (aNum && bNum && (aLit || bLit)) {
    return numeric(a.num!, b.num!).fillNull(false);
  }
  const textual = () => {
    const sa = a.str(), sb = b.str();
    let guard = sa.eq(pl.lit("")).or(sb.eq(pl.lit("")));
    if (aNum) guard = guard.or(a.num!.isNotNull());
    if (bNum) guard = guard.or(b.num!.isNotNull());
    return pl.when(guard).then(pl.lit(false)).otherwise(numeric(sa, sb));
  };
  if (aNum && bNum) {
    return pl.when(bothNumeric(a, b)).then(numeric(a.num!, b.num!)).otherwise(textual());
  }
  return textual();
}

export function numericOnly(num: pl.Expr): Compiled {
  return {
    num,
    str: () => {
      throw new Untranslatable();
    },
    truth: () => num.fillNull(0).neq(pl.lit(0)),
  };
}

export function boolean(expr: pl.Expr): Compiled {
  return {
    num: pl.when(expr).then(pl.lit(1)).otherwise(pl.lit(0)).cast(pl.Float64),
    str: () => pl.when(expr).then(pl.lit("1")).otherwise(pl.lit("0")),
    truth: () => expr,
  };
}

export function translateBinary(node: BinaryNode, info: FrameInfo): Compiled {
  const a = translate(node.left, info), b = translate(node.right, info);
  switch (node.op) {
    case "and":
      return boolean(a.truth().and(b.truth()));
    case "or":
      return boolean(a.truth().or(b.truth()));
    case "+":
    case "-":
    case "*":
    case "/": {
      if (!hasNum(a) || !hasNum(b)) return literal("");
      const x = a.num!, y = b.num!;
      if (node.op === "+") return numericOnly(x.add(y));
      if (node.op === "-") return numericOnly(x.sub(y));
      if (node.op === "*") return numericOnly(x.mul(y));
      return numericOnly(
        pl.when(y.eq(pl.lit(0))).then(pl.lit(null).cast(pl.Float64)).otherwise(x.div(y)),
      );
    }
    case "^":
      throw new Untranslatable();
    default:
      return boolean(compare(node.op, a, b));
  }
}

export function translate(node: LogicNode, info: FrameInfo): Compiled {
  switch (node.kind) {
    case "number":
    case "string":
    case "boolean":
      return literal(node.value);
    case "field":
      return fieldReading(node, info);
    case "smart": {
      const column = node.name === "record-name"
        ? info.recordIdField
        : node.name === "event-name"
        ? "redcap_event_name"
        : undefined;
      const dtype = column && info.columns.get(column);
      if (!column || !dtype) throw new Untranslatable();
      return columnReading(column, dtype, info);
    }
    case "unary": {
      const inner = translate(node.operand, info);
      if (node.op === "not") return boolean(inner.truth().not());
      if (!hasNum(inner)) return literal("");
      if (typeof inner.literal === "number" || typeof inner.literal === "string") {
        const n = toNumber(inner.literal)!;
        return literal(node.op === "-" ? -n : n);
      }
      return numericOnly(node.op === "-" ? pl.lit(0).sub(inner.num!) : inner.num!);
    }
    case "binary":
      return translateBinary(node, info);
    case "call": {
      const args = node.args.map((arg) => translate(arg, info));
      const lowerLiteral = (c: Compiled) => {
        if (typeof c.literal !== "string") throw new Untranslatable();
        return c.literal.toLowerCase();
      };
      switch (node.name) {
        case "if": {
          const [c, a, b] = args;
          const cond = c.truth();
          return {
            num: hasNum(a) && hasNum(b)
              ? pl.when(cond).then(a.num!).otherwise(b.num!)
              : hasNum(a)
              ? pl.when(cond).then(a.num!).otherwise(pl.lit(null).cast(pl.Float64))
              : hasNum(b)
              ? pl.when(cond).then(pl.lit(null).cast(pl.Float64)).otherwise(b.num!)
              : pl.lit(null).cast(pl.Float64),
            str: () => pl.when(cond).then(a.str()).otherwise(b.str()),
            truth: () => pl.when(cond).then(a.truth()).otherwise(b.truth()),
          };
        }
        case "contains":
          return boolean(args[0].str().str.toLowerCase().str.contains(lowerLiteral(args[1]), true));
        case "not_contain":
          return boolean(
            args[0].str().str.toLowerCase().str.contains(lowerLiteral(args[1]), true).not(),
          );
        case "starts_with":
          return boolean(args[0].str().str.toLowerCase().str.startsWith(lowerLiteral(args[1])));
        case "ends_with":
          return boolean(args[0].str().str.toLowerCase().str.endsWith(lowerLiteral(args[1])));
        case "abs":
          return hasNum(args[0]) ? numericOnly(args[0].num!.abs()) : literal("");
        case "isnumber":
          return hasNum(args[0]) ? boolean(args[0].num!.isNotNull()) : literal(false);
        default:
          throw new Untranslatable();
      }
    }
  }
}

export function logicExpression(tree: LogicNode, info: FrameInfo): pl.Expr | undefined {
  try {
    return translate(tree, info).truth();
  } catch (error) {
    if (error instanceof Untranslatable) return undefined;
    throw error;
  }
}

/** The metadata of logic functions: the project's dictionary, or its metadata rows. */
export type LogicMetadata = DataDictionary | readonly LogicFieldMetadata[];

/**
 * The metadata rows of a dictionary, or the rows given.
 *
 * @param source The project's dictionary or metadata rows.
 * @returns Metadata rows.
 */
export function metadataRows(source: LogicMetadata): readonly LogicFieldMetadata[] {
  return Array.isArray(source) ? source : (source as DataDictionary).metadata;
}
