/** The export plan's pieces: labels as REDCap exports them, export levels, request checks. */
import { ok, strictEqual, throws } from "node:assert/strict";
import { demoProject } from "../../../lib/server/demo/mod.ts";
import { ProjectModel } from "../../../lib/server/model.ts";
import {
  exportLabel,
  hiddenAtLevel,
  plainLabel,
  planExport,
} from "../../../lib/server/records/export_plan.ts";

const model = new ProjectModel(demoProject({ records: 1 }));

Deno.test("exportLabel() turns quotes to apostrophes and line breaks to two spaces", () => {
  strictEqual(exportLabel('Said "yes"\r\nthen no'), "Said 'yes'  then no");
  strictEqual(plainLabel("<b>Weight</b> &amp; height&nbsp;(kg)"), "Weight & height (kg)");
});

Deno.test("hiddenAtLevel(): no access hides all, de-identified drops notes and free text", () => {
  const id = model.fieldByName.get(model.recordIdField)!;
  const notes = model.fields.find((f) => f.field_type === "notes");
  ok(notes, "the demo has a notes field");
  strictEqual(hiddenAtLevel(model, id, 0), false, "the record ID is never hidden");
  strictEqual(hiddenAtLevel(model, notes, 0), true);
  strictEqual(hiddenAtLevel(model, notes, 1), false);
  strictEqual(hiddenAtLevel(model, notes, 2), true);
  strictEqual(hiddenAtLevel(model, notes, 3), notes.identifier === "y");
});

Deno.test("planExport() refuses unknown events, then fields, with REDCap's messages", () => {
  throws(
    () => planExport(model, { events: ["nowhere_arm_9"] } as Parameters<typeof planExport>[1]),
    /The following values in the parameter "events" are not valid: 'nowhere_arm_9'/,
  );
  throws(
    () => planExport(model, { fields: ["nope"] } as Parameters<typeof planExport>[1]),
    /'nope'/,
  );
});
