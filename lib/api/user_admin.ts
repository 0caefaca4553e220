/**
 * Managing users and roles: `content=user` import and delete, `content=userRole` export, import
 * and delete, `content=userRoleMapping` export and import. REDCap needs the User Rights right
 * for all of them (and API Import/Update for changes).
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { num, text } from "./_schema.ts";
import {
  allNamed,
  type ImportRows,
  jsonRows,
  requireList,
  sendCount,
  signalOnly,
  type SignalOptions,
} from "./admin.ts";

/** A form-rights map: REDCap sends an object in JSON (`{"intake":"1"}`), text in CSV. */
const formMap = z.union([z.record(z.string(), num), text]);

const UserRoleSchema: z.ZodType<UserRole> = z.looseObject({
  unique_role_name: z.string(),
  role_label: text,
  forms: formMap.optional(),
  forms_export: formMap.optional(),
});

/** One user role: its unique name, label, rights flags (as text) and form-rights maps. Other keys REDCap sends pass through. */
export interface UserRole {
  /** REDCap's generated role name (`U-` and ten characters). */
  unique_role_name: string;
  /** Role label. */
  role_label: string;
  /** Data entry rights by form (or REDCap's `form:right,...` text). */
  forms?: Record<string, number> | string;
  /** Export rights by form (or REDCap's text form). */
  forms_export?: Record<string, number> | string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

const UserRoleAssignmentSchema: z.ZodType<UserRoleAssignment> = z.looseObject({
  username: z.string(),
  unique_role_name: text,
  data_access_group: text.optional(),
});

/** Which role a user has (`unique_role_name` blank for none). Other keys REDCap sends pass through. */
export interface UserRoleAssignment {
  /** Username. */
  username: string;
  /** Unique role name; blank for none. */
  unique_role_name: string;
  /** Unique group name; blank for none. */
  data_access_group?: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Adds users to the project or changes their rights, e-mail, names, expiration and DAG
 * (`content=user&action=import`). Rows need `username`; a form-rights cell (`forms`,
 * `forms_export`) may be an object (`{ intake: 1 }`) or REDCap's text (`"intake:1"`).
 * Repeating the same import changes nothing, so it is retried.
 *
 * @example Add a user without rights
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.importUsers([{ username: "new_analyst", email: "a@example.org" }]), 1);
 * ok((await client.exportUsers()).some((u) => u.username === "new_analyst"));
 * ```
 *
 * @param client The client.
 * @param data One row per user.
 * @param options A cancel signal.
 * @returns The number of users imported.
 */
export async function importUsers(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import users";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data, ["forms", "forms_export"]);
  if (!allNamed(rows, "username")) {
    throw new TypeError(`Cannot ${action}: every row needs a "username"`);
  }
  return await sendCount(client, {
    params: { content: "user", action: "import", data: JSON.stringify(rows) },
    retry: true,
    signal,
  });
}

/**
 * Removes users from the project (`content=user&action=delete`); their tokens stop working.
 * Not retried: a repeat would fail because the users are gone.
 *
 * @example Remove a user
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importUsers([{ username: "temp_user" }]);
 * strictEqual(await client.deleteUsers(["temp_user"]), 1);
 * ```
 *
 * @param client The client.
 * @param users The usernames.
 * @param options A cancel signal.
 * @returns The number of users removed.
 */
export async function deleteUsers(
  client: RedcapConnection,
  users: readonly string[],
  options: SignalOptions = {},
): Promise<number> {
  const action = "delete users";
  const signal = signalOnly(action, options);
  return await sendCount(client, {
    params: { content: "user", action: "delete", users: requireList(action, "users", users) },
    retry: "a repeated delete would fail: the users are gone",
    signal,
  });
}

/**
 * Exports the user roles with their rights (`content=userRole`).
 *
 * @example List roles
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * ok(Array.isArray(await client.exportUserRoles()));
 * ```
 *
 * @param client The client.
 * @param options A cancel signal.
 * @returns One row per role.
 */
export async function exportUserRoles(
  client: RedcapConnection,
  options: SignalOptions = {},
): Promise<UserRole[]> {
  const signal = signalOnly("export user roles", options);
  return await requestJson(client, { content: "userRole" }, z.array(UserRoleSchema), { signal });
}

/**
 * Creates roles (rows without `unique_role_name`, with a `role_label`) or changes existing ones
 * (`content=userRole&action=import`). Retried only when every row names an existing role: a
 * repeat of a creating import would create the roles twice.
 *
 * @example Create a role
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.importUserRoles([{ role_label: "Monitor", data_export: 2 }]), 1);
 * ok((await client.exportUserRoles()).some((r) => r.role_label === "Monitor"));
 * ```
 *
 * @param client The client.
 * @param data One row per role.
 * @param options A cancel signal.
 * @returns The number of roles imported.
 */
export async function importUserRoles(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import user roles";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data, ["forms", "forms_export"]);
  rows.forEach((row, i) => {
    if (!allNamed([row], "unique_role_name") && !allNamed([row], "role_label")) {
      throw new TypeError(
        `Cannot ${action}: row ${i + 1} needs a "unique_role_name" or a "role_label"`,
      );
    }
  });
  return await sendCount(client, {
    params: { content: "userRole", action: "import", data: JSON.stringify(rows) },
    retry: allNamed(rows, "unique_role_name")
      ? true
      : "a repeated import would create the new roles twice",
    signal,
  });
}

/**
 * Deletes roles (`content=userRole&action=delete`); their users keep the role's rights as their
 * own. Not retried: a repeat would fail because the roles are gone.
 *
 * @example Create and delete a role
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importUserRoles([{ role_label: "Temporary" }]);
 * const role = (await client.exportUserRoles()).find((r) => r.role_label === "Temporary")!;
 * strictEqual(await client.deleteUserRoles([role.unique_role_name]), 1);
 * ```
 *
 * @param client The client.
 * @param roles The unique role names.
 * @param options A cancel signal.
 * @returns The number of roles deleted.
 */
export async function deleteUserRoles(
  client: RedcapConnection,
  roles: readonly string[],
  options: SignalOptions = {},
): Promise<number> {
  const action = "delete user roles";
  const signal = signalOnly(action, options);
  return await sendCount(client, {
    params: { content: "userRole", action: "delete", roles: requireList(action, "roles", roles) },
    retry: "a repeated delete would fail: the roles are gone",
    signal,
  });
}

/**
 * Exports which role each user has (`content=userRoleMapping`).
 *
 * @example List role assignments
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const rows = await client.exportUserRoleAssignment();
 * ok(rows.some((r) => r.username === "demo_user"));
 * ```
 *
 * @param client The client.
 * @param options A cancel signal.
 * @returns One row per user.
 */
export async function exportUserRoleAssignment(
  client: RedcapConnection,
  options: SignalOptions = {},
): Promise<UserRoleAssignment[]> {
  const signal = signalOnly("export user-role assignments", options);
  return await requestJson(
    client,
    { content: "userRoleMapping" },
    z.array(UserRoleAssignmentSchema),
    { signal },
  );
}

/**
 * Assigns users to roles (`content=userRoleMapping&action=import`; rows of `username` and
 * `unique_role_name`, blank to take the role away). Retried: a repeat changes nothing.
 *
 * @example Give a user a new role
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importUserRoles([{ role_label: "Monitor" }]);
 * const role = (await client.exportUserRoles())[0].unique_role_name;
 * await client.importUserRoleAssignment([{ username: "demo_dag_user", unique_role_name: role }]);
 * const rows = await client.exportUserRoleAssignment();
 * strictEqual(rows.find((r) => r.username === "demo_dag_user")?.unique_role_name, role);
 * ```
 *
 * @param client The client.
 * @param data One row per user.
 * @param options A cancel signal.
 * @returns The number of rows imported.
 */
export async function importUserRoleAssignment(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import user-role assignments";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data);
  if (!allNamed(rows, "username")) {
    throw new TypeError(`Cannot ${action}: every row needs a "username"`);
  }
  return await sendCount(client, {
    params: { content: "userRoleMapping", action: "import", data: JSON.stringify(rows) },
    retry: true,
    signal,
  });
}
