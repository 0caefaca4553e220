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
 * Categorical: twice as fast as mapping to text and casting.
 */
export function mapCodes(
  code: NativeExpr,
  choices: readonly Choice[],
  to: "label" | "code",
): NativeExpr {
  if (choices.length === 0) return NativeExpr.lit(null).cast(pl.String).cast(pl.Categorical);
  const seen = new Set<string>();
  const unique = choices.filter((c) => !seen.has(c.code) && seen.add(c.code));
  const codes = unique.map((c) => c.code);
  const targets = to === "code" ? codes : unique.map((c) => c.label);
  return code.replaceStrict(codes, targets, null, pl.Categorical);
}
