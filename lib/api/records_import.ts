/**
 * {@linkcode importRecords}: REDCap's `content=record` import, and what its answer says.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { ProgressTracker } from "../_progress.ts";
import { parseCsv } from "../parse/csv_rows.ts";
import type { Format, OverwriteBehavior, RecordType, ReturnContent } from "../types.ts";
import { checkBoolean, checkKeys, checkOneOf } from "./_check.ts";
import { internals } from "./call.ts";
import { encodeStringRows, toRows } from "./_encode.ts";
import { readCount } from "./metadata.ts";
import { parseRedcapJson } from "../parse/json.ts";
import { parseRedcapXml } from "../parse/xml.ts";

/** Rows to import: a DataFrame or objects (values sent as text, `null` blank). */
export type ImportRecordsData = DataFrame | readonly Record<string, unknown>[];

/** Options for {@linkcode importRecords}. */
export interface ImportRecordsOptions {
  /** *flat* rows of fields, or *eav* rows `record, field_name, value[, redcap_event_name]`.
   * @default {"flat"}
   */
  type?: RecordType;
  /** *normal* ignores blank values; *overwrite* erases stored values with blanks.
   * @default {"normal"}
   */
  overwriteBehavior?: OverwriteBehavior;
  /** Let REDCap name new records; the given names only group rows. Never retried.
   * @default {false}
   */
  forceAutoNumber?: boolean;
  /** Order of date parts in date and datetime values.
   * @default {"YMD"}
   */
  dateFormat?: "YMD" | "MDY" | "DMY";
  /** What to answer with: *count* of records, their *ids*, *auto_ids* (with forceAutoNumber),
   * or *nothing*.
   * @default {"count"}
   */
  returnContent?: ReturnContent;
  /** Wire format. JSON by default: REDCap strips a leading space before `-`, `@`, `+`, `=` in
   * CSV imports, and JSON has no such rewrite.
   * @default {"json"}
   */
  format?: Format;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** What an import answered. */
export interface ImportRecordsResult {
  /** Records touched (`returnContent: "count"`). */
  count?: number;
  /** Record names touched (`"ids"`). */
  ids?: string[];
  /** New names and the names they were sent with (`"auto_ids"`). */
  autoIds?: { id: string; originalId: string }[];
}

/**
 * Imports records (`content=record`, `data`). Imports are retried after transient failures
 * only when repeating them cannot create data twice: never with `forceAutoNumber` or a
 * `redcap_repeat_instance` of `new`. A rejected import throws a `RedcapApiError` whose `rows`
 * list each rejected value.
 *
 * @example Add a record and get its id back
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const name = await client.generateNextRecordName();
 * const result = await client.importRecords(
 *   [{ record_id: name, redcap_event_name: "screening_arm_1", first_name: "Ada" }],
 *   { returnContent: "ids" },
 * );
 * strictEqual(result.ids?.[0], name);
 * ```
 *
 * @param client The client.
 * @param data The rows.
 * @param options How to write them and what to answer.
 * @returns The count, ids or id mapping asked for.
 */
export async function importRecords(
  client: RedcapConnection,
  data: ImportRecordsData,
  options: ImportRecordsOptions = {},
): Promise<ImportRecordsResult> {
  const action = "import records";
  checkKeys(action, options, [
    "type",
    "overwriteBehavior",
    "forceAutoNumber",
    "dateFormat",
    "returnContent",
    "format",
    "signal",
  ]);
  const format = checkOneOf(action, "format", options.format, ["csv", "json", "xml"]) ?? "json";
  const forceAutoNumber = checkBoolean(action, "forceAutoNumber", options.forceAutoNumber);
  const returnContent = checkOneOf(action, "returnContent", options.returnContent, [
    "count",
    "ids",
    "auto_ids",
    "nothing",
  ]) ?? "count";
  if (returnContent === "auto_ids" && !forceAutoNumber) {
    throw new RangeError(`Cannot ${action}: "returnContent" "auto_ids" needs "forceAutoNumber"`);
  }
  const type = checkOneOf(action, "type", options.type, ["flat", "eav"]);
  const { columns, rows } = toRows(action, data);
  const newInstance = rows.some((row) =>
    row.redcap_repeat_instance?.trim().toLowerCase() === "new"
  );
  if (newInstance && type === "eav") {
    throw new RangeError(
      `Cannot ${action}: "redcap_repeat_instance" "new" works in flat imports only`,
    );
  }
  const retry = forceAutoNumber
    ? "the import uses forceAutoNumber, so a repeat could create the records twice"
    : newInstance
    ? 'the import adds "new" repeat instances, so a repeat could add them twice'
    : true;
  const inner = internals(client);
  const tracker = new ProgressTracker("record", 1, inner.progress);
  const result = await inner.send({
    params: {
      content: "record",
      format,
      type,
      overwriteBehavior: checkOneOf(action, "overwriteBehavior", options.overwriteBehavior, [
        "normal",
        "overwrite",
      ]),
      forceAutoNumber,
      dateFormat: checkOneOf(action, "dateFormat", options.dateFormat, ["YMD", "MDY", "DMY"]),
      returnContent,
      returnFormat: "json",
      data: encodeStringRows(columns, rows, format),
    },
    retry,
    allowEmpty: returnContent === "nothing",
    signal: options.signal,
  }, (response) => {
    const parsed = readImportAnswer(response.text(), format, returnContent);
    tracker.step(response.bytes.length, rows.length);
    return parsed;
  });
  return result;
}

/** Reads an import answer in its format. */
export function readImportAnswer(
  text: string,
  format: Format,
  returnContent: ReturnContent,
): ImportRecordsResult {
  if (returnContent === "nothing") return {};
  if (returnContent === "count") return { count: readCount("record", text) };
  let items: string[];
  if (format === "json") {
    const parsed = parseRedcapJson(text, "record");
    if (!Array.isArray(parsed)) {
      throw new RedcapResponseError("record", "shape", "expected a JSON array of ids");
    }
    items = parsed.map(String);
  } else if (format === "xml") {
    const doc = parseRedcapXml(text, "record") as { ids?: { id?: unknown[] } | string };
    items = typeof doc.ids === "object" ? (doc.ids.id ?? []).map(String) : [];
  } else {
    const lines = parseCsv(text);
    items = lines.slice(1).map((row) => row.join(","));
  }
  if (returnContent === "ids") return { ids: items };
  return {
    autoIds: items.map((item) => {
      const comma = item.indexOf(",");
      return comma < 0
        ? { id: item, originalId: "" }
        : { id: item.slice(0, comma), originalId: item.slice(comma + 1) };
    }),
  };
}
