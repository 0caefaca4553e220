/** plotChoices(): bars in the dictionary's label order, labels read from codes, groups, long labels. */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import type { ChartField } from "../../lib/plot/field_info.ts";
import { plotChoices } from "../../lib/plot/choices.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { ARM, longitudinal, PAIN } from "./_fixtures.ts";

Deno.test("plotChoices() orders bars by the dictionary's labels and titles the axis with the label", async () => {
  const df = pl.DataFrame({ pain: ["Mild", "Severe", "Mild", null, "Mild"] });
  const c = plotChoices(df, PAIN);
  const x = encodingOf(c).x;
  deepStrictEqual(x.sort, ["Severe", "None", "Mild"]);
  strictEqual(x.title, "Pain level");
  strictEqual(x.type, "nominal");
  deepStrictEqual(encodingOf(c).y, {
    field: "count",
    type: "quantitative",
    title: "Count",
    axis: { tickMinStep: 1, format: "d" },
  });
  deepStrictEqual(valuesOf(c), [
    { category: "Severe", count: 1 },
    { category: "None", count: 0 },
    { category: "Mild", count: 3 },
  ]);
  const svg = await assertRenders(c, ["rect"]);
  ok(svg.includes(">Pain level</text>"));
  ok(!svg.includes(">pain</text>"), "the variable name is not an axis title");
});

Deno.test("plotChoices() reads raw codes and Booleans as their labels", () => {
  const raw = plotChoices(pl.DataFrame({ pain: ["1", "3", "3"] }), PAIN);
  deepStrictEqual(valuesOf(raw).map((v: Json) => v.count), [2, 1, 0]);
  const yesno: ChartField = {
    name: "smoker",
    label: "Smoker?",
    type: "choice",
    choices: [{ code: "1", label: "Yes" }, { code: "0", label: "No" }],
  };
  const bools = plotChoices(pl.DataFrame({ smoker: [false, false, true, null] }), yesno);
  deepStrictEqual(valuesOf(bools), [{ category: "Yes", count: 1 }, { category: "No", count: 2 }]);
});

Deno.test("plotChoices() keeps values missing from the dictionary, after its choices", () => {
  const c = plotChoices(pl.DataFrame({ pain: ["Mild", "Unbearable"] }), PAIN);
  deepStrictEqual(encodingOf(c).x.sort, ["Severe", "None", "Mild", "Unbearable"]);
});

Deno.test("plotChoices() counts missing values only when showMissing is set", () => {
  const df = pl.DataFrame({ pain: ["Mild", null, ""] });
  deepStrictEqual(valuesOf(plotChoices(df, PAIN)).map((v: Json) => v.count), [0, 0, 1]);
  const c = plotChoices(df, PAIN, { showMissing: true });
  deepStrictEqual(encodingOf(c).x.sort, ["Severe", "None", "Mild", "Missing"]);
  deepStrictEqual(valuesOf(c).map((v: Json) => v.count), [0, 0, 1, 2]);
});

Deno.test("plotChoices() groups and colors by another field in its label order", async () => {
  const df = longitudinal().withColumns(
    pl.Series("pain", ["Mild", "None", "Mild", "Severe", "Mild", "None", "None", null]),
  );
  const c = plotChoices(df, PAIN, { by: "arm", byInfo: ARM });
  const { color, xOffset } = encodingOf(c);
  deepStrictEqual(color.sort, ["Placebo", "Drug"]);
  strictEqual(color.title, "Study arm");
  deepStrictEqual(xOffset.sort, ["Placebo", "Drug"]);
  const counts = Object.fromEntries(
    valuesOf(c).map((v: Json) => [`${v.category}/${v.group}`, v.count]),
  );
  deepStrictEqual(counts, {
    "Severe/Placebo": 1,
    "Severe/Drug": 0,
    "None/Placebo": 2,
    "None/Drug": 1,
    "Mild/Placebo": 0,
    "Mild/Drug": 3,
  });
  await assertRenders(c, ["rect"]);
});

Deno.test("plotChoices() lays bars down when labels are long, and on request", () => {
  const long: ChartField = {
    name: "q",
    label: "Question",
    type: "choice",
    choices: [{ code: "1", label: "Strongly disagree with it" }, { code: "2", label: "Agree" }],
  };
  const auto = plotChoices(pl.DataFrame({ q: ["1"] }), long);
  strictEqual(encodingOf(auto).y.field, "category");
  deepStrictEqual(encodingOf(auto).y.sort, ["Strongly disagree with it", "Agree"]);
  const vertical = plotChoices(pl.DataFrame({ q: ["1"] }), long, { orient: "vertical" });
  strictEqual(encodingOf(vertical).x.field, "category");
  const horizontal = plotChoices(pl.DataFrame({ pain: ["1"] }), PAIN, { orient: "horizontal" });
  strictEqual(encodingOf(horizontal).y.title, "Pain level");
});

Deno.test("plotChoices() renders a long label whole and keeps the axis title clear of it", async () => {
  const label = "Native Hawaiian or Other Pacific Islander";
  const info: ChartField = {
    name: "race",
    label: "Race",
    type: "choice",
    choices: [{ code: "1", label }, { code: "2", label: "White" }],
  };
  const svg = await assertRenders(plotChoices(pl.DataFrame({ race: ["1"] }), info), ["rect"]);
  ok(svg.includes(`>${label}</text>`), "not truncated with an ellipsis");
  const labelX = Number(/translate\((-?[\d.]+),[\d.]+\)"[^>]*>Native/.exec(svg)![1]);
  const titleX = Number(/translate\((-?[\d.]+),[\d.]+\) rotate\(-90\)[^>]*>Race</.exec(svg)![1]);
  const estimated = 10 * 0.52 * label.length; // its width at 10px in a Helvetica-like font
  ok(titleX < labelX - estimated, `title at ${titleX} overlaps labels drawn left of ${labelX}`);
});

Deno.test("plotChoices() shows the most frequent values of a field without choices", () => {
  const df = pl.DataFrame({ city: ["Oslo", "Lima", "Oslo", "Rome", "Lima", "Oslo"] });
  const c = plotChoices(df, { name: "city", label: "City", type: "text" }, { limit: 2 });
  deepStrictEqual(encodingOf(c).x.sort, ["Oslo", "Lima"]);
  deepStrictEqual(valuesOf(c).map((v: Json) => v.count), [3, 2]);
});

Deno.test("plotChoices() names the field when its column is missing", () => {
  throws(
    () => plotChoices(pl.DataFrame({ other: [1] }), PAIN),
    /Cannot plot field "pain": the frame has no column "pain"/,
  );
});
