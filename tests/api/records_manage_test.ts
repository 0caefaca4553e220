/**
 * `deleteRecords`, `renameRecord` and `generateNextRecordName` on a fake server: REDCap's
 * parameters, and no repeat of a delete whose answer was lost.
 */
import assert from "node:assert/strict";
import { fakeClient, text } from "./_fake.ts";

Deno.test("deleteRecords(), renameRecord() and generateNextRecordName() send REDCap's parameters", async () => {
  const { client, seen } = fakeClient((params) => {
    if (params.action === "delete") return text("2");
    if (params.action === "rename") return text("1");
    return text("13");
  });
  assert.equal(await client.deleteRecords({ records: ["1", "2"], arm: 1 }), 2);
  assert.deepEqual(
    [
      seen[0].params.action,
      seen[0].params["records[0]"],
      seen[0].params["records[1]"],
      seen[0].params.arm,
    ],
    ["delete", "1", "2", "1"],
  );
  await client.renameRecord({ record: "1", new_record_name: "A-1" });
  assert.equal(seen[1].params.new_record_name, "A-1");
  assert.equal(await client.generateNextRecordName(), "13");
  await assert.rejects(client.deleteRecords({ records: [] }), /"records" is empty/);
  await assert.rejects(
    client.deleteRecords({ records: ["1"], repeat_instance: 2 }),
    /"repeat_instance" needs "instrument" or "event"/,
  );
});

Deno.test("deleteRecords() is not repeated after a lost answer", async () => {
  const { client, seen } = fakeClient(() => Promise.reject(new TypeError("connection reset")));
  await assert.rejects(client.deleteRecords({ records: ["1"] }), /not retried: a repeated delete/);
  assert.equal(seen.length, 1);
});
