/**
 * Helpers shared by the structural routes (metadata, arms, events, mappings, repeating setup,
 * project info, DAGs, users, log): reading an import's `data` in csv/json/xml, the rights and
 * status checks REDCap makes, and saving a changed project definition.
 *
 * @module
 */
import { XMLParser } from "../../deps/xml.ts";
import { CsvSyntaxError, parseCsvObjects } from "../../parse/csv_rows.ts";
import {
  type ApiContext,
  ApiError,
  cdata,
  type Format,
  formatRows,
  ok,
  XML_DECLARATION,
} from "../_http.ts";
import type { ProjectDefinition, UserRights } from "../project.ts";
import { readXml } from "../_xml.ts";

/** Message when the token's user lacks the API Export right (as the file routes answer). */
export const NO_EXPORT_RIGHT = "You do not have API Export privileges";
/** REDCap's message when the token's user lacks the API Import/Update right. */
export const NO_IMPORT_RIGHT = "You do not have API Import/Update privileges";
/**
 * Message when the user lacks Project Design and Setup rights. REDCap answers 400 with its own
 * text (language key `api_124`, not in the reference material), so the wording is ours.
 */
export const NO_DESIGN_RIGHT = "You do not have Project Design and Setup privileges";
/**
 * Message for a design change while the project is in production. REDCap answers 400 with its
 * own text (language key `api_102`, not in the reference material), so the wording is ours.
 */
export const PRODUCTION_MESSAGE =
  "This method is only available for projects in Development status, and this project is in Production";

/** The format a structural export answers in (`odm` is not one of them: it falls back to xml). */
export function exportFormat(ctx: ApiContext): Format {
  return ctx.format === "odm" ? "xml" : ctx.format;
}

/** Throws `status` with `message` unless the token's user has `right` (non-zero). */
export function requireRight(
  ctx: ApiContext,
  right: keyof UserRights,
  message: string,
  status = 403,
): void {
  const value = ctx.grant.rights[right];
  if (value === undefined || Number(value) === 0) throw new ApiError(status, message);
}

/** Throws a 403 unless the token may export. */
export function requireExport(ctx: ApiContext): void {
  requireRight(ctx, "api_export", NO_EXPORT_RIGHT);
}

/** Throws REDCap's 400 unless the token's user has Project Design and Setup rights. */
export function requireDesign(ctx: ApiContext): void {
  requireRight(ctx, "design", NO_DESIGN_RIGHT, 400);
}

/** Throws a 403 unless the token may import, then REDCap's 400 without design rights. */
export function requireDesignImport(ctx: ApiContext): void {
  requireRight(ctx, "api_import", NO_IMPORT_RIGHT);
  requireDesign(ctx);
}

/** Whether the project is in production status (`in_production` = 1). */
export function inProduction(definition: ProjectDefinition): boolean {
  return Number(definition.info.in_production ?? 0) === 1;
}

/** Throws REDCap's 400 when the project is in production status. */
export function requireDevelopment(ctx: ApiContext, message = PRODUCTION_MESSAGE): void {
  if (inProduction(ctx.project.definition)) throw new ApiError(400, message);
}

/** A deep copy of the project's definition, to change and save. */
export function copyDefinition(ctx: ApiContext): ProjectDefinition {
  return structuredClone(ctx.project.definition);
}

/** The answer to a structural import or delete: the count as plain text. */
export function countResponse(count: number, ctx: ApiContext): Response {
  return ok(String(count), ctx.returnFormat);
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name, jpath) => name === "item" && String(jpath).split(".").length === 2,
});

/**
 * Reads the `data` parameter of a structural import as rows of strings, in the request's
 * `format` (csv, json, or xml with `<item>` elements under any root). JSON numbers become
 * strings; `null` becomes `""`.
 *
 * @param ctx The request.
 * @param what What is imported, for error messages ("arms", "metadata", ...).
 * @returns The rows; throws a 400 ApiError when `data` is missing or malformed.
 */
export function readImportRows(ctx: ApiContext, what: string): Record<string, string>[] {
  const data = ctx.params.get("data");
  if (data === undefined || data.trim() === "") {
    throw new ApiError(400, `Cannot import ${what}: the parameter "data" is missing or empty`);
  }
  const format = exportFormat(ctx);
  if (format === "csv") {
    try {
      return parseCsvObjects(data);
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        throw new ApiError(400, `Cannot import ${what}: ${error.message}`);
      }
      throw error;
    }
  }
  if (format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      throw new ApiError(400, `Cannot import ${what}: the data is not valid JSON`);
    }
    if (!Array.isArray(parsed)) {
      throw new ApiError(400, `Cannot import ${what}: the JSON data must be an array of objects`);
    }
    return parsed.map((item, index) => {
      if (item === null || typeof item !== "object" || Array.isArray(item)) {
        throw new ApiError(400, `Cannot import ${what}: item ${index + 1} is not a JSON object`);
      }
      return Object.fromEntries(
        Object.entries(item as Record<string, unknown>).map(([k, v]) => [k, stringValue(v)]),
      );
    });
  }
  // Pretty-printed bodies read as compact ones, nested rights too.
  const document = readXml(data, xmlParser, `import ${what}`);
  const rootName = Object.keys(document).find((k) => k !== "?xml");
  const root = rootName === undefined ? undefined : document[rootName];
  if (root === undefined || root === null || typeof root !== "object") return [];
  const items = (root as Record<string, unknown>).item;
  if (!Array.isArray(items)) return [];
  return items.map((item) =>
    item !== null && typeof item === "object"
      ? Object.fromEntries(
        Object.entries(item as Record<string, unknown>)
          .map(([k, v]) => [k, stringValue(v)]),
      )
      : {}
  );
}

function stringValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (text.includes("\0")) {
    // A JSON `\u0000`: node:sqlite would cut the text there, so it is refused.
    throw new ApiError(400, "Cannot import: a value holds a NUL character (\\u0000)");
  }
  return text;
}

/**
 * Deletes every stored value of some events (all records), and drops record entries left with
 * no data in an arm. Used when arms or events are deleted.
 */
export function deleteEventData(
  ctx: ApiContext,
  eventIds: readonly number[],
  armsOfProject: ReadonlyMap<number, readonly number[]>,
): void {
  if (eventIds.length === 0) return;
  ctx.store.deleteEventValues(ctx.projectId, eventIds);
  for (const [armNum, events] of armsOfProject) {
    ctx.store.sql(
      "DELETE FROM records WHERE project_id = ? AND arm_num = ? AND record NOT IN " +
        "(SELECT record FROM data WHERE project_id = ? AND event_id IN " +
        "(SELECT value FROM json_each(?)))",
    ).run(ctx.projectId, armNum, ctx.projectId, JSON.stringify(events));
  }
}

/**
 * REDCap's XML for structural exports: `<root>` with one `<item>` per row, each value in CDATA
 * (an empty value is an empty element), one item per line.
 */
export function xmlItems(
  rows: readonly Record<string, string | number>[],
  columns: readonly string[],
  root: string,
  item = "item",
): string {
  const lines = rows.map((row) =>
    `<${item}>` + columns.map((c) => {
      const v = String(row[c] ?? "");
      return `<${c}>${v === "" ? "" : cdata(v)}</${c}>`;
    }).join("") + `</${item}>`
  );
  return `${XML_DECLARATION}\n<${root}>\n${lines.map((l) => l + "\n").join("")}</${root}>\n`;
}

/**
 * The body of a structural export: XML as {@linkcode xmlItems} writes it under `root`, CSV and
 * JSON as {@linkcode formatRows} does.
 */
export function rowsBody(
  rows: readonly Record<string, string | number>[],
  columns: readonly string[],
  format: Format,
  root: string,
  item?: string,
): string {
  return format === "xml" ? xmlItems(rows, columns, root, item) : formatRows(rows, columns, format);
}

/** CSV as PHP's `fputcsv` writes it, then `trim()`med as REDCap does for some exports. */
export function trimmedCsv(
  rows: readonly Record<string, string | number>[],
  columns: readonly string[],
): string {
  return formatRows(rows, columns, "csv").replace(/\s+$/, "");
}
