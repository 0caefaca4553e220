/**
 * Code → label (or code → code) mapping as a Polars expression.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { Choice } from "../dictionary/choices.ts";

/**
 * Maps the text expression `code` through `choices` to their labels (or codes): a when/then
 * chain for the usual handful of choices (fast), `replaceStrict` for long lists. Unknown codes
 * give null. The result is Utf8.
 */
export function mapCodes(code: pl.Expr, choices: readonly Choice[], to: "label" | "code"): pl.Expr {
  const nul = pl.lit(null);
  if (choices.length === 0) return nul.cast(pl.String);
  const out = (c: Choice) => pl.lit(to === "label" ? c.label : c.code);
  if (choices.length <= 16) {
    let chain = pl.when(code.eq(pl.lit(choices[0].code))).then(out(choices[0]));
    for (const c of choices.slice(1)) chain = chain.when(code.eq(pl.lit(c.code))).then(out(c));
    return chain.otherwise(nul).cast(pl.String);
  }
  return code.replaceStrict(
    choices.map((c) => c.code),
    choices.map((c) => to === "label" ? c.label : c.code),
    nul,
    pl.String,
  );
}
