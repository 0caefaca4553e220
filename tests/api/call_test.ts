/** `call` (any API request) on a fake server: a call with data clears the structure cache. */
import assert from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

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
