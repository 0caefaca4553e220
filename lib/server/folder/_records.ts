/**
 * A project folder's `records.csv`: flat raw rows in REDCap's import shape.
 *
 * @module
 */
import { unescapeCsvInjection } from "../_csv_injection.ts";
import { readTable, requireColumns } from "./_tables.ts";

/**
 * Reads `records.csv` (optional): every row needs a record ID; `redcap_data_access_group` gives
 * the record's group.
 *
 * @param folder The folder.
 * @param idField The record ID field.
 * @returns The rows and each record's group.
 */
export function readRecords(
  folder: string,
  idField: string,
): { records: Record<string, string>[]; recordDags: Record<string, string> } {
  const records: Record<string, string>[] = [];
  const recordDags: Record<string, string> = {};
  const recordTable = readTable(folder, "records.csv");
  if (recordTable && recordTable.rows.length > 0) {
    requireColumns(recordTable, [idField]);
    for (const { line, cells } of recordTable.rows) {
      if (!cells[idField]) {
        throw new SyntaxError(`Cannot read records.csv line ${line}: ${idField} is blank`);
      }
      const dag = cells.redcap_data_access_group;
      if (dag) recordDags[cells[idField]] = dag;
      // A real project's UI download escapes CSV injection (" -100"); REDCap's CSV import
      // removes that space, and so does loading the folder.
      for (const [key, value] of Object.entries(cells)) cells[key] = unescapeCsvInjection(value);
      records.push(cells);
    }
  }
  return { records, recordDags };
}
