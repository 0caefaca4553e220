/** fullRights() and roleId(): the rights a project's first user gets, and role ids. */
import { strictEqual } from "node:assert/strict";
import { fullRights, roleId, type UserRole } from "../../lib/server/project.ts";

Deno.test("fullRights() grants every API and design right with full data export", () => {
  const rights = fullRights("alice");
  strictEqual(rights.username, "alice");
  for (const key of ["api_export", "api_import", "design", "user_rights", "record_delete"]) {
    strictEqual(rights[key as keyof typeof rights], 1, key);
  }
  strictEqual(rights.data_export, 1);
});

Deno.test("roleId() is REDCap's role_id when known, else the role's position from 1", () => {
  const a: UserRole = { unique_role_name: "U-AAAAAAAAAA", role_label: "A", rights: {} };
  const b: UserRole = {
    unique_role_name: "U-BBBBBBBBBB",
    role_label: "B",
    rights: {},
    role_id: 40,
  };
  const c: UserRole = { unique_role_name: "U-CCCCCCCCCC", role_label: "C", rights: {} };
  strictEqual(roleId([a, b, c], a), 1);
  strictEqual(roleId([a, b, c], b), 40);
  strictEqual(roleId([a, b, c], c), 3);
});
