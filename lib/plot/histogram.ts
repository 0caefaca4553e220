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
import { base, countChannel, groupOf, type GroupOptions, type PlotOptions } from "./_base.ts";
import {
  type Bin,
  binIndex,
  chooseDateBin,
  type DateBin,
  dateBinIndex,
  dateBins,
  numberBins,
} from "./_bins.ts";

export type { DateBin } from "./_bins.ts";

const DATE_BINS: readonly DateBin[] = ["day", "week", "month", "quarter", "year"];

/** Options for {@linkcode plotHistogram}. */
export interface PlotHistogramOptions extends PlotOptions, GroupOptions {
  /**
   * At most this many bins for numbers (nice equal widths); dates get at most twice as many
   * calendar bins.
   * @default {20}
   */
  maxBins?: number;
  /**
   * The calendar bin of dates and datetimes. *auto* takes the finest of day, week (from
   * Monday), month, quarter and year that gives at most 2 × **maxBins** bars, grouping years
   * (2, 5, 10, … years a bar) past that: 60 days of visits get daily bars, a 70-year span of
   * dates of birth 2-year bars.
   * @default {"auto"}
   */
  dateBin?: "auto" | DateBin;
  /**
   * With **by**: *dodge* puts each group's bar side by side within a bin, *facet* draws one
   * histogram per group in rows sharing the x axis; *auto* dodges up to 3 groups and facets
   * more. Bars are never stacked.
   * @default {"auto"}
   */
  layout?: "auto" | "dodge" | "facet";
}

/**
 * A histogram of a number, integer, date or datetime field: binned counts (dates by a calendar
 * unit chosen from their span), x titled with the field label, the count axis in whole numbers;
 * **by** dodges colored groups within each bin, or facets them. Numeric text (raw exports) is
 * read as numbers.
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
 * A histogram of a number, integer, date or datetime field: binned counts (dates by a calendar
 * unit chosen from their span), x titled with the field label, the count axis in whole numbers;
 * **by** dodges colored groups within each bin, or facets them. Numeric text (raw exports) is
 * read as numbers.
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
 * // One row per bin with its count; the null is left out.
 * strictEqual((chart.spec.data as any).values.reduce((n: number, v: any) => n + v.count, 0), 4);
 * ```
 *
 * @example Dates of birth over 70 years get 2-year bars
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { plotHistogram } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dob = [new Date("1940-03-02"), new Date("1975-06-30"), new Date("2009-12-31")];
 * const chart = plotHistogram(pl.DataFrame({ dob }), { name: "dob", label: "Date of birth", type: "date" });
 * const values = (chart.spec.data as any).values;
 * strictEqual(values[0].bin, "1940–1941");
 * strictEqual(values.length, 35);
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
  const { maxBins = 20, dateBin = "auto", layout = "auto" } = options;
  if (!(maxBins >= 1)) {
    throw new RangeError(`Cannot ${action}: maxBins must be at least 1, got ${maxBins}`);
  }
  if (dateBin !== "auto" && !DATE_BINS.includes(dateBin)) {
    throw new RangeError(
      `Cannot ${action}: dateBin must be "auto" or one of ${
        DATE_BINS.join(", ")
      }, got "${dateBin}"`,
    );
  }
  const variant = dtypeOf(frame, info.name);
  const temporal = info.type === "date" || info.type === "datetime" || variant === "Date" ||
    variant === "Datetime";
  const integer = info.type === "integer" || variant.startsWith("Int") ||
    variant.startsWith("UInt");
  const group = groupOf(frame, options, action);
  const xs: number[] = [];
  const rows: number[] = [];
  columnValues(frame, info.name).forEach((v, i) => {
    const x = temporal ? (isMissing(v) ? null : Date.parse(String(v))) : toNumber(v);
    if (x === null || Number.isNaN(x)) return;
    xs.push(x);
    rows.push(i);
  });
  let bins: Bin[] = [];
  let unit: DateBin | undefined;
  if (temporal && xs.length) {
    // A loop, not Math.min(...xs): spreading 100k+ values overflows the stack.
    let min = Infinity, max = -Infinity;
    for (const t of xs) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
    unit = dateBin === "auto" ? chooseDateBin(min, max, 2 * maxBins) : dateBin;
    bins = dateBins(unit, min, max, 2 * maxBins);
  } else if (xs.length) {
    bins = numberBins(xs, maxBins, integer);
  }
  const groups = group ? group.order : [""];
  const counts = new Map<string, number>();
  xs.forEach((x, k) => {
    const b = temporal ? dateBinIndex(bins, x) : binIndex(bins, x);
    const key = `${b}\u0000${group ? group.values[rows[k]] : ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const facet = group !== undefined &&
    (layout === "facet" || (layout === "auto" && groups.length > 3));
  const at = (t: number) => temporal ? new Date(t).toISOString() : t;
  const dateOnly = info.type === "date" || variant === "Date";
  const bound = (t: number) => dateOnly ? new Date(t).toISOString().slice(0, 10) : at(t);
  // Grouped bars are dodged: each bin is split into one slot per group, with a small gap
  // between bins, so no bar hides or stacks on another.
  // Bins of one whole number each are drawn centred on it (the bar of 3 over the tick 3).
  const shift = integer && !temporal && bins.length && bins[0].end - bins[0].start === 1 ? 0.5 : 0;
  // Only groups with data get a slot (a dictionary choice nobody has takes no room).
  const withData = new Set(rows.map((i) => group?.values[i]));
  const seen = group ? groups.filter((g) => withData.has(g)) : [];
  const values = bins.flatMap((bin, b) =>
    groups.map((g) => {
      const width = bin.end - bin.start;
      const slots = group && !facet ? Math.max(1, seen.length) : 1;
      const slot = group && !facet ? Math.max(0, seen.indexOf(g)) : 0;
      const lo = bin.start - shift + width * (0.04 + 0.92 * slot / slots);
      const hi = bin.start - shift + width * (0.04 + 0.92 * (slot + 1) / slots);
      return {
        bin: bin.label,
        start: bound(bin.start),
        end: bound(bin.end),
        ...(group ? { group: g } : {}),
        count: counts.get(`${b}\u0000${g}`) ?? 0,
        x0: at(lo),
        x1: at(hi),
      };
    })
  );
  const x: Record<string, unknown> = {
    field: "x0",
    type: temporal ? "temporal" : "quantitative",
    title: info.label,
    ...(temporal ? { scale: { type: "utc" } } : { scale: { zero: false } }),
    ...(integer && !temporal ? { axis: { tickMinStep: 1 } } : {}),
  };
  // Numbers: the axis spans the bins exactly. (A temporal domain here makes vega-lite warn
  // about x and x2 disagreeing; the bars' own extent is the bins' span anyway.)
  if (bins.length && !temporal) {
    const domain = [bins[0].start - shift, bins[bins.length - 1].end - shift];
    x.scale = { zero: false, domain, nice: false };
  }
  const encoding: Record<string, unknown> = {
    x,
    x2: { field: "x1" },
    y: countChannel(),
    y2: { datum: 0 },
    tooltip: [
      { field: "bin", title: info.label },
      ...(group ? [{ field: "group", title: group.title }] : []),
      { field: "count", type: "quantitative", title: "Count" },
    ],
  };
  if (group) {
    encoding.color = {
      field: "group",
      type: "nominal",
      sort: group.order,
      title: group.title,
      scale: { domain: group.order },
      ...(facet ? { legend: null } : {}),
    };
    if (facet) {
      encoding.row = {
        field: "group",
        type: "nominal",
        sort: group.order,
        title: group.title,
        header: { labelAngle: 0, labelAlign: "left" },
      };
    }
  }
  return new Chart({
    ...base(options, values),
    ...(facet && options.height === undefined ? { height: 80 } : {}),
    description: `Distribution of ${info.label}` +
      (unit ? ` (${unit === "day" ? "dai" : unit}ly bins)` : ""),
    mark: { type: "bar" },
    encoding,
  });
}
