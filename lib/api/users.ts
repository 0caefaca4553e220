/**
 * `content=user`: users and their rights.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { text } from "./_schema.ts";

const UserSchema: z.ZodType<User> = z.looseObject({
  username: z.string(),
  email: text.optional(),
  firstname: text.optional(),
  lastname: text.optional(),
  data_access_group: text.optional(),
});

/** One user: `username` plus REDCap's rights columns as sent. Other keys REDCap sends pass through. */
export interface User {
  /** Username. */
  username: string;
  /** E-mail address. */
  email?: string;
  /** First name. */
  firstname?: string;
  /** Last name. */
  lastname?: string;
  /** Unique name of the user's data access group; blank for none. */
  data_access_group?: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Exports the project's users and their rights (`content=user`).
 *
 * @example List users
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { ok } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const users = await client.exportUsers();
 * ok(users.every((u) => u.username.length > 0));
 * ```
 *
 * @param client The client.
 * @returns One row per user.
 */
export async function exportUsers(client: RedcapConnection): Promise<User[]> {
  return await requestJson(client, { content: "user" }, z.array(UserSchema));
}
