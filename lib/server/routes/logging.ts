/**
 * `content=log` export: the project's change log, newest first, as REDCap's Logging page shows
 * it (`timestamp, username, action, details, record`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type ApiContext, ApiError, ok } from "../_http.ts";
import { hiddenAtLevel } from "../records/export_plan.ts";
import type { LogEntry } from "../store.ts";
import { FORM_NO_ACCESS, formEntryRight, formExportRight } from "./rights.ts";
import { exportFormat, requireExport, requireRight, rowsBody } from "./_structure_io.ts";
import { userDag } from "./records_manage.ts";

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

/**
 * Fields whose values the token may not see: those its form export rights hide or de-identify
 * (as in a record export), and those on forms it has no access to.
 */
function hiddenFields(ctx: ApiContext): Set<string> {
  const hidden = new Set<string>();
  const rights = ctx.grant.rights;
  for (const form of ctx.project.forms) {
    const level = formExportRight(rights, form.name);
    const noAccess = formEntryRight(rights, form.name) === FORM_NO_ACCESS;
    for (const field of form.fields) {
      if (field.field_name === ctx.project.recordIdField) continue;
      if (noAccess || hiddenAtLevel(ctx.project, field, level)) hidden.add(field.field_name);
    }
    if (noAccess || level === 0) hidden.add(`${form.name}_complete`);
    if (noAccess || level === 0 || level === 2) hidden.add(`${form.name}_timestamp`);
  }
  return hidden;
}

/**
 * A record entry's details with each change passed through `redact` (which drops it by
 * answering `undefined`). Details list changes as `field = 'value'` or `field(code) = checked`,
 * joined by `, ` (values are not escaped, as in REDCap), so a change starts where `, ` is
 * followed by a field of the project.
 */
function redactDetails(
  details: string,
  fields: ReadonlySet<string>,
  redact: (field: string, change: string) => string | undefined,
): string {
  const starts: { at: number; field: string }[] = [];
  for (const match of details.matchAll(/(?:^|, )([A-Za-z_][A-Za-z0-9_]*)(?:\([^)]*\))? = /g)) {
    if (fields.has(match[1])) starts.push({ at: match.index, field: match[1] });
  }
  if (starts.length === 0) return details;
  const kept: string[] = [];
  if (starts[0].at > 0) kept.push(details.slice(0, starts[0].at));
  starts.forEach(({ at, field }, i) => {
    const change = redact(
      field,
      details.slice(at, starts[i + 1]?.at ?? details.length).replace(/^, /, ""),
    );
    if (change !== undefined) kept.push(change);
  });
  return kept.join(", ");
}

/** REDCap's hashed record name of a de-identified export (MD5 of the name). */
function hashRecord(record: string): string {
  return createHash("md5").update(record).digest("hex");
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
 *
 * As REDCap's Logging page does for a user in a data access group, a DAG user gets only the
 * entries of its group's records and entries that name no record; `dag` only narrows that (a
 * record deleted since, whose group is gone, is left out). Changes of fields the token's form
 * rights hide or de-identify are left out of the details.
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
  const mine = userDag(ctx);
  if (mine !== undefined && dag && dag !== mine) {
    throw new ApiError(
      400,
      `The value of the parameter "dag" is not valid: '${dag}' (you are in the data access ` +
        `group '${mine}' and can only see its records)`,
    );
  }
  const groupFilter = mine ?? dag;
  const groupRecords = groupFilter
    ? new Set(ctx.store.records(ctx.projectId, { dag: groupFilter }).map((r) => r.record))
    : undefined;
  const hidden = hiddenFields(ctx);
  // As in a record export, record names are hashed when the record ID is an identifier and its
  // form is de-identified or has identifiers removed for this token (REDCap's `$hashRecordID`).
  const idField = ctx.project.fieldByName.get(ctx.project.recordIdField);
  const hashIds = idField?.identifier === "y" &&
    formExportRight(ctx.grant.rights, idField.form_name) >= 2;
  const shown = (name: string) => hashIds && name !== "" ? hashRecord(name) : name;
  const redact = (field: string, change: string) =>
    hidden.has(field)
      ? undefined
      : hashIds && field === idField?.field_name
      ? change.replace(/'([^']*)'/g, (_, name: string) => `'${hashRecord(name)}'`)
      : change;
  const fields = new Set([
    ...ctx.project.fields.map((f) => f.field_name),
    ...ctx.project.forms.flatMap((f) => [`${f.name}_complete`, `${f.name}_timestamp`]),
    "redcap_data_access_group",
  ]);
  const types = logtype ? new Set(LOG_TYPES[logtype]) : undefined;
  const rows = ctx.store.logEntries(ctx.projectId)
    .filter((e) =>
      (!types || types.has(e.action)) &&
      (!user || e.username === user) &&
      (!record || e.record === record) &&
      (!groupRecords || groupRecords.has(e.record) || (!dag && e.record === "")) &&
      (!begin || e.ts >= begin) &&
      (!end || e.ts <= end)
    )
    .reverse()
    .map((e) => ({
      timestamp: e.ts.slice(0, 16),
      username: e.username,
      action: logAction({ ...e, record: shown(e.record) }),
      details: e.record === "" ? logDetails(e) : redactDetails(logDetails(e), fields, redact),
      record: shown(e.record),
    }));
  const format = exportFormat(ctx);
  if (format === "csv" && rows.length === 0) return ok(LOG_COLUMNS.join(","), format);
  return ok(rowsBody(rows, LOG_COLUMNS, format, "logs", "log"), format);
}
