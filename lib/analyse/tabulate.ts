/**
 * {@linkcode tabulate}: counts of a coded or checkbox field in the data dictionary's order.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { displayFrame, type HtmlDisplay, withDisplay } from "../jupyter/display.ts";
import {
  checkboxOptions,
  columnValues,
  fieldOf,
  groupsOf,
  levelIndexes,
  percent,
  plainLabel,
} from "./_field_values.ts";

/** Options for {@linkcode tabulate}. */
export interface TabulateOptions {
  /** A column to count within: a coded field (groups in dictionary order, empty ones kept) or
   * any other column (groups in sorted order; `redcap_event_name`, and the `event_label` and
   * `arm_name` of `withEventColumns()`, in the project's order). Rows where it is blank and the field has a value form a group of their own (its
   * name is null), listed last.
   * @default {undefined}
   */
  by?: string;
}

/**
 * Counts every level of a coded field (radio, dropdown, yesno, truefalse, form status) in the
 * dictionary's order, levels with no rows kept; for a checkbox field, one row per option with
 * the rows checking it. Works on frames read with labels or with codes (and on raw exports).
 *
 * Columns: the **by** column when given, `code`, `level` (the label), `n` and `percent`. For a
 * coded field `percent` is of the rows with a value (blank rows, e.g. events where the form is
 * not designated, are left out); for a checkbox, of the rows where the field has a value (its
 * form is on the row), as REDCap's own stats of a checkbox count records checking each option.
 * Percentages are rounded to one decimal. The frame shows as a titled table in Jupyter.
 *
 * @example Sex and race of the demo's participants
 * ```ts
 * import { tabulate } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 30 });
 * const { data, dictionary } = await client.readRecords({ forms: ["enrollment"] });
 * const sex = tabulate(data, dictionary, "sex");
 * deepStrictEqual(sex.getColumn("level").toArray(), ["Female", "Male", "Intersex"]);
 * strictEqual(sex.getColumn("n").sum(), 30);
 *
 * const race = tabulate(data, dictionary, "race", { by: "sex" });
 * deepStrictEqual(race.columns, ["sex", "code", "level", "n", "percent"]);
 * ```
 *
 * @param frame A frame of a read (`readRecords`, `readInstruments`, or a filtered part of one).
 * @param dictionary The project's dictionary.
 * @param field A coded or checkbox field (checkbox fields by their base name).
 * @param options A column to count within.
 * @returns One row per level (per group), in dictionary order.
 * @throws {RangeError} When the field is not in the dictionary, not coded, or not in the frame,
 * or when a value is none of the field's codes or labels.
 */
export function tabulate(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options: TabulateOptions = {},
): DataFrame & HtmlDisplay {
  const action = `tabulate "${field}"`;
  const info = fieldOf(dictionary, field, action);
  if (info.choices.length === 0) {
    throw new RangeError(
      `Cannot ${action}: it is a ${info.type} field without choices (tabulate coded and checkbox fields; use summarize() for others)`,
    );
  }
  const { by } = options;
  const groups = by === undefined
    ? { names: [] as string[], rows: [] as (number | null)[] }
    : groupsOf(frame, dictionary, by, action);
  const hasNullGroup = by !== undefined && groups.rows.includes(null);
  const groupNames: (string | null)[] = by === undefined
    ? [null]
    : [...groups.names, ...(hasNullGroup ? [null] : [])];
  const groupOf = (row: number): number =>
    by === undefined ? 0 : groups.rows[row] ?? groups.names.length;

  const out = { group: [] as (string | null)[], code: [] as string[], level: [] as string[] };
  const n: number[] = [];
  const pct: (number | null)[] = [];
  const push = (g: string | null, code: string, label: string, count: number, total: number) => {
    // The blank group only when some of its rows have a value of the field.
    if (g === null && by !== undefined && total === 0) return;
    out.group.push(g);
    out.code.push(code);
    out.level.push(label);
    n.push(count);
    pct.push(percent(count, total));
  };

  if (info.type === "checkbox") {
    const options = checkboxOptions(frame, dictionary, info);
    groupNames.forEach((g, gi) => {
      const inGroup = (row: number) => groupOf(row) === gi;
      const total = options[0].checked.filter((v, row) => v !== null && inGroup(row)).length;
      for (const o of options) {
        const count = o.checked.filter((v, row) => v === true && inGroup(row)).length;
        push(g, o.code, o.label, count, total);
      }
    });
  } else {
    const indexes = levelIndexes(frame, info);
    const unknown = indexes.indexOf(-1);
    if (unknown >= 0) {
      throw new RangeError(
        `Cannot ${action}: row ${unknown + 1} holds ${
          JSON.stringify(columnValues(frame, field)[unknown])
        }, which is none of its codes or labels`,
      );
    }
    groupNames.forEach((g, gi) => {
      const counts = info.choices.map(() => 0);
      let total = 0;
      indexes.forEach((level, row) => {
        if (level === null || groupOf(row) !== gi) return;
        counts[level]++;
        total++;
      });
      info.choices.forEach((c, i) => push(g, c.code, c.label, counts[i], total));
    });
  }
  const columns: pl.Series[] = [
    pl.Series("code", out.code, pl.String),
    pl.Series("level", out.level, pl.String),
    pl.Series("n", n, pl.Int64),
    pl.Series("percent", pct, pl.Float64),
  ];
  if (by !== undefined) columns.unshift(pl.Series(by, out.group, pl.String));
  const title = `${plainLabel(info)} (${field})${by === undefined ? "" : ` by ${by}`}`;
  return withDisplay(pl.DataFrame(columns), (df) => displayFrame(df, { title, maxRows: 200 }));
}
