/**
 * {@linkcode plotBox}: a box plot of a numeric field, by group.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { Chart } from "./chart.ts";
import { type ChartField, type FieldSource, resolveField } from "./field_info.ts";
import { columnValues, requireColumn, toNumber } from "./_data.ts";
import { base, discreteAxis, groupOf, type GroupOptions, type PlotOptions } from "./_base.ts";

/** Options for {@linkcode plotBox}. */
export type PlotBoxOptions = PlotOptions & GroupOptions;

/**
 * A box plot of a number field (median, quartiles, 1.5 IQR whiskers, outliers), one box per
 * **by** group in label order, or a single horizontal box.
 *
 * The field is found by name in the project's dictionary (label, kind, choices).
 *
 * @param frame The data.
 * @param dictionary The project's data dictionary.
 * @param field The field's name (a checkbox field by its base name).
 * @param options Grouping, title and size.
 * @returns A box plot.
 */
export function plotBox(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options?: PlotBoxOptions,
): Chart;
/**
 * A box plot of a number field (median, quartiles, 1.5 IQR whiskers, outliers), one box per
 * **by** group in label order, or a single horizontal box.
 *
 * @example Weight by arm
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { plotBox } from "denocap/plot";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ arm: ["B", "A", "B"], weight: [70.5, 80, 65] });
 * const arm = {
 *   name: "arm", label: "Arm", type: "choice" as const,
 *   choices: [{ code: "B", label: "B" }, { code: "A", label: "A" }],
 * };
 * const chart = plotBox(df, { name: "weight", label: "Weight (kg)", type: "number" }, { by: "arm", byInfo: arm });
 * const encoding = chart.spec.encoding as any;
 * strictEqual(encoding.y.title, "Weight (kg)");
 * deepStrictEqual(encoding.x.sort, ["B", "A"]);
 * ```
 *
 * @param frame The data.
 * @param info The number field.
 * @param options Grouping, title and size.
 * @returns A box plot.
 */
export function plotBox(frame: DataFrame, info: ChartField, options?: PlotBoxOptions): Chart;
export function plotBox(
  frame: DataFrame,
  source: FieldSource,
  nameOrOptions?: string | PlotBoxOptions,
  maybeOptions?: PlotBoxOptions,
): Chart {
  const [info, options = {}] = resolveField<PlotBoxOptions>(source, nameOrOptions, maybeOptions);
  const action = `plot field "${info.name}"`;
  requireColumn(frame, info.name, action);
  const group = groupOf(frame, options, action);
  const values: Record<string, unknown>[] = [];
  columnValues(frame, info.name).forEach((v, i) => {
    const value = toNumber(v);
    if (value === null) return;
    values.push(group ? { value, group: group.values[i] } : { value });
  });
  const valueChannel = {
    field: "value",
    type: "quantitative",
    title: info.label,
    scale: { zero: false },
  };
  const encoding: Record<string, unknown> = group
    ? {
      x: {
        field: "group",
        type: "nominal",
        sort: group.order,
        title: group.title,
        axis: discreteAxis(group.order),
      },
      y: valueChannel,
      color: {
        field: "group",
        type: "nominal",
        sort: group.order,
        scale: { domain: group.order },
        legend: null,
      },
    }
    : { x: valueChannel };
  return new Chart({
    ...base(options, values),
    ...(group && options.width === undefined ? { width: { step: 48 } } : {}),
    description: `Box plot of ${info.label}`,
    mark: { type: "boxplot", extent: 1.5 },
    encoding,
  });
}
