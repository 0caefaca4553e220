/**
 * `content=record` with `data`: Import Records, in csv, json or xml, flat or EAV, answered
 * with REDCap's count / ids / auto_ids bodies.
 *
 * @module
 */
import {
  type ApiContext,
  ApiError,
  escapeXml,
  type Format,
  ok,
  XML_DECLARATION,
} from "../_http.ts";
import {
  eavToFlat,
  type ImportTable,
  parseImportData,
  parseImportTable,
  tableOfObjects,
} from "../records/parse_import.ts";
import { type DateFormat, importRecordRows, type ImportResult } from "../records/import.ts";
import { formMaps } from "./rights.ts";

/** REDCap's message for a token without API import rights. */
export const NO_IMPORT_RIGHTS = "You do not have API Import/Update privileges";

const DELIMITERS: Record<string, string> = {
  ",": ",",
  ";": ";",
  "|": "|",
  "^": "^",
  "\t": "\t",
  tab: "\t",
};

/** Reads `csvDelimiter` (`,` by default; `tab`, `;`, `|`, `^` as REDCap allows). */
export function readCsvDelimiter(value: string | undefined): string {
  if (value === undefined || value === "") return ",";
  const delimiter = DELIMITERS[value] ?? DELIMITERS[value.trim().toLowerCase()];
  if (!delimiter) {
    throw new ApiError(
      400,
      `The value of the parameter "csvDelimiter" is not valid: use one of , ; | ^ tab`,
    );
  }
  return delimiter;
}

/** The success body of an import for `returnContent` in a format. */
export function importResponseBody(
  result: ImportResult,
  returnContent: "count" | "ids" | "auto_ids" | "nothing",
  format: Format,
): string {
  if (returnContent === "nothing") return "";
  if (returnContent === "count") {
    if (format === "json") return `{"count": ${result.count}}`;
    if (format === "csv") return String(result.count);
    return `${XML_DECLARATION}<count>${result.count}</count>`;
  }
  const ids = returnContent === "ids"
    ? result.ids
    : result.autoIds.map(([id, original]) => `${id},${original}`);
  if (format === "json") return JSON.stringify(ids);
  if (format === "csv") {
    return [returnContent === "ids" ? "id" : "id,original_id", ...ids].join("\n");
  }
  return `${XML_DECLARATION}<ids>${ids.map((id) => `<id>${escapeXml(id)}</id>`).join("")}</ids>`;
}

/**
 * Answers Import Records: parses `data` (`format` csv/json/xml, `type` flat/eav), imports it
 * with `overwriteBehavior`, `forceAutoNumber` and `dateFormat`, and returns `returnContent` in
 * `returnFormat` (or REDCap's success body with `backgroundProcess`).
 */
export function importRecords(ctx: ApiContext): Response {
  const { params, grant, store, projectId, project } = ctx;
  if (!grant.rights.api_import) throw new ApiError(403, NO_IMPORT_RIGHTS);
  if (ctx.format === "odm") {
    throw new ApiError(
      400,
      "Cannot import records: format=odm is not supported by the local server; send csv, json " +
        "or xml",
    );
  }
  const type = (params.get("type") ?? "").trim().toLowerCase() === "eav" ? "eav" : "flat";
  const overwrite = (params.get("overwriteBehavior") ?? "").trim().toLowerCase() === "overwrite";
  // REDCap ignores forceAutoNumber in a project whose record auto-numbering is off: the records
  // keep the names sent, and auto_ids answers each name paired with itself.
  const autoNumbering = Number(project.definition.info.record_autonumbering_enabled ?? 0) === 1;
  const askedAutoNumber = params.bool("forceAutoNumber");
  const forceAutoNumber = askedAutoNumber && autoNumbering;
  const dateText = (params.get("dateFormat") ?? "").trim().toUpperCase();
  const dateFormat: DateFormat = dateText === "MDY" || dateText === "DMY" ? dateText : "YMD";
  const requested = (params.get("returnContent") ?? "").trim().toLowerCase();
  let returnContent: "count" | "ids" | "auto_ids" | "nothing" =
    requested === "ids" || requested === "auto_ids" || requested === "nothing"
      ? requested
      : "count";
  if (returnContent === "auto_ids" && !askedAutoNumber) returnContent = "count";
  const delimiter = readCsvDelimiter(params.get("csvDelimiter"));
  const data = params.get("data") ?? "";
  // A flat CSV body is read lazily, row by row, as the import asks for rows.
  const table: ImportTable = type === "eav"
    ? tableOfObjects(eavToFlat(parseImportData(data, ctx.format, delimiter), project.recordIdField))
    : parseImportTable(data, ctx.format, delimiter);
  const dag = grant.rights.data_access_group?.trim();
  const result = importRecordRows(store, projectId, table.header, table.rows, {
    username: grant.username,
    overwriteBehavior: overwrite ? "overwrite" : "normal",
    forceAutoNumber,
    dateFormat,
    api: true,
    dag: dag ? dag : undefined,
    allowCreate: grant.rights.record_create !== 0,
    formRights: formMaps(project, grant.rights).forms,
  });
  if (params.bool("backgroundProcess")) {
    // REDCap queues the import and answers at once; the local server imports synchronously
    // (so errors still come back) and answers REDCap's background success body.
    const body = ctx.returnFormat === "json"
      ? '{"success":true}'
      : ctx.returnFormat === "csv"
      ? "success\ntrue"
      : `${XML_DECLARATION}<success>true</success>`;
    return ok(body, ctx.returnFormat);
  }
  if (askedAutoNumber && !forceAutoNumber) result.autoIds = result.ids.map((id) => [id, id]);
  return ok(importResponseBody(result, returnContent, ctx.returnFormat), ctx.returnFormat);
}
