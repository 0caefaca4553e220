/**
 * Notebook displays of what `readRecords()` hands back beside the data: the codebook of a
 * dictionary and the report of values that did not cast (or were missing-data codes).
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import { codebook, type CodebookOptions } from "../dictionary/codebook.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { displayFrame, type HtmlDisplay } from "./display.ts";
import type { HtmlTableOptions } from "./html_table.ts";
import { frameHeight } from "../frame.ts";

/** Options for {@linkcode displayCodebook}. */
export interface DisplayCodebookOptions extends CodebookOptions {
  /** Rows shown.
   * @default {500}
   */
  maxRows?: number;
}

/**
 * Shows a dictionary's codebook (one row per export column: name, form, type, validation,
 * label, choices) as an escaped HTML table in a notebook cell.
 *
 * @example Display the demo's codebook
 * ```ts
 * import { readDictionary } from "denocap";
 * import { displayCodebook } from "denocap/jupyter";
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const dd = await readDictionary(createDemoClient({ records: 1 }));
 * const bundle = displayCodebook(dd)[Symbol.for("Jupyter.display")]();
 * ok(bundle["text/html"].includes("Participant ID"));
 * ok(bundle["text/plain"].includes("Codebook"));
 * ```
 *
 * @param dictionary The project's dictionary.
 * @param options Optional columns described, rows shown.
 * @returns A displayable object.
 */
export function displayCodebook(
  dictionary: DataDictionary,
  options: DisplayCodebookOptions = {},
): HtmlDisplay {
  const { maxRows = 500, ...codebookOptions } = options;
  const df = codebook(dictionary, codebookOptions);
  return displayFrame(df, {
    maxRows,
    dtypes: false,
    title: "Codebook",
    caption: `${dictionary.fields.length} fields in ${dictionary.forms.length} forms`,
  });
}

/**
 * Shows the `invalid` report of `castRecords()`/`readRecords()` (record, event, instance,
 * column, form, value, reason) as an HTML table, titled with the count; an empty report says
 * so.
 *
 * @example Display an invalid report
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { displayInvalid } from "denocap/jupyter";
 * import { ok } from "node:assert/strict";
 *
 * const invalid = pl.DataFrame({
 *   record: ["7"], event: [null], instance: [null], field: ["age"], form: ["demo"],
 *   value: ["forty"], reason: ["not an integer"],
 * });
 * const html = displayInvalid(invalid)[Symbol.for("Jupyter.display")]()["text/html"];
 * ok(html.includes("1 value did not cast"));
 * ok(html.includes("forty"));
 * ```
 *
 * @param invalid The report.
 * @param options Table options (rows shown, title).
 * @returns A displayable object.
 */
export function displayInvalid(invalid: DataFrame, options: HtmlTableOptions = {}): HtmlDisplay {
  const n = frameHeight(invalid);
  return displayFrame(invalid, {
    title: "Invalid values",
    caption: n === 0 ? "every value cast" : `${n} value${n === 1 ? "" : "s"} did not cast`,
    dtypes: false,
    ...options,
  });
}

/**
 * Shows the `missing` report (record, event, instance, column, missing-data code) as an HTML
 * table titled with the count.
 *
 * @example Display the missing-data codes of the demo
 * ```ts
 * import { readRecords } from "denocap";
 * import { displayMissing } from "denocap/jupyter";
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const { missing } = await readRecords(createDemoClient({ records: 30 }), { fields: ["ethnicity"] });
 * const html = displayMissing(missing)[Symbol.for("Jupyter.display")]()["text/html"];
 * ok(html.includes("UNK"));
 * ```
 *
 * @param missing The report.
 * @param options Table options.
 * @returns A displayable object.
 */
export function displayMissing(missing: DataFrame, options: HtmlTableOptions = {}): HtmlDisplay {
  const n = frameHeight(missing);
  return displayFrame(missing, {
    title: "Missing-data codes",
    caption: `${n} value${n === 1 ? "" : "s"} held a missing-data code`,
    dtypes: false,
    ...options,
  });
}
