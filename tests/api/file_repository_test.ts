/**
 * The File Repository against the local server in-process (and a fake server for answer shapes).
 */
import assert from "node:assert/strict";
import { createTestServer } from "../_helpers.ts";
import { clientFor, limitedClient, refused } from "./_admin_client.ts";
import { fakeClient, json } from "./_fake.ts";

Deno.test("the File Repository round-trips folders and files", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const folder = await client.createFolderFileRepository({ name: "Protocols" });
  assert.equal(await client.createFolderFileRepository({ name: "Protocols" }), folder);
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  await client.importFileRepository({
    file: { name: "data.bin", content: bytes },
    folder_id: folder,
  });
  const top = await client.exportFileRepository();
  assert.deepEqual(top.map((e) => [e.name, e.folder_id, e.doc_id]), [
    ["Protocols", folder, null],
  ]);
  const inside = await client.exportFileRepository({ folder_id: folder });
  assert.equal(inside.length, 1);
  const docId = inside[0].doc_id!;
  const file = await client.exportFileFromRepository(docId);
  assert.equal(file.name, "data.bin");
  assert.deepEqual(file.content, bytes);
  await client.deleteFileRepository(docId);
  assert.deepEqual(await client.exportFileRepository({ folder_id: folder }), []);
  await refused(client.exportFileFromRepository(docId), server.token, /doc_id/);
  await refused(client.deleteFileRepository(docId), server.token);
});

Deno.test("the File Repository checks options and needs its right", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  await assert.rejects(client.exportFileFromRepository(0), RangeError);
  await assert.rejects(client.createFolderFileRepository({ name: "x".repeat(151) }), RangeError);
  await assert.rejects(client.exportFileRepository({ folder_id: 1.5 }), /"folder_id"/);
  await assert.rejects(
    client.importFileRepository({ file: { name: "", content: "x" } }),
    /"file" must be/,
  );
  const limited = limitedClient(server, { file_repository: 0 });
  await refused(limited.exportFileRepository(), "C0FFEE".padEnd(32, "0"), /File Repository/);
});

Deno.test("exportFileRepository() reads REDCap's JSON, where folders have no doc_id", async () => {
  // Real REDCap's JSON listing (PyCap's doctests): folders carry folder_id, files doc_id only.
  const { client, seen } = fakeClient(() =>
    json([{ folder_id: 3, name: "New Folder" }, { doc_id: "17", name: "test.txt" }])
  );
  const entries = await client.exportFileRepository({ folder_id: 2 });
  assert.deepEqual(entries.map((e) => [e.folder_id, e.doc_id, e.name]), [
    [3, null, "New Folder"],
    [null, 17, "test.txt"],
  ]);
  assert.deepEqual(
    [seen[0].params.content, seen[0].params.action, seen[0].params.folder_id],
    ["fileRepository", "list", "2"],
  );
});
