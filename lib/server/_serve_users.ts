/**
 * `serve --user NAME[:role=UNIQUE_ROLE_NAME][:dag=UNIQUE_GROUP_NAME]`: users added to loaded
 * projects as a REDCap administrator adds them by hand, each with an API token.
 *
 * @module
 */
import { fullRights, type UserRights } from "./project.ts";
import { effectiveRights } from "./routes/rights.ts";
import { generateToken } from "./load.ts";
import type { RedcapStore } from "./store.ts";

/** A user to add to projects when the server starts. */
export interface ServeUser {
  /** The user name (a user of the Project XML keeps their rights, role and DAG). */
  username: string;
  /** A role's unique name (`U-...`) or label; the user gets the role's rights. */
  role?: string;
  /** A data access group's unique name. */
  dag?: string;
}

/**
 * Reads `NAME[:role=UNIQUE_ROLE_NAME][:dag=UNIQUE_GROUP_NAME]`.
 *
 * @throws {RangeError} On an empty name or an unknown part.
 */
export function parseServeUser(text: string): ServeUser {
  const [username, ...parts] = text.split(":");
  if (!/^[A-Za-z0-9._@-]+$/.test(username ?? "")) {
    throw new RangeError(
      `Cannot start server: --user needs NAME[:role=UNIQUE_ROLE_NAME][:dag=UNIQUE_GROUP_NAME], ` +
        `not '${text}'`,
    );
  }
  const user: ServeUser = { username };
  for (const part of parts) {
    const [key, value = ""] = part.split(/=(.*)/s, 2);
    if ((key !== "role" && key !== "dag") || value.trim() === "") {
      throw new RangeError(
        `Cannot start server: --user ${username} has '${part}'; use role=NAME or dag=NAME`,
      );
    }
    user[key] = value.trim();
  }
  return user;
}

/**
 * Adds a user to a project (or updates the Project XML's user of that name) with the role's
 * rights and DAG, full rights otherwise, and issues an API token for them.
 *
 * @returns The token.
 * @throws {RangeError} Naming the role or DAG the project lacks.
 */
export function addServeUser(store: RedcapStore, projectId: number, spec: ServeUser): string {
  const definition = structuredClone(store.project(projectId).definition);
  const title = String(definition.info.project_title ?? projectId);
  const existing = definition.users.find((u) => u.username === spec.username);
  const user: UserRights = existing ?? fullRights(spec.username);
  if (spec.role !== undefined) {
    const roles = definition.roles ?? [];
    const role = roles.find((r) => r.unique_role_name === spec.role) ??
      roles.find((r) => r.role_label === spec.role);
    if (!role) {
      throw new RangeError(
        `Cannot start server: --user ${spec.username}: project '${title}' has no role '${spec.role}'` +
          ` (roles: ${roles.map((r) => r.unique_role_name).join(", ") || "none"})`,
      );
    }
    user.role = role.unique_role_name;
  }
  if (spec.dag !== undefined) {
    if (!definition.dags.some((d) => d.unique_group_name === spec.dag)) {
      throw new RangeError(
        `Cannot start server: --user ${spec.username}: project '${title}' has no data access ` +
          `group '${spec.dag}' (groups: ${
            definition.dags.map((d) => d.unique_group_name).join(", ") || "none"
          })`,
      );
    }
    user.data_access_group = spec.dag;
  }
  if (!existing) definition.users.push(user);
  store.updateProject(projectId, definition);
  const token = generateToken();
  store.addToken(token, projectId, effectiveRights(definition, user));
  return token;
}
