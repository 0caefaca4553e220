import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { PROJECT_INFO_KEYS } from "../../../lib/server/routes/project_info.ts";
import { classicProject, longitudinalProject, setup } from "./_setup.ts";

Deno.test("exportProjectInfo() answers every key in order with integer flags (json)", async () => {
  const s = setup(longitudinalProject());
  const answer = await s.post({ content: "project", format: "json" });
  strictEqual(answer.status, 200);
  const info = answer.json();
  deepStrictEqual(Object.keys(info), PROJECT_INFO_KEYS.map((k) => k.key));
  strictEqual(info.project_id, s.projectId);
  strictEqual(info.project_title, "Long");
  strictEqual(info.purpose, 4);
  strictEqual(info.in_production, 0);
  strictEqual(info.is_longitudinal, 1);
  strictEqual(info.has_repeating_instruments_or_events, 1);
  strictEqual(info.display_today_now_button, 1);
  strictEqual(info.project_language, "English");
  strictEqual(info.production_time, "");
  match(info.creation_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  strictEqual(info.bypass_branching_erase_field_prompt, 0);
});

Deno.test("exportProjectInfo() writes one csv row and an xml document", async () => {
  const definition = classicProject();
  definition.info.project_notes = "Notes, with comma";
  definition.info.missing_data_codes = "NA, Not asked";
  const s = setup(definition);
  const csv = await s.post({ content: "project", format: "csv" });
  const rows = parseCsvObjects(csv.text);
  strictEqual(rows.length, 1);
  strictEqual(rows[0].project_notes, "Notes, with comma");
  strictEqual(rows[0].is_longitudinal, "0");
  strictEqual(rows[0].missing_data_codes, "NA, Not asked");
  strictEqual(csv.text.split("\n")[0], PROJECT_INFO_KEYS.map((k) => k.key).join(","));
  const xml = await s.post({ content: "project", format: "xml" });
  match(xml.text, /<project_title><!\[CDATA\[Classic\]\]><\/project_title>/);
  match(xml.text, /<purpose_other><\/purpose_other>/);
});

Deno.test("exportProjectInfo() sends integer-looking values as integers and re-joins missing codes", async () => {
  const definition = classicProject();
  definition.info.project_irb_number = "12345";
  definition.info.project_grant_number = "R01-99";
  definition.info.missing_data_codes = "NA, Not asked|UNK,Unknown";
  definition.info.record_autonumbering_enabled = "1";
  const s = setup(definition);
  const info = (await s.post({ content: "project", format: "json" })).json();
  strictEqual(info.project_irb_number, 12345);
  strictEqual(info.project_grant_number, "R01-99");
  strictEqual(info.missing_data_codes, "NA, Not asked | UNK, Unknown");
  strictEqual(info.record_autonumbering_enabled, 1);
  const xml = await s.post({ content: "project", format: "xml" });
  strictEqual(
    xml.text.startsWith('<?xml version="1.0" encoding="UTF-8" ?>\n<items>\n<project_id>'),
    true,
  );
  strictEqual(xml.text.endsWith("</bypass_branching_erase_field_prompt>\n</items>\n"), true);
});
