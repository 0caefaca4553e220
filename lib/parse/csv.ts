/**
 * REDCap's CSV dialect: PHP `fputcsv` output, `"` quoting with doubled quotes, every line ended
 * by `\n`, values that may hold line breaks. Read by Polars with schema inference off, so every
 * column stays a string.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { RedcapResponseError } from "../errors.ts";
import { checkCsvBody } from "./csv_rows.ts";

/**
 * Reads a REDCap CSV body into a DataFrame whose columns are all strings (Utf8), exactly as
 * REDCap sent them; blank cells are `null`. A quoted empty cell (`""`, which REDCap never
 * writes: PHP's `fputcsv` leaves empty values unquoted) is an empty string, which
 * `castRecords()` reads as blank. A UTF-8 BOM is dropped, a header without rows gives a frame
 * with columns and no rows. Columns named in **categorical** are read as Categorical: the same
 * text, stored once per distinct value (for coded columns: cheaper to read, keep and compare).
 *
 * @example Read a flat export
 * ```ts
 * import { parseRedcapCsv } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = parseRedcapCsv('record_id,age\n"007",\n', "record");
 * deepStrictEqual(df.toRecords(), [{ record_id: "007", age: null }]);
 * ```
 *
 * @param body The body, as bytes (fastest) or text.
 * @param content The request's `content`, for error messages.
 * @param columns Only these columns (the rest of each line is still read, not kept).
 * @param categorical These columns (those the body has) as Categorical rather than String.
 * @returns The rows, every column a string column (or Categorical, as asked).
 * @throws {RedcapResponseError} When the body is empty, truncated (no final line break or an
 *   unterminated quote) or not CSV (a line with more cells than the header).
 */
export function parseRedcapCsv(
  body: Uint8Array | string,
  content: string,
  columns?: readonly string[],
  categorical?: readonly string[],
): DataFrame {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  checkCsvBody(bytes, content);
  try {
    return pl.readCSV(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      // All strings. Blank cells are null; no `nullValues: [""]` for quoted empty ones: REDCap
      // writes none, and checking every cell against it costs about 4 ms per 10,000 records.
      inferSchemaLength: 0,
      // Polars cuts a body into 16 chunks per thread, plus one, and parses them on every core
      // whatever this says: it only sets the count. Every later expression step costs about
      // the same per chunk, so 17 chunks rather than 33 (on 2 cores; 129 on 8) casts a 10,000
      // record export about a fifth faster, and parses it no slower.
      numThreads: 1,
      // A line with more cells than the header is an error, not cells dropped.
      truncateRaggedLines: false,
      ...(columns ? { columns: [...columns] } : {}),
      // Polars ignores the dtype of a column the body lacks.
      ...(categorical?.length
        ? { dtypes: Object.fromEntries(categorical.map((c) => [c, pl.Categorical])) }
        : {}),
    } as Partial<pl.ReadCsvOptions>);
  } catch (error) {
    const message = String((error as Error).message).split("\n")[0];
    throw new RedcapResponseError(
      content,
      /more fields/.test(message) ? "shape" : "truncated",
      `the CSV body cannot be parsed: ${message}`,
      { cause: error },
    );
  }
}
