/** plotHistogram(): number and date bins, groups dodged or faceted. */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { plotHistogram, type PlotHistogramOptions } from "../../lib/plot/histogram.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { ARM, longitudinal, WEIGHT } from "./_fixtures.ts";

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
