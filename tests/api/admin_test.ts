/**
 * The shared sending of managing calls (lib/api/admin.ts): retried only when a repeat is
 * harmless; answers of the wrong shape refused.
 */
import assert from "node:assert/strict";
import type { RedcapClient } from "../../lib/client.ts";
import { RedcapError } from "../../lib/errors.ts";
import { fakeClient, json, text } from "./_fake.ts";

Deno.test("changing calls are retried only when a repeat is harmless", async () => {
  const flaky = () => {
    let calls = 0;
    return () => (++calls === 1 ? text("busy", 503, "text/plain") : text("1"));
  };
  const safe = fakeClient(flaky());
  assert.equal(await safe.client.importUsers([{ username: "a" }]), 1);
  assert.equal(safe.seen.length, 2);
  assert.equal(safe.seen[0].params.returnFormat, "json");
  assert.equal(safe.seen[0].params.format, "json");
  assert.deepEqual(JSON.parse(safe.seen[0].params.data), [{ username: "a" }]);

  for (
    const call of [
      (c: RedcapClient) => c.deleteUsers(["a"]),
      (c: RedcapClient) => c.importDags([{ data_access_group_name: "New" }]),
      (c: RedcapClient) => c.importUserRoles([{ role_label: "New" }]),
      (c: RedcapClient) => c.importEvents([{ event_name: "E", arm_num: 1 }]),
      (c: RedcapClient) => c.deleteEvents(["e_arm_1"]),
      (c: RedcapClient) => c.importFileRepository({ file: { name: "a", content: "b" } }),
      (c: RedcapClient) => c.createProject({ project_title: "P", purpose: 0 }),
    ]
  ) {
    const unsafe = fakeClient(flaky());
    await assert.rejects(call(unsafe.client), RedcapError);
    assert.equal(unsafe.seen.length, 1);
  }
  const renames = fakeClient(flaky());
  await renames.client.importDags([{ unique_group_name: "a", data_access_group_name: "A" }]);
  assert.equal(renames.seen.length, 2);
});

Deno.test("managing calls reject answers of the wrong shape", async () => {
  const { client } = fakeClient(() => text("<html>oops</html>", 200, "text/plain"));
  await assert.rejects(client.createFolderFileRepository({ name: "x" }), RedcapError);
  const roles = fakeClient(() => json([{ role_label: "no unique name" }]));
  await assert.rejects(roles.client.exportUserRoles(), /unique_role_name/);
  const project = fakeClient(() => text("not-a-token", 200, "text/plain"));
  await assert.rejects(
    project.client.createProject({ project_title: "P", purpose: 0 }),
    /32-character token/,
  );
});
