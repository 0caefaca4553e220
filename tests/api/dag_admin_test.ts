/** Data access groups (importDags, switchDag, deleteDags) against the local server in-process. */
import assert from "node:assert/strict";
import { DEMO_DAG_TOKEN } from "../../lib/server/demo/mod.ts";
import { createTestServer } from "../_helpers.ts";
import { clientFor, refused } from "./_admin_client.ts";

Deno.test("importDags(), switchDag() and deleteDags() manage data access groups", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const before = await client.exportDags();
  assert.equal(await client.importDags([{ data_access_group_name: "Site North" }]), 1);
  const dags = await client.exportDags();
  assert.equal(dags.length, before.length + 1);
  const north = dags.find((d) => d.data_access_group_name === "Site North")!;
  assert.equal(north.unique_group_name, "site_north");

  assert.equal(
    await client.importUserDagAssignment([
      { username: "demo_dag_user", redcap_data_access_group: "site_north" },
    ]),
    1,
  );
  const mapping = await client.exportUserDagAssignment();
  assert.equal(
    mapping.find((r) => r.username === "demo_dag_user")?.redcap_data_access_group,
    "site_north",
  );
  await client.switchDag("denver_clinic");
  assert.equal(
    (await client.exportUserDagAssignment()).find((r) => r.username === "demo_user")
      ?.redcap_data_access_group,
    "denver_clinic",
  );
  // The DAG Switcher assigns demo_user no group created since.
  await refused(client.switchDag("site_north"), server.token, /DAG Switcher/);
  await refused(client.switchDag("no_such_dag"), server.token, /no_such_dag/);
  assert.equal(await client.deleteDags(["site_north"]), 1);
  assert.equal((await client.exportDags()).length, before.length);
  await assert.rejects(client.switchDag(""), /"dag" is blank/);
  await assert.rejects(client.importDags([{ foo: "x" }]), /"data_access_group_name"/);
});

Deno.test("DAG management is refused without the Data Access Groups right", async () => {
  const server = createTestServer();
  const dagUser = clientFor(server, DEMO_DAG_TOKEN);
  await refused(dagUser.importDags([{ data_access_group_name: "X" }]), DEMO_DAG_TOKEN);
  await refused(dagUser.exportUserDagAssignment(), DEMO_DAG_TOKEN);
});
