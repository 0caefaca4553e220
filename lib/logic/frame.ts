/**
 * REDCap logic over DataFrames: evaluate a filter for every row of a flat export, and check
 * branching logic (values in hidden fields, required fields left blank).
 *
 * Same-row expressions are translated into one Polars expression (fast); anything that needs
 * another row (`[event][field]`, `[field][2]`) or a function without a Polars translation is
 * evaluated row by row with the same semantics.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { FieldMetadata as FullFieldMetadata } from "../dictionary/metadata.ts";
import type { BinaryNode, FieldNode, LogicNode, LogicValue } from "./ast.ts";
import { LogicReferenceError } from "./errors.ts";
import { checkboxSuffix, evaluateNode, type LogicContext } from "./evaluate.ts";
import { parse } from "./_parser.ts";
import { compareValues, formatDate, formatNumber, toNumber, truthy } from "./_values.ts";
import { walkLogic } from "./ast.ts";
import {
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "../dictionary/choices.ts";
import { frameColumns, frameHeight, lazyFrame, selectFrame, withColumnsFrame } from "../frame.ts";

/**
 * The data-dictionary columns the DataFrame helpers read: a full metadata row (from
 * `exportMetadata` or a project definition) fits, and so does a hand-written subset.
 */
export type LogicFieldMetadata =
  & Pick<FullFieldMetadata, "field_name" | "form_name" | "field_type">
  & Partial<
    Pick<FullFieldMetadata, "select_choices_or_calculations" | "branching_logic" | "required_field">
  >;
type FieldMetadata = LogicFieldMetadata;

/** Thrown inside the translation when a node has no Polars form; the caller falls back. */
class Untranslatable extends Error {}

/** A translated node: its numeric reading, its text reading and its truth. */
interface Compiled {
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

interface FrameInfo {
  df: pl.DataFrame;
  /** Whether numeric readings of text strip spaces first (slower, always exact). */
  strip: boolean;
  /** Text columns read as numbers with a plain cast. */
  plainCasts: Set<string>;
  columns: Map<string, pl.DataType>;
  metadata: Map<string, FieldMetadata>;
  recordIdField: string;
}

function dtypeName(dtype: pl.DataType): string {
  return String(dtype.variant ?? dtype);
}

function dtypeKind(dtype: pl.DataType): "str" | "num" | "bool" | "date" | "other" {
  const name = dtypeName(dtype);
  if (name === "Utf8" || name === "String") return "str";
  if (/^(U?Int\d+|Float\d+)$/.test(name)) return "num";
  if (name === "Bool" || name === "Boolean") return "bool";
  if (name === "Date") return "date";
  return "other";
}

function literal(value: LogicValue): Compiled {
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
function numericReading(info: FrameInfo, name: string): pl.Expr {
  const col = pl.col(name);
  if (info.strip) return col.str.strip().cast(pl.Float64, false);
  info.plainCasts.add(name);
  return pl.col(castColumn(name));
}

/** The hidden column holding a text column's plain numeric cast. */
function castColumn(name: string): string {
  return `\u0000num\u0000${name}`;
}

function columnReading(name: string, dtype: pl.DataType, info: FrameInfo): Compiled {
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

function checkboxReading(name: string, dtype: pl.DataType): Compiled {
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

function fieldReading(node: FieldNode, info: FrameInfo): Compiled {
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
function hasNum(c: Compiled): boolean {
  return "num" in c;
}

const CODED_TYPES = new Set(["radio", "dropdown", "yesno", "truefalse"]);

/** Whether a coded field's codes are all canonical numbers or non-numeric text. */
function hasCanonicalCodes(field: FieldMetadata | undefined): boolean {
  if (!field || !CODED_TYPES.has(field.field_type)) return false;
  if (field.field_type !== "radio" && field.field_type !== "dropdown") return true;
  return (field.select_choices_or_calculations ?? "").split("|").every((choice) => {
    const code = choice.split(",")[0].trim();
    const n = toNumber(code);
    return n === undefined || formatNumber(n) === code;
  });
}

/** Whether a literal is a number written the way REDCap writes it (`5`, `2.5`). */
function isCanonicalNumber(value: LogicValue | undefined): boolean {
  if (typeof value === "number") return true;
  if (typeof value !== "string") return false;
  const n = toNumber(value);
  return n !== undefined && formatNumber(n) === value;
}

function bothNumeric(a: Compiled, b: Compiled): pl.Expr {
  return a.num!.isNotNull().and(b.num!.isNotNull());
}

/** Text equality, comparing a raw column with a non-blank constant without filling nulls. */
function textEqual(a: Compiled, b: Compiled): pl.Expr {
  const constant = (c: Compiled) => typeof c.literal === "string" && c.literal !== "";
  if (a.raw && constant(b)) return a.raw.eq(pl.lit(b.literal as string)).fillNull(false);
  if (b.raw && constant(a)) return b.raw.eq(pl.lit(a.literal as string)).fillNull(false);
  return a.str().eq(b.str());
}

function compare(op: string, a: Compiled, b: Compiled): pl.Expr {
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

function numericOnly(num: pl.Expr): Compiled {
  return {
    num,
    str: () => {
      throw new Untranslatable();
    },
    truth: () => num.fillNull(0).neq(pl.lit(0)),
  };
}

function boolean(expr: pl.Expr): Compiled {
  return {
    num: pl.when(expr).then(pl.lit(1)).otherwise(pl.lit(0)).cast(pl.Float64),
    str: () => pl.when(expr).then(pl.lit("1")).otherwise(pl.lit("0")),
    truth: () => expr,
  };
}

function translateBinary(node: BinaryNode, info: FrameInfo): Compiled {
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

function translate(node: LogicNode, info: FrameInfo): Compiled {
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

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isNaN(value) ? "" : formatNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) {
    const ms = value.getTime();
    return ms % 86_400_000 === 0 ? formatDate(ms) : formatDate(ms, "hms");
  }
  return String(value);
}

/**
 * The frame as row objects. Built from columns because nodejs-polars' `toRecords()` turns
 * integer nulls into 0.
 */
function frameRows(df: pl.DataFrame): Record<string, unknown>[] {
  const height = frameHeight(df);
  const rows: Record<string, unknown>[] = Array.from({ length: height }, () => ({}));
  for (const name of frameColumns(df)) {
    const series = df.getColumn(name);
    const values = series.toArray() as unknown[];
    const nulls = series.nullCount() > 0 ? series.isNull().toArray() as boolean[] : undefined;
    for (let i = 0; i < values.length; i++) rows[i][name] = nulls?.[i] ? null : values[i];
  }
  return rows;
}

function frameInfo(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
  tree: LogicNode,
  strip = false,
): FrameInfo {
  const columns = new Map<string, pl.DataType>();
  for (const name of frameColumns(df)) columns.set(name, df.getColumn(name).dtype);
  const byName = new Map(metadata.map((m) => [m.field_name, m]));
  const forms = new Set(metadata.map((m) => m.form_name));
  walkLogic(tree, (node) => {
    if (node.kind !== "field") return;
    const known = byName.has(node.field) || columns.has(node.field) ||
      [...columns.keys()].some((c) => c.startsWith(`${node.field}___`)) ||
      (node.field.endsWith("_complete") && forms.has(node.field.slice(0, -9)));
    if (!known) {
      throw new LogicReferenceError(
        "unknown_field",
        node.field,
        `Unknown field "${node.field}" in ${node.text}`,
        node.pos,
      );
    }
  });
  return {
    df,
    strip,
    plainCasts: new Set(),
    columns,
    metadata: byName,
    recordIdField: metadata[0]?.field_name ?? frameColumns(df)[0],
  };
}

/**
 * The choices a column's values are coded with: its field's choices (implicit for yesno and
 * truefalse), the form-status coding for `{form}_complete`, or `undefined` for other columns.
 */
function columnChoices(
  name: string,
  byName: Map<string, FieldMetadata>,
  forms: Set<string>,
): Choice[] | undefined {
  const field = byName.get(name);
  if (field) {
    if (field.field_type === "yesno") return [...YES_NO_CHOICES];
    if (field.field_type === "truefalse") return [...TRUE_FALSE_CHOICES];
    if (["radio", "dropdown", "checkbox"].includes(field.field_type)) {
      return parseChoices(field.select_choices_or_calculations);
    }
    return undefined;
  }
  if (name.endsWith("_complete") && forms.has(name.slice(0, -9))) return [...FORM_STATUS_CHOICES];
  return undefined;
}

/**
 * Whether values (non-blank, distinct) are labels to map back to codes: all of them are
 * labels and not all of them are codes (codes win where the two overlap).
 */
function areLabels(values: readonly string[], choices: readonly Choice[]): boolean {
  const codes = new Set(choices.map((c) => c.code));
  const labels = new Set(choices.map((c) => c.label));
  return values.length > 0 && values.every((v) => labels.has(v)) &&
    !values.every((v) => codes.has(v));
}

/** The label → code lists for `replaceStrict` (a repeated label maps to its first code). */
function labelToCode(choices: readonly Choice[]): [string[], string[]] {
  const seen = new Map<string, string>();
  for (const c of choices) if (!seen.has(c.label)) seen.set(c.label, c.code);
  return [[...seen.keys()], [...seen.values()]];
}

function distinctText(series: pl.Series): string[] {
  return (series.cast(pl.String).unique().toArray() as (string | null)[])
    .filter((v): v is string => v !== null && v !== "");
}

/**
 * The frame as logic reads it: what `readRecords()` makes of an export turned back into codes.
 * Label-valued choice columns (Categorical or text) become their codes, other Categorical
 * columns text, `field__label` companions (`labels: "both"`) are dropped, and a checkbox
 * field's List(Utf8) column of labels (or codes) becomes one Boolean column per choice,
 * `field___code` (null where the list is null). List entries that are no choice of the field
 * (missing-data codes) are ignored. Only the columns of `fields` are touched when given.
 */
function codedFrame(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
  fields?: Set<string>,
): pl.DataFrame {
  const byName = new Map(metadata.map((m) => [m.field_name, m]));
  const forms = new Set(metadata.map((m) => m.form_name));
  const present = new Set(frameColumns(df));
  const drop: string[] = [];
  const exprs: pl.Expr[] = [];
  for (const name of frameColumns(df)) {
    if (
      name.endsWith("__label") && !byName.has(name) && present.has(name.slice(0, -7))
    ) {
      drop.push(name);
      continue;
    }
    if (fields && !fields.has(name)) continue;
    const series = df.getColumn(name);
    const kind = dtypeName(series.dtype);
    const categorical = kind.startsWith("Categorical");
    if (kind === "List" && byName.get(name)?.field_type === "checkbox") {
      const choices = parseChoices(byName.get(name)!.select_choices_or_calculations);
      // Codes when every entry is one; else labels (a list may hold missing-data labels too).
      const codes = new Set(choices.map((c) => c.code));
      const byLabel = !distinctText(series.explode()).every((v) => codes.has(v));
      drop.push(name);
      const suffixes = new Set<string>();
      for (const c of choices) {
        const column = `${name}___${checkboxSuffix(c.code)}`;
        if (present.has(column) || suffixes.has(column)) continue;
        suffixes.add(column);
        exprs.push(pl.col(name).lst.contains(byLabel ? c.label : c.code).alias(column));
      }
      continue;
    }
    if (!categorical && kind !== "Utf8" && kind !== "String") continue;
    const choices = columnChoices(name, byName, forms);
    const col = pl.col(name);
    if (choices?.length && areLabels(distinctText(series), choices)) {
      const [labels, codes] = labelToCode(choices);
      exprs.push(col.cast(pl.String).replaceStrict(labels, codes, pl.lit(null), pl.String));
    } else if (categorical) {
      exprs.push(col.cast(pl.String));
    }
  }
  if (!exprs.length && !drop.length) return df;
  const out = exprs.length ? withColumnsFrame(df, ...exprs) : df;
  return drop.length
    ? selectFrame(out, ...frameColumns(out).filter((c) => !drop.includes(c)))
    : out;
}

/** The fields a tree reads (checkbox fields by name). */
function referencedFields(tree: LogicNode): Set<string> {
  const fields = new Set<string>();
  walkLogic(tree, (node) => {
    if (node.kind === "field") fields.add(node.field);
  });
  return fields;
}

/** Evaluates a tree row by row; rows may refer to other rows of the same record. */
function evaluateRows(df: pl.DataFrame, info: FrameInfo, tree: LogicNode, now: Date): boolean[] {
  const rows = frameRows(df);
  const id = info.recordIdField;
  const key = (record: string, event: string, instance: number) =>
    `${record}\u0000${event}\u0000${instance}`;
  const index = new Map<string, Record<string, unknown>>();
  const instanceOf = (row: Record<string, unknown>) =>
    Number(cellText(row.redcap_repeat_instance)) || 1;
  for (const row of rows) {
    const k = key(cellText(row[id]), cellText(row.redcap_event_name), instanceOf(row));
    if (!index.has(k) || cellText(row.redcap_repeat_instrument) === "") index.set(k, row);
  }
  return rows.map((row) => {
    const record = cellText(row[id]);
    const event = cellText(row.redcap_event_name);
    const instance = instanceOf(row);
    const context: LogicContext = {
      value(field, ev, inst) {
        if (ev === undefined && inst === undefined) return cellText(row[field]);
        const other = index.get(key(record, ev ?? event, inst ?? instance)) ??
          (inst === undefined ? index.get(key(record, ev ?? event, 1)) : undefined);
        return other ? cellText(other[field]) : "";
      },
      smart(name) {
        if (name === "record-name") return record;
        if (name === "event-name") return event;
        if (name === "current-instance") return String(instance);
        if (name === "previous-instance") return instance > 1 ? String(instance - 1) : "";
        if (name === "next-instance") return String(instance + 1);
        return undefined;
      },
      now,
    };
    return truthy(evaluateNode(tree, context));
  });
}

/**
 * Evaluates REDCap logic for every row of a flat export (strings as exported, typed columns, or
 * `readRecords()` frames with labels), with REDCap's semantics: numeric text compares as
 * numbers, blanks fail `>`/`<`, `[field(code)]` reads the checkbox column `field___code` (or the
 * field's list column of checked labels). Choice columns holding labels (`labels: "label"`, the
 * default of `readRecords()`) are read as their codes, using the metadata's choices, so
 * `[sex] = '1'` means the same on every kind of frame; `field__label` columns are ignored.
 *
 * @example Filter an export
 * ```ts
 * import { evaluateLogic } from "denocap";
 * import pl from "nodejs-polars";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2", "3"], age: ["70", "", "40"] });
 * const metadata = [
 *   { field_name: "record_id", form_name: "f", field_type: "text" },
 *   { field_name: "age", form_name: "f", field_type: "text" },
 * ];
 * deepStrictEqual([...evaluateLogic(df, metadata, "[age] >= 61")], [true, false, false]);
 * ```
 *
 * @param df A flat export (`record_id`, `redcap_event_name`, `redcap_repeat_instance`, ...).
 * @param metadata The project's data dictionary.
 * @param expression REDCap logic.
 * @returns A boolean Series named `logic`, one value per row.
 * @throws {LogicError} for invalid logic or an unknown field.
 */
export function evaluateLogic(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
  expression: string | LogicNode,
): pl.Series {
  const tree = typeof expression === "string" ? parse(expression) : expression;
  return evaluateCoded(codedFrame(df, metadata, referencedFields(tree)), metadata, tree);
}

/** {@linkcode evaluateLogic} on a frame already read back to codes. */
function evaluateCoded(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
  tree: LogicNode,
): pl.Series {
  const info = frameInfo(df, metadata, tree);
  const expr = logicExpression(tree, info);
  if (expr) {
    const result = "\u0000logic", check = "\u0000check";
    const casts = [...info.plainCasts];
    // A non-blank value that fails the plain cast may be a number with spaces around it.
    const failed = casts.map((name) =>
      pl.col(castColumn(name)).isNull().and(pl.col(name).neq(pl.lit(""))).fillNull(false).any()
    );
    // Each cast runs once, as a hidden column; withColumns keeps one value per row even
    // when the result is a constant.
    let lazy = lazyFrame(df);
    if (casts.length) {
      lazy = lazy.withColumns(
        ...casts.map((name) => pl.col(name).cast(pl.Float64, false).alias(castColumn(name))),
      );
    }
    const out = lazy
      .withColumns(
        expr.fillNull(false).alias(result),
        ...(failed.length ? [pl.anyHorizontal(failed).alias(check)] : []),
      )
      .select(result, ...(failed.length ? [check] : []))
      .collectSync();
    if (!failed.length || out.getColumn(check).slice(0, 1).toArray()[0] !== true) {
      return out.getColumn(result).alias("logic");
    }
    const exact = logicExpression(tree, frameInfo(df, metadata, tree, true))!;
    return withColumnsFrame(df, exact.fillNull(false).alias(result)).getColumn(result).alias(
      "logic",
    );
  }
  return pl.Series("logic", evaluateRows(df, info, tree, new Date()), pl.Bool);
}

function logicExpression(tree: LogicNode, info: FrameInfo): pl.Expr | undefined {
  try {
    return translate(tree, info).truth();
  } catch (error) {
    if (error instanceof Untranslatable) return undefined;
    throw error;
  }
}

/**
 * Translates logic into a Polars expression over a flat frame's columns, or `undefined` when
 * it needs other rows or functions without a translation (use {@linkcode evaluateLogic}). The
 * columns are read as they are: Categorical (labelled) columns have no translation.
 *
 * @example Use logic inside a Polars query
 * ```ts
 * import { logicToPolars } from "denocap";
 * import pl from "nodejs-polars";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ bmi: ["31.3", "22", ""] });
 * const expr = logicToPolars(df, [], "[bmi] > 25")!;
 * deepStrictEqual([...df.select(expr.alias("x")).getColumn("x")], [true, false, false]);
 * ```
 *
 * @param df The frame the expression will run on (for column types).
 * @param metadata The data dictionary.
 * @param expression REDCap logic.
 * @returns A boolean expression, or `undefined`.
 */
export function logicToPolars(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
  expression: string,
): pl.Expr | undefined {
  const tree = parse(expression);
  return logicExpression(tree, frameInfo(df, metadata, tree, true))?.fillNull(false);
}

/** One problem found by {@linkcode checkBranchingLogic}. */
export type BranchingIssue = "hidden_value" | "required_missing";

function formHasData(row: Record<string, unknown>, fields: string[]): boolean {
  return fields.some((f) => {
    const text = cellText(row[f]);
    return text !== "" && !(text === "0" && f.includes("___"));
  });
}

/**
 * Checks branching logic row by row: values present in fields whose branching logic is false
 * (`hidden_value`), and required fields left blank where they are shown (`required_missing`).
 * A form counts only in rows where it has some data (or a form status). Frames from
 * `readRecords()` work with any `labels` and `checkboxes` option: choice values are read (and
 * reported) as codes.
 *
 * @example Find a value hidden by branching logic
 * ```ts
 * import { checkBranchingLogic } from "denocap";
 * import pl from "nodejs-polars";
 * import { strictEqual } from "node:assert/strict";
 *
 * const metadata = [
 *   { field_name: "record_id", form_name: "f", field_type: "text" },
 *   { field_name: "sex", form_name: "f", field_type: "radio" },
 *   { field_name: "pregnant", form_name: "f", field_type: "yesno", branching_logic: "[sex] = '0'" },
 * ];
 * const df = pl.DataFrame({ record_id: ["1", "2"], sex: ["1", "0"], pregnant: ["1", ""] });
 * const issues = checkBranchingLogic(df, metadata);
 * strictEqual(issues.height, 1);
 * strictEqual(issues.getColumn("issue").get(0), "hidden_value");
 * ```
 *
 * @param df A flat export.
 * @param metadata The data dictionary.
 * @returns Columns `record`, `event`, `instance`, `field`, `value`, `issue`.
 */
export function checkBranchingLogic(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
): pl.DataFrame {
  df = codedFrame(df, metadata);
  const out = {
    record: [] as string[],
    event: [] as string[],
    instance: [] as (number | null)[],
    field: [] as string[],
    value: [] as string[],
    issue: [] as string[],
  };
  const rows = frameRows(df);
  const names = frameColumns(df);
  const id = metadata[0]?.field_name ?? names[0];
  const columns = new Set(names);
  const formColumns = new Map<string, string[]>();
  const fieldColumns = (m: FieldMetadata) =>
    m.field_type === "checkbox"
      ? names.filter((c) => c.startsWith(`${m.field_name}___`))
      : columns.has(m.field_name)
      ? [m.field_name]
      : [];
  for (const m of metadata) {
    if (m.field_name === id || m.field_type === "descriptive") continue;
    const list = formColumns.get(m.form_name) ??
      [`${m.form_name}_complete`].filter((c) => columns.has(c));
    list.push(...fieldColumns(m));
    formColumns.set(m.form_name, list);
  }
  for (const m of metadata) {
    if (m.field_name === id || m.field_type === "descriptive" || m.field_type === "calc") continue;
    const logic = (m.branching_logic ?? "").trim();
    const required = (m.required_field ?? "").trim().toLowerCase() === "y";
    if (logic === "" && !required) continue;
    const cols = fieldColumns(m);
    if (cols.length === 0) continue;
    const shown = logic === ""
      ? undefined
      : [...evaluateCoded(df, metadata, parse(logic))] as boolean[];
    rows.forEach((row, i) => {
      const repeatForm = cellText(row.redcap_repeat_instrument);
      if (repeatForm !== "" && repeatForm !== m.form_name) return;
      if (!formHasData(row, formColumns.get(m.form_name) ?? [])) return;
      const value = m.field_type === "checkbox"
        ? cols.filter((c) => cellText(row[c]) === "1").map((c) => c.slice(m.field_name.length + 3))
          .join(",")
        : cellText(row[cols[0]]);
      const visible = shown ? shown[i] : true;
      let issue: BranchingIssue | undefined;
      if (!visible && value !== "") issue = "hidden_value";
      else if (visible && required && value === "") issue = "required_missing";
      if (!issue) return;
      out.record.push(cellText(row[id]));
      out.event.push(cellText(row.redcap_event_name));
      const instance = cellText(row.redcap_repeat_instance);
      out.instance.push(instance === "" ? null : Number(instance));
      out.field.push(m.field_name);
      out.value.push(value);
      out.issue.push(issue);
    });
  }
  return pl.DataFrame({
    record: pl.Series("record", out.record, pl.Utf8),
    event: pl.Series("event", out.event, pl.Utf8),
    instance: pl.Series("instance", out.instance, pl.Int32),
    field: pl.Series("field", out.field, pl.Utf8),
    value: pl.Series("value", out.value, pl.Utf8),
    issue: pl.Series("issue", out.issue, pl.Utf8),
  });
}
