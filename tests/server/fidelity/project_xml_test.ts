import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { readProjectXml } from "../../../lib/server/odm/project_xml.ts";
import { fullRights } from "../../../lib/server/project.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { loadProject } from "../../../lib/server/load.ts";
import { CORPUS_DIR, NO_CORPUS } from "../../_helpers.ts";
import { classicProject } from "../routes/_setup.ts";

const SUPER = "0123456789ABCDEF".repeat(4);

function superServer() {
  const store = RedcapStore.open();
  store.addToken(SUPER, undefined, fullRights("admin"));
  const handler = createRedcapHandler(store);
  const post = async (params: Record<string, string>) => {
    const response = await handler(
      new Request("http://redcap.test/api/", { method: "POST", body: new URLSearchParams(params) }),
    );
    return { status: response.status, text: await response.text() };
  };
  return { store, post, handler };
}

Deno.test({
  name: "user roles of a real Project XML are created with the project and exported again",
  ignore: NO_CORPUS,
  async fn() {
    const xml = Deno.readTextFileSync(
      `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/dag/project.xml`,
    );
    const s = superServer();
    const token = await s.post({
      token: SUPER,
      content: "project",
      format: "json",
      data: JSON.stringify([{ project_title: "Roles", purpose: 0 }]),
      odm: xml,
    });
    strictEqual(token.status, 200, token.text);
    const roles = JSON.parse(
      (await s.post({ token: token.text, content: "userRole", format: "json" })).text,
    );
    strictEqual(roles.length, 1);
    const [role] = roles;
    deepStrictEqual(
      [role.unique_role_name, role.role_label, role.api_export, role.api_import, role.user_rights],
      ["U-342DF3W4KP", "api", "1", "0", "2"],
    );
    const exported = await s.post({ token: token.text, content: "project_xml" });
    ok(exported.text.includes('unique_role_name="U-342DF3W4KP"'), "in content=project_xml");
    const again = readProjectXml(exported.text).roles ?? [];
    deepStrictEqual(again.map((r) => [r.unique_role_name, r.role_label]), [[
      "U-342DF3W4KP",
      "api",
    ]]);
    deepStrictEqual(again[0].rights.forms_export, { demographics: 1 });
  },
});

Deno.test("readProjectXml() reads redcap:UserRolesGroup with each role's rights", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8" ?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:redcap="https://projectredcap.org">
<Study OID="Project.X">
<GlobalVariables>
  <StudyName>X</StudyName>
  <redcap:UserRolesGroup>
    <redcap:UserRoles role_name="Monitor" unique_role_name="U-MONITOR001" data_export_tool="2" data_entry="[intake,2]" api_export="1" api_import="0" data_logging="1"/>
  </redcap:UserRolesGroup>
</GlobalVariables>
<MetaDataVersion OID="Metadata.X" Name="X" redcap:RecordIdField="record_id">
  <FormDef OID="Form.intake" Name="Intake" Repeating="No" redcap:FormName="intake">
    <ItemGroupRef ItemGroupOID="intake.record_id" Mandatory="No"/>
  </FormDef>
  <ItemGroupDef OID="intake.record_id" Name="Intake" Repeating="No">
    <ItemRef ItemOID="record_id" Mandatory="No" redcap:Variable="record_id"/>
  </ItemGroupDef>
  <ItemDef OID="record_id" Name="record_id" DataType="text" Length="999" redcap:Variable="record_id" redcap:FieldType="text">
    <Question><TranslatedText>Record ID</TranslatedText></Question>
  </ItemDef>
</MetaDataVersion>
</Study>
</ODM>`;
  const roles = readProjectXml(xml).roles ?? [];
  deepStrictEqual(roles.map((r) => [r.unique_role_name, r.role_label, r.role_id]), [
    ["U-MONITOR001", "Monitor", 1],
  ]);
  deepStrictEqual(
    [roles[0].rights.data_export, roles[0].rights.forms, roles[0].rights.logging],
    [2, { intake: 2 }, 1],
  );
});

Deno.test("content=project_xml -> content=project -> content=project_xml keeps uploads and race___unk", async () => {
  const s = superServer();
  const project = classicProject();
  project.info.missing_data_codes = "UNK, Unknown | NA, Not applicable";
  project.users = [];
  project.dags = [];
  const { tokens } = loadProject(s.store, project);
  const post = (params: Record<string, string>, file?: File) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(params)) form.set(k, v);
    if (file) form.set("file", file);
    return s.handler(new Request("http://redcap.test/api/", { method: "POST", body: form }))
      .then((r) => r.text());
  };
  await post({
    token: tokens[0],
    content: "record",
    format: "csv",
    data: "record_id,name,race___1,race___unk\n1,Ann,0,1\n",
  });
  await post(
    { token: tokens[0], content: "file", action: "import", record: "1", field: "photo" },
    new File(["hello"], "a.txt"),
  );
  const items = (xml: string) => xml.split("\n").filter((l) => l.includes("<ItemData"));
  for (const exportFiles of ["true", "false"]) {
    const xml = await post({ token: tokens[0], content: "project_xml", exportFiles });
    const created = await post({
      token: SUPER,
      content: "project",
      format: "json",
      data: JSON.stringify([{ project_title: "Again", purpose: 0 }]),
      odm: xml,
    });
    strictEqual(created.length, 32, created);
    const again = await post({ token: created, content: "project_xml", exportFiles });
    deepStrictEqual(items(again), items(xml), `exportFiles=${exportFiles}`);
    const [row] = JSON.parse(await post({ token: created, content: "record", format: "json" }));
    deepStrictEqual([row.race___unk, row.photo], ["1", "a.txt"], `exportFiles=${exportFiles}`);
    const content = await post({
      token: created,
      content: "file",
      action: "export",
      record: "1",
      field: "photo",
    });
    strictEqual(content, exportFiles === "true" ? "hello" : "", "named when not embedded");
  }
});

Deno.test("a project created from Project XML has blank calculated fields until a record is saved; --project keeps them", async () => {
  const s = superServer();
  const project = classicProject();
  project.users = [];
  project.dags = [];
  const { tokens } = loadProject(s.store, project);
  await s.post({
    token: tokens[0],
    content: "record",
    format: "csv",
    data: "record_id,height\n1,3\n",
  });
  const bmi = async (token: string) =>
    JSON.parse((await s.post({ token, content: "record", format: "json" })).text)[0].bmi;
  strictEqual(await bmi(tokens[0]), "6", "computed in the source project");
  const xml = (await s.post({ token: tokens[0], content: "project_xml" })).text;
  ok(xml.includes('ItemOID="bmi" Value="6"'));
  const created = await s.post({
    token: SUPER,
    content: "project",
    format: "json",
    data: JSON.stringify([{ project_title: "From XML", purpose: 0 }]),
    odm: xml,
  });
  strictEqual(await bmi(created.text), "", "neither taken from the XML nor computed");
  await s.post({
    token: created.text,
    content: "record",
    format: "csv",
    data: "record_id,height\n1,4\n",
  });
  strictEqual(await bmi(created.text), "8", "computed once the record is saved again");
  const path = await Deno.makeTempFile({ suffix: ".xml" });
  try {
    Deno.writeTextFileSync(path, xml.replace('ItemOID="bmi" Value="6"', 'ItemOID="bmi" Value="7"'));
    const loaded = loadProject(s.store, path);
    strictEqual(await bmi(loaded.tokens[0]), "7", "--project keeps the file's values (a snapshot)");
  } finally {
    await Deno.remove(path);
  }
});
