/**
 * nodejs-polars, the DataFrame library every table in denocap is made of. Its pinned `npm:`
 * specifier is named here and nowhere else, so each entry point imports with no import map of
 * its own (the version is the one `deno.lock` records).
 *
 * The type aliases below name the polars types denocap's public signatures use, so the entry
 * points can export them (`deno doc --lint` wants every type a public signature names to be
 * public) without re-exporting all of nodejs-polars.
 *
 * @module
 */
export { default } from "npm:nodejs-polars@0.25.2";
// The same pinned specifier, as the type namespace of the aliases below.
// deno-lint-ignore no-import-prefix
import type polars from "npm:nodejs-polars@0.25.2";

/**
 * A nodejs-polars DataFrame: every table denocap reads, checks or writes.
 *
 * @example
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import type { DataFrame } from "denocap";
 *
 * const frame: DataFrame = pl.DataFrame({ record_id: ["1", "2"] });
 * if (frame.height !== 2) throw new Error("two rows expected");
 * ```
 */
export type DataFrame = polars.DataFrame;
/** A nodejs-polars Series: one column of a {@linkcode DataFrame}. */
export type Series = polars.Series;
/** A nodejs-polars expression, e.g. `pl.col("age").gtEq(18)`. */
export type Expr = polars.Expr;
/** A nodejs-polars dtype, e.g. `pl.String` or `pl.Float64`. */
export type DataType = polars.DataType;
