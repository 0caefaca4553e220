import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { buildProject, type ProjectParts } from "../../lib/server/_project_builder.ts";

const empty: ProjectParts = {
  title: "From the loader",
  info: {},
  metadata: [],
  instruments: [],
  arms: [],
  events: [],
  formEventMapping: [],
  repeating: [],
  dags: [],
  surveys: [],
  records: [],
  recordDags: {},
};

Deno.test("buildProject() fills REDCap's defaults where the loader read no setting", () => {
  const project = buildProject(empty);
  strictEqual(project.info.project_title, "From the loader");
  strictEqual(project.info.display_today_now_button, 1);
  strictEqual(project.info.surveys_enabled, 0);
  strictEqual(project.info.is_longitudinal, 0);
  strictEqual(project.longitudinal, false);
  deepStrictEqual(project.users, []);
  // Optional parts the loader did not read are absent, not undefined.
  ok(!("roles" in project) && !("files" in project) && !("reports" in project));
});

Deno.test("buildProject(): settings read win; structure flags follow the structure", () => {
  const project = buildProject({
    ...empty,
    info: { project_title: "Read", display_today_now_button: 0, is_longitudinal: 0 },
    arms: [{ arm_num: 1, name: "Arm 1" }],
    events: [{
      event_name: "Baseline",
      arm_num: 1,
      unique_event_name: "baseline_arm_1",
      custom_event_label: "",
      event_id: 1,
      day_offset: 0,
      offset_min: 0,
      offset_max: 0,
    }],
    repeating: [{ event_name: "baseline_arm_1", form_name: "", custom_form_label: "" }],
    surveys: [{ form_name: "intake", title: "Intake" }],
    roles: [],
  });
  strictEqual(project.info.project_title, "Read");
  strictEqual(project.info.display_today_now_button, 0);
  strictEqual(project.info.surveys_enabled, 1);
  strictEqual(project.info.is_longitudinal, 1);
  strictEqual(project.info.has_repeating_instruments_or_events, 1);
  strictEqual(project.longitudinal, true);
  deepStrictEqual(project.roles, []);
});
