import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { readProjectXml } from "../../../lib/server/odm/project_xml.ts";
import { fullRights } from "../../../lib/server/project.ts";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { classicProject, longitudinalProject, setup } from "./_setup.ts";

const SUPER = "0123456789ABCDEF".repeat(4);

function superServer() {
  const store = RedcapStore.open();
  store.addToken(SUPER, undefined, fullRights("admin"));
  const handler = createRedcapHandler(store);
  const post = async (params: Record<string, string>) => {
    const response = await handler(
      new Request("http://redcap.test/api/", { method: "POST", body: new URLSearchParams(params) }),
    );
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
  return { store, post };
}

Deno.test("createProject() makes a blank project from json, csv or xml settings and answers its token", async () => {
  const s = superServer();
  const json = await s.post({
    token: SUPER,
    content: "project",
    format: "json",
    data: JSON.stringify([{ project_title: "My study", purpose: 2, project_notes: "notes" }]),
  });
  strictEqual(json.status, 200);
  match(json.text, /^[0-9A-F]{32}$/);
  const info = (await s.post({ token: json.text, content: "project", format: "json" })).json();
  strictEqual(info.project_title, "My study");
  strictEqual(info.purpose, 2);
  strictEqual(info.project_notes, "notes");
  strictEqual(info.is_longitudinal, 0);
  const metadata = (await s.post({ token: json.text, content: "metadata", format: "json" })).json();
  deepStrictEqual(
    metadata.map((f: { field_name: string; form_name: string }) => [f.field_name, f.form_name]),
    [
      ["record_id", "my_first_instrument"],
    ],
  );
  const users = (await s.post({ token: json.text, content: "user", format: "json" })).json();
  strictEqual(users[0].username, "admin", "the super token's user owns the project");
  const csv = await s.post({
    token: SUPER,
    content: "project",
    format: "csv",
    data: "project_title,purpose,is_longitudinal\nLong one,0,1\n",
  });
  strictEqual(csv.status, 200);
  const events = (await s.post({ token: csv.text, content: "event", format: "json" })).json();
  strictEqual(events[0].unique_event_name, "event_1_arm_1");
  const xml = await s.post({
    token: SUPER,
    content: "project",
    format: "xml",
    data:
      "<item><project_title>X</project_title><purpose>1</purpose><purpose_other>Teaching</purpose_other></item>",
  });
  strictEqual(xml.status, 200, xml.text);
  const log = (await s.post({ token: xml.text, content: "log", format: "json" })).json();
  strictEqual(log.at(-1).details, "Create project (API)");
});

Deno.test("createProject() refuses bad settings, project tokens and non-XML odm", async () => {
  const s = superServer();
  const cases: [Record<string, string>, number, RegExp][] = [
    [{ data: JSON.stringify([{ purpose: 0 }]) }, 400, /'project_title' is required/],
    [{ data: JSON.stringify([{ project_title: "x" }]) }, 400, /'purpose' is required/],
    [{ data: JSON.stringify([{ project_title: "x", purpose: 9 }]) }, 400, /'purpose' must be 0/],
    [
      { data: JSON.stringify([{ project_title: "x", purpose: 1 }]) },
      400,
      /'purpose_other' is required/,
    ],
    [
      { data: JSON.stringify([{ project_title: "x", purpose: 0, colour: 1 }]) },
      400,
      /'colour' is not a setting/,
    ],
    [
      { data: JSON.stringify([{ project_title: "x", purpose: 0 }]), odm: "<nope/>" },
      400,
      /no ODM root/,
    ],
  ];
  for (const [params, status, message] of cases) {
    const answer = await s.post({ token: SUPER, content: "project", format: "json", ...params });
    strictEqual(answer.status, status);
    match(answer.json().error, message);
  }
  const exported = await s.post({ token: SUPER, content: "project", format: "json" });
  strictEqual(exported.status, 400, "a super token cannot export project info");
  const other = await s.post({ token: SUPER, content: "metadata", format: "json" });
  strictEqual(other.status, 403, "nor use project routes");
  const p = setup(classicProject());
  const withProjectToken = await p.post({
    content: "project",
    format: "json",
    data: JSON.stringify([{ project_title: "x", purpose: 0 }]),
  });
  strictEqual(withProjectToken.status, 400);
  match(withProjectToken.json().error, /super API token/);
});

Deno.test("importProjectSettings() changes settings and answers their number; rights and longitudinal", async () => {
  const s = setup(classicProject());
  const answer = await s.post({
    content: "project_settings",
    format: "json",
    data: JSON.stringify({
      project_title: "Renamed",
      project_irb_number: "IRB-1",
      display_today_now_button: 0,
    }),
  });
  strictEqual(answer.status, 200);
  strictEqual(answer.text, "3");
  const info = (await s.post({ content: "project", format: "json" })).json();
  strictEqual(info.project_title, "Renamed");
  strictEqual(info.project_irb_number, "IRB-1");
  strictEqual(info.display_today_now_button, 0);
  const csv = await s.post({
    content: "project_settings",
    format: "csv",
    data: "project_notes\nhello\n",
  });
  strictEqual(csv.text, "1");
  const xml = await s.post({
    content: "project_settings",
    format: "xml",
    data: "<item><project_notes>from xml</project_notes></item>",
  });
  strictEqual(xml.text, "1");
  strictEqual(
    (await s.post({ content: "project", format: "json" })).json().project_notes,
    "from xml",
  );
  // REDCap skips the attributes it cannot set, as in the row content=project exports.
  const readOnly = await s.post({
    content: "project_settings",
    format: "json",
    data: JSON.stringify({ in_production: 1 }),
  });
  strictEqual(readOnly.text, "0");
  strictEqual((await s.post({ content: "project", format: "json" })).json().in_production, 0);
  const noDesign = await s.post({
    token: s.tokenWith({ design: 0 }),
    content: "project_settings",
    format: "json",
    data: JSON.stringify({ project_notes: "x" }),
  });
  strictEqual(noDesign.status, 400);
  strictEqual(noDesign.json().error, "You do not have Project Design and Setup privileges");
  // Longitudinal on, data kept; off again.
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "A" }], { username: "alice" });
  await s.post({
    content: "project_settings",
    format: "json",
    data: JSON.stringify({ is_longitudinal: 1 }),
  });
  const mapping = (await s.post({ content: "formEventMapping", format: "json" })).json();
  strictEqual(mapping.length, 2);
  const records = (await s.post({ content: "record", format: "json", fields: "record_id,name" }))
    .json();
  deepStrictEqual(records.map((r: Record<string, string>) => [r.redcap_event_name, r.name]), [[
    "event_1_arm_1",
    "A",
  ]]);
  await s.post({
    content: "project_settings",
    format: "json",
    data: JSON.stringify({ is_longitudinal: 0 }),
  });
  const classic = (await s.post({ content: "record", format: "json", fields: "record_id,name" }))
    .json();
  deepStrictEqual(classic, [{ record_id: "1", name: "A" }]);
  const long = setup(longitudinalProject());
  const refused = await long.post({
    content: "project_settings",
    format: "json",
    data: JSON.stringify({ is_longitudinal: 0 }),
  });
  strictEqual(refused.status, 400);
  match(refused.json().error, /has 3 events/);
});

function xmlProject() {
  const project = classicProject();
  project.metadata[2].identifier = "y"; // name
  const s = setup(project);
  importFlatRows(s.store, s.projectId, [
    { record_id: "1", name: "Ann", race___1: "1", height: "150", demographics_complete: "2" },
    { record_id: "2", name: "Bob", height: "180" },
    { record_id: "3", name: "Cy", redcap_data_access_group: "site_a" },
  ], { username: "alice" });
  return s;
}

Deno.test("exportProjectXml() writes metadata only, or records narrowed by records, fields and filterLogic", async () => {
  const s = xmlProject();
  const meta = await s.post({ content: "project_xml", returnMetadataOnly: "true" });
  strictEqual(meta.status, 200);
  match(meta.type, /text\/xml/);
  match(meta.text, /ODMVersion="1\.3\.1"/);
  const metaDefinition = readProjectXml(meta.text);
  deepStrictEqual(metaDefinition.records, []);
  // The reader joins checkbox choices with a bare "|", as REDCap 14+ does.
  const expected = s.store.project(s.projectId).definition.metadata.map((f) =>
    f.field_type === "checkbox"
      ? {
        ...f,
        select_choices_or_calculations: f.select_choices_or_calculations.replaceAll(" | ", "|"),
      }
      : f
  );
  deepStrictEqual(metaDefinition.metadata, expected);
  const all = readProjectXml((await s.post({ content: "project_xml" })).text);
  deepStrictEqual(all.records.map((r) => r.record_id), ["1", "2", "3"]);
  strictEqual(all.records[0].race___1, "1");
  strictEqual(all.records[0].race___2, "0");
  strictEqual(all.records[2].redcap_data_access_group, undefined, "no DAGs unless asked");
  const dags = readProjectXml(
    (await s.post({ content: "project_xml", exportDataAccessGroups: "true" })).text,
  );
  strictEqual(dags.records[2].redcap_data_access_group, "site_a");
  const some = readProjectXml(
    (await s.post({ content: "project_xml", "records[0]": "2", fields: "height" })).text,
  );
  deepStrictEqual(some.records, [{ record_id: "2", height: "180" }]);
  const filtered = readProjectXml(
    (await s.post({ content: "project_xml", filterLogic: "[height] > 160" })).text,
  );
  deepStrictEqual(filtered.records.map((r) => r.record_id), ["2"]);
  const badField = await s.post({ content: "project_xml", fields: "nope", returnFormat: "json" });
  strictEqual(badField.status, 400);
  strictEqual(
    JSON.parse(badField.text).error,
    `The following values in the parameter 'fields' are not valid: 'nope'`,
  );
});

Deno.test("exportProjectXml() applies DAG isolation and de-identified export rights", async () => {
  const s = xmlProject();
  const dagUser = s.tokenWith({ data_access_group: "site_a" });
  const mine = readProjectXml((await s.post({ token: dagUser, content: "project_xml" })).text);
  deepStrictEqual(mine.records.map((r) => r.record_id), ["3"]);
  const deid = readProjectXml(
    (await s.post({ token: s.tokenWith({ data_export: 3 }), content: "project_xml" })).text,
  );
  strictEqual(deid.records[0].name, undefined, "identifiers removed");
  strictEqual(deid.records[0].height, "150");
  const none = await s.post({
    token: s.tokenWith({ data_export: 0 }),
    content: "project_xml",
    returnFormat: "json",
  });
  strictEqual(none.status, 403);
  match(JSON.parse(none.text).error, /'No Access' data export rights/);
  const metaOnly = await s.post({
    token: s.tokenWith({ data_export: 0 }),
    content: "project_xml",
    returnMetadataOnly: "1",
  });
  strictEqual(metaOnly.status, 200, "metadata needs no data export right");
  const noApi = await s.post({
    token: s.tokenWith({ api_export: 0 }),
    content: "project_xml",
    returnFormat: "json",
  });
  strictEqual(noApi.status, 403);
});

Deno.test("exportProjectXml() keeps events, repeating instances and embedded files of a longitudinal project", async () => {
  const s = setup(longitudinalProject());
  importFlatRows(s.store, s.projectId, [
    {
      study_id: "1",
      redcap_event_name: "enrollment_arm_1",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "",
      dob: "2000-01-01",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_1_arm_1",
      redcap_repeat_instrument: "visit",
      redcap_repeat_instance: "1",
      weight: "70",
      note: "a\nb & <c>",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_1_arm_1",
      redcap_repeat_instrument: "visit",
      redcap_repeat_instance: "2",
      weight: "71",
    },
  ], { username: "alice" });
  const text = (await s.post({ content: "project_xml" })).text;
  const definition = readProjectXml(text);
  strictEqual(definition.longitudinal, true);
  deepStrictEqual(definition.events, s.store.project(s.projectId).definition.events);
  deepStrictEqual(
    definition.records.map((
      r,
    ) => [r.redcap_event_name, r.redcap_repeat_instance, r.weight ?? "", r.note ?? ""]),
    [["enrollment_arm_1", "", "", ""], ["visit_1_arm_1", "1", "70", "a\nb & <c>"], [
      "visit_1_arm_1",
      "2",
      "71",
      "",
    ]],
  );
  const events = readProjectXml(
    (await s.post({ content: "project_xml", events: "enrollment_arm_1" })).text,
  );
  deepStrictEqual(events.records.map((r) => r.redcap_event_name), ["enrollment_arm_1"]);
});
