/**
 * REDCap's JSON bodies: arrays of flat objects for tables, objects for single answers. Turned
 * into string frames the same way CSV bodies are, so a request gives the same frame in every
 * format.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { RedcapResponseError } from "../errors.ts";

/**
 * Parses a JSON body; a body that does not parse is reported as truncated.
 *
 * @example Parse an answer
 * ```ts
 * import { parseRedcapJson } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseRedcapJson('{"count": 2}', "record"), { count: 2 });
 * ```
 *
 * @param text The body.
 * @param content The request's `content`, for error messages.
 * @returns The parsed value.
 * @throws {RedcapResponseError} When the body is not JSON (cut short, or something else).
 */
export function parseRedcapJson(text: string, content: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new RedcapResponseError(
      content,
      "truncated",
      `the JSON body cannot be parsed (${
        (error as Error).message
      }); it was cut short or is not JSON`,
      { cause: error },
    );
  }
}

/**
 * Builds a DataFrame of strings from rows of objects: columns in first-seen key order, numbers
 * and booleans as their text, `""` and missing keys as `null` (as CSV blanks are read).
 *
 * @example Rows to a frame
 * ```ts
 * import { rowsToFrame } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = rowsToFrame([{ record_id: "1", redcap_repeat_instance: 2, age: "" }]);
 * deepStrictEqual(df.toRecords(), [{ record_id: "1", redcap_repeat_instance: "2", age: null }]);
 * ```
 *
 * @param rows The rows.
 * @param content The request's `content`, for error messages.
 * @returns A frame whose columns are all strings.
 * @throws {RedcapResponseError} When a row is not a flat object.
 */
export function rowsToFrame(rows: readonly unknown[], content = "record"): DataFrame {
  const columns = new Map<string, (string | null)[]>();
  rows.forEach((row, index) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new RedcapResponseError(content, "shape", `row ${index + 1} is not an object`);
    }
    for (const [key, value] of Object.entries(row)) {
      let column = columns.get(key);
      if (!column) columns.set(key, column = new Array(rows.length).fill(null));
      if (value === null || value === undefined || value === "") continue;
      if (typeof value === "object") {
        throw new RedcapResponseError(
          content,
          "shape",
          `row ${index + 1} has a nested value in "${key}"`,
        );
      }
      column[index] = String(value);
    }
  });
  return pl.DataFrame([...columns].map(([name, values]) => pl.Series(name, values, pl.Utf8)));
}
