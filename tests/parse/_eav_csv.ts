/**
 * An EAV frame as REDCap writes it in CSV, for the EAV decoder tests.
 *
 * @module
 */
import type pl from "../../lib/deps/polars.ts";
import { csvCell } from "../../lib/server/_http.ts";

const encoder = new TextEncoder();

/** An EAV frame as REDCap writes it in CSV: PHP quoting, a TAB before `= - + @`. */
export function eavCsv(eav: pl.DataFrame, order?: string[]): Uint8Array {
  const columns = order ?? eav.columns;
  const lines = [columns.join(",")];
  for (const row of eav.toRecords()) {
    lines.push(
      columns.map((c) => {
        const value = String(row[c] ?? "");
        return csvCell(c === "value" && /^[-=+@]/.test(value) ? `\t${value}` : value);
      }).join(","),
    );
  }
  return encoder.encode(lines.join("\n") + "\n");
}
