/**
 * {@linkcode plotCheckboxes}: how often each option of a checkbox field is ticked.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { Chart } from "./chart.ts";
import { type ChartField, checkboxColumn, type FieldSource, resolveField } from "./field_info.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { columnValues, isChecked } from "./_data.ts";
import {
  base,
  countChannel,
  discreteAxis,
  groupOf,
  type GroupOptions,
  hasLongLabel,
  type PlotOptions,
} from "./_base.ts";

/** Options for {@linkcode plotCheckboxes}. */
export interface PlotCheckboxesOptions extends PlotOptions, GroupOptions {
  /**
   * Bars standing up or lying down; *auto* lays them down when an option label is longer than
   * 12 characters.
   * @default {"auto"}
   */
  orient?: "auto" | "vertical" | "horizontal";
}

/**
 * Frequencies of a checkbox field's options: one bar per option (in dictionary order) counting
 * the rows where it is checked, from the `field___code` columns. Tooltips give the share of rows
 * with any answer. Cells may be Booleans, `0`/`1`, `Checked`/`Unchecked` or the option label.
 *
 * The field is found by name in the project's dictionary (label, kind, choices).
 *
 * @param frame The data with `{field}___{code}` columns.
 * @param dictionary The project's data dictionary.
 * @param field The field's name (a checkbox field by its base name).
 * @param options Grouping, title and size.
 * @returns A bar chart.
 */
export function plotCheckboxes(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options?: PlotCheckboxesOptions,
): Chart;
/**
 * Frequencies of a checkbox field's options: one bar per option (in dictionary order) counting
 * the rows where it is checked, from the `field___code` columns. Tooltips give the share of rows
 * with any answer. Cells may be Booleans, `0`/`1`, `Checked`/`Unchecked` or the option label.
 *
 * @example One bar per option
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { plotCheckboxes } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ race___1: [true, false, true], race___2: [false, false, true] });
 * const info = {
 *   name: "race", label: "Race", type: "checkbox" as const,
 *   choices: [{ code: "1", label: "White" }, { code: "2", label: "Asian" }],
 * };
 * const values = (plotCheckboxes(df, info).spec.data as any).values;
 * deepStrictEqual(values.map((v: any) => [v.option, v.count]), [["White", 2], ["Asian", 1]]);
 * ```
 *
 * @param frame The data with `{field}___{code}` columns.
 * @param info The checkbox field with its choices.
 * @param options Grouping, title and size.
 * @returns A bar chart.
 */
export function plotCheckboxes(
  frame: DataFrame,
  info: ChartField,
  options?: PlotCheckboxesOptions,
): Chart;
export function plotCheckboxes(
  frame: DataFrame,
  source: FieldSource,
  nameOrOptions?: string | PlotCheckboxesOptions,
  maybeOptions?: PlotCheckboxesOptions,
): Chart {
  const [info, options = {}] = resolveField<PlotCheckboxesOptions>(
    source,
    nameOrOptions,
    maybeOptions,
  );
  const action = `plot checkbox field "${info.name}"`;
  const present = new Set(frameColumns(frame));
  const options_ = (info.choices ?? []).map((c) => ({
    ...c,
    column: checkboxColumn(info.name, c.code),
  })).filter((c) => present.has(c.column));
  if (!options_.length) {
    throw new Error(
      `Cannot ${action}: the frame has none of its "${info.name}___<code>" columns`,
    );
  }
  const group = groupOf(frame, options, action);
  const groups = group ? group.order : [""];
  const columns = options_.map((o) => ({ ...o, values: columnValues(frame, o.column) }));
  const answered = new Map<string, number>();
  const checked = new Map<string, number>();
  for (let i = 0, n = frameHeight(frame); i < n; i++) {
    const g = group ? group.values[i] ?? "Missing" : "";
    const states = columns.map((c) => isChecked(c.values[i], c.label));
    if (states.every((s) => s === null)) continue;
    answered.set(g, (answered.get(g) ?? 0) + 1);
    columns.forEach((c, k) => {
      if (states[k]) {
        checked.set(`${c.label}\u0000${g}`, (checked.get(`${c.label}\u0000${g}`) ?? 0) + 1);
      }
    });
  }
  const order = options_.map((o) => o.label);
  const values = order.flatMap((option) =>
    groups.map((g) => {
      const count = checked.get(`${option}\u0000${g}`) ?? 0;
      const n = answered.get(g) ?? 0;
      return { option, ...(group ? { group: g } : {}), count, n, share: n ? count / n : 0 };
    })
  );
  const horizontal = options.orient === "horizontal" ||
    (options.orient !== "vertical" && hasLongLabel(order));
  const optionChannel = {
    field: "option",
    type: "nominal",
    sort: order,
    title: info.label,
    axis: horizontal ? { labelLimit: 260, maxExtent: 275 } : discreteAxis(order),
  };
  const counted = countChannel();
  const encoding: Record<string, unknown> = {
    ...(horizontal ? { y: optionChannel, x: counted } : { x: optionChannel, y: counted }),
    tooltip: [
      { field: "option", title: info.label },
      ...(group ? [{ field: "group", title: group.title }] : []),
      { field: "count", type: "quantitative", title: "Checked" },
      { field: "share", type: "quantitative", title: "Share of answers", format: ".0%" },
    ],
  };
  if (group) {
    encoding.color = {
      field: "group",
      type: "nominal",
      sort: group.order,
      title: group.title,
      scale: { domain: group.order },
    };
    encoding[horizontal ? "yOffset" : "xOffset"] = { field: "group", sort: group.order };
  }
  return new Chart({
    ...base(options, values),
    description: `Options checked for ${info.label}`,
    mark: { type: "bar" },
    encoding,
  });
}
