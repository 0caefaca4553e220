/** `importMetadata` on a fake server: rows sent, structure cache cleared. */
import assert from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

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
