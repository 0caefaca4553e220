/**
 * `content=dag` and `content=user` exports: the project's data access groups and its users with
 * their rights, shaped as REDCap 15 exports them.
 *
 * @module
 */
import { type ApiContext, escapeXml, formatRows, ok, XML_DECLARATION } from "../_http.ts";
import type { UserRights } from "../project.ts";
import { exportFormat, requireExport, requireRight, rowsBody } from "./_structure_io.ts";
import { effectiveRights, formMaps, RIGHT_FLAGS, visibleUsers } from "./rights.ts";

/**
 * Message when the user lacks the Data Access Groups right. REDCap answers 400 with its own text
 * (language key `api_221`, not in the reference material), so the wording is ours.
 */
export const NO_DAG_RIGHT = "You do not have Data Access Groups privileges";
/**
 * Message when the user lacks the User Rights right. REDCap answers 400 with its own text
 * (language key `api_229`, not in the reference material), so the wording is ours.
 */
export const NO_USER_RIGHTS_RIGHT = "You do not have User Rights privileges";

const DAG_COLUMNS = ["data_access_group_name", "unique_group_name", "data_access_group_id"];

/**
 * `content=dag` export (needs the Data Access Groups right; REDCap answers 400 without it):
 * name, unique name, id (a JSON integer). With no groups, CSV is the header alone.
 */
export function exportDags(ctx: ApiContext): Response {
  requireExport(ctx);
  requireRight(ctx, "data_access_groups", NO_DAG_RIGHT, 400);
  const rows = ctx.project.dags.map((d) => ({
    data_access_group_name: d.data_access_group_name,
    unique_group_name: d.unique_group_name,
    data_access_group_id: Number(d.data_access_group_id),
  }));
  const format = exportFormat(ctx);
  if (format === "csv" && rows.length === 0) return ok(DAG_COLUMNS.join(","), format);
  return ok(rowsBody(rows, DAG_COLUMNS, format, "dags"), format);
}

/** `content=user` columns in REDCap 15's order (`forms` and `forms_export` last). */
export const USER_COLUMNS: readonly string[] = [
  "username",
  "email",
  "firstname",
  "lastname",
  "expiration",
  "data_access_group",
  "data_access_group_id",
  "data_access_group_label",
  ...RIGHT_FLAGS,
  "forms",
  "forms_export",
];

/** Rights the definition does not carry, with the value a project creator has. */
const OTHER_RIGHTS: Record<string, number> = {
  alerts: 0,
  reports: 1,
  stats_and_charts: 1,
  manage_survey_participants: 1,
  calendar: 1,
  data_import_tool: 1,
  data_comparison_tool: 1,
  email_logging: 0,
  data_quality_create: 1,
  data_quality_execute: 1,
  api_modules: 0,
  mobile_app: 0,
  mobile_app_download_data: 0,
  lock_records_all_forms: 0,
  lock_records: 0,
  lock_records_customization: 0,
};

/** One user's `content=user` row; `forms`/`forms_export` as form-to-level objects. */
function userRow(ctx: ApiContext, user: UserRights): Record<string, unknown> {
  const dag = ctx.project.dags.find((d) => d.unique_group_name === (user.data_access_group ?? ""));
  const record = user as unknown as Record<string, unknown>;
  const row: Record<string, unknown> = {
    username: user.username,
    email: user.email ?? "",
    firstname: user.firstname ?? "",
    lastname: user.lastname ?? "",
    expiration: String(record.expiration ?? ""),
    data_access_group: dag?.unique_group_name ?? "",
    // REDCap sends the database text here (a JSON string), unlike the DAG export.
    data_access_group_id: dag ? String(dag.data_access_group_id) : "",
    data_access_group_label: dag?.data_access_group_name ?? "",
  };
  for (const column of USER_COLUMNS.slice(8, -2)) {
    const value = record[column] ?? OTHER_RIGHTS[column] ?? 0;
    row[column] = Number(value);
  }
  const maps = formMaps(ctx.project, user);
  row.forms = maps.forms;
  row.forms_export = maps.forms_export;
  return row;
}

function pairs(value: unknown): string {
  return Object.entries(value as Record<string, number>).map(([k, v]) => `${k}:${v}`).join(",");
}

/** REDCap's user XML: escaped text values, `forms`/`forms_export` as one element per form. */
function usersXml(rows: readonly Record<string, unknown>[]): string {
  const items = rows.map((row) =>
    "<item>" + USER_COLUMNS.map((key) => {
      const value = row[key];
      if (key === "forms" || key === "forms_export") {
        const forms = Object.entries(value as Record<string, number>)
          .map(([form, level]) => `<${form}>${level}</${form}>`).join("");
        return `<${key}>${forms}</${key}>`;
      }
      return `<${key}>${
        escapeXml(String(value)).replaceAll('"', "&quot;").replaceAll("'", "&apos;")
      }</${key}>`;
    }).join("") + "</item>\n"
  );
  return `${XML_DECLARATION}\n<users>\n${items.join("")}</users>\n`;
}

/**
 * `content=user` export (needs the User Rights right; REDCap answers 400 without it): every
 * project user (the token's user when the definition lists none). JSON keeps rights as integers and `forms`/`forms_export` as objects; CSV and XML write
 * them as `form:level` pairs joined by commas.
 */
export function exportUsers(ctx: ApiContext): Response {
  requireExport(ctx);
  requireRight(ctx, "user_rights", NO_USER_RIGHTS_RIGHT, 400);
  const users = ctx.project.definition.users.length > 0
    ? visibleUsers(ctx, ctx.project.definition.users)
    : [ctx.grant.rights];
  const rows = users.map((u) => userRow(ctx, effectiveRights(ctx.project.definition, u)));
  const format = exportFormat(ctx);
  if (format === "json") return ok(JSON.stringify(rows), format);
  if (format === "xml") return ok(usersXml(rows), format);
  const flat = rows.map((r) => ({
    ...r,
    forms: pairs(r.forms),
    forms_export: pairs(r.forms_export),
  })) as Record<string, string | number>[];
  return ok(formatRows(flat, USER_COLUMNS, format), format);
}
