/**
 * Rich notebook output for Deno's Jupyter kernel: escaped, label-aware HTML tables of
 * DataFrames, HTML output wrappers, and token redaction applied to everything shown.
 *
 * @example Show a frame in a notebook cell
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { displayFrame } from "denocap/jupyter";
 * import { ok } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2"], sex: ["Female", "<Male>"] });
 * const shown = displayFrame(df, { labels: { sex: "Sex at birth" }, title: "Demographics" });
 * const html = shown[Symbol.for("Jupyter.display")]()["text/html"];
 * ok(html.includes("&lt;Male&gt;"));
 * ```
 *
 * @module
 */

// The types the displays take: a nodejs-polars frame, the project's data dictionary.
export type { DataFrame, DataType } from "../deps/polars.ts";
export type { FieldTypeInfo, ValueKind } from "../dictionary/field_types.ts";
export type {
  CheckboxColumn,
  ColumnInfo,
  ColumnsOptions,
  DataDictionary,
  EventInfo,
  FieldInfo,
  FormInfo,
  MetadataRow,
} from "../dictionary/data_dictionary.ts";
export type { CodebookOptions } from "../dictionary/codebook.ts";
export type { Choice } from "../dictionary/choices.ts";
// Display wrappers for the Jupyter kernel.
export {
  displayFrame,
  displayHtml,
  type HtmlBundle,
  type HtmlDisplay,
  JUPYTER_DISPLAY,
  type MimeBundle,
  withDisplay,
} from "./display.ts";
// HTML tables.
export { escapeHtml, htmlTable, type HtmlTableOptions, type TableInput } from "./html_table.ts";
// Secrets never shown.
export { redactTokens } from "./redact.ts";
// The codebook and the reports of readRecords().
export {
  displayCodebook,
  type DisplayCodebookOptions,
  displayInvalid,
  displayMissing,
} from "./reports.ts";
