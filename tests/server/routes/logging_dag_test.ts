import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { classicProject, setup } from "./_setup.ts";

Deno.test("exportLog() with dag keeps the entries of the group's records only", async () => {
  const s = setup(classicProject());
  s.store.ensureRecord(s.projectId, "1", 1, "site_a");
  s.store.ensureRecord(s.projectId, "2", 1, "");
  for (const record of ["1", "2"]) {
    s.store.log({
      project_id: s.projectId,
      username: "alice",
      action: "INSERT",
      record,
      event_id: 1,
      details: `record_id = '${record}'`,
      description: "Create record (API)",
    });
  }
  const answer = await s.post({ content: "log", format: "json", dag: "site_a" });
  strictEqual(answer.status, 200);
  deepStrictEqual(answer.json().map((e: { record: string }) => e.record), ["1"]);
  const bad = await s.post({ content: "log", format: "json", dag: "nowhere" });
  strictEqual(bad.status, 400);
  strictEqual(bad.json().error, `The value of the parameter 'dag' is not valid: 'nowhere'`);
});
