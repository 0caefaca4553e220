/**
 * {@linkcode plotChoices}: counts of a single-choice field, in the dictionary's choice order.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { Chart } from "./chart.ts";
import { type ChartField, type FieldSource, resolveField } from "./field_info.ts";
import { categoryOrder, choiceLabeler, columnValues, requireColumn } from "./_data.ts";
import {
  base,
  countChannel,
  discreteAxis,
  groupOf,
  type GroupOptions,
  hasLongLabel,
  type PlotOptions,
} from "./_base.ts";

/** Options for {@linkcode plotChoices}. */
export interface PlotChoicesOptions extends PlotOptions, GroupOptions {
  /**
   * Also count missing values, as a last "Missing" bar.
   * @default {false}
   */
  showMissing?: boolean;
  /**
   * Bars standing up (*vertical*, categories along x) or lying down (*horizontal*, categories
   * along y); *auto* lays them down when a category label is longer than 12 characters.
   * @default {"auto"}
   */
  orient?: "auto" | "vertical" | "horizontal";
  /**
   * For fields without choices (free text), show the most frequent values, at most this many.
   * @default {20}
   */
  limit?: number;
}

/**
 * Bars of a choice field (radio, dropdown, yesno, truefalse, `{form}_complete`): one bar per
 * choice in the data dictionary's order (not alphabetical), zero-count choices included, with
 * counts. With **by** (an arm, an event, another choice field) the bars are grouped and colored.
 * The column may hold labels, raw codes or Booleans.
 *
 * The field is found by name in the project's dictionary (label, kind, choices).
 *
 * @example Counts of a radio field, found in the dictionary
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { DataDictionary } from "denocap";
 * import { plotChoices } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "pain", form_name: "f", field_type: "radio", field_label: "Pain",
 *     select_choices_or_calculations: "0, None | 1, Mild | 2, Severe" },
 * ]);
 * const chart = plotChoices(pl.DataFrame({ pain: ["Mild", "None", "Mild"] }), dd, "pain");
 * deepStrictEqual((chart.spec.encoding as any).x.sort, ["None", "Mild", "Severe"]);
 * ```
 *
 * @param frame The data.
 * @param dictionary The project's data dictionary.
 * @param field The field's name (a checkbox field by its base name).
 * @param options Grouping, orientation, missing values, title and size.
 * @returns A bar chart.
 */
export function plotChoices(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options?: PlotChoicesOptions,
): Chart;
/**
 * Bars of a choice field (radio, dropdown, yesno, truefalse, `{form}_complete`): one bar per
 * choice in the data dictionary's order (not alphabetical), zero-count choices included, with
 * counts. With **by** (an arm, an event, another choice field) the bars are grouped and colored.
 * The column may hold labels, raw codes or Booleans.
 *
 * @example Bars in dictionary order
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { plotChoices } from "denocap/plot";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ pain: ["Severe", "None", "Severe", null] });
 * const info = {
 *   name: "pain", label: "Pain level", type: "choice" as const,
 *   choices: [{ code: "0", label: "None" }, { code: "1", label: "Mild" }, { code: "2", label: "Severe" }],
 * };
 * const chart = plotChoices(df, info);
 * const x = (chart.spec.encoding as any).x;
 * deepStrictEqual(x.sort, ["None", "Mild", "Severe"]);
 * strictEqual(x.title, "Pain level");
 * ```
 *
 * @param frame The data.
 * @param info The field (its column is `info.name`).
 * @param options Grouping, orientation, missing values, title and size.
 * @returns A bar chart.
 */
export function plotChoices(
  frame: DataFrame,
  info: ChartField,
  options?: PlotChoicesOptions,
): Chart;
export function plotChoices(
  frame: DataFrame,
  source: FieldSource,
  nameOrOptions?: string | PlotChoicesOptions,
  maybeOptions?: PlotChoicesOptions,
): Chart {
  const [info, options = {}] = resolveField<PlotChoicesOptions>(
    source,
    nameOrOptions,
    maybeOptions,
  );
  const action = `plot field "${info.name}"`;
  requireColumn(frame, info.name, action);
  const { showMissing = false, orient = "auto", limit = 20 } = options;
  const label = choiceLabeler(info);
  const raw = columnValues(frame, info.name).map((v) =>
    label(v) ?? (showMissing ? "Missing" : null)
  );
  const group = groupOf(frame, options, action);
  const observed = raw.filter((v): v is string => v !== null);
  let order: string[];
  if (info.choices?.length || info.type === "boolean") {
    order = categoryOrder(info, observed);
  } else {
    const counts = new Map<string, number>();
    for (const v of observed) counts.set(v, (counts.get(v) ?? 0) + 1);
    order = [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([v]) => v);
  }
  if (showMissing && observed.includes("Missing") && !order.includes("Missing")) {
    order.push("Missing");
  }
  const groups = group ? group.order : [""];
  const counts = new Map<string, number>();
  raw.forEach((category, i) => {
    if (category === null) return;
    const key = `${category}\u0000${group ? group.values[i] : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const values = order.flatMap((category) =>
    groups.map((g) => ({
      category,
      ...(group ? { group: g } : {}),
      count: counts.get(`${category}\u0000${g}`) ?? 0,
    }))
  );
  const horizontal = orient === "horizontal" || (orient === "auto" && hasLongLabel(order));
  const categoryChannel = {
    field: "category",
    type: "nominal",
    sort: order,
    title: info.label,
    axis: horizontal ? { labelLimit: 260, maxExtent: 275 } : discreteAxis(order),
  };
  const counted = countChannel();
  const encoding: Record<string, unknown> = horizontal
    ? { y: categoryChannel, x: counted }
    : { x: categoryChannel, y: counted };
  const tooltip: unknown[] = [{ field: "category", title: info.label }];
  if (group) {
    const groupChannel = { field: "group", type: "nominal", sort: group.order, title: group.title };
    encoding.color = { ...groupChannel, scale: { domain: group.order } };
    encoding[horizontal ? "yOffset" : "xOffset"] = { field: "group", sort: group.order };
    tooltip.push({ field: "group", title: group.title });
  }
  tooltip.push({ field: "count", type: "quantitative", title: "Count" });
  encoding.tooltip = tooltip;
  // Standing bars: make each band wide enough for its label, so labels never overlap.
  const longest = Math.max(0, ...order.map((c) => c.length));
  const step = Math.max(group ? 12 * groups.length + 8 : 20, Math.ceil(longest * 6.5) + 10);
  return new Chart({
    ...base(options, values),
    ...(!horizontal && options.width === undefined ? { width: { step, for: "position" } } : {}),
    description: `Counts of ${info.label}`,
    mark: { type: "bar" },
    encoding,
  });
}
