/**
 * Users and roles (importUsers, deleteUsers, importUserRoles) against the local server in-process.
 */
import assert from "node:assert/strict";
import { DEMO_DAG_TOKEN } from "../../lib/server/demo/mod.ts";
import { createTestServer } from "../_helpers.ts";
import { clientFor, refused } from "./_admin_client.ts";
import { fakeClient, text } from "./_fake.ts";

Deno.test("importUsers() and deleteUsers() add and remove users with their rights", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const count = await client.importUsers([
    { username: "analyst", email: "a@example.org", api_export: 1, forms_export: { enrollment: 1 } },
  ]);
  assert.equal(count, 1);
  const user = (await client.exportUsers()).find((u) => u.username === "analyst");
  assert.equal(user?.email, "a@example.org");
  assert.equal(String(user?.api_export), "1");
  assert.equal(await client.deleteUsers(["analyst"]), 1);
  assert.ok(!(await client.exportUsers()).some((u) => u.username === "analyst"));
  await refused(client.deleteUsers(["analyst"]), server.token, /analyst/);
});

Deno.test("importUsers() and deleteUsers() check their arguments before sending", async () => {
  const { client, seen } = fakeClient(() => text("1"));
  await assert.rejects(client.importUsers([{ email: "x@example.org" }]), /"username"/);
  await assert.rejects(client.importUsers([]), RangeError);
  await assert.rejects(client.deleteUsers([]), /"users" is empty/);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(client.deleteUsers(["a"], { force: true } as any), /unknown option "force"/);
  assert.equal(seen.length, 0);
});

Deno.test("user management is refused without the User Rights right", async () => {
  const server = createTestServer();
  const dagUser = clientFor(server, DEMO_DAG_TOKEN);
  await refused(dagUser.importUsers([{ username: "x" }]), DEMO_DAG_TOKEN);
  await refused(dagUser.exportUserRoles(), DEMO_DAG_TOKEN);
  await refused(dagUser.exportUserRoleAssignment(), DEMO_DAG_TOKEN);
});

Deno.test("importUserRoles() creates a role that can be assigned and deleted", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  assert.deepEqual(await client.exportUserRoles(), []);
  assert.equal(
    await client.importUserRoles([{ role_label: "Monitor", api_export: 1, forms: "enrollment:2" }]),
    1,
  );
  const [role] = await client.exportUserRoles();
  assert.equal(role.role_label, "Monitor");
  assert.match(role.unique_role_name, /^U-/);
  // JSON carries the form rights as an object; the read-only right differs from the default.
  const forms = role.forms as Record<string, number>;
  assert.equal(typeof forms.enrollment, "number");
  assert.notEqual(forms.enrollment, forms.quality_of_life);

  assert.equal(
    await client.importUserRoleAssignment([
      { username: "demo_dag_user", unique_role_name: role.unique_role_name },
    ]),
    1,
  );
  const assigned = await client.exportUserRoleAssignment();
  assert.equal(
    assigned.find((r) => r.username === "demo_dag_user")?.unique_role_name,
    role.unique_role_name,
  );
  // Renaming an existing role is a safe (retried) import.
  assert.equal(
    await client.importUserRoles([{ unique_role_name: role.unique_role_name, role_label: "QA" }]),
    1,
  );
  assert.equal((await client.exportUserRoles())[0].role_label, "QA");
  assert.equal(await client.deleteUserRoles([role.unique_role_name]), 1);
  assert.deepEqual(await client.exportUserRoles(), []);
  await assert.rejects(client.importUserRoles([{ api_export: 1 }]), /"role_label"/);
  await assert.rejects(
    client.importUserRoles([{ role_label: "x", forms: [1, 2] as unknown as string }]),
    /"forms" is not a scalar/,
  );
});
