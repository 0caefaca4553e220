/** Option checks and answer reading of the smaller API areas, on a fake server. */
import assert from "node:assert/strict";
import { RedcapResponseError } from "../../lib/errors.ts";
import { fakeClient, json, text } from "./_fake.ts";

Deno.test("exportReport() sends report_id and reads the CSV as strings", async () => {
  const { client, seen } = fakeClient(() => text("record_id,score\n01,7\n"));
  const df = await client.exportReport({ report_id: 12, rawOrLabel: "label" });
  assert.deepEqual(df.toRecords(), [{ record_id: "01", score: "7" }]);
  assert.deepEqual(
    [seen[0].params.content, seen[0].params.report_id, seen[0].params.rawOrLabel],
    ["report", "12", "label"],
  );
  await assert.rejects(
    client.exportReport({ report_id: "twelve" }),
    /"report_id" must be a number/,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    client.exportReport({ report_id: 1, rawOrLabel: "both" as any }),
    RangeError,
  );
  assert.equal(seen.length, 1);
});

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

Deno.test("exportFile() reads the name from Content-Type; importFile() sends multipart", async () => {
  const { client, seen } = fakeClient((params) => {
    if (params.action === "import") return text("", 200);
    return new Response(new Uint8Array([1, 2, 3]), {
      headers: { "Content-Type": 'application/pdf; name="report 1.pdf"' },
    });
  });
  const file = await client.exportFile({ record: "1", field: "lab_report", repeat_instance: 2 });
  assert.deepEqual(file, {
    name: "report 1.pdf",
    type: "application/pdf",
    content: new Uint8Array([1, 2, 3]),
  });
  assert.equal(seen[0].params.repeat_instance, "2");
  await client.importFile({
    record: 1,
    field: "lab_report",
    file: { name: "a.txt", content: "hello", type: "text/plain" },
  });
  assert.equal(seen[1].params.action, "import");
  assert.equal(seen[1].params.record, "1");
  assert.equal(seen[1].file?.name, "a.txt");
  assert.equal(await seen[1].file?.text(), "hello");
  await assert.rejects(client.exportFile({ record: "1", field: "" }), /"field" is blank/);
  await assert.rejects(
    client.exportFile({ record: "1", field: "f", repeat_instance: 0 }),
    /repeat_instance/,
  );
});

Deno.test("exportFile() rejects an answer that names no file", async () => {
  const { client } = fakeClient(() =>
    new Response("x", { headers: { "Content-Type": "text/plain" } })
  );
  await assert.rejects(client.exportFile({ record: "1", field: "f" }), RedcapResponseError);
});

Deno.test("exportVersion() rejects an answer that is not a version", async () => {
  const { client, seen } = fakeClient(() => text("Welcome to REDCap", 200, "text/plain"));
  await assert.rejects(
    client.exportVersion(),
    (e: Error) =>
      e instanceof RedcapResponseError && e.problem === "shape" && /15\.7\.6/.test(e.message),
  );
  assert.equal(seen.length, 3);
});

Deno.test("call() with data clears the structure cache", async () => {
  const { client, seen } = fakeClient((params) =>
    params.content === "arm" && params.action === "import"
      ? json({ count: 1 })
      : json([{ arm_num: 1, name: "A" }])
  );
  await client.exportArms();
  await client.exportArms();
  assert.equal(seen.length, 1);
  await client.call("arm", { action: "import", data: JSON.stringify([{ arm_num: 2, name: "B" }]) });
  await client.exportArms();
  assert.equal(seen.length, 3);
});

Deno.test("importMetadata() sends the rows and clears the cache", async () => {
  const { client, seen } = fakeClient((params) =>
    params.data ? json({ count: 1 }) : json([{ field_name: "record_id", form_name: "f" }])
  );
  const metadata = await client.exportMetadata();
  assert.equal(await client.importMetadata(metadata), 1);
  assert.deepEqual(JSON.parse(seen[1].params.data), [{ field_name: "record_id", form_name: "f" }]);
  await client.exportMetadata();
  assert.equal(seen.length, 3);
});
