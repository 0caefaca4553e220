/** plotTimeline(): values across events, per record or summarised, repeat instances, date axes. */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { plotTimeline, type TimelineInstances } from "../../lib/plot/timeline.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { ARM, EVENTS, longitudinal, WEIGHT } from "./_fixtures.ts";

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
