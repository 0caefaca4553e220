import { deepStrictEqual } from "node:assert/strict";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject } from "../routes/_setup.ts";

Deno.test("API changes and exports are logged with REDCap's action texts, and logtype selects them (socket)", async () => {
  // A user in no data access group: a DAG user's log leaves out records deleted since (REDCap's
  // Logging page limits a DAG user to the records its group holds now).
  const project = classicProject();
  project.users = project.users.map((u) => ({ ...u, data_access_group: "" }));
  const server = await serveRedcap({ projects: [project] });
  const post = async (params: Record<string, string>) => {
    const response = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({ token: server.tokens[0].token, ...params }),
    });
    return await response.text();
  };
  try {
    await post({ content: "record", format: "csv", data: "record_id,name\n5,Ann\n" });
    await post({ content: "record", format: "csv", data: "record_id,name\n5,Bo\n" });
    await post({ content: "record", format: "csv" });
    await post({ content: "record", action: "delete", "records[0]": "5" });
    const actions = async (logtype: string) =>
      JSON.parse(await post({ content: "log", format: "json", logtype }))
        .map((e: { action: string }) => e.action);
    deepStrictEqual(await actions("record_add"), ["Create record (API) 5"]);
    deepStrictEqual(await actions("record_edit"), ["Update record (API) 5"]);
    deepStrictEqual(await actions("record_delete"), ["Delete record (API) 5"]);
    deepStrictEqual(await actions("export"), ["Data export (API)"]);
    deepStrictEqual(await actions("record"), [
      "Delete record (API) 5",
      "Update record (API) 5",
      "Create record (API) 5",
    ]);
  } finally {
    await server.close();
  }
});
