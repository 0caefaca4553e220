import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { USER_COLUMNS } from "../../../lib/server/routes/users.ts";
import { classicProject, setup } from "./_setup.ts";

Deno.test("exportDags() answers the groups with an integer id, and needs the DAG right", async () => {
  const s = setup(classicProject());
  const answer = await s.post({ content: "dag", format: "json" });
  deepStrictEqual(answer.json(), [
    { data_access_group_name: "Site A", unique_group_name: "site_a", data_access_group_id: 41 },
  ]);
  const csv = await s.post({ content: "dag", format: "csv" });
  strictEqual(
    csv.text,
    'data_access_group_name,unique_group_name,data_access_group_id\n"Site A",site_a,41\n',
  );
  const denied = await s.post({
    token: s.tokenWith({ data_access_groups: 0 }),
    content: "dag",
    format: "json",
  });
  strictEqual(denied.status, 400, "REDCap answers 400 without DAG rights");
  strictEqual(denied.json().error, "You do not have Data Access Groups privileges");
  const xml = await s.post({ content: "dag", format: "xml" });
  strictEqual(
    xml.text,
    '<?xml version="1.0" encoding="UTF-8" ?>\n<dags>\n<item><data_access_group_name><![CDATA[Site A]]>' +
      "</data_access_group_name><unique_group_name><![CDATA[site_a]]></unique_group_name>" +
      "<data_access_group_id><![CDATA[41]]></data_access_group_id></item>\n</dags>\n",
  );
  const none = classicProject();
  none.dags = [];
  const empty = await setup(none).post({ content: "dag", format: "csv" });
  strictEqual(empty.text, "data_access_group_name,unique_group_name,data_access_group_id");
});

Deno.test("exportUsers() answers REDCap 15's columns with integer rights and form maps", async () => {
  const s = setup(classicProject());
  const answer = await s.post({ content: "user", format: "json" });
  const [user] = answer.json();
  deepStrictEqual(Object.keys(user), [...USER_COLUMNS]);
  strictEqual(user.username, "alice");
  strictEqual(user.email, "alice@example.org");
  strictEqual(user.data_access_group, "site_a");
  strictEqual(user.data_access_group_id, "41");
  strictEqual(user.data_access_group_label, "Site A");
  strictEqual(user.api_export, 1);
  strictEqual(user.design, 1);
  strictEqual(user.alerts, 0);
  deepStrictEqual(user.forms, { demographics: 130, health: 130 });
  deepStrictEqual(user.forms_export, { demographics: 1, health: 1 });
  const csv = await s.post({ content: "user", format: "csv" });
  const [row] = parseCsvObjects(csv.text);
  strictEqual(row.forms_export, "demographics:1,health:1");
  const denied = await s.post({
    token: s.tokenWith({ user_rights: 0 }),
    content: "user",
    format: "csv",
  });
  strictEqual(denied.status, 400, "REDCap answers 400 without user rights");
  strictEqual(denied.text, "ERROR: You do not have User Rights privileges");
  const xml = await s.post({ content: "user", format: "xml" });
  match(
    xml.text,
    /^<\?xml version="1.0" encoding="UTF-8" \?>\n<users>\n<item><username>alice<\/username>/,
  );
  match(xml.text, /<forms><demographics>130<\/demographics><health>130<\/health><\/forms>/);
});
