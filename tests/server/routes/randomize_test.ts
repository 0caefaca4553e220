import { strictEqual } from "node:assert/strict";
import { classicProject, setup } from "./_setup.ts";

Deno.test("randomizeRecord() answers REDCap's 400 when randomization is not enabled", async () => {
  const s = setup(classicProject());
  const answer = await s.post({
    content: "record",
    action: "randomize",
    record: "1",
    randomization_id: "1",
    returnFormat: "json",
  });
  strictEqual(answer.status, 400);
  strictEqual(answer.json().error, "Randomization is not enabled in this project");
  const noImport = await s.post({
    token: s.tokenWith({ api_import: 0 }),
    content: "record",
    action: "randomize",
    record: "1",
    returnFormat: "csv",
  });
  strictEqual(noImport.status, 403);
  strictEqual(noImport.text, "ERROR: You do not have API Import/Update privileges");
});

Deno.test("randomizeRecord() checks the record, then has no allocation table, when enabled", async () => {
  const project = classicProject();
  project.info.randomization_enabled = 1;
  const s = setup(project);
  const missing = await s.post({
    content: "record",
    action: "randomize",
    record: "9",
    returnFormat: "json",
  });
  strictEqual(missing.json().error, "The record '9' does not exist");
  s.store.ensureRecord(s.projectId, "9", 1);
  const none = await s.post({
    content: "record",
    action: "randomize",
    record: "9",
    randomization_id: "3",
    returnFormat: "json",
  });
  strictEqual(none.status, 400);
  strictEqual(
    none.json().error.startsWith(`The value of the parameter 'randomization_id' is not valid: '3'`),
    true,
  );
});
