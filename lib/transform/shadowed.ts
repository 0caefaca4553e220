/**
 * {@linkcode shadowedColumns}: columns named like a nodejs-polars DataFrame member, which
 * nodejs-polars resolves to the column (`df.height` is the demo's *height* field, not the row
 * count).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { frameColumns } from "../frame.ts";

/** A frame without REDCap-style columns: what is defined on it is a member. */
const PROBE = pl.DataFrame({ _probe: [0] }) as unknown as Record<string, unknown>;

/** The safe way to each commonly shadowed member. */
const SAFE: Record<string, string> = {
  height: "df.shape.height",
  width: "df.shape.width",
  shape: "df.getColumns()[0].len()",
  columns: "df.getColumns().map((s) => s.name)",
  dtypes: "df.getColumns().map((s) => s.dtype)",
  schema: "df.getColumns().map((s) => s.dtype)",
  row: "df.toRecords()[i]",
  rows: "df.toRecords()",
};

/**
 * The columns of a frame that shadow a DataFrame member of the same name (`height`, `width`,
 * `columns`, `select`, `filter`, `row`, `lazy`, `sum`, ...): `df.<name>` then gives the column.
 *
 * @example The demo's height field
 * ```ts
 * import { shadowedColumns } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1"], height: [170], sbp: [120] });
 * deepStrictEqual(shadowedColumns(df), ["height"]);
 * ```
 *
 * @param df A frame.
 * @returns The shadowing columns, in column order.
 */
export function shadowedColumns(df: DataFrame): string[] {
  return frameColumns(df).filter((c) => PROBE[c] !== undefined);
}

/**
 * One sentence about a frame's shadowing columns naming the safe accessors, or `undefined`
 * when there are none (used by `readRecords()` for its one warning per read).
 */
export function shadowedWarning(df: pl.DataFrame): string | undefined {
  const columns = shadowedColumns(df);
  if (columns.length === 0) return undefined;
  const one = columns.length === 1;
  const instead = columns.map((c) => `${c}: ${SAFE[c] ?? "pl.col expressions on df.lazy()"}`);
  return `Column${one ? "" : "s"} ${columns.join(", ")} shadow${one ? "s" : ""} the DataFrame ` +
    `member${one ? "" : "s"} of the same name (df.${columns[0]} is the column). Read ` +
    `columns with df.getColumn("${columns[0]}") or pl.col("${columns[0]}"); instead of the ` +
    `member${one ? "" : "s"} use ${instead.join("; ")}`;
}
