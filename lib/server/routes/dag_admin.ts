/**
 * Managing data access groups: `content=dag` import, delete and `action=switch`, and
 * `content=userDagMapping` export and import. Imports and deletes need API Import/Update and the
 * Data Access Groups right (REDCap answers 400 without the latter).
 *
 * @module
 */
import { type ApiContext, ApiError, ok } from "../_http.ts";
import type { DataAccessGroup } from "../project.ts";
import { uniqueGroupName } from "../_unique_names.ts";
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
import { NO_DAG_RIGHT } from "./users.ts";
import {
  assignDagSwitch,
  dagSwitchTargets,
  logManage,
  projectUsers,
  saveUsers,
  visibleUsers,
} from "./rights.ts";

const MAPPING_COLUMNS = ["username", "redcap_data_access_group"];

function requireDagRights(ctx: ApiContext, write: boolean): void {
  if (write) requireRight(ctx, "api_import", NO_IMPORT_RIGHT);
  else requireExport(ctx);
  requireRight(ctx, "data_access_groups", NO_DAG_RIGHT, 400);
}

/** A unique group name not used yet: the derived name, else with a number appended. */
function freshUniqueName(name: string, taken: Set<string>): string {
  const base = uniqueGroupName(name) || "dag";
  if (!taken.has(base)) return base;
  for (let n = 2;; n++) {
    const candidate = `${base.slice(0, 18 - String(n).length)}${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * `content=dag&action=import`: creates a group for each row with a blank `unique_group_name`
 * (the unique name is derived from `data_access_group_name`), renames the group of each row
 * that names one. Answers the number of rows.
 */
export function importDags(ctx: ApiContext): Response {
  requireDagRights(ctx, true);
  const rows = readImportRows(ctx, "data access groups");
  const definition = copyDefinition(ctx);
  const dags = definition.dags;
  const logs: string[] = [];
  rows.forEach((row, index) => {
    const name = (row.data_access_group_name ?? "").trim();
    const unique = (row.unique_group_name ?? "").trim();
    if (name === "") {
      throw new ApiError(
        400,
        `Cannot import data access groups: row ${index + 1} has no "data_access_group_name"`,
      );
    }
    if (unique === "") {
      const id = Math.max(0, ...dags.map((d) => Number(d.data_access_group_id))) + 1;
      const group: DataAccessGroup = {
        data_access_group_name: name,
        unique_group_name: freshUniqueName(name, new Set(dags.map((d) => d.unique_group_name))),
        data_access_group_id: id,
      };
      dags.push(group);
      logs.push(`Create data access group "${name}"`);
      return;
    }
    const group = dags.find((d) => d.unique_group_name === unique);
    if (!group) {
      throw new ApiError(
        400,
        `Cannot import data access groups: the unique group name "${unique}" does not exist ` +
          `(leave it blank to create a group)`,
      );
    }
    logs.push(`Rename data access group "${group.data_access_group_name}" to "${name}"`);
    group.data_access_group_name = name;
  });
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    for (const line of logs) logManage(ctx, line);
  });
  return countResponse(rows.length, ctx);
}

/**
 * `content=dag&action=delete`: deletes the groups in `dags[]`. Their records and users are left
 * unassigned. Answers the number deleted.
 */
export function deleteDags(ctx: ApiContext): Response {
  requireDagRights(ctx, true);
  const names = ctx.params.list("dags");
  if (!names) throw new ApiError(400, `The parameter "dags" is missing`);
  const definition = copyDefinition(ctx);
  const unknown = names.filter((n) => !definition.dags.some((d) => d.unique_group_name === n));
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      `The following values in the parameter "dags" are not valid: ${
        unknown.map((u) => `'${u}'`).join(", ")
      }`,
    );
  }
  definition.dags = definition.dags.filter((d) => !names.includes(d.unique_group_name));
  for (const list of Object.values(definition.dagSwitcher ?? {})) {
    list.splice(0, list.length, ...list.filter((d) => !names.includes(d)));
  }
  for (const user of definition.users) {
    if (names.includes(user.data_access_group ?? "")) user.data_access_group = "";
  }
  ctx.store.transaction(() => {
    for (const name of names) {
      ctx.store.sql("UPDATE records SET dag = '' WHERE project_id = ? AND dag = ?")
        .run(ctx.projectId, name);
      logManage(ctx, `Delete data access group "${name}"`);
    }
    saveUsers(ctx, definition);
    // Tokens of users the definition does not list keep their own rights; clear the DAG there too.
    for (const token of ctx.store.tokens()) {
      if (token.projectId !== ctx.projectId) continue;
      const grant = ctx.store.token(token.token)!;
      if (names.includes(grant.rights.data_access_group ?? "")) {
        ctx.store.updateUserTokens(ctx.projectId, grant.username, {
          ...grant.rights,
          data_access_group: "",
        });
      }
    }
  });
  return countResponse(names.length, ctx);
}

/**
 * `content=dag&action=switch`: moves the token's user into the group `dag` (its unique name;
 * blank for no group). Needs API Import/Update, as REDCap's API documentation (Switch DAG) asks.
 * As in REDCap, the user may only switch into a group the DAG Switcher assigns to them (blank
 * only where "[No Assignment]" is assigned); any other switch is refused with 400 and the
 * user's group is left as it was. Answers `1`.
 */
export function switchDag(ctx: ApiContext): Response {
  requireRight(ctx, "api_import", NO_IMPORT_RIGHT);
  if (!ctx.params.has("dag")) throw new ApiError(400, `The parameter "dag" is missing`);
  const dag = (ctx.params.get("dag") ?? "").trim();
  const definition = copyDefinition(ctx);
  if (dag !== "" && !definition.dags.some((d) => d.unique_group_name === dag)) {
    throw new ApiError(400, `The value of the parameter "dag" is not valid: '${dag}'`);
  }
  const users = projectUsers(ctx, definition);
  let user = users.find((u) => u.username === ctx.grant.username);
  if (!user) {
    user = { ...ctx.grant.rights };
    users.push(user);
  }
  const targets = dagSwitchTargets(definition, user);
  if (!targets.includes(dag)) {
    const named = (d: string) => d === "" ? "[No Assignment]" : `'${d}'`;
    throw new ApiError(
      400,
      `You cannot switch to the data access group ${named(dag)}: the DAG Switcher does not ` +
        `assign it to the user "${user.username}" (assigned: ${targets.map(named).join(", ")})`,
    );
  }
  user.data_access_group = dag;
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    // saveUsers() leaves a token alone when its user's effective rights look unchanged (a
    // loader may have given the token a group of its own): the calling token moves all the same.
    const grant = ctx.store.token(ctx.params.get("token")!.trim())!;
    if ((grant.rights.data_access_group ?? "") !== dag) {
      ctx.store.updateUserTokens(ctx.projectId, grant.username, {
        ...grant.rights,
        data_access_group: dag,
      });
    }
    logManage(
      ctx,
      dag === "" ? "Switch to no data access group" : `Switch to data access group "${dag}"`,
    );
  });
  return ok("1", ctx.returnFormat);
}

/** `content=userDagMapping` export: every user with their group's unique name (blank for none). */
export function exportUserDagMapping(ctx: ApiContext): Response {
  requireDagRights(ctx, false);
  const definition = ctx.project.definition;
  const users = definition.users.length > 0
    ? visibleUsers(ctx, definition.users)
    : [ctx.grant.rights];
  const rows = users.map((u) => ({
    username: u.username,
    redcap_data_access_group: u.data_access_group ?? "",
  }));
  const format = exportFormat(ctx);
  return ok(rowsBody(rows, MAPPING_COLUMNS, format, "items"), format);
}

/**
 * `content=userDagMapping` import: assigns users (`username`) to groups
 * (`redcap_data_access_group`, blank for none). Answers the number of rows.
 */
export function importUserDagMapping(ctx: ApiContext): Response {
  requireDagRights(ctx, true);
  const what = "user-DAG assignments";
  const rows = readImportRows(ctx, what);
  const definition = copyDefinition(ctx);
  const users = projectUsers(ctx, definition);
  const logs: string[] = [];
  for (const row of rows) {
    const username = (row.username ?? "").trim();
    const user = users.find((u) => u.username === username);
    if (!user) {
      throw new ApiError(400, `Cannot import ${what}: "${username}" is not a user of this project`);
    }
    const dag = (row.redcap_data_access_group ?? "").trim();
    if (dag !== "" && !definition.dags.some((d) => d.unique_group_name === dag)) {
      throw new ApiError(
        400,
        `Cannot import ${what}: the data access group "${dag}" does not exist in this project`,
      );
    }
    user.data_access_group = dag;
    // An administrator's assignment also enables the group in the user's DAG Switcher.
    assignDagSwitch(definition, username, dag);
    logs.push(`Assign user ${username} to data access group ${dag || "(none)"}`);
  }
  ctx.store.transaction(() => {
    saveUsers(ctx, definition);
    for (const line of logs) logManage(ctx, line);
  });
  return countResponse(rows.length, ctx);
}
