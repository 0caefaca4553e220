/**
 * Managing a project's users and roles: `content=user` import and delete, `content=userRole`
 * export, import and delete, and `content=userRoleMapping` export and import. Every one needs
 * the User Rights right; imports and deletes also need API Import/Update. A change takes effect
 * at once: the tokens of the users concerned carry their new (effective) rights.
 *
 * @module
 */
import { type ApiContext, ApiError, escapeXml, formatRows, ok, XML_DECLARATION } from "../_http.ts";
import type { ProjectModel } from "../model.ts";
import { type ProjectDefinition, roleId, type UserRights, type UserRole } from "../project.ts";
import {
  copyDefinition,
  countResponse,
  exportFormat,
  NO_IMPORT_RIGHT,
  readImportRows,
  requireExport,
  requireRight,
  rowsBody,
} from "./_structure_io.ts";
import { NO_USER_RIGHTS_RIGHT, USER_COLUMNS } from "./users.ts";
import {
  formMaps,
  logManage,
  parseFormRights,
  projectUsers,
  RIGHT_FLAGS,
  saveUsers,
  visibleUsers,
} from "./rights.ts";

/** `content=userRole` columns in REDCap's order. */
export const ROLE_COLUMNS: readonly string[] = [
  "unique_role_name",
  "role_label",
  ...RIGHT_FLAGS.filter((r) => !r.startsWith("lock_records")),
  "lock_records_customization",
  "lock_records",
  "lock_records_all_forms",
  "forms",
  "forms_export",
];

/** `content=userRoleMapping` columns. */
export const ROLE_MAPPING_COLUMNS: readonly string[] = [
  "username",
  "unique_role_name",
  "data_access_group",
];

function requireUserRights(ctx: ApiContext, write: boolean): void {
  if (write) requireRight(ctx, "api_import", NO_IMPORT_RIGHT);
  else requireExport(ctx);
  requireRight(ctx, "user_rights", NO_USER_RIGHTS_RIGHT, 400);
}

/** Rights a user gets when added without them: none, as REDCap's "add user" default. */
function newUserRights(username: string): UserRights {
  return {
    username,
    email: "",
    firstname: "",
    lastname: "",
    expiration: "",
    data_access_group: "",
    api_export: 0,
    api_import: 0,
    data_export: 0,
    record_create: 0,
    record_delete: 0,
    record_rename: 0,
    design: 0,
    user_rights: 0,
    data_access_groups: 0,
    file_repository: 0,
    logging: 0,
    forms: {},
    forms_export: {},
  };
}

/**
 * Applies one import row's rights (0/1 flags, `data_export`, `forms`, `forms_export`) to a
 * rights object. Blank cells leave a right unchanged.
 */
function applyRights(
  model: ProjectModel,
  target: Partial<UserRights>,
  row: Record<string, string>,
  what: string,
  line: number,
): void {
  const record = target as Record<string, unknown>;
  for (const flag of [...RIGHT_FLAGS, "data_export"]) {
    const text = (row[flag] ?? "").trim();
    if (text === "") continue;
    const max = flag === "data_export" ? 3 : flag === "lock_records" ? 2 : 1;
    if (!/^\d+$/.test(text) || Number(text) > max) {
      throw new ApiError(
        400,
        `Cannot import ${what}: row ${line} gives "${flag}" the invalid value "${text}" (0 to ${max})`,
      );
    }
    record[flag] = Number(text);
  }
  if ((row.forms ?? "").trim() !== "") {
    target.forms = { ...target.forms, ...parseFormRights(model, row.forms, "forms", what) };
  }
  if ((row.forms_export ?? "").trim() !== "") {
    const levels = parseFormRights(model, row.forms_export, "forms_export", what);
    for (const [form, level] of Object.entries(levels)) {
      if (level > 3) {
        throw new ApiError(
          400,
          `Cannot import ${what}: "forms_export" gives "${form}" the invalid level ${level} (0 to 3)`,
        );
      }
    }
    target.forms_export = { ...target.forms_export, ...levels };
  } else if ((row.data_export ?? "").trim() !== "") {
    // Legacy: the project-wide export level applies to every form.
    target.forms_export = Object.fromEntries(
      model.forms.map((f) => [f.name, Number(row.data_export)]),
    );
  }
}

function checkColumns(rows: Record<string, string>[], allowed: Set<string>, what: string): void {
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!allowed.has(key)) {
        throw new ApiError(400, `Cannot import ${what}: "${key}" is not a valid column`);
      }
    }
  }
}

function findDag(definition: ProjectDefinition, value: string, what: string): string {
  const name = value.trim();
  if (name === "") return "";
  if (!definition.dags.some((d) => d.unique_group_name === name)) {
    throw new ApiError(
      400,
      `Cannot import ${what}: the data access group "${name}" does not exist in this project`,
    );
  }
  return name;
}

/**
 * `content=user&action=import`: adds users (by `username`) or changes their rights, e-mail,
 * names, expiration and DAG. Answers the number of users imported.
 */
export function importUsers(ctx: ApiContext): Response {
  requireUserRights(ctx, true);
  const what = "users";
  const rows = readImportRows(ctx, what);
  checkColumns(rows, new Set([...USER_COLUMNS, "data_export"]), what);
  const definition = copyDefinition(ctx);
  const logs: string[] = [];
  const users = projectUsers(ctx, definition);
  rows.forEach((row, index) => {
    const username = (row.username ?? "").trim();
    if (username === "") {
      throw new ApiError(400, `Cannot import users: row ${index + 1} has no "username"`);
    }
    let user = users.find((u) => u.username === username);
    if (!user) {
      user = newUserRights(username);
      users.push(user);
      logs.push(`Add user ${username}`);
    } else logs.push(`Edit user ${username}`);
    for (const key of ["email", "firstname", "lastname", "expiration"] as const) {
      if (row[key] !== undefined) user[key] = row[key].trim();
    }
    if (user.expiration && !/^\d{4}-\d{2}-\d{2}$/.test(user.expiration)) {
      throw new ApiError(
        400,
        `Cannot import users: the expiration "${user.expiration}" of "${username}" is not a date (YYYY-MM-DD)`,
      );
    }
    if (row.data_access_group !== undefined) {
      user.data_access_group = findDag(definition, row.data_access_group, what);
    }
    applyRights(ctx.project, user, row, what, index + 1);
  });
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    for (const line of logs) logManage(ctx, line, "USER");
  });
  return countResponse(rows.length, ctx);
}

/**
 * `content=user&action=delete`: removes the users named in `users[]` from the project (their
 * tokens stop working). Answers the number removed.
 */
export function deleteUsers(ctx: ApiContext): Response {
  requireUserRights(ctx, true);
  const names = ctx.params.list("users");
  if (!names) throw new ApiError(400, `The parameter "users" is missing`);
  const definition = copyDefinition(ctx);
  const users = projectUsers(ctx, definition);
  const unknown = names.filter((n) => !users.some((u) => u.username === n));
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      `The following users are not users of this project: ${unknown.join(", ")}`,
    );
  }
  definition.users = users.filter((u) => !names.includes(u.username));
  ctx.store.transaction(() => {
    saveUsers(ctx, definition, names);
    for (const name of names) logManage(ctx, `Delete user ${name}`, "USER");
  });
  return countResponse(names.length, ctx);
}

function roleRow(model: ProjectModel, role: UserRole): Record<string, unknown> {
  const rights = role.rights as Record<string, unknown>;
  const row: Record<string, unknown> = {
    unique_role_name: role.unique_role_name,
    role_label: role.role_label,
  };
  for (const column of ROLE_COLUMNS.slice(2, -2)) row[column] = String(rights[column] ?? 0);
  const maps = formMaps(model, role.rights);
  row.forms = maps.forms;
  row.forms_export = maps.forms_export;
  return row;
}

/** Rows with form maps as REDCap's XML (one element per form) or flat `form:level` text. */
function rowsWithForms(
  rows: Record<string, unknown>[],
  columns: readonly string[],
  format: "csv" | "json" | "xml",
  root: string,
): string {
  if (format === "json") return JSON.stringify(rows);
  if (format === "xml") {
    const items = rows.map((row) =>
      "<item>" + columns.map((key) => {
        const value = row[key];
        if (value !== null && typeof value === "object") {
          const forms = Object.entries(value as Record<string, number>)
            .map(([form, level]) => `<${form}>${level}</${form}>`).join("");
          return `<${key}>${forms}</${key}>`;
        }
        return `<${key}>${escapeXml(String(value))}</${key}>`;
      }).join("") + "</item>\n"
    );
    return `${XML_DECLARATION}\n<${root}>\n${items.join("")}</${root}>\n`;
  }
  const flat = rows.map((row) =>
    Object.fromEntries(
      columns.map((c) => {
        const v = row[c];
        return [
          c,
          v !== null && typeof v === "object"
            ? Object.entries(v as Record<string, number>).map(([k, n]) => `${k}:${n}`).join(",")
            : String(v ?? ""),
        ];
      }),
    )
  );
  return formatRows(flat, columns, "csv");
}

/**
 * `content=userRole` export: every role with its rights as text (`"0"`/`"1"`, as REDCap sends
 * them) and its form maps.
 */
export function exportUserRoles(ctx: ApiContext): Response {
  requireUserRights(ctx, false);
  const roles = ctx.project.definition.roles ?? [];
  const format = exportFormat(ctx);
  const rows = roles.map((r) => roleRow(ctx.project, r));
  if (format === "csv" && rows.length === 0) return ok(ROLE_COLUMNS.join(",") + "\n", format);
  return ok(rowsWithForms(rows, ROLE_COLUMNS, format, "roles"), format);
}

function newRoleName(existing: readonly UserRole[]): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(10));
    const name = "U-" + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
    if (!existing.some((r) => r.unique_role_name === name)) return name;
  }
}

/**
 * `content=userRole&action=import`: creates roles (blank or missing `unique_role_name`, with a
 * `role_label`) or changes existing ones. Answers the number of roles imported.
 */
export function importUserRoles(ctx: ApiContext): Response {
  requireUserRights(ctx, true);
  const what = "user roles";
  const rows = readImportRows(ctx, what);
  checkColumns(rows, new Set([...ROLE_COLUMNS, "data_export"]), what);
  const definition = copyDefinition(ctx);
  const logs: string[] = [];
  const roles = definition.roles ??= [];
  rows.forEach((row, index) => {
    const unique = (row.unique_role_name ?? "").trim();
    const label = (row.role_label ?? "").trim();
    let role: UserRole | undefined;
    if (unique === "") {
      if (label === "") {
        throw new ApiError(
          400,
          `Cannot import user roles: row ${
            index + 1
          } has neither "unique_role_name" nor "role_label"`,
        );
      }
      // REDCap numbers roles (role_id) in the order they are made.
      const role_id = Math.max(0, ...roles.map((r) => roleId(roles, r))) + 1;
      role = { unique_role_name: newRoleName(roles), role_label: label, role_id, rights: {} };
      roles.push(role);
      logs.push(`Create user role "${label}"`);
    } else {
      role = roles.find((r) => r.unique_role_name === unique);
      if (!role) {
        throw new ApiError(
          400,
          `Cannot import user roles: the role "${unique}" does not exist in this project`,
        );
      }
      if (label !== "") role.role_label = label;
      logs.push(`Edit user role "${role.role_label}"`);
    }
    applyRights(ctx.project, role.rights, row, what, index + 1);
  });
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    for (const line of logs) logManage(ctx, line, "USER");
  });
  return countResponse(rows.length, ctx);
}

/**
 * `content=userRole&action=delete`: deletes the roles in `roles[]`; their users keep the role's
 * rights as their own. Answers the number deleted.
 */
export function deleteUserRoles(ctx: ApiContext): Response {
  requireUserRights(ctx, true);
  const names = ctx.params.list("roles");
  if (!names) throw new ApiError(400, `The parameter "roles" is missing`);
  const definition = copyDefinition(ctx);
  const roles = definition.roles ?? [];
  const unknown = names.filter((n) => !roles.some((r) => r.unique_role_name === n));
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      `The following roles do not exist in this project: ${unknown.join(", ")}`,
    );
  }
  for (const user of definition.users) {
    const role = roles.find((r) => r.unique_role_name === user.role);
    if (role && names.includes(role.unique_role_name)) {
      Object.assign(user, role.rights);
      delete user.role;
    }
  }
  definition.roles = roles.filter((r) => !names.includes(r.unique_role_name));
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    for (const name of names) logManage(ctx, `Delete user role ${name}`, "USER");
  });
  return countResponse(names.length, ctx);
}

/** `content=userRoleMapping` export: each user with their role and DAG (blank for none). */
export function exportUserRoleMapping(ctx: ApiContext): Response {
  requireUserRights(ctx, false);
  const definition = ctx.project.definition;
  const users = definition.users.length > 0
    ? visibleUsers(ctx, definition.users)
    : [ctx.grant.rights];
  const rows = users.map((u) => ({
    username: u.username,
    unique_role_name: u.role ?? "",
    data_access_group: u.data_access_group ?? "",
  }));
  const format = exportFormat(ctx);
  return ok(rowsBody(rows, ROLE_MAPPING_COLUMNS, format, "items"), format);
}

/**
 * `content=userRoleMapping&action=import`: assigns users (`username`) to roles
 * (`unique_role_name`, blank to remove). Answers the number of rows imported.
 */
export function importUserRoleMapping(ctx: ApiContext): Response {
  requireUserRights(ctx, true);
  const what = "user-role assignments";
  const rows = readImportRows(ctx, what);
  checkColumns(rows, new Set(ROLE_MAPPING_COLUMNS), what);
  const definition = copyDefinition(ctx);
  const logs: string[] = [];
  const users = projectUsers(ctx, definition);
  const roles = definition.roles ?? [];
  for (const row of rows) {
    const username = (row.username ?? "").trim();
    const user = users.find((u) => u.username === username);
    if (!user) {
      throw new ApiError(
        400,
        `Cannot import user-role assignments: "${username}" is not a user of this project`,
      );
    }
    const role = (row.unique_role_name ?? "").trim();
    if (role !== "" && !roles.some((r) => r.unique_role_name === role)) {
      throw new ApiError(
        400,
        `Cannot import user-role assignments: the role "${role}" does not exist in this project`,
      );
    }
    if (role === "") delete user.role;
    else user.role = role;
    logs.push(`Assign user ${username} to role ${role || "(none)"}`);
  }
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    for (const line of logs) logManage(ctx, line, "USER");
  });
  return countResponse(rows.length, ctx);
}
