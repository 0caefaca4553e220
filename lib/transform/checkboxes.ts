/**
 * Checkbox columns: combine a field's `field___code` columns into one list of chosen labels or
 * codes, and expand such a list back into 0/1 columns.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { checkboxListExprs } from "./_checkbox_list.ts";
import { frameColumns, selectFrame } from "../frame.ts";

/** Options for {@linkcode combineCheckboxes}. */
export interface CombineCheckboxesOptions {
  /** Put the choice *label*s or *code*s in the list.
   * @default {"label"}
   */
  values?: "label" | "code";
}

/**
 * Replaces each checkbox field's `field___code` columns with one List(Utf8) column named after
 * the field, placed where its first option was. The list holds the checked options (labels or
 * codes) in dictionary order; it is null where every option is blank (form not designated).
 *
 * @example Combine checkbox columns
 * ```ts
 * import { combineCheckboxes, DataDictionary } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "c", form_name: "f", field_type: "checkbox", select_choices_or_calculations: "a, A | b, B" },
 * ]);
 * const df = pl.DataFrame({ id: ["1", "2"], c___a: ["1", "0"], c___b: ["1", ""] });
 * const out = combineCheckboxes(df, dd, { values: "code" });
 * deepStrictEqual(out.getColumn("c").toArray(), [["a", "b"], []]);
 * ```
 *
 * @param df A flat export (raw strings, or Booleans from `castRecords`).
 * @param dictionary The project's dictionary.
 * @param options Labels or codes.
 * @returns A new frame.
 */
export function combineCheckboxes(
  df: DataFrame,
  dictionary: DataDictionary,
  options: CombineCheckboxesOptions = {},
): DataFrame {
  const { values = "label" } = options;
  const exprs: pl.Expr[] = [];
  const done = new Set<string>();
  for (const column of frameColumns(df)) {
    const info = dictionary.columnInfo(column);
    if (info?.role !== "checkbox") {
      exprs.push(pl.col(column));
      continue;
    }
    if (done.has(info.field!)) continue;
    done.add(info.field!);
    exprs.push(checkboxListExprs(df, dictionary, info.field!, values));
  }
  return selectFrame(df, ...exprs);
}

/**
 * Expands List(Utf8) columns of checked codes (as from {@linkcode combineCheckboxes} with
 * **values** *code*) back into REDCap's `field___code` columns of `"1"`/`"0"` (blank where the
 * list is null).
 *
 * @example Round trip
 * ```ts
 * import { combineCheckboxes, DataDictionary, expandCheckboxes } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "c", form_name: "f", field_type: "checkbox", select_choices_or_calculations: "a, A | b, B" },
 * ]);
 * const df = pl.DataFrame({ id: ["1", "2"], c___a: ["1", "0"], c___b: ["0", "1"] });
 * const back = expandCheckboxes(combineCheckboxes(df, dd, { values: "code" }), dd);
 * deepStrictEqual(back.toRecords(), df.toRecords());
 * ```
 *
 * @param df A frame with list columns named after checkbox fields.
 * @param dictionary The project's dictionary.
 * @returns A new frame with string 0/1 columns.
 */
export function expandCheckboxes(df: DataFrame, dictionary: DataDictionary): DataFrame {
  const exprs: pl.Expr[] = [];
  for (const column of frameColumns(df)) {
    const field = dictionary.field(column);
    if (field?.type !== "checkbox") {
      exprs.push(pl.col(column));
      continue;
    }
    for (const c of dictionary.checkboxColumns(column)) {
      exprs.push(
        pl.when(pl.col(column).isNull()).then(pl.lit(null))
          .when(pl.col(column).lst.contains(c.code)).then(pl.lit("1"))
          .otherwise(pl.lit("0")).cast(pl.String).alias(c.column),
      );
    }
  }
  return selectFrame(df, ...exprs);
}
