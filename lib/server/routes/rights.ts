/**
 * User rights shared by the user, role and DAG routes: a user's effective rights (their role's
 * when they have one), form-level rights in REDCap's encodings, and keeping the tokens of a
 * user in step with their rights after a change.
 *
 * @module
 */
import { type ApiContext, ApiError } from "../_http.ts";
import type { ProjectModel } from "../model.ts";
import type { ProjectDefinition, UserRights } from "../project.ts";

/** Numeric rights of `content=user` / `content=userRole`, in REDCap 15's export order. */
export const RIGHT_FLAGS: readonly string[] = [
  "design",
  "alerts",
  "user_rights",
  "data_access_groups",
  "reports",
  "stats_and_charts",
  "manage_survey_participants",
  "calendar",
  "data_import_tool",
  "data_comparison_tool",
  "logging",
  "email_logging",
  "file_repository",
  "data_quality_create",
  "data_quality_execute",
  "api_export",
  "api_import",
  "api_modules",
  "mobile_app",
  "mobile_app_download_data",
  "record_create",
  "record_rename",
  "record_delete",
  "lock_records_all_forms",
  "lock_records",
  "lock_records_customization",
];

/** Form-level entry rights, REDCap 15.6+: no access. */
export const FORM_NO_ACCESS = 128;
/** Form-level entry rights, REDCap 15.6+: read only. */
export const FORM_READ_ONLY = 129;
/** Form-level entry rights, REDCap 15.6+: view and edit. */
export const FORM_EDIT = 130;

/**
 * A form-level entry right in REDCap 15.6+'s encoding: legacy values (0 no access, 1 view and
 * edit, 2 read only, 3 edit survey responses) are converted; 128 and above are kept.
 */
export function formRightCode(value: number): number {
  if (value >= 128) return value;
  return [FORM_NO_ACCESS, FORM_EDIT, FORM_READ_ONLY, FORM_EDIT + 8][value] ?? FORM_NO_ACCESS;
}

/** The user's effective rights: the role's rights over their own when they have a role. */
export function effectiveRights(definition: ProjectDefinition, user: UserRights): UserRights {
  const role = user.role
    ? definition.roles?.find((r) => r.unique_role_name === user.role)
    : undefined;
  if (!role) return user;
  return {
    ...user,
    ...role.rights,
    username: user.username,
    email: user.email,
    firstname: user.firstname,
    lastname: user.lastname,
    data_access_group: user.data_access_group,
    expiration: user.expiration,
    role: user.role,
  };
}

/** The form-level entry right of a user for a form (edit when the user has no form map). */
export function formEntryRight(rights: UserRights, form: string): number {
  const value = rights.forms?.[form];
  return value === undefined ? FORM_EDIT : formRightCode(Number(value));
}

/** The form-level export right of a user for a form (the legacy `data_export` by default). */
export function formExportRight(rights: UserRights, form: string): number {
  const value = rights.forms_export?.[form];
  return value === undefined ? Number(rights.data_export ?? 0) : Number(value);
}

/** Per-form rights maps for every form of the project, with the user's own values. */
export function formMaps(
  model: ProjectModel,
  rights: Partial<UserRights>,
): { forms: Record<string, number>; forms_export: Record<string, number> } {
  const forms: Record<string, number> = {};
  const formsExport: Record<string, number> = {};
  for (const form of model.forms) {
    const entry = rights.forms?.[form.name];
    forms[form.name] = entry === undefined ? FORM_EDIT : formRightCode(Number(entry));
    const level = rights.forms_export?.[form.name];
    formsExport[form.name] = level === undefined ? Number(rights.data_export ?? 0) : Number(level);
  }
  return { forms, forms_export: formsExport };
}

/**
 * Parses a `forms` / `forms_export` import value: a JSON object (`{"form_1":130}`) or REDCap's
 * CSV text (`form_1:130,form_2:128`). Unknown forms are rejected.
 */
export function parseFormRights(
  model: ProjectModel,
  text: string,
  column: string,
  what: string,
): Record<string, number> {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  let pairs: [string, string][];
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ApiError(400, `Cannot import ${what}: "${column}" is not valid JSON`);
    }
    pairs = Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
  } else {
    pairs = trimmed.split(",").map((part) => {
      const [form, level = ""] = part.split(":");
      return [form.trim(), level.trim()];
    });
  }
  const result: Record<string, number> = {};
  for (const [form, level] of pairs) {
    if (!model.formByName.has(form)) {
      throw new ApiError(
        400,
        `Cannot import ${what}: "${column}" names the instrument "${form}", which does not exist`,
      );
    }
    if (!/^\d+$/.test(level)) {
      throw new ApiError(
        400,
        `Cannot import ${what}: "${column}" gives the instrument "${form}" the invalid level "${level}"`,
      );
    }
    result[form] = Number(level);
  }
  return result;
}

/**
 * Saves a changed definition and brings the tokens of the users whose (effective) rights changed
 * in step with them. Tokens whose user left the project are revoked.
 */
export function saveUsers(
  ctx: ApiContext,
  definition: ProjectDefinition,
  removed: readonly string[] = [],
): void {
  const before = ctx.project.definition;
  const old = new Map(
    before.users.map((u) => [u.username, JSON.stringify(effectiveRights(before, u))]),
  );
  ctx.store.updateProject(ctx.projectId, definition);
  for (const username of removed) ctx.store.deleteUserTokens(ctx.projectId, username);
  for (const user of definition.users) {
    const rights = effectiveRights(definition, user);
    // Only users whose rights changed: a loader may have given a token more than its user has.
    if (old.get(user.username) === JSON.stringify(rights)) continue;
    const grant = ctx.store.tokens().find((t) =>
      t.projectId === ctx.projectId && t.username === user.username
    );
    const current = grant ? ctx.store.token(grant.token)?.rights : undefined;
    ctx.store.updateUserTokens(ctx.projectId, user.username, { ...current, ...rights });
  }
}

/** Appends a design log entry (`Manage/Design` on the Logging page). */
export function logManage(ctx: ApiContext, description: string, action = "MANAGE"): void {
  ctx.store.log({
    project_id: ctx.projectId,
    username: ctx.grant.username,
    action,
    record: "",
    event_id: null,
    details: "",
    description,
  });
}

/**
 * The project's users as stored; a project whose definition lists none has the token's user.
 */
export function projectUsers(ctx: ApiContext, definition: ProjectDefinition): UserRights[] {
  if (definition.users.length === 0) definition.users.push({ ...ctx.grant.rights });
  return definition.users;
}

/**
 * The groups a user may switch into with `content=dag&action=switch`: their DAG Switcher
 * assignments (`""` is "[No Assignment]") plus the group they are in now. REDCap keeps the
 * assignments in `redcap_data_access_groups_users` and refuses a switch to any other group.
 */
export function dagSwitchTargets(definition: ProjectDefinition, user: UserRights): string[] {
  const current = (user.data_access_group ?? "").trim();
  const assigned = definition.dagSwitcher?.[user.username] ?? [];
  return [...new Set([current, ...assigned])];
}

/** Adds a group to a user's DAG Switcher assignments (an administrator assigned it). */
export function assignDagSwitch(
  definition: ProjectDefinition,
  username: string,
  dag: string,
): void {
  const switcher = definition.dagSwitcher ??= {};
  const list = switcher[username] ??= [];
  if (!list.includes(dag)) list.push(dag);
}

/**
 * The users a token may list: everyone for a user in no group; for a user in a data access
 * group only the users of that group, as REDCap's User Rights page shows a DAG user.
 */
export function visibleUsers(ctx: ApiContext, users: readonly UserRights[]): UserRights[] {
  const mine = (ctx.grant.rights.data_access_group ?? "").trim();
  if (mine === "") return [...users];
  return users.filter((u) => (u.data_access_group ?? "").trim() === mine);
}
