import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import type { ChartField } from "../../lib/plot/field_info.ts";
import {
  chart,
  plotBox,
  plotCheckboxes,
  plotChoices,
  plotFormCompletion,
  plotHistogram,
  plotMissingness,
  plotTimeline,
} from "../../lib/plot/vega_lite.ts";
import type { PlotHistogramOptions } from "../../lib/plot/histogram.ts";
import type { TimelineInstances } from "../../lib/plot/timeline.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";

const PAIN: ChartField = {
  name: "pain",
  label: "Pain level",
  type: "choice",
  choices: [
    { code: "3", label: "Severe" },
    { code: "1", label: "None" },
    { code: "2", label: "Mild" },
  ],
};
const ARM: ChartField = {
  name: "arm",
  label: "Study arm",
  type: "choice",
  choices: [{ code: "2", label: "Placebo" }, { code: "1", label: "Drug" }],
};
const WEIGHT: ChartField = { name: "weight", label: "Weight (kg)", type: "number" };
const RACE: ChartField = {
  name: "race",
  label: "Race",
  type: "checkbox",
  choices: [
    { code: "2", label: "Black or African American" },
    { code: "1", label: "White" },
    { code: "-99", label: "Unknown" },
  ],
};
const EVENTS = [
  { name: "baseline_arm_1", label: "Baseline" },
  { name: "week_4_arm_1", label: "Week 4" },
  { name: "week_8_arm_1", label: "Week 8" },
];

/** Three records over three events, in a scrambled row order. */
function longitudinal(): pl.DataFrame {
  return pl.DataFrame({
    record_id: ["1", "2", "1", "2", "1", "3", "2", "3"],
    redcap_event_name: [
      "week_4_arm_1",
      "baseline_arm_1",
      "baseline_arm_1",
      "week_8_arm_1",
      "week_8_arm_1",
      "baseline_arm_1",
      "week_4_arm_1",
      "week_4_arm_1",
    ],
    arm: ["Drug", "Placebo", "Drug", "Placebo", "Drug", "Drug", "Placebo", "Drug"],
    weight: [71, 80, 70, 77, 72, 60, 78, null],
    visit_date: pl.Series("visit_date", [
      new Date("2024-02-01"),
      new Date("2024-01-03"),
      new Date("2024-01-02"),
      new Date("2024-03-05"),
      new Date("2024-03-01"),
      new Date("2024-01-10"),
      new Date("2024-02-03"),
      null,
    ]).cast(pl.Date),
    vitals_complete: ["2", "2", "2", "0", "1", "2", "2", null],
    followup_complete: [null, null, null, "2", "2", null, null, null],
  });
}

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

Deno.test("plotHistogram() bins numbers, reads numeric text, and titles x with the label", async () => {
  const c = plotHistogram(pl.DataFrame({ weight: ["70.5", "", "81", "abc", "66"] }), WEIGHT, {
    maxBins: 5,
  });
  const { x, x2, y, y2 } = encodingOf(c);
  strictEqual(x.type, "quantitative");
  strictEqual(x.title, "Weight (kg)");
  strictEqual(x2.field, "x1");
  deepStrictEqual(y, {
    field: "count",
    type: "quantitative",
    title: "Count",
    axis: { tickMinStep: 1, format: "d" },
  });
  deepStrictEqual(y2, { datum: 0 });
  deepStrictEqual(valuesOf(c).map((v: Json) => [v.start, v.end, v.count]), [
    [65, 70, 1],
    [70, 75, 1],
    [75, 80, 0],
    [80, 85, 1],
  ]);
  deepStrictEqual(x.scale.domain, [65, 85], "the axis spans the bins");
  await assertRenders(c, ["rect"]);
});

Deno.test("plotHistogram() uses whole-number bins for integers", () => {
  const ints = plotHistogram(
    pl.DataFrame({ n: pl.Series("n", [1, 2, 2, 5]).cast(pl.Int64) }),
    { name: "n", label: "Children", type: "integer" },
  );
  deepStrictEqual(valuesOf(ints).map((v: Json) => [v.bin, v.count]), [
    ["1", 1],
    ["2", 2],
    ["3", 0],
    ["4", 0],
    ["5", 1],
  ]);
  strictEqual(encodingOf(ints).x.axis.tickMinStep, 1);
  deepStrictEqual(encodingOf(ints).x.scale.domain, [0.5, 5.5], "each bar centred on its number");
  ok(valuesOf(ints).every((v: Json) => v.x0 < v.start && v.x1 > v.start));
});

const dateChart = (dates: string[], options: PlotHistogramOptions = {}) =>
  plotHistogram(
    pl.DataFrame({ d: pl.Series("d", dates.map((d) => new Date(d))).cast(pl.Date) }),
    { name: "d", label: "Date of birth", type: "date" },
    options,
  );

Deno.test("plotHistogram() picks the date bin from the span: day, week, month, quarter, year", async () => {
  const unitOf = (dates: string[]) => {
    const c = dateChart(dates);
    return [valuesOf(c).length, valuesOf(c)[0].bin];
  };
  deepStrictEqual(unitOf(["2024-03-01", "2024-03-20"]), [20, "2024-03-01"]);
  // 2024-03-01 is a Friday: weeks start on Monday (ISO 8601).
  deepStrictEqual(unitOf(["2024-03-01", "2024-07-31"]), [23, "Week of 2024-02-26"]);
  deepStrictEqual(unitOf(["2022-01-15", "2024-06-30"]), [30, "Jan 2022"]);
  deepStrictEqual(unitOf(["2015-05-15", "2024-06-30"]), [37, "2015 Q2"]);
  deepStrictEqual(unitOf(["1990-05-15", "2024-06-30"]), [35, "1990"]);
  const dob = dateChart(["1940-03-02", "1975-06-30", "2009-12-31", "1941-01-01"]);
  const bins = valuesOf(dob);
  ok(bins.length <= 40, `a 70-year span gets ${bins.length} bars, not ~840 months`);
  deepStrictEqual(bins[0], {
    bin: "1940–1941",
    start: "1940-01-01",
    end: "1942-01-01",
    count: 2,
    x0: "1940-01-30T05:45:36.000Z",
    x1: "1941-12-02T18:14:24.000Z",
  });
  strictEqual(bins.reduce((n: number, v: Json) => n + v.count, 0), 4);
  strictEqual(encodingOf(dob).x.type, "temporal");
  strictEqual(encodingOf(dob).x.title, "Date of birth");
  await assertRenders(dob, ["rect"]);
});

Deno.test("plotHistogram() takes an explicit date bin, and refuses an unknown one", () => {
  const monthly = dateChart(["2020-01-15", "2024-06-30"], { dateBin: "month" });
  strictEqual(valuesOf(monthly).length, 54);
  strictEqual(valuesOf(monthly)[0].bin, "Jan 2020");
  throws(
    () => dateChart(["2020-01-15"], { dateBin: "decade" as "year" }),
    /Cannot plot field "d": dateBin must be "auto" or one of day, week, month, quarter, year, got "decade"/,
  );
});

Deno.test("plotHistogram() dodges groups side by side within each bin, never stacked", async () => {
  const c = plotHistogram(longitudinal(), WEIGHT, { by: "arm", byInfo: ARM });
  deepStrictEqual(encodingOf(c).color.sort, ["Placebo", "Drug"]);
  strictEqual(encodingOf(c).row, undefined);
  const values = valuesOf(c);
  const counted = values.reduce((n: number, v: Json) => n + v.count, 0);
  strictEqual(counted, longitudinal().getColumn("weight").dropNulls().len());
  // Within a bin, each group has its own slot: the bars do not overlap.
  for (let i = 0; i < values.length; i += 2) {
    const [placebo, drug] = [values[i], values[i + 1]];
    deepStrictEqual([placebo.group, drug.group, placebo.start], ["Placebo", "Drug", drug.start]);
    ok(placebo.x0 >= placebo.start && placebo.x1 <= drug.x0 && drug.x1 <= drug.end);
  }
  await assertRenders(c, ["rect"]);
});

Deno.test("plotHistogram() facets groups in rows when asked (and for more than 3 groups)", async () => {
  const c = plotHistogram(longitudinal(), WEIGHT, { by: "arm", byInfo: ARM, layout: "facet" });
  const { row, color } = encodingOf(c);
  deepStrictEqual([row.field, row.title, row.sort], ["group", "Study arm", ["Placebo", "Drug"]]);
  strictEqual(color.legend, null);
  const values = valuesOf(c);
  ok(values.every((v: Json) => v.x0 > v.start && v.x1 < v.end), "full-width bars in facets");
  await assertRenders(c, ["rect"]);
  const many = plotHistogram(
    pl.DataFrame({ w: [1, 2, 3, 4, 5], g: ["a", "b", "c", "d", "e"] }),
    { name: "w", label: "W", type: "number" },
    { by: "g" },
  );
  ok(encodingOf(many).row, "5 groups are faceted");
});

Deno.test("plotBox() draws one box per group in label order, titled by labels", async () => {
  const c = plotBox(longitudinal(), WEIGHT, { by: "arm", byInfo: ARM });
  const { x, y } = encodingOf(c);
  deepStrictEqual(x.sort, ["Placebo", "Drug"]);
  strictEqual(x.title, "Study arm");
  strictEqual(y.title, "Weight (kg)");
  strictEqual((c.spec.mark as Json).type, "boxplot");
  await assertRenders(c, ["rect", "rule"]);
  const single = plotBox(longitudinal(), WEIGHT);
  strictEqual(encodingOf(single).x.title, "Weight (kg)");
  await assertRenders(single, ["rect"]);
});

Deno.test("plotBox() orders events by the given event list when split by event", () => {
  const c = plotBox(longitudinal(), WEIGHT, { by: "redcap_event_name", events: EVENTS });
  deepStrictEqual(encodingOf(c).x.sort, ["Baseline", "Week 4", "Week 8"]);
  strictEqual(encodingOf(c).x.title, "Event");
});

Deno.test("plotTimeline() draws a line per record across events in event order", async () => {
  const c = plotTimeline(longitudinal(), WEIGHT, { events: EVENTS });
  const { x, y, detail } = encodingOf(c);
  deepStrictEqual(x.sort, ["Baseline", "Week 4", "Week 8"]);
  strictEqual(x.title, "Event");
  strictEqual(y.title, "Weight (kg)");
  strictEqual(detail.field, "record");
  strictEqual(valuesOf(c).length, 7, "the row without a weight is left out");
  deepStrictEqual(valuesOf(c).map((v: Json) => v.x), [
    "Baseline",
    "Baseline",
    "Baseline",
    "Week 4",
    "Week 4",
    "Week 8",
    "Week 8",
  ]);
  deepStrictEqual(valuesOf(c)[0], { record: "2", x: "Baseline", y: 80 });
  ok((c.spec.description as string).includes("each repeat instance a point"));
  await assertRenders(c, ["line", "symbol"]);
});

Deno.test("plotTimeline() orders events by first appearance without an event list", () => {
  const c = plotTimeline(longitudinal(), WEIGHT);
  deepStrictEqual(encodingOf(c).x.sort, ["week_4_arm_1", "baseline_arm_1", "week_8_arm_1"]);
});

Deno.test("plotTimeline() summarizes with the mean and a 95% CI per event and group", async () => {
  const c = plotTimeline(longitudinal(), WEIGHT, {
    events: EVENTS,
    summary: "mean",
    by: "arm",
    byInfo: ARM,
  });
  const rows = valuesOf(c).map((v: Json) => [v.x, v.group, v.n, v.mean]);
  deepStrictEqual(rows, [
    ["Baseline", "Placebo", 1, 80],
    ["Baseline", "Drug", 2, 65],
    ["Week 4", "Placebo", 1, 78],
    ["Week 4", "Drug", 1, 71],
    ["Week 8", "Placebo", 1, 77],
    ["Week 8", "Drug", 1, 72],
  ]);
  const baselineDrug = valuesOf(c)[1];
  const half = 1.96 * Math.sqrt(50) / Math.sqrt(2); // sd of 60 and 70 is √50
  ok(Math.abs(baselineDrug.hi - (65 + half)) < 1e-9);
  ok(Math.abs(baselineDrug.lo - (65 - half)) < 1e-9);
  strictEqual(valuesOf(c)[0].lo, 80, "n = 1 has no interval");
  const layers = c.spec.layer as Json[];
  deepStrictEqual(layers.map((l) => l.mark.type), ["rule", "line"]);
  strictEqual(layers[1].encoding.y.title, "Weight (kg)");
  // Dodged: each group has its own offset within an event, so the intervals do not overlap.
  deepStrictEqual(encodingOf(c).xOffset, {
    field: "group",
    type: "nominal",
    sort: ["Placebo", "Drug"],
    scale: { domain: ["Placebo", "Drug"], paddingInner: 0.2 },
  });
  const svg = await assertRenders(c, ["rule", "line"]);
  const marks = /<g class="mark-rule role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)![1];
  const rules = [...marks.matchAll(/<line [^>]*transform="translate\(([\d.]+),/g)].map((m) => m[1]);
  strictEqual(rules.length, 6);
  strictEqual(new Set(rules).size, rules.length, "no two intervals share an x position");
});

Deno.test("plotTimeline() dodges grouped means on a date axis by shifting each group's dates", async () => {
  const df = pl.DataFrame({
    record_id: ["1", "2", "3", "4", "1", "2"],
    visit_date: pl.Series("visit_date", [
      new Date("2024-01-01"),
      new Date("2024-01-01"),
      new Date("2024-01-01"),
      new Date("2024-01-01"),
      new Date("2024-01-11"),
      new Date("2024-01-11"),
    ]).cast(pl.Date),
    arm: ["Drug", "Placebo", "Drug", "Placebo", "Drug", "Placebo"],
    weight: [70, 80, 72, 82, 71, 81],
  });
  const c = plotTimeline(df, WEIGHT, {
    x: "visit_date",
    xInfo: { name: "visit_date", label: "Visit date", type: "date" },
    by: "arm",
    byInfo: ARM,
    summary: "mean",
  });
  const values = valuesOf(c);
  deepStrictEqual(values.map((v: Json) => [v.date, v.group, v.mean]), [
    ["2024-01-01", "Placebo", 81],
    ["2024-01-01", "Drug", 71],
    ["2024-01-11", "Placebo", 81],
    ["2024-01-11", "Drug", 71],
  ]);
  // The gap is 10 days; two groups sit 10 × 0.5 / 2 = 2.5 days apart, centred on the date.
  deepStrictEqual(values.slice(0, 2).map((v: Json) => v.x), [
    "2023-12-30T18:00:00.000Z",
    "2024-01-02T06:00:00.000Z",
  ]);
  strictEqual(encodingOf(c).xOffset, undefined);
  await assertRenders(c, ["rule", "line"]);
});

// A repeating event: record 1 has three instances at its visit event, record 2 one.
const REPEATS = () =>
  pl.DataFrame({
    record_id: ["1", "1", "1", "2", "1"],
    redcap_event_name: ["visit_arm_1", "visit_arm_1", "visit_arm_1", "visit_arm_1", "base_arm_1"],
    redcap_repeat_instance: [2, 1, 3, 1, null],
    weight: [72, 70, 77, 80, 69],
  });
const EVENTS_2 = [{ name: "base_arm_1", label: "Baseline" }, {
  name: "visit_arm_1",
  label: "Visit",
}];

Deno.test("plotTimeline() draws each repeat instance by default, in instance order", async () => {
  const c = plotTimeline(REPEATS(), WEIGHT, { events: EVENTS_2 });
  deepStrictEqual(
    valuesOf(c).map((v: Json) => [v.record, v.x, v.instance, v.y]),
    [
      ["1", "Baseline", 1, 69],
      ["1", "Visit", 1, 70],
      ["1", "Visit", 2, 72],
      ["2", "Visit", 1, 80],
      ["1", "Visit", 3, 77],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1])) || Number(a[2]) - Number(b[2])),
  );
  ok(encodingOf(c).tooltip.some((t: Json) => t.title === "Instance"));
  const mean = plotTimeline(REPEATS(), WEIGHT, { events: EVENTS_2, summary: "mean" });
  deepStrictEqual(valuesOf(mean).map((v: Json) => [v.x, v.n, v.mean]), [
    ["Baseline", 1, 69],
    ["Visit", 4, 74.75],
  ]);
  ok((mean.spec.title as Json).subtitle.includes("each repeat instance a point"));
  await assertRenders(c, ["line"]);
});

Deno.test("plotTimeline() reduces repeat instances to one value per record and event", async () => {
  const per = (instances: TimelineInstances) =>
    valuesOf(plotTimeline(REPEATS(), WEIGHT, { events: EVENTS_2, instances }))
      .filter((v: Json) => v.x === "Visit")
      .map((v: Json) => [v.record, v.y]);
  deepStrictEqual(per("mean"), [["1", 73], ["2", 80]]);
  deepStrictEqual(per("min"), [["1", 70], ["2", 80]]);
  deepStrictEqual(per("max"), [["1", 77], ["2", 80]]);
  deepStrictEqual(per("first"), [["1", 70], ["2", 80]], "the lowest redcap_repeat_instance");
  deepStrictEqual(per("last"), [["1", 77], ["2", 80]], "the highest redcap_repeat_instance");
  const mean = plotTimeline(REPEATS(), WEIGHT, {
    events: EVENTS_2,
    instances: "max",
    summary: "mean",
  });
  deepStrictEqual(valuesOf(mean).map((v: Json) => [v.x, v.n, v.mean]), [
    ["Baseline", 1, 69],
    ["Visit", 2, 78.5],
  ]);
  strictEqual(
    (mean.spec.title as Json).subtitle,
    "Mean with 95% confidence interval; repeat instances: max per record and event",
  );
  await assertRenders(mean, ["rule", "line"]);
  throws(
    () => plotTimeline(REPEATS(), WEIGHT, { instances: "median" as "mean" }),
    /instances must be one of each, mean, min, max, first, last, got "median"/,
  );
});

Deno.test("plotTimeline() puts a date field on a temporal x axis titled by its label", async () => {
  const c = plotTimeline(longitudinal(), WEIGHT, {
    x: "visit_date",
    xInfo: { name: "visit_date", label: "Visit date", type: "date" },
  });
  const x = encodingOf(c).x;
  strictEqual(x.type, "temporal");
  strictEqual(x.title, "Visit date");
  deepStrictEqual(valuesOf(c).map((v: Json) => v.x).slice(0, 2), ["2024-01-02", "2024-01-03"]);
  await assertRenders(c, ["line"]);
  throws(
    () => plotTimeline(pl.DataFrame({ weight: [1] }), WEIGHT),
    /no column "redcap_event_name"/,
  );
});

Deno.test("plotFormCompletion() maps the share of complete forms per form and event", async () => {
  const c = plotFormCompletion(longitudinal(), {
    events: EVENTS,
    forms: [{ name: "vitals", label: "Vital signs" }, "followup"],
  });
  deepStrictEqual(valuesOf(c).map((v: Json) => [v.form, v.event, v.complete, v.n]), [
    ["Vital signs", "Baseline", 3, 3],
    ["Vital signs", "Week 4", 2, 2],
    ["Vital signs", "Week 8", 0, 2],
    ["Followup", "Week 8", 2, 2],
  ]);
  const { x, y } = encodingOf(c);
  deepStrictEqual(x.sort, ["Baseline", "Week 4", "Week 8"]);
  deepStrictEqual(y.sort, ["Vital signs", "Followup"]);
  const color = (c.spec.layer as Json[])[0].encoding.color;
  deepStrictEqual(color.scale.domain, [0, 1]);
  await assertRenders(c, ["rect", "text"]);
});

Deno.test("plotFormCompletion() drops forms not designated to an event when given the mapping", () => {
  const c = plotFormCompletion(longitudinal(), {
    events: EVENTS,
    forms: ["vitals"],
    formEventMapping: [
      { unique_event_name: "baseline_arm_1", form: "vitals" },
      { unique_event_name: "week_8_arm_1", form: "vitals" },
    ],
  });
  deepStrictEqual(valuesOf(c).map((v: Json) => v.event), ["Baseline", "Week 8"]);
});

Deno.test("plotFormCompletion() reads status labels and numbers, and works without events", () => {
  const df = pl.DataFrame({
    record_id: ["1", "2", "3"],
    intake_complete: ["Complete", "Incomplete", "Unverified"],
    labs_complete: [2, 2, 0],
  });
  deepStrictEqual(valuesOf(plotFormCompletion(df)).map((v: Json) => [v.form, v.event, v.share]), [
    ["Intake", "All records", 1 / 3],
    ["Labs", "All records", 2 / 3],
  ]);
  throws(() => plotFormCompletion(pl.DataFrame({ a: [1] })), /no "\{form\}_complete" columns/);
});

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
