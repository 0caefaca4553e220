/** `exportLogging` on a fake server: options checked before sending. */
import assert from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportLogging() checks logtype and times before sending", async () => {
  const { client, seen } = fakeClient(() =>
    json([{
      timestamp: "2024-01-01 10:00",
      username: "u",
      action: "Update record 1",
      details: "x",
    }])
  );
  const log = await client.exportLogging({ logtype: "record", beginTime: "2024-01-01 00:00" });
  assert.equal(log[0].username, "u");
  assert.equal(seen[0].params.logtype, "record");
  assert.equal(seen[0].params.beginTime, "2024-01-01 00:00");
  // deno-lint-ignore no-explicit-any
  await assert.rejects(client.exportLogging({ logtype: "records" as any }), /"logtype" must be/);
  await assert.rejects(client.exportLogging({ endTime: "2024-01-01 00:00:00" }), /"endTime"/);
  assert.equal(seen.length, 1);
});
