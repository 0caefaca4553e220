/** randomize() against the local server in-process: REDCap's refusal, option checks. */
import assert from "node:assert/strict";
import { createTestServer } from "../_helpers.ts";
import { clientFor, limitedClient, refused } from "./_admin_client.ts";

Deno.test("randomize() reports REDCap's refusal and checks its options", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  await refused(
    client.randomize({ record: "1", randomization_id: 1 }),
    server.token,
    /not enabled/,
  );
  await assert.rejects(client.randomize({ record: "1", randomization_id: "abc" }), RangeError);
  const limited = limitedClient(server, { api_import: 0 });
  await refused(limited.randomize({ record: "1", randomization_id: 1 }), "C0FFEE".padEnd(32, "0"));
});
