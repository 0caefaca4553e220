/**
 * Code → label (or code → code) mapping as a Polars expression.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { Choice } from "../dictionary/choices.ts";
import { NativeExpr } from "./_native_expr.ts";

/**
 * Maps the text expression `code` through `choices` to their labels (or codes), as
 * Categorical. Unknown codes give null. One hash lookup (`replaceStrict`) straight to
 * Categorical: twice as fast as mapping to text and casting. When `code` is **categorical**
 * (a Categorical column, as `parseRedcapCsv` reads coded columns), its category ids are looked
 * up in a table instead ({@linkcode categoryTable}): no string is read or hashed per row.
 */
export function mapCodes(
  code: NativeExpr,
  choices: readonly Choice[],
  to: "label" | "code",
  categorical = false,
): NativeExpr {
  if (choices.length === 0) return NativeExpr.lit(null).cast(pl.String).cast(pl.Categorical);
  const seen = new Set<string>();
  const unique = choices.filter((c) => !seen.has(c.code) && seen.add(c.code));
  const codes = unique.map((c) => c.code);
  const targets = to === "code" ? codes : unique.map((c) => c.label);
  const table = categorical ? categoryTable(codes, targets) : undefined;
  if (table) {
    // Ids past the table's end (values that are no code) read its last entry, null.
    const bound = (n: number) => NativeExpr.lit(n).cast(pl.UInt32);
    const id = code.toPhysical().clip(bound(0), bound(table.last));
    return table.ids.gather(id).cast(pl.Categorical);
  }
  return code.replaceStrict(codes, targets, null, pl.Categorical);
}

/** Tables of {@linkcode categoryTable}, by codes and targets. */
const TABLES = new Map<string, { ids: NativeExpr; last: number } | undefined>();
const MAX_TABLES = 256;
/** Tables end at the largest code's id: beyond this, `replaceStrict` is used. */
const MAX_TABLE = 1 << 16;

/**
 * A lookup table from category id to the id of the target's category, null for every id
 * that is not one of `codes`; `undefined` when a code's id is too large for a table.
 *
 * nodejs-polars (Polars 0.54) has one global set of categories: a string has the same id in
 * every Categorical column of the process, and keeps it (the set only grows), so the ids of
 * `codes` are those of the column's values, and a Categorical built from the target ids is the
 * Categorical of the targets.
 */
function categoryTable(
  codes: readonly string[],
  targets: readonly string[],
): { ids: NativeExpr; last: number } | undefined {
  const key = JSON.stringify([codes, targets]);
  if (TABLES.has(key)) return TABLES.get(key);
  const ids = categoryIds([...codes, ...targets]);
  const from = ids.slice(0, codes.length);
  const to = ids.slice(codes.length);
  const last = Math.max(...from) + 1;
  let table: { ids: NativeExpr; last: number } | undefined;
  if (last <= MAX_TABLE) {
    const values: (number | null)[] = new Array(last + 1).fill(null);
    from.forEach((id, i) => values[id] = to[i]);
    // Built as numbers and cast: a UInt32 Series built from numbers reads null as 0.
    table = { ids: NativeExpr.column(pl.Series("ids", values).cast(pl.UInt32)), last };
  }
  if (TABLES.size < MAX_TABLES) TABLES.set(key, table);
  return table;
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
