/**
 * {@linkcode readReport}: a saved report as a typed, labelled frame, like
 * {@linkcode readRecords} but with the report's own columns, rows, filters and order.
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import type { Format } from "../types.ts";
import { readDictionary } from "./dictionary.ts";
import { type ReadRecordsResult, typedResult } from "./_typed.ts";
import { exportReport } from "../api/reports.ts";

/** Options for {@linkcode readReport}. */
export interface ReadReportOptions {
  /** Coded columns as Categorical codes, labels, or both (see `readRecords`).
   * @default {"label"}
   */
  labels?: "code" | "label" | "both";
  /** Checkbox options as Boolean columns, or one List(Utf8) column per field.
   * @default {"boolean"}
   */
  checkboxes?: "boolean" | "list";
  /** Wire format of the export (the frame is the same in each).
   * @default {"csv"}
   */
  format?: Format;
  /** Cancels the export. */
  signal?: AbortSignal;
}

const KEYS = ["labels", "checkboxes", "format", "signal"];

/**
 * Reads a saved report (`content=report`, raw values) and types and labels it from the data
 * dictionary, as {@linkcode readRecords} does: the report's columns only, in its order, with
 * its rows, filters and sort. Values that do not cast are listed in `invalid`, missing-data
 * codes in `missing`. A report that combines checkbox values gives one text column per
 * checkbox field (noted in `notes`). REDCap refuses an unknown report id with a 403, thrown as
 * a `RedcapApiError`.
 *
 * @example A saved report of the demo project, typed
 * ```ts
 * import { readReport } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 10 });
 * const { data, invalid } = await readReport(client, 1);
 * strictEqual(data.columns[0], "record_id");
 * ok(data.height > 0);
 * strictEqual(invalid.height, 0);
 * ```
 *
 * @param client The client.
 * @param reportId The report's id (REDCap's `report_id`, shown on the report list page).
 * @param options Label and checkbox modes; wire format.
 * @returns The typed frame, the invalid and missing reports, and the dictionary.
 * @throws {RangeError} For a report id that is not a whole number, or a bad option.
 */
export async function readReport(
  client: RedcapConnection,
  reportId: number | string,
  options: ReadReportOptions = {},
): Promise<ReadRecordsResult> {
  if (options === null || typeof options !== "object") {
    throw new TypeError("Cannot read report: options must be an object");
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw new TypeError(`Cannot read report: unknown option "${key}"`);
  }
  if (!/^\d+$/.test(String(reportId).trim())) {
    throw new RangeError(
      `Cannot read report: "reportId" must be a whole number, got ${JSON.stringify(reportId)}`,
    );
  }
  const [dictionary, raw] = await Promise.all([
    readDictionary(client, { signal: options.signal }),
    exportReport(client, {
      report_id: String(reportId).trim(),
      rawOrLabel: "raw",
      format: options.format ?? "csv",
      signal: options.signal,
    }),
  ]);
  return typedResult(raw, dictionary, options);
}
