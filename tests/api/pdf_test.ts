/** exportPdf() against the local server in-process: blank or with data, export rights. */
import assert from "node:assert/strict";
import { createTestServer } from "../_helpers.ts";
import { clientFor, limitedClient, refused } from "./_admin_client.ts";

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
