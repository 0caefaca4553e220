/** plotMissingness(): the share missing per field, or by record and event. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { plotMissingness } from "../../lib/plot/missingness.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { longitudinal, RACE, WEIGHT } from "./_fixtures.ts";

Deno.test("plotMissingness() gives the share missing per field, titled by labels in column order", async () => {
  const df = longitudinal().withColumns(
    pl.Series("race___1", [true, null, false, null, null, true, null, null]),
  );
  const c = plotMissingness(df, {
    fields: [WEIGHT, RACE],
    columns: ["weight", "visit_date", "followup_complete", "race___1"],
  });
  deepStrictEqual(valuesOf(c).map((v: Json) => [v.field, v.missing]), [
    ["Weight (kg)", 1],
    ["visit_date", 1],
    ["followup_complete", 6],
    ["Race (choice=White)", 5],
  ]);
  deepStrictEqual(encodingOf(c).y.sort, [
    "Weight (kg)",
    "visit_date",
    "followup_complete",
    "Race (choice=White)",
  ]);
  await assertRenders(c, ["rect"]);
});

Deno.test("plotMissingness() skips the record id and redcap_ columns by default", () => {
  const c = plotMissingness(longitudinal());
  deepStrictEqual(
    valuesOf(c).map((v: Json) => v.name),
    ["arm", "weight", "visit_date", "vitals_complete", "followup_complete"],
  );
});

Deno.test("plotMissingness() maps fields by record and event in records mode", async () => {
  const c = plotMissingness(longitudinal(), {
    mode: "records",
    columns: ["weight"],
    fields: [WEIGHT],
  });
  const values = valuesOf(c);
  strictEqual(values.length, 8);
  deepStrictEqual(values[7], { row: "3 · week_4_arm_1", field: "Weight (kg)", status: "Missing" });
  strictEqual(encodingOf(c).x.sort[0], "1 · week_4_arm_1");
  await assertRenders(c, ["rect"]);
});

Deno.test("plotMissingness() keeps labels apart when two fields share one", () => {
  const c = plotMissingness(pl.DataFrame({ id: ["1"], a: [1], b: [null] }), {
    fields: [{ name: "a", label: "Dose", type: "number" }, {
      name: "b",
      label: "Dose",
      type: "number",
    }],
  });
  deepStrictEqual(valuesOf(c).map((v: Json) => v.field), ["Dose [a]", "Dose [b]"]);
});
