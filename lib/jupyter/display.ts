/**
 * Objects that Deno's Jupyter kernel displays, through `Symbol.for("Jupyter.display")`.
 *
 * @module
 */

import type pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { redactTokens } from "./redact.ts";
import { htmlTable, type HtmlTableOptions, type TableInput } from "./html_table.ts";
import { frameColumns, frameHeight } from "../frame.ts";

/** The symbol Deno's Jupyter kernel looks for on a cell's value to get its MIME bundle. */
export const JUPYTER_DISPLAY: symbol = Symbol.for("Jupyter.display");

/** A Jupyter MIME bundle: MIME type to content (text, or JSON for vega-lite). */
export type MimeBundle = Record<string, unknown>;

/** The MIME bundle of HTML output: the HTML and a plain-text fallback. */
export interface HtmlBundle {
  /** The HTML, tokens redacted. */
  "text/html": string;
  /** A one-line text fallback, tokens redacted. */
  "text/plain": string;
}

/**
 * HTML output for Deno's Jupyter kernel: `value[Symbol.for("Jupyter.display")]()` returns its
 * {@linkcode HtmlBundle}.
 */
export interface HtmlDisplay {
  /** Under `Symbol.for("Jupyter.display")`: returns the bundle to show. */
  readonly [key: symbol]: () => HtmlBundle;
}

/**
 * Wraps HTML so that a notebook cell shows it rendered. Tokens are redacted
 * ({@linkcode redactTokens}).
 *
 * @example Show a heading
 * ```ts
 * import { displayHtml } from "denocap/jupyter";
 * import { strictEqual } from "node:assert/strict";
 *
 * const shown = displayHtml("<h3>Project summary</h3>");
 * const bundle = shown[Symbol.for("Jupyter.display")]();
 * strictEqual(bundle["text/html"], "<h3>Project summary</h3>");
 * ```
 *
 * @param html The HTML to show.
 * @param plain The `text/plain` fallback for front ends without HTML.
 * @returns An object whose `Symbol.for("Jupyter.display")` method returns
 * `{"text/html": html, "text/plain": plain}`.
 */
export function displayHtml(
  html: string,
  plain?: string,
): HtmlDisplay {
  const safeHtml = redactTokens(html);
  const safePlain = redactTokens(plain ?? htmlToText(html));
  return {
    [JUPYTER_DISPLAY]: () => ({ "text/html": safeHtml, "text/plain": safePlain }),
  };
}

/**
 * Wraps a DataFrame (or an array of row objects) so that a notebook cell shows it as a readable
 * HTML table: escaped values, a dtype row, optional field labels, truncated to **maxRows**.
 *
 * @example Show a frame with field labels
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { displayFrame } from "denocap/jupyter";
 * import { ok } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2"], age: [34, 51] });
 * const bundle = displayFrame(df, { labels: { age: "Age (years)" } })[Symbol.for("Jupyter.display")]();
 * ok(bundle["text/html"].includes("Age (years)"));
 * ok(bundle["text/plain"].startsWith("2 rows × 2 columns"));
 * ```
 *
 * @param df The frame or rows to show.
 * @param options Rows to show, labels, title and caption.
 * @returns A displayable object with `text/html` and `text/plain` entries.
 */
export function displayFrame(
  df: TableInput,
  options: HtmlTableOptions = {},
): HtmlDisplay {
  const html = htmlTable(df, options);
  const [height, width] = isFrame(df)
    ? [frameHeight(df), frameColumns(df).length]
    : [df.length, new Set(df.flatMap((row) => Object.keys(row))).size];
  const plain = `${height} rows × ${width} columns${options.title ? `: ${options.title}` : ""}`;
  return displayHtml(html, plain);
}

function isFrame(df: TableInput): df is pl.DataFrame {
  return !Array.isArray(df);
}

/** A crude HTML → text for the `text/plain` fallback: tags dropped, entities decoded. */
function htmlToText(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&")
    .replace(/\s+/g, " ").trim();
}

/**
 * Makes a frame render with `display` in Jupyter (its `Symbol.for("Jupyter.display")` method)
 * and returns it: the frame stays a plain DataFrame for code.
 *
 * @example A frame shown with a title
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { displayFrame, withDisplay } from "denocap/jupyter";
 * import { ok } from "node:assert/strict";
 *
 * const df = withDisplay(pl.DataFrame({ n: [3] }), (df) => displayFrame(df, { title: "Counts" }));
 * ok(df[Symbol.for("Jupyter.display")]()["text/html"].includes("Counts"));
 * ```
 *
 * @param df A frame.
 * @param display Builds the display from the frame when the notebook shows it.
 * @returns The same frame.
 */
export function withDisplay<T extends DataFrame>(
  df: T,
  display: (df: T) => HtmlDisplay,
): T & HtmlDisplay {
  Object.defineProperty(df, JUPYTER_DISPLAY, {
    enumerable: false,
    configurable: true,
    value: () => display(df)[JUPYTER_DISPLAY](),
  });
  return df as T & HtmlDisplay;
}
