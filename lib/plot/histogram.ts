/**
 * {@linkcode plotHistogram}: the distribution of a numeric field.
 *
 * @module
 */
import type pl from "nodejs-polars";
import { Chart } from "./chart.ts";
import type { FieldInfo } from "./field_info.ts";
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
 * @example Ages
 * ```ts
 * import pl from "nodejs-polars";
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
  frame: pl.DataFrame,
  info: FieldInfo,
  options: PlotHistogramOptions = {},
): Chart {
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
