/**
 * `content=project` export: the project's settings, one row, from the definition's `info` with
 * REDCap's defaults for what it lacks.
 *
 * @module
 */
import { type ApiContext, cdata, csvCell, ok, XML_DECLARATION } from "../_http.ts";
import { parseMissingDataCodes } from "../model.ts";
import { requireExport } from "./_structure_io.ts";

/**
 * The keys of `content=project`, in REDCap's order, with the JSON type of each (`int` for ids
 * and 0/1 flags) and the default for a project that does not set it.
 */
export const PROJECT_INFO_KEYS: readonly {
  key: string;
  type: "int" | "string";
  default: string | number;
}[] = [
  { key: "project_id", type: "int", default: 0 },
  { key: "project_title", type: "string", default: "" },
  { key: "creation_time", type: "string", default: "" },
  { key: "production_time", type: "string", default: "" },
  { key: "in_production", type: "int", default: 0 },
  { key: "project_language", type: "string", default: "English" },
  { key: "purpose", type: "int", default: 0 },
  { key: "purpose_other", type: "string", default: "" },
  { key: "project_notes", type: "string", default: "" },
  { key: "custom_record_label", type: "string", default: "" },
  { key: "secondary_unique_field", type: "string", default: "" },
  { key: "is_longitudinal", type: "int", default: 0 },
  { key: "has_repeating_instruments_or_events", type: "int", default: 0 },
  { key: "surveys_enabled", type: "int", default: 0 },
  { key: "scheduling_enabled", type: "int", default: 0 },
  { key: "record_autonumbering_enabled", type: "int", default: 0 },
  { key: "randomization_enabled", type: "int", default: 0 },
  { key: "ddp_enabled", type: "int", default: 0 },
  { key: "project_irb_number", type: "string", default: "" },
  { key: "project_grant_number", type: "string", default: "" },
  { key: "project_pi_firstname", type: "string", default: "" },
  { key: "project_pi_lastname", type: "string", default: "" },
  { key: "project_pi_email", type: "string", default: "" },
  { key: "display_today_now_button", type: "int", default: 1 },
  { key: "missing_data_codes", type: "string", default: "" },
  { key: "external_modules", type: "string", default: "" },
  { key: "bypass_branching_erase_field_prompt", type: "int", default: 0 },
];

/**
 * The project info row: `info` values with defaults; `project_id`, `is_longitudinal` and
 * `has_repeating_instruments_or_events` always follow the project itself, `creation_time`
 * falls back to when the store created it, and `surveys_enabled` to whether any form is a survey.
 * Integer-looking values are numbers (JSON integers), as REDCap sends them.
 */
export function projectInfo(ctx: ApiContext): Record<string, string | number> {
  const model = ctx.project;
  const info = model.definition.info;
  const created = ctx.store.sql("SELECT created FROM projects WHERE project_id = ?")
    .get(ctx.projectId);
  const derived: Record<string, string | number> = {
    project_id: ctx.projectId,
    is_longitudinal: model.longitudinal ? 1 : 0,
    has_repeating_instruments_or_events: model.hasRepeating ? 1 : 0,
  };
  const fallback: Record<string, string | number> = {
    creation_time: created ? String(created.created) : "",
    surveys_enabled: model.definition.surveys.length > 0 ? 1 : 0,
  };
  const row: Record<string, string | number> = {};
  for (const { key, type, default: def } of PROJECT_INFO_KEYS) {
    const raw = derived[key] ?? info[key] ?? fallback[key] ?? def;
    const text = String(raw).trim();
    if (type === "int") {
      const n = typeof raw === "number" ? raw : Number(text);
      row[key] = text === "" || Number.isNaN(n) ? Number(def) : Math.trunc(n);
    } else if (/^-?\d{1,15}$/.test(text)) {
      // REDCap sends every integer-looking value as an integer (`isinteger($val) ? (int)$val`).
      row[key] = Number(text);
    } else row[key] = String(raw);
  }
  // REDCap re-joins the missing-data codes as `code, label | code, label`.
  row.missing_data_codes = parseMissingDataCodes(String(row.missing_data_codes))
    .map((c) => `${c.code}, ${c.label}`).join(" | ");
  return row;
}

/** `content=project` export in csv (one header line, one value line), json (an object) or xml. */
export function exportProjectInfo(ctx: ApiContext): Response {
  requireExport(ctx);
  const row = projectInfo(ctx);
  const keys = PROJECT_INFO_KEYS.map((k) => k.key);
  const format = ctx.format === "odm" ? "xml" : ctx.format;
  if (format === "json") return ok(JSON.stringify(row), format);
  if (format === "csv") {
    const values = keys.map((k) => csvCell(String(row[k]).replace(/\r\n/g, "\n")));
    return ok(`${keys.join(",")}\n${values.join(",")}\n`, format);
  }
  const items = keys.map((k) => {
    const v = String(row[k]);
    return `<${k}>${v === "" ? "" : cdata(v)}</${k}>`;
  }).join("");
  return ok(`${XML_DECLARATION}\n<items>\n${items}\n</items>\n`, format);
}
