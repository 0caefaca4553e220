import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { classicProject, setup } from "./_setup.ts";

Deno.test("importDags() creates groups with derived unique names and renames named ones", async () => {
  const s = setup(classicProject());
  const created = await s.post({
    content: "dag",
    action: "import",
    format: "json",
    returnFormat: "csv",
    data: JSON.stringify([{ data_access_group_name: "New DAG", unique_group_name: "" }]),
  });
  strictEqual(created.status, 200);
  strictEqual(created.text, "1");
  const renamed = await s.post({
    content: "dag",
    action: "import",
    format: "csv",
    data: 'data_access_group_name,unique_group_name\n"Site A (North)",site_a\n',
  });
  strictEqual(renamed.text, "1");
  const dags = (await s.post({ content: "dag", format: "json" })).json();
  deepStrictEqual(dags, [
    {
      data_access_group_name: "Site A (North)",
      unique_group_name: "site_a",
      data_access_group_id: 41,
    },
    { data_access_group_name: "New DAG", unique_group_name: "new_dag", data_access_group_id: 42 },
  ]);
  const xml = await s.post({
    content: "dag",
    action: "import",
    format: "xml",
    data: "<dags><item><data_access_group_name>New DAG</data_access_group_name>" +
      "<unique_group_name></unique_group_name></item></dags>",
  });
  strictEqual(xml.text, "1");
  const names = (await s.post({ content: "dag", format: "json" })).json()
    .map((d: { unique_group_name: string }) => d.unique_group_name);
  deepStrictEqual(names, ["site_a", "new_dag", "new_dag2"], "a clashing name gets a number");
  const bad = await s.post({
    content: "dag",
    action: "import",
    format: "json",
    data: JSON.stringify([{ data_access_group_name: "X", unique_group_name: "nope" }]),
  });
  strictEqual(bad.status, 400);
  strictEqual(bad.json().error.includes("'nope' does not exist"), true);
});

Deno.test("importDags() and deleteDags() need import and DAG rights", async () => {
  const s = setup(classicProject());
  const data = JSON.stringify([{ data_access_group_name: "B", unique_group_name: "" }]);
  const noImport = await s.post({
    token: s.tokenWith({ api_import: 0 }),
    content: "dag",
    action: "import",
    format: "json",
    data,
  });
  strictEqual(noImport.status, 403);
  strictEqual(noImport.json().error, "You do not have API Import/Update privileges");
  const noDag = await s.post({
    token: s.tokenWith({ data_access_groups: 0 }),
    content: "dag",
    action: "delete",
    format: "json",
    "dags[0]": "site_a",
  });
  strictEqual(noDag.status, 400);
  strictEqual(noDag.json().error, "You do not have Data Access Groups privileges");
});

Deno.test("deleteDags() unassigns the group's records and users", async () => {
  const s = setup(classicProject());
  s.store.ensureRecord(s.projectId, "1", 1, "site_a");
  const unknown = await s.post({
    content: "dag",
    action: "delete",
    format: "json",
    "dags[0]": "x",
  });
  strictEqual(unknown.status, 400);
  strictEqual(
    unknown.json().error,
    `The following values in the parameter 'dags' are not valid: 'x'`,
  );
  const answer = await s.post({ content: "dag", action: "delete", "dags[0]": "site_a" });
  strictEqual(answer.text, "1");
  strictEqual(s.store.recordDag(s.projectId, "1"), "");
  deepStrictEqual((await s.post({ content: "dag", format: "json" })).json(), []);
  const mapping = (await s.post({ content: "userDagMapping", format: "json" })).json();
  deepStrictEqual(mapping, [{ username: "alice", redcap_data_access_group: "" }]);
});

Deno.test("switchDag() moves the token's user into the group and answers 1", async () => {
  const project = classicProject();
  project.dags.push({
    data_access_group_name: "Site B",
    unique_group_name: "site_b",
    data_access_group_id: 42,
  });
  project.dagSwitcher = { alice: ["site_a", "site_b"] };
  const s = setup(project);
  const answer = await s.post({ content: "dag", action: "switch", dag: "site_b" });
  strictEqual(answer.status, 200);
  strictEqual(answer.text, "1");
  strictEqual(s.store.token(s.token)?.rights.data_access_group, "site_b");
  const bad = await s.post({ content: "dag", action: "switch", dag: "zzz", returnFormat: "json" });
  strictEqual(bad.status, 400);
  strictEqual(bad.json().error, `The value of the parameter 'dag' is not valid: 'zzz'`);
});

Deno.test("userDagMapping export and import in json, csv and xml", async () => {
  const s = setup(classicProject());
  const json = await s.post({ content: "userDagMapping", format: "json" });
  deepStrictEqual(json.json(), [{ username: "alice", redcap_data_access_group: "site_a" }]);
  const csv = await s.post({ content: "userDagMapping", format: "csv" });
  deepStrictEqual(parseCsvObjects(csv.text), [{
    username: "alice",
    redcap_data_access_group: "site_a",
  }]);
  const xml = await s.post({ content: "userDagMapping", format: "xml" });
  strictEqual(xml.text.includes("<username><![CDATA[alice]]></username>"), true);
  await s.post({
    content: "user",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "carol" }]),
  });
  const imported = await s.post({
    content: "userDagMapping",
    action: "import",
    format: "csv",
    data: "username,redcap_data_access_group\ncarol,site_a\nalice,\n",
  });
  strictEqual(imported.text, "2");
  deepStrictEqual((await s.post({ content: "userDagMapping", format: "json" })).json(), [
    { username: "alice", redcap_data_access_group: "" },
    { username: "carol", redcap_data_access_group: "site_a" },
  ]);
  strictEqual(s.store.token(s.token)?.rights.data_access_group, "", "the token follows its user");
  const bad = await s.post({
    content: "userDagMapping",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "carol", redcap_data_access_group: "nowhere" }]),
  });
  strictEqual(bad.status, 400);
  const ghost = await s.post({
    content: "userDagMapping",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "ghost", redcap_data_access_group: "" }]),
  });
  strictEqual(ghost.status, 400);
});
