/**
 * {@linkcode tableOne}: the classic "Table 1" of a study, from the data dictionary.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import { displayHtml, type HtmlDisplay, withDisplay } from "../jupyter/display.ts";
import { escapeHtml } from "../jupyter/html_table.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import {
  checkboxOptions,
  columnValues,
  fieldOf,
  groupsOf,
  levelIndexes,
  percent,
  plainLabel,
  unitOf,
} from "./_field_values.ts";
import { numberStats } from "./_stats.ts";

/** How a number field is shown: *mean* (SD) or *median* [Q1, Q3]. */
export type NumberSummary = "mean" | "median";

/** Options for {@linkcode tableOne}. */
export interface TableOneOptions {
  /** A column to split by (one column per group, after *Overall*): a coded field (groups in
   * dictionary order, empty ones kept) or any other column (sorted; events, visit labels and
   * arm names in the project's order). Without it, *Overall* only.
   * @default {undefined}
   */
  by?: string;
  /** Fields, one block each, in this order (checkbox fields by base name). By default every
   * coded, checkbox and number field of the dictionary the frame holds (form statuses left
   * out), in dictionary order.
   * @default {undefined}
   */
  fields?: readonly string[];
  /** Number fields as *mean* (SD) or *median* [Q1, Q3]: one choice for all, or per field
   * (fields not named use *mean*).
   * @default {"mean"}
   */
  numbers?: NumberSummary | Readonly<Record<string, NumberSummary>>;
  /** Decimals of means, SDs, medians and quartiles.
   * @default {1}
   */
  digits?: number;
}

interface Line {
  variable: string | null;
  characteristic: string;
  level: boolean;
  cells: string[];
}

function defaultFields(frame: pl.DataFrame, dictionary: DataDictionary, by?: string): string[] {
  const columns = new Set(frameColumns(frame));
  return dictionary.fields.filter((f) => {
    if (f.implicit || f.name === by || f.name === dictionary.recordIdField) return false;
    if (f.type === "checkbox") {
      return dictionary.checkboxColumns(f.name).some((c) => columns.has(c.column)) ||
        columns.has(f.name);
    }
    const wanted = f.choices.length > 0 || ["integer", "number", "calc"].includes(f.typeInfo.kind);
    return wanted && columns.has(f.name);
  }).map((f) => f.name);
}

function fieldLines(
  frame: pl.DataFrame,
  dictionary: DataDictionary,
  field: FieldInfo,
  groupRows: boolean[][],
  summary: NumberSummary,
  digits: number,
): Line[] {
  const label = plainLabel(field);
  const fixed = (x: number | null) => x === null ? "" : x.toFixed(digits);
  const count = (n: number, total: number) =>
    total === 0 ? "" : `${n} (${percent(n, total)!.toFixed(1)}%)`;
  if (field.type === "checkbox") {
    const options = checkboxOptions(frame, dictionary, field);
    const totals = groupRows.map((rows) =>
      options[0].checked.filter((v, i) => v !== null && rows[i]).length
    );
    return [
      { variable: field.name, characteristic: `${label}, n (%)`, level: false, cells: [] },
      ...options.map((o) => ({
        variable: field.name,
        characteristic: o.label,
        level: true,
        cells: groupRows.map((rows, g) =>
          count(o.checked.filter((v, i) => v === true && rows[i]).length, totals[g])
        ),
      })),
    ];
  }
  if (field.choices.length > 0) {
    const indexes = levelIndexes(frame, field);
    const counts = groupRows.map((rows) => {
      const c = field.choices.map(() => 0);
      indexes.forEach((x, i) => {
        if (x !== null && x >= 0 && rows[i]) c[x]++;
      });
      return c;
    });
    const totals = counts.map((c) => c.reduce((a, b) => a + b, 0));
    return [
      { variable: field.name, characteristic: `${label}, n (%)`, level: false, cells: [] },
      ...field.choices.map((choice, l) => ({
        variable: field.name,
        characteristic: choice.label,
        level: true,
        cells: counts.map((c, g) => count(c[l], totals[g])),
      })),
    ];
  }
  if (!["integer", "number", "calc"].includes(field.typeInfo.kind)) {
    throw new RangeError(
      `Cannot make table one: "${field.name}" is a ${field.typeInfo.kind} field (table one shows coded, checkbox and number fields)`,
    );
  }
  const values = columnValues(frame, field.name);
  const unit = unitOf(field);
  const head = `${label}${unit ? ` (${unit})` : ""}, ${
    summary === "mean" ? "mean (SD)" : "median [Q1, Q3]"
  }`;
  return [{
    variable: field.name,
    characteristic: head,
    level: false,
    cells: groupRows.map((rows) => {
      const numbers = values.filter((v, i) => rows[i] && v !== null && v !== "")
        .map(Number).filter(Number.isFinite);
      if (numbers.length === 0) return "";
      const s = numberStats(numbers);
      return summary === "mean"
        ? `${fixed(s.mean)} (${fixed(s.sd)})`
        : `${fixed(s.median)} [${fixed(s.q1)}, ${fixed(s.q3)}]`;
    }),
  }];
}

/**
 * The classic "Table 1": for each field a block of rows, *n* (%) per level for coded fields
 * (levels in dictionary order, empty ones kept) and per option for checkboxes, mean (SD) or
 * median [Q1, Q3] for numbers, with a column for *Overall* and one per group of **by**. Row
 * labels come from field labels, with the unit (a number field's short field note) in
 * parentheses. Percentages are of the rows with a value of the field in the group.
 *
 * It counts rows: give it one row per participant (an instrument's table from
 * `readInstruments()`, a flat frame filtered to one event, or a join of such frames). Each
 * field counts the rows holding a value of it (blank rows, e.g. events where its form is not
 * designated, are left out of its percentages), and a **by** field from another event (sex,
 * on enrollment) groups every row of its record.
 *
 * Returns a plain frame: `variable` (the field name), `characteristic` (the row label; level
 * rows indented by two spaces), `Overall`, then one column per group, all text. The first row
 * is `n`. In Jupyter it shows as a formatted table with `(n=…)` under each column.
 *
 * @example Table 1 of the demo's participants at enrollment, by sex
 * ```ts
 * import { tableOne } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 40 });
 * const { data, dictionary } = await client.readRecords({ forms: ["enrollment"] });
 * const enrolled = data.filter(pl.col("enroll_date").isNotNull());
 * const table = tableOne(enrolled, dictionary, { by: "sex", fields: ["ethnicity", "race"] });
 * deepStrictEqual(table.columns, ["variable", "characteristic", "Overall", "Female", "Male", "Intersex"]);
 * deepStrictEqual(table.row(0), [null, "n", "40", ...table.row(0).slice(3)]);
 * ok(table.getColumn("characteristic").toArray().includes("  Hispanic or Latino"));
 * ```
 *
 * @param frame A frame of a read, one row per participant.
 * @param dictionary The project's dictionary.
 * @param options Groups, fields, how numbers are shown, decimals.
 * @returns The table as a frame of text; it shows as a formatted table in Jupyter.
 * @throws {RangeError} When a field is not in the dictionary or the frame, or is not a coded,
 * checkbox or number field.
 */
export function tableOne(
  frame: DataFrame,
  dictionary: DataDictionary,
  options: TableOneOptions = {},
): DataFrame & HtmlDisplay {
  const { by, numbers = "mean", digits = 1 } = options;
  if (!Number.isInteger(digits) || digits < 0 || digits > 6) {
    throw new RangeError(`Cannot make table one: "digits" must be 0 to 6, got ${digits}`);
  }
  const fields = options.fields ?? defaultFields(frame, dictionary, by);
  const height = frameHeight(frame);
  const groups = by === undefined ? undefined : groupsOf(frame, dictionary, by, "make table one");
  const names = ["Overall", ...(groups?.names ?? [])];
  const groupRows: boolean[][] = [
    new Array(height).fill(true),
    ...(groups?.names ?? []).map((_, g) => groups!.rows.map((r) => r === g)),
  ];
  const columns = new Set(frameColumns(frame));
  const lines: Line[] = [{
    variable: null,
    characteristic: "n",
    level: false,
    cells: groupRows.map((rows) => String(rows.filter(Boolean).length)),
  }];
  for (const name of fields) {
    const field = fieldOf(dictionary, name, "make table one");
    const present = columns.has(name) ||
      dictionary.checkboxColumns(name).some((c) => columns.has(c.column));
    if (!present) throw new RangeError(`Cannot make table one: the frame has no column "${name}"`);
    const summary = typeof numbers === "string" ? numbers : numbers[name] ?? "mean";
    lines.push(...fieldLines(frame, dictionary, field, groupRows, summary, digits));
  }
  const data: Record<string, pl.Series> = {
    variable: pl.Series("variable", lines.map((l) => l.variable), pl.String),
    characteristic: pl.Series(
      "characteristic",
      lines.map((l) => (l.level ? "  " : "") + l.characteristic),
      pl.String,
    ),
  };
  names.forEach((name, g) => {
    if (name in data) throw new RangeError(`Cannot make table one: two columns named "${name}"`);
    data[name] = pl.Series(name, lines.map((l) => l.cells[g] ?? ""), pl.String);
  });
  const table = pl.DataFrame(data);
  return withDisplay(table, () => displayHtml(tableOneHtml(lines, names), `Table 1: ${by ?? ""}`));
}

function tableOneHtml(lines: readonly Line[], names: readonly string[]): string {
  const [n, ...rest] = lines;
  const style = "<style>.denocap-t1{border-collapse:collapse;font-size:12px}" +
    ".denocap-t1 th,.denocap-t1 td{padding:2px 8px;text-align:right}" +
    ".denocap-t1 th:first-child,.denocap-t1 td:first-child{text-align:left}" +
    ".denocap-t1 thead{border-bottom:1px solid #888}.denocap-t1 td.level{padding-left:20px}" +
    ".denocap-t1 tr.block td{padding-top:6px}</style>";
  const head = names.map((name, g) =>
    `<th>${escapeHtml(name)}<br><span style="font-weight:normal">(n=${
      escapeHtml(n.cells[g])
    })</span></th>`
  ).join("");
  const body = rest.map((l) =>
    `<tr${l.level ? "" : ' class="block"'}><td${l.level ? ' class="level"' : ""}>${
      escapeHtml(l.characteristic)
    }</td>${names.map((_, g) => `<td>${escapeHtml(l.cells[g] ?? "")}</td>`).join("")}</tr>`
  ).join("");
  return `${style}<table class="denocap-t1"><thead><tr><th>Characteristic</th>${head}` +
    `</tr></thead><tbody>${body}</tbody></table>`;
}
