/**
 * Reads that know which records to expect check that all of them came; EAV exports are checked
 * only where the format guarantees a row per record.
 */
import assert from "node:assert/strict";
import { RedcapClient } from "../lib/client.ts";
import { RedcapResponseError } from "../lib/errors.ts";
import { createTestServer } from "./_helpers.ts";

/**
 * A client over the demo (30 records) whose record exports, other than the record-id export
 * that lists the ids, come back in CSV cut at the first line starting a record after 60% of
 * the body: a body that ends early at a line boundary, so it still parses.
 */
function cuttingClient() {
  const server = createTestServer("demo", { demoRecords: 30 });
  let cut = 0;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(await new Request(input, init).text());
    const response = await server.fetch(input, init);
    const idsOnly = params.get("fields[0]") === "record_id" && !params.has("fields[1]") &&
      params.get("type") === "flat";
    if (params.get("content") !== "record" || idsOnly || params.get("format") !== "csv") {
      return response;
    }
    const lines = (await response.text()).split("\n");
    let k = Math.floor(lines.length * 0.6);
    while (k < lines.length && !/^"?\d+"?,/.test(lines[k])) k++;
    cut++;
    return new Response(lines.slice(0, k).join("\n") + "\n", { headers: response.headers });
  };
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: fetch as typeof globalThis.fetch,
    retry: 1,
    progressBar: false,
  });
  return { client, cuts: () => cut };
}

const lacksRecords = (error: Error) => {
  assert.ok(error instanceof RedcapResponseError, String(error));
  assert.equal(error.problem, "truncated");
  assert.match(error.message, /batch 1 of 1 lacks \d+ of its 30 records \("1\d"/);
  return true;
};

Deno.test("auto-batched reads check that every exported id came, also from a body cut at a line boundary", async (t) => {
  const reads = {
    "readEavRecords()": (c: RedcapClient) => c.readEavRecords(),
    "readEavRecords({ fields })": (c: RedcapClient) => c.readEavRecords({ fields: ["sex"] }),
    "readRecords()": (c: RedcapClient) => c.readRecords(),
    "readRecords({ fields })": (c: RedcapClient) => c.readRecords({ fields: ["sex"] }),
    "exportRecords()": (c: RedcapClient) => c.exportRecords(),
    'exportRecords({ type: "eav", format: "csv" })': (c: RedcapClient) =>
      c.exportRecords({ type: "eav", format: "csv" }),
  };
  for (const [name, read] of Object.entries(reads)) {
    await t.step(name, async () => {
      const { client, cuts } = cuttingClient();
      await assert.rejects(read(client) as Promise<unknown>, lacksRecords);
      assert.ok(cuts() > 0, "no body was cut");
    });
  }
});

Deno.test('exportRecords({ type: "eav", fields }) accepts records that have no value for the fields', async (t) => {
  const server = createTestServer("demo", { demoRecords: 30 });
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: server.fetch,
    progressBar: false,
  });
  // Adverse events are recorded for about half of the demo's records: the others have no EAV
  // rows (REDCap writes none for blank values).
  const flat = await client.exportRecords({ fields: ["record_id", "ae_term"] });
  const withTerm = new Set(
    flat.toRecords().filter((row) => row.ae_term !== null).map((row) => row.record_id),
  );
  assert.ok(withTerm.size > 0 && withTerm.size < 30);
  for (const format of ["json", "csv", "xml"] as const) {
    await t.step(format, async () => {
      const eav = await client.exportRecords({ type: "eav", fields: ["ae_term"], format });
      assert.deepEqual(new Set(eav.getColumn("record").toArray()), withTerm);
      assert.deepEqual(new Set(eav.getColumn("field_name").toArray()), new Set(["ae_term"]));
    });
  }
  await t.step("with forms, and batched", async () => {
    const eav = await client.exportRecords({
      type: "eav",
      forms: ["adverse_events"],
      batchSize: 7,
    });
    assert.deepEqual(
      new Set(eav.getColumn("record").toArray()),
      new Set(
        flat.toRecords().filter((row) => row.ae_term !== null).map((row) => row.record_id),
      ),
    );
  });
});
