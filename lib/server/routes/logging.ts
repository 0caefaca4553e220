/**
 * `content=log` export: the project's change log, newest first, as REDCap's Logging page shows
 * it (`timestamp, username, action, details, record`).
 *
 * @module
 */
import { type ApiContext, ApiError, ok } from "../_http.ts";
import type { LogEntry } from "../store.ts";
import { exportFormat, requireExport, requireRight, rowsBody } from "./_structure_io.ts";

/** REDCap's 403 message when the user lacks the Logging right (no double quote in error text). */
export const NO_LOGGING_RIGHT =
  "The API request cannot complete because currently you do not have 'Logging' privileges, " +
  "which are required for this operation.";
/** REDCap's 403 message when the user's data export right is "No Access". */
export const NO_EXPORT_ACCESS =
  "The API request cannot complete because currently you have 'No Access' data export rights. " +
  "Higher level data export rights are required for this operation.";

const LOG_COLUMNS = ["timestamp", "username", "action", "details", "record"];

/** Which stored log types each `logtype` selects. */
export const LOG_TYPES: Readonly<Record<string, readonly string[]>> = {
  export: ["EXPORT"],
  manage: ["MANAGE"],
  user: ["USER"],
  record: ["INSERT", "UPDATE", "DELETE", "DOC_UPLOAD", "DOC_DELETE"],
  record_add: ["INSERT"],
  record_edit: ["UPDATE", "DOC_UPLOAD", "DOC_DELETE"],
  record_delete: ["DELETE"],
  lock_record: ["LOCK_RECORD"],
  page_view: ["PAGE_VIEW"],
};

const DEFAULT_DESCRIPTIONS: Record<string, string> = {
  INSERT: "Create record (API)",
  UPDATE: "Update record (API)",
  DELETE: "Delete record (API)",
  DOC_UPLOAD: "Update record (API)",
  DOC_DELETE: "Update record (API)",
};

/**
 * The Logging page's action text of an entry: for record changes the description and the
 * record (`Update record (API) 5`); `Manage/Design ` (with REDCap's trailing space, seen in
 * PyCap's transcripts; readr trims it in REDCapR's) for design and API-call entries,
 * `Data export (API)` for API record exports, `Data Export` for other exports; otherwise the
 * description.
 */
export function logAction(entry: LogEntry): string {
  const record = ["INSERT", "UPDATE", "DELETE", "DOC_UPLOAD", "DOC_DELETE"].includes(entry.action);
  if (record) {
    const description = entry.description || DEFAULT_DESCRIPTIONS[entry.action];
    return entry.record ? `${description} ${entry.record}` : description;
  }
  if (entry.action === "MANAGE") return "Manage/Design ";
  // REDCap's Logging action of an API record export is "Data export (API)".
  if (entry.action === "EXPORT") {
    return entry.description === "Data export (API)" ? entry.description : "Data Export";
  }
  return entry.description || entry.action;
}

/** The Logging page's details text: the changes for records, else the description. */
function logDetails(entry: LogEntry): string {
  const record = ["INSERT", "UPDATE", "DELETE", "DOC_UPLOAD", "DOC_DELETE"].includes(entry.action);
  if (record) return entry.details;
  return entry.description || entry.details;
}

function readTime(ctx: ApiContext, name: string): string | undefined {
  const value = ctx.params.get(name)?.trim();
  if (!value) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(value)) {
    throw new ApiError(
      400,
      `The value of the parameter "${name}" is not valid: use the format YYYY-MM-DD HH:MM`,
    );
  }
  return value;
}

/**
 * `content=log` export (needs a data export right other than "No Access" and the Logging right,
 * else REDCap's 403s) with REDCap's filters: `logtype`, `user`, `record`, `dag` (records of a
 * group), `beginTime` and `endTime` (`YYYY-MM-DD HH:MM`, both inclusive to the minute).
 */
export function exportLog(ctx: ApiContext): Response {
  requireExport(ctx);
  requireRight(ctx, "data_export", NO_EXPORT_ACCESS);
  requireRight(ctx, "logging", NO_LOGGING_RIGHT);
  const logtype = ctx.params.get("logtype")?.trim();
  if (logtype && !(logtype in LOG_TYPES)) {
    throw new ApiError(400, `The value of the parameter "logtype" is not valid: '${logtype}'`);
  }
  const user = ctx.params.get("user")?.trim();
  const record = ctx.params.get("record")?.trim();
  const dag = ctx.params.get("dag")?.trim();
  if (dag && !ctx.project.dags.some((d) => d.unique_group_name === dag)) {
    throw new ApiError(400, `The value of the parameter "dag" is not valid: '${dag}'`);
  }
  const begin = readTime(ctx, "beginTime");
  const endRaw = readTime(ctx, "endTime");
  const end = endRaw === undefined
    ? undefined
    : endRaw.length === 10
    ? `${endRaw} 23:59:59`
    : endRaw.length === 16
    ? `${endRaw}:59`
    : endRaw;
  const dagRecords = dag
    ? new Set(ctx.store.records(ctx.projectId, { dag }).map((r) => r.record))
    : undefined;
  const types = logtype ? new Set(LOG_TYPES[logtype]) : undefined;
  const rows = ctx.store.logEntries(ctx.projectId)
    .filter((e) =>
      (!types || types.has(e.action)) &&
      (!user || e.username === user) &&
      (!record || e.record === record) &&
      (!dagRecords || dagRecords.has(e.record)) &&
      (!begin || e.ts >= begin) &&
      (!end || e.ts <= end)
    )
    .reverse()
    .map((e) => ({
      timestamp: e.ts.slice(0, 16),
      username: e.username,
      action: logAction(e),
      details: logDetails(e),
      record: e.record,
    }));
  const format = exportFormat(ctx);
  if (format === "csv" && rows.length === 0) return ok(LOG_COLUMNS.join(","), format);
  return ok(rowsBody(rows, LOG_COLUMNS, format, "logs", "log"), format);
}
