/**
 * `content=report`: a saved report's rows.
 *
 * @module
 */
import type pl from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { ProgressTracker } from "../_progress.ts";
import type { DecimalCharacter, Format, RawOrLabel } from "../types.ts";
import { checkBoolean, checkKeys, checkOneOf, requireString } from "./_check.ts";
import { internals, requestFrame } from "./call.ts";

/** Options for {@linkcode exportReport}. */
export interface ExportReportOptions {
  /** The report's id (REDCap's `report_id`). */
  report_id: number | string;
  /** Coded values or labels.
   * @default {"raw"}
   */
  rawOrLabel?: RawOrLabel;
  /** Field names or labels as column names (csv only).
   * @default {"raw"}
   */
  rawOrLabelHeaders?: RawOrLabel;
  /** With `rawOrLabel: "label"`: checked options as their label, unchecked blank.
   * @default {false}
   */
  exportCheckboxLabel?: boolean;
  /** Decimal mark of number fields. By default, each field's own. */
  decimalCharacter?: DecimalCharacter;
  /** Wire format (the frame is the same in each).
   * @default {"csv"}
   */
  format?: Format;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Exports a report (`content=report`) as a DataFrame of strings (blanks `null`), with the
 * report's own fields and filters.
 *
 * @example Read a report (from a stand-in server)
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const client = new RedcapClient("https://redcap.example.org/api/", "0".repeat(32), {
 *   fetch: () => Promise.resolve(new Response("record_id,age\n01,\n")),
 * });
 * const df = await client.exportReport({ report_id: 12 });
 * deepStrictEqual(df.toRecords(), [{ record_id: "01", age: null }]);
 * ```
 *
 * @param client The client.
 * @param options The report id and how to encode values.
 * @returns The report's rows.
 */
export async function exportReport(
  client: RedcapConnection,
  options: ExportReportOptions,
): Promise<pl.DataFrame> {
  const action = "export report";
  checkKeys(action, options ?? {}, [
    "report_id",
    "rawOrLabel",
    "rawOrLabelHeaders",
    "exportCheckboxLabel",
    "decimalCharacter",
    "format",
    "signal",
  ]);
  const reportId = requireString(action, "report_id", options.report_id);
  if (!/^\d+$/.test(reportId.trim())) {
    throw new RangeError(`Cannot ${action}: "report_id" must be a number, got "${reportId}"`);
  }
  const format = checkOneOf(action, "format", options.format, ["csv", "json", "xml"]) ?? "csv";
  const rawOrLabelHeaders = checkOneOf(action, "rawOrLabelHeaders", options.rawOrLabelHeaders, [
    "raw",
    "label",
  ]);
  if (rawOrLabelHeaders === "label" && format !== "csv") {
    throw new RangeError(`Cannot ${action}: "rawOrLabelHeaders" "label" needs format "csv"`);
  }
  const inner = internals(client);
  const tracker = new ProgressTracker("report", 1, inner.progress);
  return await requestFrame(client, {
    params: {
      content: "report",
      format,
      report_id: reportId.trim(),
      rawOrLabel: checkOneOf(action, "rawOrLabel", options.rawOrLabel, ["raw", "label"]),
      rawOrLabelHeaders,
      exportCheckboxLabel: checkBoolean(action, "exportCheckboxLabel", options.exportCheckboxLabel),
      decimalCharacter: checkOneOf(action, "decimalCharacter", options.decimalCharacter, [
        ",",
        ".",
      ]),
    },
    retry: true,
    signal: options.signal,
  }, (bytes, rows) => tracker.step(bytes, rows));
}
