/** recordNamer(): REDCap's next record name, the largest whole number plus one (per DAG). */
import { ok, strictEqual } from "node:assert/strict";
import { recordNamer } from "../../../lib/server/records/next_name.ts";
import { createTestServer } from "../../_helpers.ts";

Deno.test("recordNamer() counts on from the largest numeric name, one name per call", () => {
  const server = createTestServer("demo", { demoRecords: 5 });
  const names = server.store.sql("SELECT DISTINCT record FROM records WHERE project_id = ?")
    .all(server.projectId).map((r) => String(r.record));
  const max = Math.max(...names.filter((n) => /^\d+$/.test(n)).map(Number));
  const next = recordNamer(server.store, server.projectId, undefined);
  strictEqual(next(), String(max + 1));
  strictEqual(next(), String(max + 2));
});

Deno.test("recordNamer() for a user in a DAG prefixes the group id", () => {
  const server = createTestServer("demo", { demoRecords: 5 });
  const dag = server.store.project(server.projectId).dags[0];
  ok(dag, "the demo has data access groups");
  const next = recordNamer(server.store, server.projectId, dag.unique_group_name);
  const first = next();
  ok(first.startsWith(`${dag.data_access_group_id}-`), first);
  const n = Number(first.slice(`${dag.data_access_group_id}-`.length));
  strictEqual(next(), `${dag.data_access_group_id}-${n + 1}`);
});
