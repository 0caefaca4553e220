/** shadowedColumns() and shadowedWarning(): columns that hide a DataFrame member's name. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { shadowedColumns, shadowedWarning } from "../../lib/transform/shadowed.ts";

Deno.test("shadowedColumns() finds member names in column order, and no REDCap-style names", () => {
  const df = pl.DataFrame({ record_id: ["1"], width: [2], height: [170], sbp: [120] });
  deepStrictEqual(shadowedColumns(df), ["width", "height"]);
  deepStrictEqual(shadowedColumns(pl.DataFrame({ record_id: ["1"], bmi: [20] })), []);
});

Deno.test("shadowedWarning() names the safe accessor, or is undefined with nothing shadowed", () => {
  const warning = shadowedWarning(pl.DataFrame({ record_id: ["1"], height: [170] }))!;
  ok(warning.startsWith("Column height shadows the DataFrame member"));
  ok(warning.includes('df.getColumn("height")'));
  ok(warning.includes("height: df.shape.height"));
  strictEqual(shadowedWarning(pl.DataFrame({ record_id: ["1"] })), undefined);
});
