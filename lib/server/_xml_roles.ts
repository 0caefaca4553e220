/**
 * User roles in Project XML (`<redcap:UserRolesGroup>`): REDCap writes each role as one
 * `<redcap:UserRoles>` element whose attributes are its rights, with the names of REDCap's
 * `redcap_user_roles` table (`data_logging`, `graphical`, `participants`, `lock_record`, ...).
 *
 * @module
 */
import type { UserRights, UserRole } from "./project.ts";

/** Project XML attribute -> `content=userRole` right, for the 0/1 (0/1/2) flags. */
const FLAG_ATTRIBUTES: readonly [string, keyof UserRights][] = [
  ["lock_record", "lock_records"],
  ["lock_record_multiform", "lock_records_all_forms"],
  ["lock_record_customize", "lock_records_customization"],
  ["data_import_tool", "data_import_tool"],
  ["data_comparison_tool", "data_comparison_tool"],
  ["data_logging", "logging"],
  ["email_logging", "email_logging"],
  ["file_repository", "file_repository"],
  ["user_rights", "user_rights"],
  ["data_access_groups", "data_access_groups"],
  ["graphical", "stats_and_charts"],
  ["reports", "reports"],
  ["design", "design"],
  ["alerts", "alerts"],
  ["calendar", "calendar"],
  ["api_export", "api_export"],
  ["api_import", "api_import"],
  ["api_modules", "api_modules"],
  ["mobile_app", "mobile_app"],
  ["mobile_app_download_data", "mobile_app_download_data"],
  ["record_create", "record_create"],
  ["record_rename", "record_rename"],
  ["record_delete", "record_delete"],
  ["participants", "manage_survey_participants"],
  ["data_quality_design", "data_quality_create"],
  ["data_quality_execute", "data_quality_execute"],
];

/** `[form,level][form,level]` (REDCap's storage of per-instrument rights) as a map. */
function formLevels(text: string): Record<string, number> | undefined {
  const pairs = [...text.matchAll(/\[([^,\]]+),(\d+)\]/g)];
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(pairs.map(([, form, level]) => [form.trim(), Number(level)]));
}

/**
 * Reads one `<redcap:UserRoles>` element's attributes as a role. Data entry rights in the
 * legacy codes (0 none, 1 edit, 2 read only, 3 edit survey responses) or REDCap 15.6+'s
 * (128 and up) are kept as they are; rights the file leaves out stay unset.
 *
 * @param attributes The element's attributes by name.
 * @param index The role's position, from 0 (its `role_id` is `index + 1`).
 * @returns The role, or `undefined` when it has no `unique_role_name` nor `role_name`.
 *
 * @example
 * ```ts
 * import { readXmlRole } from "./_xml_roles.ts";
 * const role = readXmlRole({
 *   role_name: "api", unique_role_name: "U-342DF3W4KP", api_export: "1",
 *   data_entry: "[demographics,1]", data_export_instruments: "[demographics,2]",
 * }, 0);
 * if (role?.rights.api_export !== 1 || role.rights.forms_export?.demographics !== 2) {
 *   throw new Error("rights lost");
 * }
 * ```
 */
export function readXmlRole(
  attributes: Record<string, string>,
  index: number,
): UserRole | undefined {
  const label = attributes.role_name ?? "";
  const unique = attributes.unique_role_name ?? "";
  if (label === "" && unique === "") return undefined;
  const rights: Record<string, unknown> = {};
  for (const [name, right] of FLAG_ATTRIBUTES) {
    const value = attributes[name];
    if (value !== undefined && /^\d+$/.test(value)) rights[right] = Number(value);
  }
  const exportLevel = attributes.data_export_tool ?? "";
  if (/^[0-3]$/.test(exportLevel)) rights.data_export = Number(exportLevel);
  const forms = formLevels(attributes.data_entry ?? "");
  if (forms) rights.forms = forms;
  const formsExport = formLevels(attributes.data_export_instruments ?? "");
  if (formsExport) {
    rights.forms_export = formsExport;
    if (rights.data_export === undefined) {
      rights.data_export = Math.max(0, ...Object.values(formsExport)) > 0 ? 1 : 0;
    }
  }
  return {
    unique_role_name: unique || `U-${String(index + 1).padStart(10, "0")}`,
    role_label: label || unique,
    role_id: index + 1,
    rights: rights as Partial<UserRights>,
  };
}

/**
 * The `<redcap:UserRolesGroup>` element of a project's roles (empty text when it has none),
 * with the attributes {@linkcode readXmlRole} reads.
 *
 * @param roles The roles.
 * @param escape Escapes an attribute value.
 */
export function writeXmlRoles(
  roles: readonly UserRole[],
  escape: (value: string) => string,
): string {
  if (roles.length === 0) return "";
  const levels = (map: Record<string, number> | undefined) =>
    Object.entries(map ?? {}).map(([form, level]) => `[${form},${level}]`).join("");
  const lines = roles.map((role) => {
    const rights = role.rights as Record<string, unknown>;
    let out = `\t\t<redcap:UserRoles role_name="${escape(role.role_label)}" ` +
      `unique_role_name="${escape(role.unique_role_name)}"`;
    for (const [name, right] of FLAG_ATTRIBUTES) {
      out += ` ${name}="${Number(rights[right] ?? 0)}"`;
    }
    const exportLevel = role.rights.forms_export ? "" : String(role.rights.data_export ?? 0);
    out += ` data_export_tool="${exportLevel}"`;
    out += ` data_export_instruments="${escape(levels(role.rights.forms_export))}"`;
    out += ` data_entry="${escape(levels(role.rights.forms))}"`;
    return out + "/>\n";
  });
  return "\t<redcap:UserRolesGroup>\n" + lines.join("") + "\t</redcap:UserRolesGroup>\n";
}
