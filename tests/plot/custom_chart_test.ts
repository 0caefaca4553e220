/** chart(): a custom chart with channel types and titles inferred from labels. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { chart } from "../../lib/plot/custom_chart.ts";
import { assertRenders, encodingOf, valuesOf } from "./_assert_chart.ts";
import { longitudinal, PAIN } from "./_fixtures.ts";

Deno.test("chart() infers channel types, titles from labels, and label order for choices", async () => {
  const df = longitudinal().withColumns(
    pl.Series("pain", ["1", "3", "2", "1", "1", "2", "3", "1"]),
  );
  const c = chart(df, {
    mark: "point",
    encoding: { x: "visit_date", y: "weight", color: "pain", shape: { field: "arm" } },
    fields: [PAIN],
    labels: { weight: "Weight (kg)" },
  });
  const e = encodingOf(c);
  deepStrictEqual([e.x.type, e.y.type, e.color.type, e.shape.type], [
    "temporal",
    "quantitative",
    "nominal",
    "nominal",
  ]);
  deepStrictEqual([e.x.title, e.y.title, e.color.title, e.shape.title], [
    "visit_date",
    "Weight (kg)",
    "Pain level",
    "arm",
  ]);
  deepStrictEqual(e.color.sort, ["Severe", "None", "Mild"]);
  deepStrictEqual(Object.keys(valuesOf(c)[0]).sort(), ["arm", "pain", "visit_date", "weight"]);
  strictEqual(valuesOf(c)[1].pain, "Severe", "codes become labels");
  await assertRenders(c, ["symbol"]);
  throws(() => chart(df, { mark: "bar", encoding: { x: "nope" } }), /no column "nope"/);
});

Deno.test("chart() keeps explicit channel settings and inlines all columns for transforms", () => {
  const c = chart(longitudinal(), {
    mark: "bar",
    encoding: { x: { field: "arm", title: "Arm!" }, y: { aggregate: "mean", field: "weight" } },
    transform: [{ filter: "datum.weight > 0" }],
  });
  const e = encodingOf(c);
  strictEqual(e.x.title, "Arm!");
  strictEqual(e.y.type, undefined, "an aggregate keeps vega-lite's default type");
  strictEqual(Object.keys(valuesOf(c)[0]).length, 7);
});
