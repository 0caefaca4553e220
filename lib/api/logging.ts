/**
 * `content=log`: the project's audit log.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { checkKeys, checkOneOf, checkString, checkTimestamp } from "./_check.ts";
import { requestJson } from "./call.ts";
import { text } from "./_schema.ts";

const LogSchema: z.ZodType<LogEntry> = z.looseObject({
  timestamp: text,
  username: text,
  action: text,
  details: text,
});

/** One log entry. Other keys REDCap sends pass through. */
export interface LogEntry {
  /** When (`YYYY-MM-DD HH:MM`, server time). */
  timestamp: string;
  /** Who. */
  username: string;
  /** What kind of action (`Created Record 12`, `Updated Record 3`, ...). */
  action: string;
  /** The changes (`field = 'value'`, ...). */
  details: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/** The kinds of log entries REDCap filters on. */
export const LOG_TYPES = [
  "export",
  "manage",
  "user",
  "record",
  "record_add",
  "record_edit",
  "record_delete",
  "lock_record",
  "page_view",
] as const;

/** Options for {@linkcode exportLogging}. */
export interface ExportLoggingOptions {
  /** Only entries of this kind. By default, every kind. */
  logtype?: typeof LOG_TYPES[number];
  /** Only entries by this user. */
  user?: string;
  /** Only entries about this record. */
  record?: string;
  /** Only entries of this data access group (unique name). */
  dag?: string;
  /** Entries from this time on (`YYYY-MM-DD HH:MM` or a Date). */
  beginTime?: string | Date;
  /** Entries up to this time (`YYYY-MM-DD HH:MM` or a Date). */
  endTime?: string | Date;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Exports the audit log (`content=log`).
 *
 * @example Read the log
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
 * ok(Array.isArray(await client.exportLogging({ logtype: "record" })));
 * ```
 *
 * @param client The client.
 * @param options Filters.
 * @returns One row per entry, newest first as REDCap sends them.
 */
export async function exportLogging(
  client: RedcapConnection,
  options: ExportLoggingOptions = {},
): Promise<LogEntry[]> {
  const action = "export logging";
  checkKeys(action, options, [
    "logtype",
    "user",
    "record",
    "dag",
    "beginTime",
    "endTime",
    "signal",
  ]);
  const params = {
    content: "log",
    logtype: checkOneOf(action, "logtype", options.logtype, LOG_TYPES),
    user: checkString(action, "user", options.user),
    record: checkString(action, "record", options.record),
    dag: checkString(action, "dag", options.dag),
    beginTime: checkTimestamp(action, "beginTime", options.beginTime, { seconds: false }),
    endTime: checkTimestamp(action, "endTime", options.endTime, { seconds: false }),
  };
  return await requestJson(client, params, z.array(LogSchema), { signal: options.signal });
}
