/** `exportUsers` on a fake server: usernames required, other rights columns passed through. */
import { rejects, strictEqual } from "node:assert/strict";
import { RedcapResponseError } from "../../lib/errors.ts";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportUsers() reads each user and keeps REDCap's rights columns as sent", async () => {
  const { client, seen } = fakeClient(() =>
    json([{ username: "alice", email: null, data_access_group: "", api_export: 1 }])
  );
  const [alice] = await client.exportUsers();
  strictEqual(seen[0].params.content, "user");
  strictEqual(alice.username, "alice");
  strictEqual(alice.email, "");
  strictEqual(alice.api_export, 1);
});

Deno.test("exportUsers() refuses a user row without a username", async () => {
  const { client } = fakeClient(() => json([{ email: "a@example.org" }]));
  await rejects(client.exportUsers(), RedcapResponseError);
});
