import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { classicProject, setup } from "../routes/_setup.ts";

Deno.test("fileRepository createFolder takes REDCap's numeric role_id", async () => {
  const s = setup(classicProject());
  const made = await s.post({
    content: "userRole",
    action: "import",
    format: "json",
    data: JSON.stringify([{ role_label: "Monitors" }, { role_label: "Coordinators" }]),
  });
  strictEqual(made.status, 200, made.text);
  const folder = await s.post({
    content: "fileRepository",
    action: "createFolder",
    name: "For coordinators",
    role_id: "2",
    format: "json",
  });
  strictEqual(folder.status, 200, folder.text);
  const listed = await s.post({ content: "fileRepository", action: "list", format: "json" });
  deepStrictEqual(listed.json().map((r: { role: string }) => r.role), ["Coordinators"]);
  const roleName = (await s.post({ content: "userRole", format: "json" })).json()[1]
    .unique_role_name;
  const byName = await s.post({
    content: "fileRepository",
    action: "createFolder",
    name: "x",
    role_id: roleName,
    returnFormat: "json",
  });
  strictEqual(byName.status, 400, "a unique role name is not a role_id");
  strictEqual(byName.json().error.includes("role_id"), true);
});
