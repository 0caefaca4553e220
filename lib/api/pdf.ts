/**
 * `content=pdf`: instruments as a PDF, blank or filled in with a record's (or every record's)
 * data.
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { checkBoolean, checkInteger, checkKeys, checkString } from "./_check.ts";
import { download, type SignalOptions } from "./admin.ts";

/** Options for {@linkcode exportPdf}. */
export interface ExportPdfOptions extends SignalOptions {
  /** Fill the PDF with this record's data. By default, blank instruments. */
  record?: string | number;
  /** Only this instrument. By default, every instrument. */
  instrument?: string;
  /** Only this event (unique name; longitudinal projects). */
  event?: string;
  /** Only this repeat instance. */
  repeat_instance?: number;
  /** Every record's data (REDCap's `allRecords`); not with `record`. */
  allRecords?: boolean;
  /** Leave out fields without data (REDCap's `compactDisplay`). */
  compactDisplay?: boolean;
}

/**
 * Exports instruments as a PDF (`content=pdf`): blank, with one record's data, or with every
 * record's (`allRecords`). The user's export rights apply as for records.
 *
 * @example A blank instrument
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const pdf = await client.exportPdf({ instrument: "enrollment" });
 * strictEqual(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
 * ```
 *
 * @param client The client.
 * @param options Which record(s), instrument, event and instance.
 * @returns The PDF's bytes.
 */
export async function exportPdf(
  client: RedcapConnection,
  options: ExportPdfOptions = {},
): Promise<Uint8Array> {
  const action = "export PDF";
  checkKeys(action, options, [
    "record",
    "instrument",
    "event",
    "repeat_instance",
    "allRecords",
    "compactDisplay",
    "signal",
  ]);
  const record = typeof options.record === "number" && Number.isFinite(options.record)
    ? String(options.record)
    : checkString(action, "record", options.record);
  const all = checkBoolean(action, "allRecords", options.allRecords);
  if (all && record !== undefined) {
    throw new TypeError(`Cannot ${action}: give "record" or "allRecords", not both`);
  }
  const compact = checkBoolean(action, "compactDisplay", options.compactDisplay);
  const file = await download(client, {
    content: "pdf",
    record,
    instrument: checkString(action, "instrument", options.instrument),
    event: checkString(action, "event", options.event),
    repeat_instance: checkInteger(action, "repeat_instance", options.repeat_instance, 1, 32767),
    allRecords: all ? "1" : undefined,
    compactDisplay: compact === undefined ? undefined : String(compact).toUpperCase(),
  }, options.signal);
  const head = new TextDecoder().decode(file.content.subarray(0, 5));
  if (head !== "%PDF-") {
    throw new RedcapResponseError("pdf", "shape", `expected a PDF, got ${file.type}`);
  }
  return file.content;
}
