/**
 * A project folder's CSV files as tables whose rows know their line, for errors that name the
 * file and line.
 *
 * @module
 */
import { join } from "node:path";
import { CsvSyntaxError, parseCsv } from "../../parse/csv_rows.ts";

/** A CSV table with the 1-based line each data row starts on. */
export interface Table {
  file: string;
  header: string[];
  rows: { line: number; cells: Record<string, string> }[];
}

/** Start line of every non-blank CSV record, matching `parseCsv`'s rows. */
function recordLines(text: string): number[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines: number[] = [];
  let line = 1;
  let inQuote = false;
  let atStart = true;
  let blank = true;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (atStart) {
      start = line;
      atStart = false;
      blank = true;
    }
    if (c === '"') inQuote = !inQuote;
    if (c === "\n") line++;
    if (!inQuote && (c === "\n" || c === "\r")) {
      if (!blank) lines.push(start);
      if (c === "\r" && text[i + 1] === "\n") i++;
      if (c === "\r") line++;
      atStart = true;
      continue;
    }
    blank = false;
  }
  if (!atStart && !blank) lines.push(start);
  return lines;
}

/**
 * Reads a CSV file of the folder as a table, `undefined` when it is absent and not required.
 * A CSV syntax error names the file and line.
 */
export function readTable(folder: string, file: string, required = false): Table | undefined {
  const path = join(folder, file);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      if (!required) return undefined;
      throw new RangeError(`Cannot read project folder "${folder}": ${file} is missing`);
    }
    throw error;
  }
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new SyntaxError(`Cannot read ${file} line ${error.line}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const lines = recordLines(text);
  if (rows.length === 0) return { file, header: [], rows: [] };
  const header = rows[0].map((h) => h.trim());
  return {
    file,
    header,
    rows: rows.slice(1).map((cells, index) => {
      const line = lines[index + 1] ?? index + 2;
      if (cells.length > header.length) {
        throw new SyntaxError(
          `Cannot read ${file} line ${line}: the row has ${cells.length} cells but the header has ${header.length}`,
        );
      }
      const object: Record<string, string> = {};
      for (let k = 0; k < header.length; k++) object[header[k]] = cells[k] ?? "";
      return { line, cells: object };
    }),
  };
}

/** Throws, naming the file, when the table lacks any of the columns. */
export function requireColumns(table: Table, columns: string[]): void {
  const missing = columns.filter((c) => !table.header.includes(c));
  if (missing.length > 0) {
    throw new SyntaxError(
      `Cannot read ${table.file} line 1: missing column${missing.length > 1 ? "s" : ""} ${
        missing.map((c) => `"${c}"`).join(", ")
      }`,
    );
  }
}

/** A cell as an integer (or `fallback` when blank), else an error naming file, line and column. */
export function integer(
  table: Table,
  line: number,
  column: string,
  value: string,
  fallback?: number,
): number {
  if (value.trim() === "" && fallback !== undefined) return fallback;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new SyntaxError(
      `Cannot read ${table.file} line ${line}: ${column} "${value}" is not an integer`,
    );
  }
  return Number(value);
}

/** `demographics` → `Demographics`, `adverse_events` → `Adverse events`. */
export function formLabel(form: string): string {
  const spaced = form.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
