/**
 * `loadProject(store, "demo")` generates the demo's rows as the import reads them (never all in
 * memory): the store must end up exactly as loading the whole definition does.
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { demoProject } from "../../lib/server/demo/mod.ts";
import { loadProject } from "../../lib/server/load.ts";
import { RedcapStore } from "../../lib/server/store.ts";

function contents(store: RedcapStore, projectId: number) {
  const all = (sql: string) => store.sql(sql).all(projectId).map((row) => ({ ...row }));
  // The streamed load imports under the dictionary's column order, so a log entry lists its
  // changes in that order (the whole definition's follows the order its rows' keys appear).
  const changes = (details: unknown) => String(details).split(", ").sort().join(", ");
  return {
    data: all(
      "SELECT record, event_id, instance, field_name, value FROM data WHERE project_id = ? " +
        "ORDER BY record, event_id, instance, field_name, value",
    ),
    records: all("SELECT record, arm_num, dag FROM records WHERE project_id = ? ORDER BY 1, 2"),
    files: all("SELECT doc_id, name, mime_type, content FROM files WHERE project_id = ?"),
    logged: all(
      "SELECT username, action, record, event_id, description, details FROM log " +
        "WHERE project_id = ? ORDER BY log_id",
    ).map((entry) => ({ ...entry, details: changes(entry.details) })),
  };
}

Deno.test("the streamed demo load stores what loading the whole definition stores", () => {
  const streamed = RedcapStore.open();
  const whole = RedcapStore.open();
  try {
    const a = loadProject(streamed, "demo", { demoRecords: 400 });
    const b = loadProject(whole, demoProject({ records: 400 }));
    const got = contents(streamed, a.projectId);
    const want = contents(whole, b.projectId);
    ok(want.data.length > 30_000, `only ${want.data.length} values`);
    ok(want.files.length > 0);
    deepStrictEqual(got, want);
    deepStrictEqual(streamed.tokens(), whole.tokens());
  } finally {
    streamed.close();
    whole.close();
  }
});

Deno.test("the streamed demo load refuses a record count that is not a whole number", () => {
  const store = RedcapStore.open();
  try {
    let message = "";
    try {
      loadProject(store, "demo", { demoRecords: 2.5 });
    } catch (error) {
      message = (error as Error).message;
    }
    deepStrictEqual(message, "Cannot build demo project: records must be a whole number, got 2.5");
    deepStrictEqual(store.projectIds(), []);
  } finally {
    store.close();
  }
});
