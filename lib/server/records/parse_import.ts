/**
 * Reading the `data` of a record import (CSV, JSON or XML; flat or EAV) into flat rows of
 * strings, the shape {@linkcode importFlatRows} takes.
 *
 * @module
 */
import { XMLParser } from "../../deps/xml.ts";
import { csvRows, CsvSyntaxError, parseCsv } from "../../parse/csv_rows.ts";
import { ApiError, type Format } from "../_http.ts";
import { readXml } from "../_xml.ts";
import { unescapeCsvInjection } from "../_csv_injection.ts";

/** A flat import row: column name to raw value. */
export type FlatRow = Record<string, string>;

/**
 * Import rows as a header and rows of cells in header order (`undefined`: the row lacks the
 * column), the shape {@linkcode importRecordRows} takes. CSV rows are produced lazily.
 */
export interface ImportTable {
  header: string[];
  rows: Iterable<(string | undefined)[]>;
}

function jsonValue(value: unknown, column: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "";
  throw new ApiError(
    400,
    `Cannot import records: the JSON value of "${column}" is an ${
      Array.isArray(value) ? "array" : "object"
    }; every value must be a string or a number`,
  );
}

/** Parses a JSON import body: an array of objects. */
function parseJsonRows(data: string): FlatRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    throw new ApiError(
      400,
      `Cannot import records: the data is not valid JSON (${(error as Error).message})`,
    );
  }
  if (!Array.isArray(parsed)) throw new ApiError(400, "The JSON must be in an array");
  return parsed.map((item, index) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new ApiError(
        400,
        `Cannot import records: item ${index + 1} of the JSON array is not an object`,
      );
    }
    const row: FlatRow = {};
    for (const [key, value] of Object.entries(item)) row[key.trim()] = jsonValue(value, key);
    return row;
  });
}

/**
 * Parses a CSV import body with a header line. Short lines are padded with blanks; long ones
 * are an error. A value starting with a space and then `-`, `@`, `+` or `=` loses the space
 * (REDCap undoes its own formula-injection escaping this way).
 */
function parseCsvRows(data: string, delimiter: string): FlatRow[] {
  let cells: string[][];
  try {
    cells = parseCsv(data, delimiter);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new ApiError(
        400,
        `Cannot import records: ${
          error.message.replace(/^Cannot parse CSV: /, "the CSV data has an ")
        }`,
      );
    }
    throw error;
  }
  if (cells.length === 0) return [];
  const header = cells[0].map((h) => h.trim());
  const rows: FlatRow[] = [];
  for (let i = 1; i < cells.length; i++) {
    const line = cells[i];
    if (line.length > header.length) {
      throw new ApiError(
        400,
        `Cannot import records: CSV row ${i} has ${line.length} cells but the header has ` +
          `${header.length}`,
      );
    }
    const row: FlatRow = {};
    for (let k = 0; k < header.length; k++) {
      row[header[k]] = unescapeCsvInjection(line[k] ?? "");
    }
    rows.push(row);
  }
  return rows;
}

/** Parses an XML import body: `<records><item><field>value</field>...</item>...</records>`. */
function parseXmlRows(data: string): FlatRow[] {
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    isArray: (_name, jpath) => String(jpath) === "records.item",
  });
  const doc = readXml(data, parser, "import records");
  const records = doc.records;
  if (records === undefined) {
    throw new ApiError(400, "Cannot import records: the XML has no <records> root element");
  }
  if (typeof records !== "object" || records === null) return [];
  const items = (records as Record<string, unknown>).item as unknown[] | undefined;
  return (items ?? []).map((item, index) => {
    const row: FlatRow = {};
    if (item === null || typeof item !== "object") return row;
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (key === "#text") continue;
      if (value !== null && typeof value === "object") {
        throw new ApiError(
          400,
          `Cannot import records: <${key}> in item ${index + 1} holds elements or repeats; ` +
            `each field must be one element holding text`,
        );
      }
      row[key] = value === undefined || value === null ? "" : String(value);
    }
    return row;
  });
}

/**
 * Reads an import body in a format into rows of strings.
 *
 * @param data The `data` parameter.
 * @param format `csv`, `json` or `xml`.
 * @param delimiter The CSV delimiter.
 */
export function parseImportData(data: string, format: Format, delimiter = ","): FlatRow[] {
  if (data.trim() === "") return [];
  if (format === "json") return parseJsonRows(data);
  if (format === "csv") return parseCsvRows(data, delimiter);
  return parseXmlRows(data);
}

/**
 * Turns EAV import rows (`record, field_name, value[, redcap_event_name,
 * redcap_repeat_instrument, redcap_repeat_instance]`; checkboxes as `field___code` with 0/1) into
 * flat rows, one per record, event and repeat instance.
 *
 * @param rows EAV rows.
 * @param recordIdField The project's record ID field.
 */
export function eavToFlat(rows: readonly FlatRow[], recordIdField: string): FlatRow[] {
  const flat = new Map<string, FlatRow>();
  rows.forEach((row, index) => {
    for (const column of ["record", "field_name", "value"]) {
      if (!(column in row)) {
        throw new ApiError(
          400,
          `Cannot import records: EAV row ${index + 1} has no "${column}" column (EAV rows need ` +
            `record, field_name and value)`,
        );
      }
    }
    const record = row.record.trim();
    const event = (row.redcap_event_name ?? "").trim();
    const instrument = (row.redcap_repeat_instrument ?? "").trim();
    const instance = (row.redcap_repeat_instance ?? "").trim();
    if (instance.toLowerCase() === "new") {
      throw new ApiError(
        400,
        `Cannot import records: redcap_repeat_instance "new" (record "${record}") is only ` +
          `allowed in flat imports, not in EAV imports`,
      );
    }
    const key = JSON.stringify([record, event, instrument, instance]);
    let target = flat.get(key);
    if (!target) {
      target = { [recordIdField]: record };
      if ("redcap_event_name" in row) target.redcap_event_name = event;
      if ("redcap_repeat_instrument" in row) target.redcap_repeat_instrument = instrument;
      if ("redcap_repeat_instance" in row) target.redcap_repeat_instance = instance;
      flat.set(key, target);
    }
    const field = row.field_name.trim();
    if (field !== recordIdField) target[field] = row.value;
  });
  return [...flat.values()];
}

function csvError(error: unknown): unknown {
  if (error instanceof CsvSyntaxError) {
    return new ApiError(
      400,
      `Cannot import records: ${
        error.message.replace(/^Cannot parse CSV: /, "the CSV data has an ")
      }`,
    );
  }
  return error;
}

/** The rows of a CSV import body after its header, checked, padded and unescaped lazily. */
function* csvBodyRows(
  lines: Generator<string[]>,
  width: number,
): Generator<(string | undefined)[]> {
  let number = 0;
  for (;;) {
    let next: IteratorResult<string[]>;
    try {
      next = lines.next();
    } catch (error) {
      throw csvError(error);
    }
    if (next.done) return;
    const line = next.value;
    number++;
    if (line.length > width) {
      throw new ApiError(
        400,
        `Cannot import records: CSV row ${number} has ${line.length} cells but the header has ` +
          `${width}`,
      );
    }
    for (let k = 0; k < width; k++) {
      line[k] = unescapeCsvInjection(line[k] ?? "");
    }
    yield line;
  }
}

/** Objects to a table: the header is every key in order of first appearance. */
export function tableOfObjects(rows: readonly FlatRow[]): ImportTable {
  const positions = new Map<string, number>();
  for (const row of rows) {
    for (const key in row) if (!positions.has(key)) positions.set(key, positions.size);
  }
  const header = [...positions.keys()];
  return { header, rows: rows.values().map((row) => header.map((name) => row[name])) };
}

/**
 * Reads an import body (`type=flat`) in a format into a table. A CSV body is read lazily: its
 * rows are produced as the import asks for them (the header is read at once), and its syntax
 * errors surface while the rows are read.
 *
 * @param data The `data` parameter.
 * @param format `csv`, `json` or `xml`.
 * @param delimiter The CSV delimiter.
 */
export function parseImportTable(data: string, format: Format, delimiter = ","): ImportTable {
  if (format !== "csv") return tableOfObjects(parseImportData(data, format, delimiter));
  if (data.trim() === "") return { header: [], rows: [] };
  const lines = csvRows(data, delimiter);
  let first: IteratorResult<string[]>;
  try {
    first = lines.next();
  } catch (error) {
    throw csvError(error);
  }
  if (first.done) return { header: [], rows: [] };
  const header = first.value.map((h) => h.trim());
  return { header, rows: csvBodyRows(lines, header.length) };
}
