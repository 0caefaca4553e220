/**
 * The List(Utf8) expression that combines one checkbox field's columns (used by
 * `combineCheckboxes()` and `labelRecords()`).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns } from "../frame.ts";

/** Whether a checkbox cell (raw "1", cast `true`) is checked. */
function checked(df: pl.DataFrame, column: string): pl.Expr {
  const c = pl.col(column);
  return df.getColumn(column).dtype.equals(pl.Bool)
    ? c.fillNull(false)
    : c.cast(pl.String).eq(pl.lit("1")).fillNull(false);
}

function blank(df: pl.DataFrame, column: string): pl.Expr {
  const c = pl.col(column);
  return df.getColumn(column).dtype.equals(pl.Bool)
    ? c.isNull()
    : c.isNull().or(c.cast(pl.String).eq(pl.lit("")));
}

/** The List(Utf8) expression for one checkbox field (internal to label/combine). */
export function checkboxListExprs(
  df: pl.DataFrame,
  dictionary: DataDictionary,
  field: string,
  values: "label" | "code" = "label",
): pl.Expr {
  const present = dictionary.checkboxColumns(field).filter((c) =>
    frameColumns(df).includes(c.column)
  );
  if (present.length === 0) return pl.lit(null).cast(pl.List(pl.String)).alias(field);
  const items = present.map((c) =>
    pl.when(checked(df, c.column)).then(pl.lit(values === "label" ? c.label : c.code)).otherwise(
      pl.lit(null),
    ).cast(pl.String)
  );
  const allBlank = present.map((c) => blank(df, c.column)).reduce((a, b) => a.and(b));
  return pl.when(allBlank).then(pl.lit(null))
    .otherwise(pl.concatList(items).lst.eval(pl.element().dropNulls()))
    .cast(pl.List(pl.String))
    .alias(field);
}
