/**
 * Code → label (or code → code) mapping as a Polars expression.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { Choice } from "../dictionary/choices.ts";

/**
 * Maps the text expression `code` through `choices` to their labels (or codes). Unknown codes
 * give null; the result is Utf8. Codes keep themselves through an `isIn` test; labels come from
 * a hash lookup (`replaceStrict`), which beats a when/then chain even for two choices.
 */
export function mapCodes(code: pl.Expr, choices: readonly Choice[], to: "label" | "code"): pl.Expr {
  const nul = pl.lit(null);
  if (choices.length === 0) return nul.cast(pl.String);
  const seen = new Set<string>();
  const unique = choices.filter((c) => !seen.has(c.code) && seen.add(c.code));
  const codes = unique.map((c) => c.code);
  if (to === "code") {
    return pl.when(code.isIn(codes)).then(code).otherwise(nul).cast(pl.String);
  }
  return code.replaceStrict(codes, unique.map((c) => c.label), nul, pl.String);
}
