/** plotCheckboxes(): one bar per option from the field___code columns, in label order. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { plotCheckboxes } from "../../lib/plot/checkboxes.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { ARM, RACE } from "./_fixtures.ts";

Deno.test("plotCheckboxes() draws one bar per option in label order from field___code columns", async () => {
  const df = pl.DataFrame({
    race___1: [true, true, false, null],
    race___2: [false, true, false, null],
    race____99: [false, false, true, null],
  });
  const c = plotCheckboxes(df, RACE);
  const y = encodingOf(c).y; // a long option label lays the bars down
  deepStrictEqual(y.sort, ["Black or African American", "White", "Unknown"]);
  strictEqual(y.title, "Race");
  strictEqual(encodingOf(c).x.title, "Count");
  const vertical = plotCheckboxes(df, RACE, { orient: "vertical" });
  deepStrictEqual(encodingOf(vertical).x.sort, ["Black or African American", "White", "Unknown"]);
  deepStrictEqual(valuesOf(c).map((v: Json) => [v.option, v.count, v.n]), [
    ["Black or African American", 1, 3],
    ["White", 2, 3],
    ["Unknown", 1, 3],
  ]);
  await assertRenders(c, ["rect"]);
});

Deno.test("plotCheckboxes() reads 0/1 codes, Checked/Unchecked and option labels", () => {
  const df = pl.DataFrame({
    race___1: ["1", "Checked", "White", "0"],
    race___2: ["0", "Unchecked", "", "1"],
  });
  deepStrictEqual(valuesOf(plotCheckboxes(df, RACE)).map((v: Json) => v.count), [1, 3]);
});

Deno.test("plotCheckboxes() splits by a group and fails clearly without its columns", () => {
  const df = pl.DataFrame({ arm: ["Drug", "Placebo", "Drug"], race___1: [1, 1, 0] });
  const c = plotCheckboxes(df, RACE, { by: "arm", byInfo: ARM });
  deepStrictEqual(
    valuesOf(c).map((v: Json) => [v.option, v.group, v.count, v.share]),
    [["White", "Placebo", 1, 1], ["White", "Drug", 1, 0.5]],
  );
  throws(
    () => plotCheckboxes(pl.DataFrame({ race: [1] }), RACE),
    /Cannot plot checkbox field "race": the frame has none of its "race___<code>" columns/,
  );
});
