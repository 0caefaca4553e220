/**
 * Managing data access groups: `content=dag` import, delete and switch, and
 * `content=userDagMapping` export and import. REDCap needs the Data Access Groups right for all
 * but the switch.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { requireString } from "./_check.ts";
import { text } from "./_schema.ts";
import {
  allNamed,
  type ImportRows,
  jsonRows,
  requireList,
  sendCount,
  sendText,
  signalOnly,
  type SignalOptions,
} from "./admin.ts";
import { RedcapResponseError } from "../errors.ts";

const UserDagAssignmentSchema: z.ZodType<UserDagAssignment> = z.looseObject({
  username: z.string(),
  redcap_data_access_group: text,
});

/** Which group a user is in (`redcap_data_access_group` blank for none). Other keys REDCap sends pass through. */
export interface UserDagAssignment {
  /** Username. */
  username: string;
  /** Unique group name; blank for none. */
  redcap_data_access_group: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Creates groups (rows with a `data_access_group_name` and a blank or missing
 * `unique_group_name`) or renames existing ones (`content=dag&action=import`). Retried only when
 * every row names an existing group: a repeat of a creating import would create them twice.
 *
 * @example Create a group
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.importDags([{ data_access_group_name: "Site North" }]), 1);
 * ok((await client.exportDags()).some((d) => d.data_access_group_name === "Site North"));
 * ```
 *
 * @param client The client.
 * @param data One row per group.
 * @param options A cancel signal.
 * @returns The number of rows imported.
 */
export async function importDags(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import DAGs";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data);
  rows.forEach((row, i) => {
    if (!allNamed([row], "data_access_group_name") && !allNamed([row], "unique_group_name")) {
      throw new TypeError(
        `Cannot ${action}: row ${i + 1} needs a "data_access_group_name"`,
      );
    }
  });
  return await sendCount(client, {
    params: { content: "dag", action: "import", data: JSON.stringify(rows) },
    retry: allNamed(rows, "unique_group_name")
      ? true
      : "a repeated import would create the new groups twice",
    structural: true,
    signal,
  });
}

/**
 * Deletes groups (`content=dag&action=delete`); their records and users are left without a
 * group. Not retried: a repeat would fail because the groups are gone.
 *
 * @example Create and delete a group
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importDags([{ data_access_group_name: "Temp" }]);
 * const dag = (await client.exportDags()).find((d) => d.data_access_group_name === "Temp")!;
 * strictEqual(await client.deleteDags([dag.unique_group_name]), 1);
 * ```
 *
 * @param client The client.
 * @param dags The unique group names.
 * @param options A cancel signal.
 * @returns The number of groups deleted.
 */
export async function deleteDags(
  client: RedcapConnection,
  dags: readonly string[],
  options: SignalOptions = {},
): Promise<number> {
  const action = "delete DAGs";
  const signal = signalOnly(action, options);
  return await sendCount(client, {
    params: { content: "dag", action: "delete", dags: requireList(action, "dags", dags) },
    retry: "a repeated delete would fail: the groups are gone",
    structural: true,
    signal,
  });
}

/**
 * Moves the token's own user into another group (`content=dag&action=switch`); the user must
 * be assigned to it in REDCap's DAG Switcher. Retried: switching twice changes nothing.
 *
 * @example Switch group
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 *
 * const client = createDemoClient({ records: 2 });
 * const [first] = await client.exportDags();
 * await client.switchDag(first.unique_group_name);
 * ```
 *
 * @param client The client.
 * @param dag The unique group name.
 * @param options A cancel signal.
 */
export async function switchDag(
  client: RedcapConnection,
  dag: string,
  options: SignalOptions = {},
): Promise<void> {
  const action = "switch DAG";
  const signal = signalOnly(action, options);
  const name = requireString(action, "dag", dag);
  const answer = await sendText(client, {
    params: { content: "dag", action: "switch", dag: name },
    retry: true,
    structural: true,
    signal,
  });
  if (answer.trim() !== "1") {
    throw new RedcapResponseError(
      "dag",
      "shape",
      `expected "1", got ${JSON.stringify(answer.slice(0, 60))}`,
    );
  }
}

/**
 * Exports which group each user is in (`content=userDagMapping`).
 *
 * @example List group assignments
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const rows = await client.exportUserDagAssignment();
 * ok(rows.some((r) => r.username === "demo_dag_user" && r.redcap_data_access_group !== ""));
 * ```
 *
 * @param client The client.
 * @param options A cancel signal.
 * @returns One row per user.
 */
export async function exportUserDagAssignment(
  client: RedcapConnection,
  options: SignalOptions = {},
): Promise<UserDagAssignment[]> {
  const signal = signalOnly("export user-DAG assignments", options);
  return await requestJson(
    client,
    { content: "userDagMapping" },
    z.array(UserDagAssignmentSchema),
    { signal },
  );
}

/**
 * Assigns users to groups (`content=userDagMapping&action=import`; rows of `username` and
 * `redcap_data_access_group`, blank for none). Retried: a repeat changes nothing.
 *
 * @example Take a user out of their group
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importUserDagAssignment([
 *   { username: "demo_dag_user", redcap_data_access_group: "" },
 * ]);
 * const rows = await client.exportUserDagAssignment();
 * strictEqual(rows.find((r) => r.username === "demo_dag_user")?.redcap_data_access_group, "");
 * ```
 *
 * @param client The client.
 * @param data One row per user.
 * @param options A cancel signal.
 * @returns The number of rows imported.
 */
export async function importUserDagAssignment(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import user-DAG assignments";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data);
  if (!allNamed(rows, "username")) {
    throw new TypeError(`Cannot ${action}: every row needs a "username"`);
  }
  return await sendCount(client, {
    params: { content: "userDagMapping", action: "import", data: JSON.stringify(rows) },
    retry: true,
    signal,
  });
}
