/**
 * Writes rows (a DataFrame or objects) as a REDCap `data` body in csv, json or xml. Values are
 * sent as text; `null`/`undefined` become blanks.
 *
 * @module
 */
import type pl from "../deps/polars.ts";
import type { Format } from "../types.ts";

/** Rows as plain objects of strings, with their columns. */
export function toRows(
  action: string,
  data: pl.DataFrame | readonly Record<string, unknown>[],
): { columns: string[]; rows: Record<string, string>[] } {
  let objects: readonly Record<string, unknown>[];
  let columns: string[];
  if (isFrame(data)) {
    objects = data.toRecords() as Record<string, unknown>[];
    columns = data.getColumns().map((series) => series.name);
  } else if (Array.isArray(data)) {
    objects = data;
    const seen = new Set<string>();
    for (const [i, row] of data.entries()) {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw new TypeError(`Cannot ${action}: row ${i + 1} is not an object`);
      }
      for (const key of Object.keys(row)) seen.add(key);
    }
    columns = [...seen];
  } else {
    throw new TypeError(`Cannot ${action}: data must be a DataFrame or an array of objects`);
  }
  if (objects.length === 0) throw new RangeError(`Cannot ${action}: there are no rows to send`);
  const rows = objects.map((row, i) => {
    const out: Record<string, string> = {};
    for (const column of columns) {
      const value = row[column];
      if (value === null || value === undefined) out[column] = "";
      else if (typeof value === "string") out[column] = value;
      else if (
        typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
      ) {
        out[column] = String(value);
      } else if (value instanceof Date) {
        out[column] = value.toISOString().slice(0, 10);
      } else {
        throw new TypeError(`Cannot ${action}: row ${i + 1}, column "${column}" is not a scalar`);
      }
    }
    return out;
  });
  return { columns, rows };
}

/** Whether a value is a polars DataFrame. */
export function isFrame(value: unknown): value is pl.DataFrame {
  return !Array.isArray(value) && typeof value === "object" && value !== null &&
    typeof (value as pl.DataFrame).toRecords === "function" &&
    typeof (value as pl.DataFrame).getColumns === "function";
}

function csvCell(value: string): string {
  return /[",\n\r\t ]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function xmlCell(value: string): string {
  return value === "" ? "" : `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** Serialises rows for REDCap's `data` parameter. */
export function encodeRows(
  action: string,
  data: pl.DataFrame | readonly Record<string, unknown>[],
  format: Format,
): string {
  const { columns, rows } = toRows(action, data);
  return encodeStringRows(columns, rows, format);
}

/** Serialises rows of strings. */
export function encodeStringRows(
  columns: readonly string[],
  rows: readonly Record<string, string>[],
  format: Format,
): string {
  if (format === "json") return JSON.stringify(rows);
  if (format === "csv") {
    const lines = [columns.map(csvCell).join(",")];
    for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
    return lines.join("\n") + "\n";
  }
  const items = rows.map((row) =>
    "<item>" + columns.map((c) => `<${c}>${xmlCell(row[c])}</${c}>`).join("") + "</item>"
  );
  return `<?xml version="1.0" encoding="UTF-8" ?><records>${items.join("")}</records>`;
}
