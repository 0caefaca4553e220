/** plotBox(): one box per group in label order, events in event order. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { plotBox } from "../../lib/plot/box.ts";
import { assertRenders, encodingOf, type Json } from "./_assert_chart.ts";
import { ARM, EVENTS, longitudinal, WEIGHT } from "./_fixtures.ts";

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
