/**
 * Golden vega-lite specs: each chart helper on one fixed frame, compared with the JSON files in
 * `__snapshots__/` (paste one into the vega editor to see it). After an intended change, rewrite
 * them with `UPDATE_SNAPSHOTS=1 deno test -A tests/plot/snapshot_test.ts` and review the diff.
 */
import { deepStrictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import type { Chart } from "../../lib/plot/chart.ts";
import { fieldInfoFromMetadata } from "../../lib/plot/field_info.ts";
import { plotField } from "../../lib/plot/auto.ts";
import {
  plotBox,
  plotFormCompletion,
  plotMissingness,
  plotTimeline,
} from "../../lib/plot/vega_lite.ts";

const UPDATE = Deno.env.get("UPDATE_SNAPSHOTS") === "1";
const DIR = new URL("./__snapshots__/", import.meta.url);

const FIELDS = fieldInfoFromMetadata([
  { field_name: "record_id", form_name: "baseline", field_type: "text", field_label: "Record ID" },
  {
    field_name: "arm",
    form_name: "baseline",
    field_type: "radio",
    field_label: "Study arm",
    select_choices_or_calculations: "2, Placebo | 1, Drug",
  },
  {
    field_name: "symptoms",
    form_name: "baseline",
    field_type: "checkbox",
    field_label: "Symptoms <i>(all that apply)</i>",
    select_choices_or_calculations: "1, Cough | 2, Fever | 3, Fatigue",
  },
  {
    field_name: "weight",
    form_name: "visit",
    field_type: "text",
    field_label: "Weight (kg)",
    text_validation_type_or_show_slider_number: "number_1dp",
  },
]);
const EVENTS = [
  { name: "baseline_arm_1", label: "Baseline" },
  { name: "week_4_arm_1", label: "Week 4" },
];
const FRAME = pl.DataFrame({
  record_id: ["1", "1", "2", "2", "3"],
  redcap_event_name: [
    "baseline_arm_1",
    "week_4_arm_1",
    "baseline_arm_1",
    "week_4_arm_1",
    "baseline_arm_1",
  ],
  arm: ["Drug", null, "Placebo", null, "Drug"],
  symptoms___1: [true, null, false, null, true],
  symptoms___2: [false, null, false, null, true],
  symptoms___3: [true, null, true, null, false],
  weight: [70.2, 69.5, 81, 80.1, null],
  baseline_complete: ["2", null, "2", null, "0"],
  visit_complete: ["2", "2", "1", "2", null],
});
const info = (name: string) => FIELDS.find((f) => f.name === name)!;

const CHARTS: Record<string, () => Chart> = {
  choices: () => plotField(FRAME, "arm", FIELDS),
  checkboxes: () => plotField(FRAME, "symptoms", FIELDS),
  histogram: () => plotField(FRAME, "weight", FIELDS),
  box: () => plotBox(FRAME, info("weight"), { by: "redcap_event_name", events: EVENTS }),
  timeline_mean: () => plotTimeline(FRAME, info("weight"), { events: EVENTS, summary: "mean" }),
  form_completion: () => plotFormCompletion(FRAME, { events: EVENTS }),
  missingness: () => plotMissingness(FRAME, { fields: FIELDS }),
};

for (const [name, build] of Object.entries(CHARTS)) {
  Deno.test(`${name} chart matches its golden vega-lite spec`, async () => {
    const file = new URL(`${name}.vl.json`, DIR);
    const actual = JSON.stringify(build().spec, null, 2) + "\n";
    if (UPDATE) await Deno.writeTextFile(file, actual);
    deepStrictEqual(JSON.parse(actual), JSON.parse(await Deno.readTextFile(file)));
  });
}
