/**
 * Saved reports: read from and written to a Project XML's `redcap:ReportsGroup`, given numeric
 * ids, and listed at start-up.
 *
 * REDCap writes one `<redcap:Reports .../>` element per report, every setting an attribute
 * (`title`, `unique_report_name`, `redcap_reports_fields`, `advanced_logic`, `orderby_field1`,
 * `combine_checkbox_values`, `output_dags`, ...). They are kept as REDCap wrote them, so that a
 * `content=project_xml` export gives them back unchanged.
 *
 * @module
 */
import type { ReportDefinition } from "./project.ts";

/** Reads the reports of a Project XML's `GlobalVariables` (parsed, attributes unprefixed). */
export function readReports(
  globals: Record<string, unknown>,
): ReportDefinition[] {
  const group = globals["redcap:ReportsGroup"] as Record<string, unknown> | undefined;
  const items = group?.["redcap:Reports"];
  const list = Array.isArray(items) ? items : items ? [items] : [];
  return list.map((item) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(item as Record<string, unknown>)) {
      if (typeof value === "string") attributes[name] = value;
    }
    // REDCap gives a report its id when the project is created; 0 until then.
    return { report_id: 0, attributes };
  });
}

/**
 * Gives reports without an id REDCap's kind of id: numbers unique across the server (REDCap's
 * `redcap_reports.report_id` is one auto-increment column for every project).
 */
export function numberReports(
  reports: readonly ReportDefinition[],
  taken: Iterable<number>,
): ReportDefinition[] {
  let next = Math.max(0, ...taken) + 1;
  return reports.map((r) => r.report_id > 0 ? r : { ...r, report_id: next++ });
}

function attr(value: string): string {
  return value.replace(
    /[&<>"\n\r\t]/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : `&#${c.charCodeAt(0)};`,
  );
}

/** The `redcap:ReportsGroup` block of a Project XML, `""` when there are no reports. */
export function writeReports(reports: readonly ReportDefinition[] | undefined): string {
  if (!reports || reports.length === 0) return "";
  const items = reports.map((r) =>
    "\t\t<redcap:Reports " +
    Object.entries(r.attributes).map(([name, value]) => `${name}="${attr(value)}"`).join(" ") +
    "/>\n"
  );
  return "\t<redcap:ReportsGroup>\n" + items.join("") + "\t</redcap:ReportsGroup>\n";
}

/** One start-up line per report: `report <id> project <project id> <unique name> <title>`. */
export function reportLines(
  projectId: number,
  reports: readonly ReportDefinition[] | undefined,
): string[] {
  return (reports ?? []).map((r) =>
    `report ${r.report_id} project ${projectId} ${r.attributes.unique_report_name ?? ""} ${
      r.attributes.title ?? ""
    }`
  );
}
