/**
 * `content=dag`: data access groups.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { optionalNum, text } from "./_schema.ts";

const DagSchema: z.ZodType<Dag> = z.looseObject({
  data_access_group_name: text,
  unique_group_name: z.string(),
  data_access_group_id: optionalNum.optional(),
});

/** One data access group. Other keys REDCap sends pass through. */
export interface Dag {
  /** Group label. */
  data_access_group_name: string;
  /** Unique group name (`site_a`). */
  unique_group_name: string;
  /** REDCap's numeric group id (REDCap 13+). */
  data_access_group_id?: number | null;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Exports the data access groups (`content=dag`).
 *
 * @example List DAGs
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
 * ok(Array.isArray(await client.exportDags()));
 * ```
 *
 * @param client The client.
 * @returns One row per group.
 */
export async function exportDags(client: RedcapConnection): Promise<Dag[]> {
  return await requestJson(client, { content: "dag", action: "export" }, z.array(DagSchema));
}
