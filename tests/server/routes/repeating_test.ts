import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { NO_REPEATING } from "../../../lib/server/routes/repeating.ts";
import { NO_DESIGN_RIGHT } from "../../../lib/server/routes/_structure_io.ts";
import { classicProject, longitudinalProject, setup } from "./_setup.ts";

Deno.test("exportRepeating() answers 400 when nothing repeats", async () => {
  const s = setup(classicProject());
  const answer = await s.post({ content: "repeatingFormsEvents", format: "json" });
  strictEqual(answer.status, 400);
  deepStrictEqual(answer.json(), { error: NO_REPEATING });
});

Deno.test("exportRepeating() writes csv that doubles quotes but never wraps cells", async () => {
  const definition = longitudinalProject();
  definition.repeating.push({
    event_name: "enrollment_arm_2",
    form_name: "",
    custom_form_label: "",
  });
  const s = setup(definition);
  const csv = await s.post({ content: "repeatingFormsEvents", format: "csv" });
  strictEqual(
    csv.text,
    'event_name,form_name,custom_form_label\nvisit_1_arm_1,visit,[weight] ""kg""\nenrollment_arm_2,,\n',
  );
  const json = await s.post({ content: "repeatingFormsEvents", format: "json" });
  deepStrictEqual(json.json(), [
    { event_name: "visit_1_arm_1", form_name: "visit", custom_form_label: '[weight] "kg"' },
    { event_name: "enrollment_arm_2", form_name: "", custom_form_label: "" },
  ]);
});

Deno.test("exportRepeating() has no event_name column in classic projects", async () => {
  const definition = classicProject();
  definition.repeating = [{
    event_name: "",
    form_name: "health",
    custom_form_label: "[height], cm",
  }];
  const s = setup(definition);
  const csv = await s.post({ content: "repeatingFormsEvents", format: "csv" });
  strictEqual(csv.text, "form_name,custom_form_label\nhealth,[height], cm\n");
});

Deno.test("importRepeating() round-trips its json, xml and csv exports", async () => {
  for (const format of ["json", "xml"]) {
    const s = setup(longitudinalProject());
    const exported = await s.post({ content: "repeatingFormsEvents", format });
    const answer = await s.post({ content: "repeatingFormsEvents", format, data: exported.text });
    strictEqual(answer.text, "1", format);
    deepStrictEqual(
      s.store.project(s.projectId).definition.repeating,
      longitudinalProject().repeating,
    );
  }
  const definition = classicProject();
  definition.repeating = [{ event_name: "", form_name: "health", custom_form_label: "[height]" }];
  const s = setup(definition);
  const exported = await s.post({ content: "repeatingFormsEvents", format: "csv" });
  const answer = await s.post({
    content: "repeatingFormsEvents",
    format: "csv",
    data: exported.text,
  });
  strictEqual(answer.text, "1");
});

Deno.test("importRepeating() replaces the setup and makes whole events repeat", async () => {
  const s = setup(longitudinalProject());
  const answer = await s.post({
    content: "repeatingFormsEvents",
    format: "json",
    data: JSON.stringify([{
      event_name: "enrollment_arm_1",
      form_name: "",
      custom_form_label: "",
    }]),
  });
  strictEqual(answer.text, "1");
  const model = s.store.project(s.projectId);
  strictEqual(model.eventByName.get("enrollment_arm_1")!.repeatingEvent, true);
  strictEqual(model.eventByName.get("visit_1_arm_1")!.repeatingForms.size, 0);
});

Deno.test("importRepeating() reports every bad row", async () => {
  const s = setup(longitudinalProject());
  const answer = await s.post({
    content: "repeatingFormsEvents",
    format: "json",
    data: JSON.stringify([
      { event_name: "nope_arm_1", form_name: "visit" },
      { event_name: "enrollment_arm_1", form_name: "visit" },
      { event_name: "enrollment_arm_2", form_name: "" },
      { event_name: "enrollment_arm_2", form_name: "visit" },
    ]),
  });
  strictEqual(answer.status, 400);
  const error: string = answer.json().error;
  match(error, /row 1: the event 'nope_arm_1' does not exist/);
  match(error, /row 2: the form 'visit' is not designated for the event 'enrollment_arm_1'/);
  match(
    error,
    /the event 'enrollment_arm_2' cannot both repeat as a whole and have repeating instruments/,
  );
  const classic = setup(classicProject());
  const bad = await classic.post({
    content: "repeatingFormsEvents",
    format: "json",
    data: JSON.stringify([{ form_name: "" }, { form_name: "ghost" }]),
  });
  match(
    bad.json().error,
    /row 1: form_name is blank \(classic projects cannot repeat events\); row 2: the form 'ghost' does not exist/,
  );
});

Deno.test("exportRepeating() writes REDCap's xml and needs design rights", async () => {
  const s = setup(longitudinalProject());
  const xml = await s.post({ content: "repeatingFormsEvents", format: "xml" });
  strictEqual(
    xml.text,
    '<?xml version="1.0" encoding="UTF-8" ?>\n<repeatingFormsEvents>\n<item><event_name>visit_1_arm_1' +
      '</event_name><form_name>visit</form_name><custom_form_label><![CDATA[[weight] "kg"]]>' +
      "</custom_form_label></item>\n</repeatingFormsEvents>\n",
  );
  const denied = await s.post({
    token: s.tokenWith({ design: 0 }),
    content: "repeatingFormsEvents",
    format: "json",
  });
  strictEqual(denied.status, 400);
  deepStrictEqual(denied.json(), { error: NO_DESIGN_RIGHT });
});

Deno.test("importRepeating() with an empty list turns repeating off", async () => {
  const s = setup(longitudinalProject());
  const answer = await s.post({ content: "repeatingFormsEvents", format: "json", data: "[]" });
  strictEqual(answer.status, 200);
  strictEqual(answer.text, "0");
  strictEqual(s.store.project(s.projectId).hasRepeating, false);
});
