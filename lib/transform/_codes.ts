/**
 * Code → label (or code → code) mapping as a Polars expression.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { Choice } from "../dictionary/choices.ts";
import { NativeExpr } from "./_native_expr.ts";
import { firstRow, selectFrame } from "../frame.ts";

/**
 * Maps the text expression `code` through `choices` to their labels (or codes), as
 * Categorical. Unknown codes give null. One hash lookup (`replaceStrict`) straight to
 * Categorical: twice as fast as mapping to text and casting. When `code` is a Categorical
 * column (as `parseRedcapCsv` reads coded columns) whose category ids are all below
 * **idBound** ({@linkcode categoryIdBound}), its ids are looked up in a table instead
 * ({@linkcode categoryTable}): no string is read or hashed per row.
 */
export function mapCodes(
  code: NativeExpr,
  choices: readonly Choice[],
  to: "label" | "code",
  idBound?: number,
): NativeExpr {
  if (choices.length === 0) return NativeExpr.lit(null).cast(pl.String).cast(pl.Categorical);
  const seen = new Set<string>();
  const unique = choices.filter((c) => !seen.has(c.code) && seen.add(c.code));
  const codes = unique.map((c) => c.code);
  const targets = to === "code" ? codes : unique.map((c) => c.label);
  const table = idBound === undefined ? undefined : categoryTable(codes, targets, idBound);
  if (table) return table.gather(code.toPhysical()).cast(pl.Categorical);
  return code.replaceStrict(codes, targets, null, pl.Categorical);
}

/** Tables of {@linkcode categoryTable}, by codes, targets and length. */
const TABLES = new Map<string, NativeExpr | undefined>();
const MAX_TABLES = 256;
/** The longest table: beyond, `replaceStrict` is used. */
const MAX_TABLE = 1 << 16;

/**
 * A lookup table from category id to the id of the target's category, null for every id
 * that is not one of `codes`, covering every id below `idBound` (a column's ids must be below
 * it: a gather past the end fails); `undefined` when that is too long a table.
 *
 * nodejs-polars (Polars 0.54) has one global set of categories: a string has the same id in
 * every Categorical column of the process, and keeps it (the set only grows), so the ids of
 * `codes` are those of the column's values, and a Categorical built from the target ids is the
 * Categorical of the targets.
 */
function categoryTable(
  codes: readonly string[],
  targets: readonly string[],
  idBound: number,
): NativeExpr | undefined {
  const key = JSON.stringify([codes, targets, idBound]);
  if (TABLES.has(key)) return TABLES.get(key);
  const ids = categoryIds([...codes, ...targets]);
  const from = ids.slice(0, codes.length);
  const to = ids.slice(codes.length);
  const length = Math.max(idBound, ...from.map((id) => id + 1));
  let table: NativeExpr | undefined;
  if (length <= MAX_TABLE) {
    const values: (number | null)[] = new Array(length).fill(null);
    from.forEach((id, i) => values[id] = to[i]);
    // Built as numbers and cast: a UInt32 Series built from numbers reads null as 0.
    table = NativeExpr.column(pl.Series("ids", values).cast(pl.UInt32));
  }
  if (TABLES.size >= MAX_TABLES) TABLES.clear();
  TABLES.set(key, table);
  return table;
}

/**
 * A bound on the category ids of `frame`'s Categorical `columns` (a power of two, so that a
 * cast plan built with it serves many reads), or `undefined` when there are none or the bound
 * exceeds the longest table. One quick query: the largest id of each column.
 */
export function categoryIdBound(
  frame: pl.DataFrame,
  columns: readonly string[],
): number | undefined {
  if (columns.length === 0) return undefined;
  const max = firstRow(selectFrame(frame, NativeExpr.cols(columns).toPhysical().expr().max()))
    .reduce((a: number, b) => Math.max(a, Number(b ?? 0)), 0);
  let bound = 256;
  while (bound <= max) bound *= 2;
  return bound <= MAX_TABLE ? bound : undefined;
}

/** Category ids met, by string (ids never change). */
const IDS = new Map<string, number>();
const MAX_IDS = 100_000;

/**
 * The category ids of `values`, adding those not yet met to Polars' categories (one query for
 * all: `castRecords` asks for every coded column's codes and labels at once).
 */
export function categoryIds(values: readonly string[]): number[] {
  const fresh = [...new Set(values.filter((v) => !IDS.has(v)))];
  if (fresh.length > 0) {
    const ids = pl.DataFrame({ v: pl.Series("v", fresh, pl.String).cast(pl.Categorical) })
      .select(pl.col("v").toPhysical()).getColumn("v").toArray() as number[];
    if (IDS.size + fresh.length > MAX_IDS) IDS.clear();
    fresh.forEach((v, i) => IDS.set(v, ids[i]));
  }
  return values.map((v) => IDS.get(v) ?? categoryIds([v])[0]);
}
