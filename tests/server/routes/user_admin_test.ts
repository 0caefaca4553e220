import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { ROLE_COLUMNS } from "../../../lib/server/routes/user_admin.ts";
import { classicProject, setup } from "./_setup.ts";

Deno.test("importUsers() adds a user with no rights and updates rights, forms and DAG", async () => {
  const s = setup(classicProject());
  const added = await s.post({
    content: "user",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "carol" }]),
  });
  strictEqual(added.text, "1");
  let users = (await s.post({ content: "user", format: "json" })).json();
  const carol = users.find((u: { username: string }) => u.username === "carol");
  strictEqual(carol.api_export, 0);
  strictEqual(carol.design, 0);
  deepStrictEqual(carol.forms_export, { demographics: 0, health: 0 });
  const changed = await s.post({
    content: "user",
    action: "import",
    format: "json",
    data: JSON.stringify([{
      username: "carol",
      email: "carol@example.org",
      data_access_group: "site_a",
      api_export: 1,
      data_export: 2,
      forms: { demographics: 2, health: 1 },
      forms_export: { health: 1 },
    }]),
  });
  strictEqual(changed.text, "1");
  users = (await s.post({ content: "user", format: "json" })).json();
  const after = users.find((u: { username: string }) => u.username === "carol");
  strictEqual(after.email, "carol@example.org");
  strictEqual(after.data_access_group, "site_a");
  strictEqual(after.api_export, 1);
  deepStrictEqual(after.forms, { demographics: 129, health: 130 }, "legacy codes converted");
  deepStrictEqual(after.forms_export, { demographics: 2, health: 1 });
  const csv = await s.post({
    content: "user",
    action: "import",
    format: "csv",
    data: "username,forms,forms_export\ncarol,demographics:128,demographics:0\n",
  });
  strictEqual(csv.text, "1");
  const [row] = parseCsvObjects((await s.post({ content: "user", format: "csv" })).text)
    .filter((r) => r.username === "carol");
  strictEqual(row.forms, "demographics:128,health:130");
  strictEqual(row.forms_export, "demographics:0,health:1");
});

Deno.test("importUsers() changes the rights a user's token carries", async () => {
  const s = setup(classicProject());
  const bob = s.tokenWith({});
  const before = await s.post({ token: bob, content: "project", format: "json" });
  strictEqual(before.status, 200);
  await s.post({
    content: "user",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "bob", api_export: 0 }]),
  });
  const after = await s.post({ token: bob, content: "project", format: "json" });
  strictEqual(after.status, 403, "bob lost API export");
  await s.post({ content: "user", action: "delete", format: "json", "users[0]": "bob" });
  const gone = await s.post({ token: bob, content: "version" });
  strictEqual(gone.status, 403, "a deleted user's token stops working");
});

Deno.test("importUsers() rejects bad values, unknown columns and forms, and needs rights", async () => {
  const s = setup(classicProject());
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ username: "x", design: 5 }, /'design' the invalid value '5'/],
    [{ username: "x", colour: 1 }, /'colour' is not a valid column/],
    [{ username: "x", forms: { nope: 1 } }, /'nope', which does not exist/],
    [{ username: "x", data_access_group: "nowhere" }, /'nowhere' does not exist/],
    [{ username: "", design: 1 }, /row 1 has no 'username'/],
  ];
  for (const [row, message] of cases) {
    const answer = await s.post({
      content: "user",
      action: "import",
      format: "json",
      data: JSON.stringify([row]),
    });
    strictEqual(answer.status, 400);
    match(answer.json().error, message);
  }
  const noRights = await s.post({
    token: s.tokenWith({ user_rights: 0 }),
    content: "user",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "y" }]),
  });
  strictEqual(noRights.status, 400);
  strictEqual(noRights.json().error, "You do not have User Rights privileges");
  const noImport = await s.post({
    token: s.tokenWith({ api_import: 0 }),
    content: "user",
    action: "delete",
    "users[0]": "alice",
    returnFormat: "json",
  });
  strictEqual(noImport.status, 403);
  const unknown = await s.post({
    content: "user",
    action: "delete",
    "users[0]": "zed",
    returnFormat: "json",
  });
  strictEqual(unknown.status, 400);
});

Deno.test("userRole export, import and delete; roles export their rights as text", async () => {
  const s = setup(classicProject());
  const empty = await s.post({ content: "userRole", format: "csv" });
  strictEqual(empty.text, ROLE_COLUMNS.join(",") + "\n");
  const created = await s.post({
    content: "userRole",
    action: "import",
    format: "json",
    data: JSON.stringify([{ role_label: "Test role", api_export: 1, data_export: 2 }]),
  });
  strictEqual(created.text, "1");
  const [role] = (await s.post({ content: "userRole", format: "json" })).json();
  deepStrictEqual(Object.keys(role), [...ROLE_COLUMNS]);
  match(role.unique_role_name, /^U-[A-Z0-9]{10}$/);
  strictEqual(role.role_label, "Test role");
  strictEqual(role.api_export, "1");
  strictEqual(role.design, "0");
  deepStrictEqual(role.forms_export, { demographics: 2, health: 2 });
  const roundTrip = await s.post({
    content: "userRole",
    action: "import",
    format: "json",
    data: JSON.stringify([{ ...role, role_label: "Renamed" }]),
  });
  strictEqual(roundTrip.text, "1");
  const xml = await s.post({ content: "userRole", format: "xml" });
  match(xml.text, /<role_label>Renamed<\/role_label>/);
  match(
    xml.text,
    /<forms_export><demographics>2<\/demographics><health>2<\/health><\/forms_export>/,
  );
  const csv = await s.post({ content: "userRole", format: "csv" });
  strictEqual(parseCsvObjects(csv.text)[0].forms_export, "demographics:2,health:2");
  const bad = await s.post({
    content: "userRole",
    action: "import",
    format: "json",
    data: JSON.stringify([{ unique_role_name: "U-NOPE", role_label: "x" }]),
  });
  strictEqual(bad.status, 400);
  const deleted = await s.post({
    content: "userRole",
    action: "delete",
    "roles[0]": role.unique_role_name,
  });
  strictEqual(deleted.text, "1");
  deepStrictEqual((await s.post({ content: "userRole", format: "json" })).json(), []);
});

Deno.test("userRoleMapping assigns users to roles, whose rights then apply to their tokens", async () => {
  const s = setup(classicProject());
  const bob = s.tokenWith({});
  await s.post({
    content: "user",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "bob", api_export: 1, data_export: 1 }]),
  });
  await s.post({
    content: "userRole",
    action: "import",
    format: "json",
    data: JSON.stringify([{ role_label: "Readers", api_export: 0 }]),
  });
  const [role] = (await s.post({ content: "userRole", format: "json" })).json();
  const mapped = await s.post({
    content: "userRoleMapping",
    action: "import",
    format: "csv",
    data: `username,unique_role_name\nbob,${role.unique_role_name}\n`,
  });
  strictEqual(mapped.text, "1");
  deepStrictEqual((await s.post({ content: "userRoleMapping", format: "json" })).json(), [
    { username: "alice", unique_role_name: "", data_access_group: "site_a" },
    { username: "bob", unique_role_name: role.unique_role_name, data_access_group: "" },
  ]);
  const users = (await s.post({ content: "user", format: "json" })).json();
  strictEqual(users[1].api_export, 0, "the user export shows the role's rights");
  strictEqual((await s.post({ token: bob, content: "project" })).status, 403);
  const xml = await s.post({ content: "userRoleMapping", format: "xml" });
  match(xml.text, /<username><!\[CDATA\[bob\]\]><\/username>/);
  const unknownRole = await s.post({
    content: "userRoleMapping",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "bob", unique_role_name: "U-XXXXXXXXXX" }]),
  });
  strictEqual(unknownRole.status, 400);
});
