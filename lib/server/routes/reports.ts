/**
 * `content=report`: a saved report's rows, as REDCap 15's `API/report/export.php` gives them
 * (`DataExport::doReport`): always flat; the report's fields in the report's order, after the
 * record id and the event, repeat, DAG and survey columns REDCap adds; the report's event and
 * DAG filters and advanced logic; its sort on up to three fields; its output options (combined
 * checkboxes, DAG and survey columns, line breaks removed); the caller's data export, form and
 * DAG rights as in a record export.
 *
 * The rows come from the record export itself (the same rights, DAG, de-identification and
 * filter code), asked for as JSON and then shaped as the report says.
 *
 * @module
 */
import {
  type ApiContext,
  ApiError,
  cdata,
  csvCell,
  ok,
  Params,
  XML_DECLARATION,
} from "../_http.ts";
import { STRUCTURAL_COLUMNS } from "../../dictionary/data_dictionary.ts";
import type { ReportDefinition } from "../project.ts";
import { csvDelimiterOf, exportRecordsRoute } from "./records_export.ts";

/** A `dateRangeBegin` after every change: selects no record. */
const NEVER = "9999-12-31 00:00:00";

type Row = Record<string, string | number>;

/** Finds the report a request names, with REDCap's errors for a missing, bad or foreign id. */
export function findReport(ctx: ApiContext): ReportDefinition {
  const text = (ctx.params.get("report_id") ?? "").trim();
  if (text === "") throw new ApiError(400, 'The parameter "report_id" is missing');
  if (!/^\d+$/.test(text)) {
    throw new ApiError(400, `The value of the parameter "report_id" is not valid: "${text}"`);
  }
  const report = (ctx.project.definition.reports ?? []).find((r) => r.report_id === Number(text));
  if (!report) {
    // REDCap's message when the id is unknown or belongs to another project (403).
    throw new ApiError(
      403,
      `The API request cannot complete because report_id=${Number(text)} does not belong to ` +
        "this project.",
    );
  }
  return report;
}

/**
 * Runs the record export route without its log entry (a report export is logged once, by
 * {@linkcode exportReportRoute}). The route logs synchronously, before its body streams.
 */
function quietExport(ctx: ApiContext): Response {
  const { store } = ctx;
  Object.defineProperty(store, "log", { value: () => {}, configurable: true, writable: true });
  try {
    return exportRecordsRoute(ctx);
  } finally {
    delete (store as { log?: unknown }).log;
  }
}

/** Runs a record export with the given parameters and parses its JSON rows. */
async function exportRows(ctx: ApiContext, params: Params): Promise<Row[]> {
  const response = quietExport({ ...ctx, params, format: "json", returnFormat: "json" });
  return JSON.parse(await response.text()) as Row[];
}

/**
 * The header line of a CSV record export with these parameters. An export that matches no record
 * is an empty body (REDCap 14 and later), so a report with no rows has no columns either.
 */
async function csvHeader(ctx: ApiContext, params: Params, labels: boolean): Promise<string[]> {
  const copy = copyParams(params);
  copy.add("format", "csv");
  copy.add("rawOrLabelHeaders", labels ? "label" : "raw");
  const response = quietExport({ ...ctx, params: copy, format: "csv", returnFormat: "csv" });
  const text = await response.text();
  return text === "" ? [] : parseCsvLine(text.slice(0, text.indexOf("\n")));
}

/** Splits one line of `fputcsv` output. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      cells.push(value);
      i++; // the comma
    } else {
      const end = line.indexOf(",", i);
      const stop = end < 0 ? line.length : end;
      cells.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return cells;
}

function copyParams(params: Params): Params {
  const copy = new Params();
  for (const name of params.names()) {
    const values = params.isArray(name) ? params.list(name) ?? [] : [params.get(name) ?? ""];
    if (params.isArray(name)) values.forEach((v) => copy.add(`${name}[]`, v));
    else copy.add(name, values[0]);
  }
  return copy;
}

const list = (text: string | undefined) =>
  (text ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");

/** Compares two stored values as REDCap's report sort does: numbers as numbers, blanks first. */
function compareValues(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return -1;
  if (b === "") return 1;
  const x = Number(a), y = Number(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : 1;
}

/** Answers `content=report` (csv, json or xml; `type` is ignored as REDCap does). */
export async function exportReportRoute(ctx: ApiContext): Promise<Response> {
  const { params, project, store, projectId, grant } = ctx;
  // REDCap checks the caller's export right before the report id.
  if (!grant.rights.api_export) throw new ApiError(403, "You do not have API Export privileges");
  const report = findReport(ctx);
  const a = report.attributes;
  if (ctx.format === "odm") {
    throw new ApiError(400, "Cannot export a report as odm: this server exports csv, json or xml");
  }
  const format = ctx.format;
  const lower = (name: string) => (params.get(name) ?? "").trim().toLowerCase();
  const labels = lower("rawOrLabel") === "label";
  const checkboxLabels = labels && params.bool("exportCheckboxLabel");
  const labelHeaders = format === "csv" && lower("rawOrLabelHeaders") === "label";
  const delimiter = csvDelimiterOf(params);
  const combine = a.combine_checkbox_values === "1";

  // The report's fields, the record id first (REDCap always exports it with a report).
  const idField = project.recordIdField;
  const reportFields = list(a.redcap_reports_fields).filter((f) => f !== idField);
  const fields = [idField, ...reportFields];
  const base = new Params();
  base.add("type", "flat");
  base.add("fields", fields.join(","));
  if (project.longitudinal && list(a.redcap_reports_filter_events).length > 0) {
    base.add("events", list(a.redcap_reports_filter_events).join(","));
  }
  if (a.output_dags === "1") base.add("exportDataAccessGroups", "true");
  if (a.output_survey_fields === "1") base.add("exportSurveyFields", "true");
  const decimal = params.get("decimalCharacter");
  if (decimal) base.add("decimalCharacter", decimal);

  // Records: the report's DAG filter, then its logic. With `filter_type` RECORD a record that
  // passes in any event keeps all its rows; with EVENT only the rows that pass are kept.
  let records: string[] | undefined;
  const dagFilter = list(a.redcap_reports_filter_dags);
  if (dagFilter.length > 0) {
    const wanted = new Set(dagFilter);
    records = store.records(projectId).filter((e) => wanted.has(e.dag)).map((e) => e.record);
  }
  const logic = (a.advanced_logic ?? "").trim();
  if (logic !== "" && a.filter_type === "RECORD") {
    const probe = copyParams(base);
    probe.add("filterLogic", logic);
    probe.add("fields", idField);
    if (records) records.forEach((r) => probe.add("records[]", r));
    const passing = new Set((await exportRows(ctx, probe)).map((r) => String(r[idField])));
    records = [...passing];
  } else if (logic !== "") base.add("filterLogic", logic);
  if (records) records.forEach((r) => base.add("records[]", r));
  if (records && records.length === 0) base.add("dateRangeBegin", NEVER);

  const raw = await exportRows(ctx, base);
  let shown = raw;
  if (labels) {
    const labelled = copyParams(base);
    labelled.add("rawOrLabel", "label");
    if (checkboxLabels) labelled.add("exportCheckboxLabel", "true");
    shown = await exportRows(ctx, labelled);
  }

  // Columns: the export's own (REDCap's structural ones first), fields in the report's order.
  const columns = await csvHeader(ctx, base, false);
  const headerLabels = labelHeaders ? await csvHeader(ctx, base, true) : columns;
  const position = new Map(fields.map((f, i) => [f, i]));
  const fieldOf = (column: string): string => {
    const checkbox = /^(.*)___[^_]/.exec(column);
    if (checkbox && project.fieldByName.get(checkbox[1])?.field_type === "checkbox") {
      return checkbox[1];
    }
    return column;
  };
  const rank = (column: string): number => {
    if (column === idField) return -2;
    if (STRUCTURAL_COLUMNS.has(column)) return -1;
    const field = fieldOf(column);
    if (position.has(field)) return position.get(field)!;
    // `{form}_timestamp` goes just before its form's first report field.
    const form = column.endsWith("_timestamp") ? column.slice(0, -"_timestamp".length) : "";
    const first = fields.findIndex((f) => project.formOf(f) === form);
    return first < 0 ? fields.length : first - 0.5;
  };
  const order = columns.map((c, i) => ({ c, i })).sort((x, y) =>
    rank(x.c) - rank(y.c) || x.i - y.i
  );
  let outColumns = order.map((o) => o.c);
  let outHeaders = order.map((o) => headerLabels[o.i]);

  // Combined checkboxes: one column per checkbox field, its checked codes (or labels) joined.
  if (combine) {
    const kept: string[] = [], keptHeaders: string[] = [];
    const seen = new Set<string>();
    outColumns.forEach((column, i) => {
      const field = fieldOf(column);
      if (field === column) {
        kept.push(column);
        keptHeaders.push(outHeaders[i]);
      } else if (!seen.has(field)) {
        seen.add(field);
        kept.push(field);
        keptHeaders.push(labelHeaders ? project.fieldByName.get(field)!.field_label : field);
      }
    });
    const choices = new Map<string, { code: string; label: string; column: string }[]>();
    for (const field of seen) {
      const labelOf = new Map(project.choices(field).map((c) => [c.code, c.label]));
      choices.set(
        field,
        project.checkboxColumns(field).map((c) => ({ ...c, label: labelOf.get(c.code) ?? "" })),
      );
    }
    shown = shown.map((row, r) => {
      const out: Row = { ...row };
      for (const [field, options] of choices) {
        const checked = options.filter((o) => raw[r][o.column] === "1");
        out[field] = checked.map((o) => labels ? o.label : o.code).join(labels ? ", " : ",");
      }
      return out;
    });
    outColumns = kept;
    outHeaders = keptHeaders;
  }

  // REDCap's "remove line breaks in values" report option.
  if (a.remove_line_breaks_in_values === "1") {
    for (const row of shown) {
      for (const key of Object.keys(row)) {
        const v = row[key];
        if (typeof v === "string" && /[\r\n]/.test(v)) row[key] = v.replace(/\r\n|\r|\n/g, "  ");
      }
    }
  }

  // The report's order: up to three fields, ascending or descending, on the stored values.
  const sorts = [1, 2, 3].map((n) => ({
    field: (a[`orderby_field${n}`] ?? "").trim(),
    desc: (a[`orderby_sort${n}`] ?? "").trim().toUpperCase() === "DESC",
  })).filter((s) => s.field !== "" && raw.length > 0 && s.field in raw[0]);
  const indices = raw.map((_, i) => i);
  if (sorts.length > 0) {
    indices.sort((x, y) => {
      for (const s of sorts) {
        const c = compareValues(String(raw[x][s.field] ?? ""), String(raw[y][s.field] ?? ""));
        if (c !== 0) return s.desc ? -c : c;
      }
      return x - y;
    });
  }
  const rows = indices.map((i) => shown[i]);
  // One log entry per report export, as REDCap's data export logging with the report's id.
  store.log({
    project_id: projectId,
    username: grant.username,
    action: "EXPORT",
    record: "",
    event_id: null,
    details: JSON.stringify({
      export_format: format.toUpperCase(),
      rawOrLabel: params.get("rawOrLabel") ?? "raw",
      report_id: String(report.report_id),
    }),
    description: "Export data (API)",
  });
  return ok(writeRows(rows, outColumns, outHeaders, format, delimiter), format);
}

/** The body in REDCap's flat export shape for the format. */
function writeRows(
  rows: readonly Row[],
  columns: readonly string[],
  headers: readonly string[],
  format: "csv" | "json" | "xml",
  delimiter: string,
): string {
  if (format === "json") {
    return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? ""]))));
  }
  if (format === "csv") {
    // A report that matches no record is an empty body, as a flat record export on REDCap 14+.
    if (rows.length === 0) return "";
    const lines = [headers.map((h) => csvCell(h, delimiter)).join(delimiter)];
    for (const row of rows) {
      lines.push(columns.map((c) => csvCell(String(row[c] ?? ""), delimiter)).join(delimiter));
    }
    return lines.join("\n") + "\n";
  }
  const items = rows.map((row) =>
    "<item>" + columns.map((c) => {
      const v = String(row[c] ?? "");
      return `<${c}>${v === "" ? "" : cdata(v)}</${c}>`;
    }).join("") + "</item>"
  );
  return `${XML_DECLARATION}\n<records>\n${items.join("\n")}${
    items.length ? "\n" : ""
  }</records>\n`;
}
