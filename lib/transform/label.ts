/**
 * {@linkcode labelRecords}: codes → labels from the dictionary (no second export), and the column
 * labels (field labels) that travel with a frame for plots and displays.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { attachColumnLabels, readColumnLabels } from "./column_labels.ts";
import { checkboxListExprs } from "./_checkbox_list.ts";
import { mapCodes } from "./_codes.ts";
import { NativeExpr } from "./_native_expr.ts";
import { frameColumns, selectFrame } from "../frame.ts";

/** Options for {@linkcode labelRecords}. */
export interface LabelRecordsOptions {
  /** Coded columns (radio, dropdown, yesno, truefalse, form status) as *code*s, *label*s, or
   * *both* (codes kept, labels added as `field__label`).
   * @default {"label"}
   */
  labels?: "code" | "label" | "both";
  /** Checkbox columns kept as one *boolean* column per option, or combined into one *list*
   * column per field (List(Utf8) of the chosen labels).
   * @default {"boolean"}
   */
  checkboxes?: "boolean" | "list";
}

/**
 * The labels of a coded field in dictionary order: the level order of its Categorical (Polars
 * has no Enum here, so order comes from the dictionary).
 *
 * @example Levels of a radio field
 * ```ts
 * import { DataDictionary, levels } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "size", form_name: "f", field_type: "radio", select_choices_or_calculations: "3, Small | 1, Large" },
 * ]);
 * deepStrictEqual(levels(dd, "size"), ["Small", "Large"]);
 * ```
 *
 * @param dictionary The project's dictionary.
 * @param field A field name (or `{form}_complete`).
 * @returns Labels in dictionary order (`[]` for uncoded fields).
 */
export function levels(dictionary: DataDictionary, field: string): string[] {
  return dictionary.choices(field).map((c) => c.label);
}

/**
 * The column labels of a frame: those recorded by {@linkcode castRecords} or
 * {@linkcode labelRecords} (field labels keyed by column), and, when a **dictionary** is given,
 * the label of every column named after a field (checkbox options as `Label (choice=Choice)`,
 * `field__label` as the field's label). Labels by name survive `select`, `filter` and joins,
 * which give new frames without recorded labels.
 *
 * @example Labels travel with the cast frame, and come back by name after a filter
 * ```ts
 * import { castRecords, columnLabels, DataDictionary } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text", field_label: "Study ID" },
 * ]);
 * const { data } = castRecords(pl.DataFrame({ id: ["1", "2"] }), dd);
 * strictEqual(columnLabels(data).id, "Study ID");
 * const some = data.filter(pl.col("id").eq(pl.lit("2")));
 * deepStrictEqual(columnLabels(some), {});
 * strictEqual(columnLabels(some, dd).id, "Study ID");
 * ```
 *
 * @param df A frame.
 * @param dictionary The project's dictionary, to label columns by name.
 * @returns Labels keyed by column (`{}` when none are known).
 */
export function columnLabels(
  df: DataFrame,
  dictionary?: DataDictionary,
): Readonly<Record<string, string>> {
  const recorded = readColumnLabels(df);
  if (!dictionary) return recorded;
  const byName = dictionary.columnLabels();
  const out: Record<string, string> = {};
  for (const column of frameColumns(df)) {
    const base = column.endsWith("__label") ? column.slice(0, -"__label".length) : undefined;
    const label = recorded[column] ?? byName[column] ??
      (base === undefined ? undefined : dictionary.field(base)?.label);
    if (label !== undefined) out[column] = label;
  }
  return out;
}

/**
 * Records column labels for a frame (e.g. after selecting columns of a labelled frame).
 *
 * @example Carry labels over a selection
 * ```ts
 * import { columnLabels, withColumnLabels } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = withColumnLabels(pl.DataFrame({ a: [1] }), { a: "Age", b: "unused" });
 * deepStrictEqual(columnLabels(df), { a: "Age" });
 * ```
 *
 * @param df A frame.
 * @param labels Labels keyed by column; labels for absent columns are dropped.
 * @returns The same frame.
 */
export function withColumnLabels<T extends DataFrame>(
  df: T,
  labels: Readonly<Record<string, string>>,
): T {
  return attachColumnLabels(df, labels);
}

/** A code expression: strings kept, Booleans (cast yesno/truefalse) as `1`/`0`. */
function codeText(df: pl.DataFrame, column: string): pl.Expr {
  const c = pl.col(column);
  if (df.getColumn(column).dtype.equals(pl.Bool)) {
    return pl.when(c.eq(pl.lit(true))).then(pl.lit("1")).when(c.eq(pl.lit(false))).then(pl.lit("0"))
      .otherwise(pl.lit(null)).cast(pl.String);
  }
  return c.cast(pl.String);
}

/**
 * Replaces codes with labels using the dictionary. Works on a raw string export or on the
 * output of {@linkcode castRecords}. With **labels** *label*, coded columns become Categorical
 * of labels (see {@linkcode levels} for dictionary order); *both* keeps the codes and adds
 * `field__label`. With **checkboxes** *list*, each checkbox field's columns become one
 * List(Utf8) column (named after the field) of the chosen labels; it is null where all options
 * are blank (form not designated). Column labels are recorded (see {@linkcode columnLabels}).
 * A code missing from the dictionary becomes null (see `castRecords().invalid`).
 *
 * @example Labels and checkbox lists
 * ```ts
 * import { DataDictionary, labelRecords } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "sex", form_name: "f", field_type: "radio", select_choices_or_calculations: "0, Female | 1, Male" },
 *   { field_name: "race", form_name: "f", field_type: "checkbox", select_choices_or_calculations: "1, White | 2, Asian" },
 * ]);
 * const raw = pl.DataFrame({ id: ["1"], sex: ["1"], race___1: ["1"], race___2: ["1"], f_complete: ["2"] });
 * const out = labelRecords(raw, dd, { labels: "both", checkboxes: "list" });
 * deepStrictEqual(out.columns, ["id", "sex", "sex__label", "race", "f_complete", "f_complete__label"]);
 * deepStrictEqual(out.getColumn("race").toArray()[0], ["White", "Asian"]);
 * deepStrictEqual(out.getColumn("sex__label").toArray(), ["Male"]);
 * ```
 *
 * @param df A flat export (raw strings or cast).
 * @param dictionary The project's dictionary.
 * @param options Label and checkbox modes.
 * @returns A new frame.
 */
export function labelRecords(
  df: DataFrame,
  dictionary: DataDictionary,
  options: LabelRecordsOptions = {},
): DataFrame {
  const { labels = "label", checkboxes = "boolean" } = options;
  const exprs: pl.Expr[] = [];
  const columnLabelMap: Record<string, string> = {
    ...dictionary.columnLabels(),
    ...readColumnLabels(df),
  };
  const listed = new Set<string>();
  for (const column of frameColumns(df)) {
    const info = dictionary.columnInfo(column);
    const field = info?.field ? dictionary.field(info.field) : undefined;
    if (info?.role === "checkbox" && checkboxes === "list") {
      if (listed.has(info.field!)) continue;
      listed.add(info.field!);
      exprs.push(checkboxListExprs(df, dictionary, info.field!));
      columnLabelMap[info.field!] = field?.label ?? info.field!;
      continue;
    }
    const coded = field && field.choices.length > 0 && info?.role !== "checkbox" &&
      field.type !== "checkbox";
    if (!coded || labels === "code") {
      exprs.push(pl.col(column));
      continue;
    }
    const code = codeText(df, column);
    const mapped = mapCodes(NativeExpr.of(code), field.choices, "label").expr();
    if (labels === "label") exprs.push(mapped.alias(column));
    else {
      exprs.push(pl.col(column), mapped.alias(`${column}__label`));
      columnLabelMap[`${column}__label`] = field.label;
    }
  }
  const out = selectFrame(df, ...exprs);
  return attachColumnLabels(out, columnLabelMap);
}
