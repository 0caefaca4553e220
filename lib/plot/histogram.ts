/**
 * {@linkcode plotHistogram}: the distribution of a numeric field.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { Chart } from "./chart.ts";
import { type ChartField, type FieldSource, resolveField } from "./field_info.ts";
import { columnValues, dtypeOf, isMissing, requireColumn, toNumber } from "./_data.ts";
import { base, groupOf, type GroupOptions, type PlotOptions } from "./_base.ts";

/** Options for {@linkcode plotHistogram}. */
export interface PlotHistogramOptions extends PlotOptions, GroupOptions {
  /**
   * At most this many bins (numbers); dates are binned by month.
   * @default {20}
   */
  maxBins?: number;
}

/**
 * A histogram of a number, integer, date or datetime field: binned counts (dates by month), x
 * titled with the field label; **by** stacks colored groups. Numeric text (raw exports) is read
 * as numbers.
 *
 * The field is found by name in the project's dictionary (label, kind, choices).
 *
 * @example A number field, found in the dictionary
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { DataDictionary } from "denocap";
 * import { plotHistogram } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "weight", form_name: "f", field_type: "text", field_label: "Weight (kg)",
 *     text_validation_type_or_show_slider_number: "number" },
 * ]);
 * const chart = plotHistogram(pl.DataFrame({ weight: [70.5, 80, 65] }), dd, "weight");
 * strictEqual((chart.spec.encoding as any).x.title, "Weight (kg)");
 * ```
 *
 * @param frame The data.
 * @param dictionary The project's data dictionary.
 * @param field The field's name (a checkbox field by its base name).
 * @param options Bins, grouping, title and size.
 * @returns A histogram.
 */
export function plotHistogram(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options?: PlotHistogramOptions,
): Chart;
/**
 * A histogram of a number, integer, date or datetime field: binned counts (dates by month), x
 * titled with the field label; **by** stacks colored groups. Numeric text (raw exports) is read
 * as numbers.
 *
 * @example Ages
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { plotHistogram } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ age: [34, 51, 29, 62, null] });
 * const chart = plotHistogram(df, { name: "age", label: "Age (years)", type: "integer" });
 * strictEqual((chart.spec.encoding as any).x.title, "Age (years)");
 * strictEqual((chart.spec.data as any).values.length, 4);
 * ```
 *
 * @param frame The data.
 * @param info The field.
 * @param options Bins, grouping, title and size.
 * @returns A histogram.
 */
export function plotHistogram(
  frame: DataFrame,
  info: ChartField,
  options?: PlotHistogramOptions,
): Chart;
export function plotHistogram(
  frame: DataFrame,
  source: FieldSource,
  nameOrOptions?: string | PlotHistogramOptions,
  maybeOptions?: PlotHistogramOptions,
): Chart {
  const [info, options = {}] = resolveField<PlotHistogramOptions>(
    source,
    nameOrOptions,
    maybeOptions,
  );
  const action = `plot field "${info.name}"`;
  requireColumn(frame, info.name, action);
  const { maxBins = 20 } = options;
  const variant = dtypeOf(frame, info.name);
  const temporal = info.type === "date" || info.type === "datetime" || variant === "Date" ||
    variant === "Datetime";
  const group = groupOf(frame, options, action);
  const raw = columnValues(frame, info.name);
  const values: Record<string, unknown>[] = [];
  raw.forEach((v, i) => {
    const value = temporal ? (isMissing(v) ? null : String(v)) : toNumber(v);
    if (value === null) return;
    values.push(group ? { value, group: group.values[i] } : { value });
  });
  const x = temporal
    ? { field: "value", type: "temporal", timeUnit: "utcyearmonth", title: info.label }
    : {
      field: "value",
      type: "quantitative",
      bin: info.type === "integer" || variant.startsWith("Int") || variant.startsWith("UInt")
        ? { maxbins: maxBins, minstep: 1 }
        : { maxbins: maxBins },
      title: info.label,
    };
  const encoding: Record<string, unknown> = {
    x,
    y: { aggregate: "count", type: "quantitative", title: "Count" },
  };
  if (group) {
    encoding.color = {
      field: "group",
      type: "nominal",
      sort: group.order,
      title: group.title,
      scale: { domain: group.order },
    };
  }
  return new Chart({
    ...base(options, values),
    description: `Distribution of ${info.label}`,
    mark: { type: "bar", tooltip: true },
    encoding,
  });
}
