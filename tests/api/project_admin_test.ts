/**
 * createProject(), importProjectSettings() and exportProjectXml() against the local server
 * in-process.
 */
import assert from "node:assert/strict";
import { DEMO_DAG_TOKEN } from "../../lib/server/demo/mod.ts";
import { fullRights } from "../../lib/server/project.ts";
import { createTestServer } from "../_helpers.ts";
import { clientFor, refused } from "./_admin_client.ts";

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
