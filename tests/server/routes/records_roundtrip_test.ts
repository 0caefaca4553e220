import { strictEqual } from "node:assert/strict";
import { demoProject } from "../../../lib/server/demo/mod.ts";
import type { ProjectDefinition } from "../../../lib/server/project.ts";
import { classicProject, longitudinalProject, serve } from "../records/_projects.ts";

async function text(response: Response): Promise<string> {
  const body = await response.text();
  strictEqual(response.status, 200, body.slice(0, 500));
  return body;
}

/** Exports a project flat, imports the export into an empty copy, and compares the exports. */
async function roundTrip(definition: ProjectDefinition, extra: Record<string, string> = {}) {
  const source = serve(definition);
  const copy = { ...definition, records: [] };
  for (const format of ["csv", "json", "xml"]) {
    const target = serve(copy);
    const params = { content: "record", format, type: "flat", ...extra };
    const exported = await text(await source.post(params));
    const count = await text(
      await target.post({ content: "record", format, returnFormat: "csv", data: exported }),
    );
    const records = new Set(source.store.records(source.projectId).map((r) => r.record));
    strictEqual(count, String(records.size));
    strictEqual(await text(await target.post(params)), exported, `${format} round trip differs`);
  }
  return source;
}

Deno.test("a flat export imported into an empty copy exports identically (classic, repeating)", async () => {
  const definition = classicProject();
  definition.records = [
    {
      record_id: "1",
      name: 'Ann "A" <b>, x',
      age: "30",
      dob: "2000-02-29",
      seen_at: "2021-01-02 03:04",
      weight_comma: "1,54",
      race___1: "1",
      race____9: "1",
      sex: "NA",
      notes: "two\nlines",
      intake_complete: "2",
    },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      visit_score: "3",
    },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "4",
      visit_date: "2020-01-01",
    },
    { record_id: "abc", name: "lead =x", redcap_data_access_group: "site_b" },
  ];
  await roundTrip(definition, { exportDataAccessGroups: "true" });
});

Deno.test("a flat export imported into an empty copy exports identically (longitudinal, arms)", async () => {
  const definition = longitudinalProject();
  definition.records = [
    { study_id: "1", dob: "2000-01-01", hr: "50" },
    { study_id: "1", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "1", hr: "60" },
    { study_id: "1", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "2", hr: "61" },
    { study_id: "2", redcap_event_name: "baseline_arm_2", dob: "1999-09-09" },
    {
      study_id: "2",
      redcap_event_name: "baseline_arm_2",
      redcap_repeat_instrument: "vitals",
      redcap_repeat_instance: "1",
      hr: "70",
    },
  ];
  await roundTrip(definition);
});

Deno.test("a flat export of the demo project imported into an empty copy exports identically", async () => {
  const definition = demoProject({ records: 25 });
  const fields = definition.metadata
    .filter((f) => f.field_type !== "file" && f.field_type !== "descriptive")
    .map((f) => f.field_name);
  await roundTrip(definition, { fields: fields.join(","), exportDataAccessGroups: "true" });
});
