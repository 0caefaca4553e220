/**
 * A frame as REDCap logic sees it: labels turned back into codes, the field info that translation needs.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { LogicNode } from "./ast.ts";
import { LogicReferenceError } from "./errors.ts";
import { checkboxSuffix } from "./evaluate.ts";
import { formatDate, formatNumber } from "./values.ts";
import { walkLogic } from "./ast.ts";
import {
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "../dictionary/choices.ts";
import { frameColumns, frameHeight, selectFrame, withColumnsFrame } from "../frame.ts";
import { dtypeName, type FieldMetadata, type FrameInfo } from "./_translate.ts";

export function cellText(value: unknown): string {
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
export function frameRows(df: pl.DataFrame): Record<string, unknown>[] {
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

export function frameInfo(
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
export function columnChoices(
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
export function areLabels(values: readonly string[], choices: readonly Choice[]): boolean {
  const codes = new Set(choices.map((c) => c.code));
  const labels = new Set(choices.map((c) => c.label));
  return values.length > 0 && values.every((v) => labels.has(v)) &&
    !values.every((v) => codes.has(v));
}

/** The label → code lists for `replaceStrict` (a repeated label maps to its first code). */
export function labelToCode(choices: readonly Choice[]): [string[], string[]] {
  const seen = new Map<string, string>();
  for (const c of choices) if (!seen.has(c.label)) seen.set(c.label, c.code);
  return [[...seen.keys()], [...seen.values()]];
}

export function distinctText(series: pl.Series): string[] {
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
export function codedFrame(
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
export function referencedFields(tree: LogicNode): Set<string> {
  const fields = new Set<string>();
  walkLogic(tree, (node) => {
    if (node.kind === "field") fields.add(node.field);
  });
  return fields;
}
