import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { classicProject, longitudinalProject, serve } from "../records/_projects.ts";

const USER = { username: "tester" };

function seeded() {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "A" }], USER);
  return s;
}

Deno.test("content=file import then export round-trips a binary file with its name in Content-Type", async () => {
  const s = seeded();
  const bytes = new Uint8Array(256).map((_, i) => i);
  let response = await s.post(
    { content: "file", action: "import", record: "1", field: "photo" },
    new File([bytes], "scan 1.png", { type: "image/png" }),
  );
  strictEqual(response.status, 200);
  strictEqual(await response.text(), "");
  response = await s.post({ content: "file", action: "export", record: "1", field: "photo" });
  strictEqual(response.status, 200);
  strictEqual(response.headers.get("content-type"), 'image/png; name="scan 1.png"');
  strictEqual(response.headers.get("content-security-policy"), "script-src 'none'");
  deepStrictEqual(new Uint8Array(await response.arrayBuffer()), bytes);
  const log = s.store.logEntries(s.projectId).filter((e) => e.action === "DOC_UPLOAD");
  strictEqual(log.length, 1);
  strictEqual(log[0].record, "1");
});

Deno.test("content=file export adds the charset to text files as PHP does", async () => {
  const s = seeded();
  await s.post(
    { content: "file", action: "import", record: "1", field: "photo" },
    new File(["test upload\n"], "test_upload.txt", { type: "text/plain" }),
  );
  const response = await s.post({ content: "file", action: "export", record: "1", field: "photo" });
  strictEqual(
    response.headers.get("content-type"),
    'text/plain; name="test_upload.txt";charset=UTF-8',
  );
  strictEqual(await response.text(), "test upload\n");
});

Deno.test("content=file import replaces the earlier file and delete removes it", async () => {
  const s = seeded();
  await s.post(
    { content: "file", action: "import", record: "1", field: "photo" },
    new File(["one"], "a.txt"),
  );
  const [first] = s.store.values(s.projectId, "1", 1, 1, "photo");
  await s.post(
    { content: "file", action: "import", record: "1", field: "photo" },
    new File(["two"], "b.txt"),
  );
  const [second] = s.store.values(s.projectId, "1", 1, 1, "photo");
  strictEqual(s.store.file(s.projectId, Number(first)), undefined);
  strictEqual(s.store.file(s.projectId, Number(second))?.name, "b.txt");
  let response = await s.post({ content: "file", action: "delete", record: "1", field: "photo" });
  strictEqual(response.status, 200);
  strictEqual(await response.text(), "");
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "photo"), []);
  response = await s.post({
    content: "file",
    action: "delete",
    record: "1",
    field: "photo",
    returnFormat: "csv",
  });
  strictEqual(await response.text(), "ERROR: There is no file to delete for this record");
  response = await s.post({
    content: "file",
    action: "export",
    record: "1",
    field: "photo",
    returnFormat: "csv",
  });
  strictEqual(response.status, 400);
  strictEqual(await response.text(), "ERROR: There is no file to download for this record");
  deepStrictEqual(
    s.store.logEntries(s.projectId).filter((e) => e.action.startsWith("DOC_")).map((e) => e.action),
    ["DOC_UPLOAD", "DOC_UPLOAD", "DOC_DELETE"],
  );
});

Deno.test("content=file answers REDCap's errors for bad fields, records and signature fields", async () => {
  const s = seeded();
  const file = new File(["x"], "x.txt");
  const cases: [Record<string, string>, File | undefined, string][] = [
    [
      { action: "export", record: "3", field: "mugshotttttt" },
      undefined,
      "ERROR: The field 'mugshotttttt' does not exist or is not a 'file' field",
    ],
    [
      { action: "export", record: "1", field: "name" },
      undefined,
      "ERROR: The field 'name' does not exist or is not a 'file' field",
    ],
    [
      { action: "export", record: "-1", field: "photo" },
      undefined,
      "ERROR: The record '-1' does not exist",
    ],
    [
      { action: "import", record: "2", field: "photo" },
      file,
      "ERROR: The record '2' does not exist",
    ],
    [
      { action: "import", record: "1", field: "photo" },
      undefined,
      "ERROR: Cannot import a file: the request has no multipart part named 'file'",
    ],
  ];
  for (const [params, upload, body] of cases) {
    const response = await s.post({ content: "file", returnFormat: "csv", ...params }, upload);
    strictEqual(response.status, 400, body);
    strictEqual(await response.text(), body);
  }
  const response = await s.post({
    content: "file",
    action: "import",
    record: "1",
    field: "sig",
    returnFormat: "csv",
  }, file);
  strictEqual(response.status, 400);
  ok((await response.text()).includes("signature"));
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "sig"), []);
});

Deno.test("content=file works per event and repeat instance and needs the right rights", async () => {
  const s = serve(longitudinalProject());
  importFlatRows(s.store, s.projectId, [{ study_id: "1", dob: "2000-01-01" }], USER);
  let response = await s.post(
    {
      content: "file",
      action: "import",
      record: "1",
      field: "scan",
      event: "followup_arm_1",
      repeat_instance: "3",
    },
    new File(["img"], "scan.bin", { type: "application/octet-stream" }),
  );
  strictEqual(response.status, 200);
  strictEqual(s.store.values(s.projectId, "1", 42, 3, "scan").length, 1);
  deepStrictEqual(s.store.values(s.projectId, "1", 42, 1, "study_id"), ["1"]);
  response = await s.post({
    content: "file",
    action: "export",
    record: "1",
    field: "scan",
    event: "followup_arm_1",
    repeat_instance: "3",
  });
  strictEqual(await response.text(), "img");
  response = await s.post({
    content: "file",
    action: "export",
    record: "1",
    field: "scan",
    returnFormat: "csv",
  });
  strictEqual(response.status, 400);
  response = await s.post({
    content: "file",
    action: "export",
    record: "1",
    field: "scan",
    event: "baseline_arm_1",
    returnFormat: "csv",
  });
  strictEqual(await response.text(), "ERROR: There is no file to download for this record");
  const reader = s.tokenFor({ username: "reader", api_import: 0 });
  response = await s.post(
    {
      content: "file",
      action: "delete",
      record: "1",
      field: "scan",
      event: "followup_arm_1",
      repeat_instance: "3",
      returnFormat: "csv",
    },
    undefined,
    reader,
  );
  strictEqual(response.status, 403);
  strictEqual(await response.text(), "ERROR: You do not have API Import/Update privileges");
});
