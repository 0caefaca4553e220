/**
 * RFC 4180 CSV reading for the small, string-typed tables REDCap exchanges (dictionaries,
 * structural exports, import bodies). Record frames go through Polars' reader instead.
 *
 * @module
 */
import { RedcapResponseError } from "../errors.ts";

/** Thrown for CSV that cannot be read (an unterminated quote). */
export class CsvSyntaxError extends SyntaxError {
  override name = "CsvSyntaxError";
  /** 1-based line where the problem starts. */
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/**
 * Parses CSV text into rows of cells. Accepts a UTF-8 BOM, LF or CRLF line ends, quoted cells
 * with doubled quotes and embedded line breaks. A final line break does not add a row; blank
 * lines are dropped.
 *
 * @param text The CSV text.
 * @param delimiter The cell delimiter.
 * @returns Rows of cells.
 */
export function parseCsv(text: string, delimiter = ","): string[][] {
  return [...csvRows(text, delimiter)];
}

/**
 * The rows of {@linkcode parseCsv}, one at a time, so a large body is never held as cells all
 * at once.
 */
export function* csvRows(text: string, delimiter = ","): Generator<string[]> {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let line = 1;
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ && cell === "") {
      const start = line;
      i++;
      let chunkStart = i;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          throw new CsvSyntaxError(`Cannot parse CSV: unterminated quote on line ${start}`, start);
        }
        for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) line++;
        if (text.charCodeAt(q + 1) === 34) {
          cell += text.slice(chunkStart, q + 1);
          i = q + 2;
          chunkStart = i;
          continue;
        }
        cell += text.slice(chunkStart, q);
        i = q + 1;
        break;
      }
      // Text after a closing quote belongs to the same cell (lenient, like PHP's str_getcsv).
      while (i < n) {
        const k = text.charCodeAt(i);
        if (k === d || k === 10 || k === 13) break;
        cell += text[i++];
      }
      continue;
    }
    if (c === d) {
      row.push(cell);
      cell = "";
      i++;
    } else if (c === 10 || c === 13) {
      row.push(cell);
      cell = "";
      if (!(row.length === 1 && row[0] === "")) yield row;
      row = [];
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
    } else {
      let j = i;
      while (j < n) {
        const k = text.charCodeAt(j);
        if (k === d || k === 10 || k === 13) break;
        j++;
      }
      cell += text.slice(i, j);
      i = j;
    }
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    yield row;
  }
}

/**
 * Parses CSV with a header line into objects keyed by the header. Missing trailing cells are
 * `""`; surplus cells are an error naming the line.
 */
export function parseCsvObjects(text: string, delimiter = ","): Record<string, string>[] {
  const rows = parseCsv(text, delimiter);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  return rows.slice(1).map((row, index) => {
    if (row.length > header.length) {
      throw new CsvSyntaxError(
        `Cannot parse CSV: row ${
          index + 1
        } has ${row.length} cells but the header has ${header.length}`,
        index + 2,
      );
    }
    const object: Record<string, string> = {};
    for (let k = 0; k < header.length; k++) object[header[k]] = row[k] ?? "";
    return object;
  });
}

/**
 * Checks that a CSV answer body is whole: not empty, not JSON or XML, and ended by a line
 * break (REDCap ends every line with one, so a body without it was cut short).
 *
 * @param bytes The body.
 * @param content The request's `content`, for error messages.
 * @throws {RedcapResponseError} `empty`, `shape` or `truncated`.
 */
export function checkCsvBody(bytes: Uint8Array, content: string): void {
  if (bytes.length === 0) {
    throw new RedcapResponseError(content, "empty", "the CSV body is empty");
  }
  // A JSON or XML body (a server ignoring `format`; REDCap's error envelopes are read by the
  // transport) is named as such, not reported as CSV cut short.
  let first = 0;
  while (first < bytes.length && first < 64 && (bytes[first] <= 32 || bytes[first] >= 0xbb)) {
    first++;
  }
  const lead = bytes[first];
  if (lead === 91 /* [ */ || lead === 123 /* { */ || lead === 60 /* < */) {
    const head = new TextDecoder().decode(bytes.subarray(first, first + 80)).replace(/\s+/g, " ");
    throw new RedcapResponseError(
      content,
      "shape",
      `the body is ${lead === 60 ? "XML" : "JSON"}, not the CSV asked for: ${JSON.stringify(head)}${
        bytes.length - first > 80 ? "…" : ""
      }`,
    );
  }
  const last = bytes[bytes.length - 1];
  if (last !== 10 && last !== 13) {
    throw new RedcapResponseError(
      content,
      "truncated",
      "the CSV body does not end with a line break, so it was cut short",
    );
  }
}

/**
 * The header of a CSV body: its first line's fields (REDCap field names, which never hold a
 * comma or a line break), without a BOM or quotes.
 *
 * @param bytes The body.
 * @returns The column names.
 */
export function csvHeader(bytes: Uint8Array): string[] {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const end = bytes.indexOf(10, start);
  const line = new TextDecoder().decode(bytes.subarray(start, end < 0 ? bytes.length : end));
  return line.replace(/\r$/, "").split(",").map((name) => name.replace(/^"(.*)"$/, "$1"));
}
