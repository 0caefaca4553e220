/** `loadProject`, `declareToken` and `generateToken`: projects and tokens in a store. */
import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { declareToken, generateToken, loadProject } from "../../lib/server/load.ts";
import { RedcapStore } from "../../lib/server/store.ts";
import { createRedcapHandler } from "../../lib/server/handler.ts";

async function post(store: RedcapStore, params: Record<string, string>): Promise<Response> {
  const handler = createRedcapHandler(store);
  const body = new URLSearchParams(params);
  return await handler(new Request("http://localhost/api/", { method: "POST", body }));
}

Deno.test("generateToken() makes REDCap-shaped tokens, new each time", () => {
  match(generateToken(), /^[0-9A-F]{32}$/);
  match(generateToken(64), /^[0-9A-F]{64}$/);
  ok(generateToken() !== generateToken());
});

Deno.test("loadProject() loads the demo, with a generated or a fixed full-rights token", async () => {
  const store = RedcapStore.open();
  const demo = loadProject(store, "demo", { demoRecords: 3 });
  strictEqual(demo.tokens.length > 0, true);
  const records = await post(store, { token: demo.tokens[0], content: "record", format: "json" });
  ok(((await records.json()) as unknown[]).length >= 3);

  // A fixed token, as a test fixture may want one.
  const token = "0123456789ABCDEF0123456789ABCDEF";
  const fixed = loadProject(store, "demo", { demoRecords: 1, token });
  deepStrictEqual(fixed.tokens[0], token);
  ok(fixed.projectId !== demo.projectId);
  const info = await post(store, { token, content: "project", format: "json" });
  strictEqual(info.status, 200);
  await info.body?.cancel();
});

Deno.test("declareToken() adds a token with narrower rights, and refuses an unknown DAG", async () => {
  const store = RedcapStore.open();
  const { projectId } = loadProject(store, "demo", { demoRecords: 2 });
  const token = "ABCDEF0123456789ABCDEF0123456789";
  strictEqual(declareToken(store, projectId, { username: "reader", api_import: 0 }, token), token);
  strictEqual(store.token(token)?.rights.api_import, 0);
  strictEqual(store.token(token)?.rights.api_export, 1);
  const version = await post(store, { token, content: "version" });
  strictEqual(version.status, 200);
  const refused = await post(store, {
    token,
    content: "record",
    format: "json",
    data: '[{"record_id":"9"}]',
  });
  strictEqual(refused.status, 403);
  throws(
    () => declareToken(store, projectId, { username: "x", data_access_group: "nowhere" }),
    /the data access group "nowhere" does not exist/,
  );
  deepStrictEqual(typeof generateToken(), "string");
});
