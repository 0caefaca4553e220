/**
 * A flat record export that matches no record: REDCap 14 and later send an empty CSV body (no
 * header row; REDCapR #624), older versions the header alone, JSON `[]`. The client reads each
 * as an empty frame with the columns the header would have had.
 */
import assert from "node:assert/strict";
import { RedcapClient } from "../lib/client.ts";
import type { ExportRecordsOptions } from "../lib/api/records.ts";
import { createTestServer } from "./_helpers.ts";

const NOTHING = "[record_id] = 'no such record'";

/** A client over the demo; with **emptyBody**, a header-only flat CSV record export comes back
 * as an empty body, as REDCap 14+ sends it. */
function demoClient(emptyBody: boolean) {
  const server = createTestServer("demo", { demoRecords: 5 });
  const seen: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(await new Request(input, init).text());
    const response = await server.fetch(input, init);
    if (params.get("content") !== "record") return response;
    seen.push(params.get("format")!);
    if (!emptyBody || params.get("format") !== "csv" || params.get("type") !== "flat") {
      return response;
    }
    const text = await response.text();
    const headerOnly = text.indexOf("\n") === text.length - 1;
    return new Response(headerOnly ? "" : text, { headers: response.headers });
  };
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: fetch as typeof globalThis.fetch,
    progressBar: false,
  });
  return { client, seen };
}

const CASES: Record<string, ExportRecordsOptions> = {
  "every field": { filterLogic: NOTHING },
  "one request": { filterLogic: NOTHING, batchSize: Infinity },
  "named records": { records: ["no such record"] },
  "fields with the id": { filterLogic: NOTHING, fields: ["record_id", "sex", "race"] },
  "fields without the id": { filterLogic: NOTHING, fields: ["sex", "race"], batchSize: Infinity },
  "forms": { filterLogic: NOTHING, forms: ["vitals"], batchSize: Infinity },
  "DAG column": { filterLogic: NOTHING, exportDataAccessGroups: true },
};

Deno.test("exportRecords() reads an empty body and a header-only body as the same empty frame", async (t) => {
  const header = demoClient(false);
  const empty = demoClient(true);
  for (const [name, options] of Object.entries(CASES)) {
    await t.step(name, async () => {
      const fromHeader = await header.client.exportRecords(options);
      assert.equal(fromHeader.shape.height, 0);
      assert.ok(fromHeader.shape.width > 0, "the header-only body has columns");
      const fromEmpty = await empty.client.exportRecords(options);
      assert.deepEqual(fromEmpty.columns, fromHeader.columns);
      assert.equal(fromEmpty.shape.height, 0);
      const fromJson = await header.client.exportRecords({ ...options, format: "json" });
      assert.deepEqual(fromJson.columns, fromHeader.columns);
    });
  }
});

Deno.test("an empty CSV record body is asked again in JSON at once, not retried in CSV", async () => {
  const { client, seen } = demoClient(true);
  const frame = await client.exportRecords({ filterLogic: NOTHING, batchSize: Infinity });
  assert.equal(frame.shape.height, 0);
  assert.deepEqual(seen, ["csv", "json"]);
});

Deno.test("readRecords() and readEavRecords() read an export that matches no record as an empty typed frame", async (t) => {
  const reads = {
    "readRecords()": (c: RedcapClient) => c.readRecords({ filterLogic: NOTHING }),
    "readRecords({ fields })": (c: RedcapClient) =>
      c.readRecords({ filterLogic: NOTHING, fields: ["sex", "sbp"] }),
    "readRecords({ format: json })": (c: RedcapClient) =>
      c.readRecords({ filterLogic: NOTHING, format: "json" }),
    "readEavRecords()": (c: RedcapClient) => c.readEavRecords({ filterLogic: NOTHING }),
  };
  const header = demoClient(false);
  const empty = demoClient(true);
  for (const [name, read] of Object.entries(reads)) {
    await t.step(name, async () => {
      const expected = await read(header.client);
      const got = await read(empty.client);
      assert.equal(got.data.shape.height, 0);
      assert.ok(got.data.shape.width > 2);
      assert.deepEqual(got.data.columns, expected.data.columns);
      assert.deepEqual(
        got.data.dtypes.map(String),
        expected.data.dtypes.map(String),
      );
    });
  }
});
