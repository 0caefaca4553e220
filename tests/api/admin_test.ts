/**
 * The managing half of the client (users, roles, DAGs, File Repository, surveys, PDF,
 * randomization, structure, project creation) against the local server in-process.
 */
import assert from "node:assert/strict";
import { RedcapClient } from "../../lib/client.ts";
import { RedcapApiError, RedcapError } from "../../lib/errors.ts";
import { DEMO_DAG_TOKEN } from "../../lib/server/demo/mod.ts";
import { fullRights, type UserRights } from "../../lib/server/project.ts";
import { createTestServer, type TestServer } from "../_helpers.ts";
import { fakeClient, json, text } from "./_fake.ts";

const URL_ = "http://redcap.test/api/";

function clientFor(server: TestServer, token = server.token): RedcapClient {
  return new RedcapClient(URL_, token, {
    fetch: server.fetch,
    progressBar: false,
    retry: { limit: 3, backoff: 1, maxDelay: 5 },
  });
}

/** A client of the same project whose user lacks some rights. */
function limitedClient(server: TestServer, rights: Partial<UserRights>): RedcapClient {
  const token = "C0FFEE".padEnd(32, "0");
  server.store.addToken(token, server.projectId, { ...fullRights("limited"), ...rights });
  return clientFor(server, token);
}

/** Asserts a REDCap refusal whose message never holds the token. */
async function refused(promise: Promise<unknown>, token: string, pattern?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RedcapApiError, String(error));
    assert.ok(!error.message.includes(token), "the token leaked into the message");
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

async function surveyEvent(client: RedcapClient): Promise<string> {
  const mappings = await client.exportInstrumentEventMappings();
  return mappings.find((m) => m.form === "quality_of_life")!.unique_event_name;
}

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

Deno.test("survey links and codes come back as text for a survey record", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const event = await surveyEvent(client);
  const participants = await client.exportSurveyParticipantList({
    instrument: "quality_of_life",
    event,
  });
  assert.ok(participants.length > 0);
  const record = participants[0].record;
  const where = { record, instrument: "quality_of_life", event };
  const link = await client.exportSurveyLink(where);
  assert.match(link, /^https?:\/\/\S+\?s=\w+$/);
  const code = await client.exportSurveyAccessCode(where);
  assert.match(code, /^\w+$/);
  assert.equal(await client.exportSurveyAccessCode(where), code);
  assert.match(await client.exportSurveyReturnCode(where), /^\w+$/);
  const one = participants[0];
  assert.equal(one?.survey_link, link);
  assert.equal(one?.survey_access_code, code);
  await refused(
    client.exportSurveyLink({ record, instrument: "enrollment", event }),
    server.token,
    /not been enabled as a survey/,
  );
  assert.match(await client.exportSurveyQueueLink({ record }), /\?sq=\w+$/);
  await refused(client.exportSurveyQueueLink({ record: "no-such-record" }), server.token);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(client.exportSurveyLink({ record: "1" } as any), /"instrument" is required/);
  await assert.rejects(
    client.exportSurveyLink({ ...where, repeat_instance: 0 }),
    /"repeat_instance"/,
  );
  const limited = limitedClient(server, { manage_survey_participants: 0 } as Partial<UserRights>);
  await refused(
    limited.exportSurveyParticipantList({ instrument: "quality_of_life", event }),
    "C0FFEE".padEnd(32, "0"),
  );
});

Deno.test("exportPdf() returns a PDF, blank or with data, and respects export rights", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const blank = await client.exportPdf({ instrument: "enrollment" });
  assert.equal(new TextDecoder().decode(blank.subarray(0, 5)), "%PDF-");
  const filled = await client.exportPdf({ record: "1", instrument: "enrollment" });
  assert.equal(new TextDecoder().decode(filled.subarray(0, 5)), "%PDF-");
  assert.notDeepEqual(filled, blank);
  await assert.rejects(client.exportPdf({ record: "1", allRecords: true }), /not both/);
  await refused(client.exportPdf({ instrument: "nope" }), server.token, /instrument/);
  const limited = limitedClient(server, { data_export: 0, forms_export: undefined });
  await refused(limited.exportPdf({ record: "1" }), "C0FFEE".padEnd(32, "0"));
});

Deno.test("randomize() reports REDCap's refusal and checks its options", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  await refused(
    client.randomize({ record: "1", randomization_id: 1 }),
    server.token,
    /not enabled/,
  );
  await assert.rejects(client.randomize({ record: "1", randomization_id: "abc" }), RangeError);
  const limited = limitedClient(server, { api_import: 0 });
  await refused(limited.randomize({ record: "1", randomization_id: 1 }), "C0FFEE".padEnd(32, "0"));
});

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

Deno.test("createProject() needs a super token and copies a project from its XML", async () => {
  const server = createTestServer("demo", { demoRecords: 4 });
  const superToken = "5EC2E7".padEnd(64, "A");
  server.store.addToken(superToken, undefined, fullRights("admin"));
  const admin = clientFor(server, superToken);
  const client = clientFor(server);

  const token = await admin.createProject({ project_title: "Pilot", purpose: 0 });
  assert.match(token, /^[0-9A-F]{32}$/i);
  assert.equal((await clientFor(server, token).exportProjectInfo()).project_title, "Pilot");

  const xml = await client.exportProjectXml();
  const copyToken = await admin.createProject(
    { project_title: "Copy", purpose: 2, is_longitudinal: true },
    { odm: xml },
  );
  const copy = clientFor(server, copyToken);
  const original = await client.exportRecords({ fields: ["record_id"] });
  const copied = await copy.exportRecords({ fields: ["record_id"] });
  assert.equal(copied.height, original.height);
  assert.equal((await copy.exportProjectInfo()).project_title, "Copy");

  await refused(client.createProject({ project_title: "X", purpose: 0 }), server.token);
  await refused(admin.exportProjectInfo(), superToken);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    admin.createProject({ project_title: "X", purpose: 7 as any }),
    /"purpose" must be an integer from 0 to 4/,
  );
  await assert.rejects(admin.createProject({ project_title: "X", purpose: 1 }), /purpose_other/);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    admin.createProject({ project_title: "X", purpose: 0, color: "red" } as any),
    /unknown option "color"/,
  );
});

Deno.test("importProjectSettings() and exportProjectXml() read and change the project", async () => {
  const server = createTestServer("demo", { demoRecords: 3 });
  const client = clientFor(server);
  assert.equal(
    await client.importProjectSettings({ project_title: "Renamed", surveys_enabled: false }),
    2,
  );
  const info = await client.exportProjectInfo();
  assert.equal(info.project_title, "Renamed");
  assert.equal(String(info.surveys_enabled), "0");
  const meta = await client.exportProjectXml({ returnMetadataOnly: true });
  assert.match(meta, /<ODM[\s>]/);
  assert.ok(!meta.includes("<ClinicalData"));
  const one = await client.exportProjectXml({ records: ["1"], fields: ["record_id"] });
  assert.ok(one.includes("<ClinicalData"));
  await assert.rejects(client.importProjectSettings({ project_title: " " }), /blank/);
  await assert.rejects(client.importProjectSettings({}), /no settings/);
  await assert.rejects(client.exportProjectXml({ records: [] }), /"records" is empty/);
  const dagUser = clientFor(server, DEMO_DAG_TOKEN);
  await refused(dagUser.importProjectSettings({ project_title: "X" }), DEMO_DAG_TOKEN);
});

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
