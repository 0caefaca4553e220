import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { longitudinalProject, setup } from "../routes/_setup.ts";

Deno.test("deleting every instrument of an event removes the event's row from the flat export", async () => {
  const s = setup(longitudinalProject());
  importFlatRows(s.store, s.projectId, [
    { study_id: "1", redcap_event_name: "enrollment_arm_1", dob: "2000-01-01" },
    {
      study_id: "1",
      redcap_event_name: "visit_1_arm_1",
      redcap_repeat_instrument: "visit",
      redcap_repeat_instance: "1",
      weight: "70",
    },
  ], { username: "alice" });
  const rows = async () =>
    (await s.post({ content: "record", format: "json", fields: "study_id" })).json()
      .map((r: Record<string, string>) => r.redcap_event_name);
  deepStrictEqual(await rows(), ["enrollment_arm_1", "visit_1_arm_1"]);
  const deleted = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    instrument: "enrollment",
    event: "enrollment_arm_1",
  });
  strictEqual(deleted.status, 200, deleted.text);
  deepStrictEqual(await rows(), ["visit_1_arm_1"], "no empty enrollment row with status 0");
  const csv = await s.post({ content: "record", format: "csv", fields: "study_id,dob" });
  strictEqual(csv.text.includes("enrollment_arm_1"), false);
});

Deno.test("deleting one of an event's instruments keeps the event's row", async () => {
  const project = longitudinalProject();
  project.formEventMapping.push({
    arm_num: 1,
    unique_event_name: "enrollment_arm_1",
    form: "visit",
  });
  const s = setup(project);
  importFlatRows(s.store, s.projectId, [
    { study_id: "1", redcap_event_name: "enrollment_arm_1", dob: "2000-01-01", weight: "7" },
  ], { username: "alice" });
  await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    instrument: "enrollment",
    event: "enrollment_arm_1",
  });
  const rows = (await s.post({ content: "record", format: "json" })).json();
  deepStrictEqual(rows.map((r: Record<string, string>) => [r.redcap_event_name, r.weight]), [
    ["enrollment_arm_1", "7"],
  ]);
});
