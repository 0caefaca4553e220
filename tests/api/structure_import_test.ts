/** Arm, event, designation and repeating imports against the local server in-process. */
import assert from "node:assert/strict";
import { DEMO_DAG_TOKEN } from "../../lib/server/demo/mod.ts";
import { createTestServer } from "../_helpers.ts";
import { clientFor, refused } from "./_admin_client.ts";

Deno.test("arm and event imports and deletes change the structure and clear the cache", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const events = await client.exportEvents(); // cached from here on
  assert.equal(await client.importArms([{ arm_num: 3, name: "Open label" }]), 1);
  assert.equal(await client.importEvents([{ event_name: "Week 1", arm_num: 3 }]), 1);
  const after = await client.exportEvents();
  assert.equal(after.length, events.length + 1);
  const added = after.find((e) => e.event_name === "Week 1")!;
  assert.equal(added.unique_event_name, "week_1_arm_3");
  assert.equal((await client.exportArms()).length, 3);
  assert.equal(await client.deleteEvents([added.unique_event_name]), 1);
  assert.equal((await client.exportEvents()).length, events.length);
  assert.equal(await client.deleteArms([2]), 1);
  assert.ok((await client.exportEvents()).every((e) => Number(e.arm_num) === 1));
  await refused(client.deleteArms([7]), server.token, /7/);
  await assert.rejects(client.deleteArms(["two"]), /"arms\[0\]" must be an arm number/);
  await assert.rejects(client.importEvents([{ event_name: "x" }]), /no "arm_num"/);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(client.importArms([{ arm_num: 4, name: "x" }], { override: 1 as any }));
});

Deno.test("designation and repeating imports round-trip their exports", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const mappings = await client.exportInstrumentEventMappings();
  const fewer = mappings.filter((m) => m.form !== "quality_of_life");
  assert.equal(await client.importInstrumentEventMappings(fewer), fewer.length);
  assert.equal((await client.exportInstrumentEventMappings()).length, fewer.length);
  const repeating = await client.exportRepeatingFormsEvents();
  assert.ok(repeating.length > 0);
  assert.equal(await client.importRepeatingFormsEvents(repeating), repeating.length);
  assert.deepEqual(await client.exportRepeatingFormsEvents(), repeating);
  await assert.rejects(client.importInstrumentEventMappings([{ form: "x" }]), /"arm_num"/);
  const dagUser = clientFor(server, DEMO_DAG_TOKEN);
  await refused(dagUser.importInstrumentEventMappings(mappings), DEMO_DAG_TOKEN);
  await refused(dagUser.importArms([{ arm_num: 1, name: "x" }]), DEMO_DAG_TOKEN);
});
