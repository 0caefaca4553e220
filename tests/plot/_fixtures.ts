/**
 * Fields, events and a small longitudinal frame shared by the chart-kind tests.
 *
 * @module
 */
import pl from "../../lib/deps/polars.ts";
import type { ChartField } from "../../lib/plot/field_info.ts";

export const PAIN: ChartField = {
  name: "pain",
  label: "Pain level",
  type: "choice",
  choices: [
    { code: "3", label: "Severe" },
    { code: "1", label: "None" },
    { code: "2", label: "Mild" },
  ],
};
export const ARM: ChartField = {
  name: "arm",
  label: "Study arm",
  type: "choice",
  choices: [{ code: "2", label: "Placebo" }, { code: "1", label: "Drug" }],
};
export const WEIGHT: ChartField = { name: "weight", label: "Weight (kg)", type: "number" };
export const RACE: ChartField = {
  name: "race",
  label: "Race",
  type: "checkbox",
  choices: [
    { code: "2", label: "Black or African American" },
    { code: "1", label: "White" },
    { code: "-99", label: "Unknown" },
  ],
};
export const EVENTS = [
  { name: "baseline_arm_1", label: "Baseline" },
  { name: "week_4_arm_1", label: "Week 4" },
  { name: "week_8_arm_1", label: "Week 8" },
];

/** Three records over three events, in a scrambled row order. */
export function longitudinal(): pl.DataFrame {
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
