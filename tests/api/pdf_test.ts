/** exportPdf() against the local server in-process: blank or with data, export rights. */
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

Deno.test("exportPdf() returns a PDF, blank or with data, and respects export rights", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const blank = await client.exportPdf({ instrument: "enrollment" });
  assert.equal(new TextDecoder().decode(blank.subarray(0, 5)), "%PDF-");
  const filled = await client.exportPdf({ record: "1", instrument: "enrollment" });
  assert.equal(new TextDecoder().decode(filled.subarray(0, 5)), "%PDF-");
  assert.notDeepEqual(filled, blank);
  await assert.rejects(client.exportPdf({ record: "1", allRecords: true }), /not both/);
  await refused(client.exportPdf({ instrument: "nope" }), server.token, /instrument/);
  const limited = limitedClient(server, { data_export: 0, forms_export: undefined });
  await refused(limited.exportPdf({ record: "1" }), "C0FFEE".padEnd(32, "0"));
});
