/**
 * `exportFile` and `importFile` on a fake server: the file name from Content-Type, multipart
 * uploads.
 */
import assert from "node:assert/strict";
import { RedcapResponseError } from "../../lib/errors.ts";
import { fakeClient, text } from "./_fake.ts";

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
