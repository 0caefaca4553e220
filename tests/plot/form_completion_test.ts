/** plotFormCompletion(): the share of complete forms per form and event. */
import { deepStrictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { plotFormCompletion } from "../../lib/plot/form_completion.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { EVENTS, longitudinal } from "./_fixtures.ts";

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
