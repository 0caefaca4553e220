/** randomize() against the local server in-process: REDCap's refusal, option checks. */
import assert from "node:assert/strict";
import { RedcapClient } from "../../lib/client.ts";
import { RedcapApiError } from "../../lib/errors.ts";
import { fullRights, type UserRights } from "../../lib/server/project.ts";
import { createTestServer, type TestServer } from "../_helpers.ts";

const URL_ = "http://redcap.test/api/";

function clientFor(server: TestServer, token = server.token): RedcapClient {
  return new RedcapClient(URL_, token, {
    fetch: server.fetch,
    progressBar: false,
    retry: { limit: 3, backoff: 1, maxDelay: 5 },
  });
}

/** A client of the same project whose user lacks some rights. */
function limitedClient(server: TestServer, rights: Partial<UserRights>): RedcapClient {
  const token = "C0FFEE".padEnd(32, "0");
  server.store.addToken(token, server.projectId, { ...fullRights("limited"), ...rights });
  return clientFor(server, token);
}

/** Asserts a REDCap refusal whose message never holds the token. */
async function refused(promise: Promise<unknown>, token: string, pattern?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RedcapApiError, String(error));
    assert.ok(!error.message.includes(token), "the token leaked into the message");
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

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
