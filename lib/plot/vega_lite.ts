/**
 * Chart helpers in the spirit of Observable Plot: `plotX(frame, field, options)` returns a
 * {@linkcode Chart} whose vega-lite spec has the data inline, categories in the data
 * dictionary's label order and field labels as axis titles.
 *
 * @module
 */

import type pl from "nodejs-polars";
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { checkboxColumn, type FieldInfo } from "./field_info.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import {
  categoryOrder,
  choiceLabeler,
  columnValues,
  dtypeOf,
  eventAxis,
  type EventEntry,
  groupAxis,
  isChecked,
  isMissing,
  isNumericDtype,
  requireColumn,
  toNumber,
} from "./_data.ts";

export type { EventEntry } from "./_data.ts";

/** Options every chart helper takes. */
export interface PlotOptions {
  /** The chart title. By default none: axis titles already carry the field label. */
  title?: string;
  /** Width in pixels of a continuous axis (discrete axes size by their step). */
  width?: number;
  /** Height in pixels of a continuous axis. */
  height?: number;
}

/** Options of helpers that can split by a second field (color). */
export interface GroupOptions {
  /** A column to split by (color), e.g. an arm, `redcap_event_name` or a choice field. */
  by?: string;
  /** The description of **by**, for its label (legend title) and its label order. */
  byInfo?: FieldInfo;
  /**
   * When **by** is `redcap_event_name`: the event order (unique names, or `{name, label}` to
   * show labels). By default, order of first appearance.
   */
  events?: readonly EventEntry[];
}

function groupOf(frame: pl.DataFrame, options: GroupOptions, action: string) {
  if (!options.by) return undefined;
  if (options.by === "redcap_event_name" && !options.byInfo) {
    requireColumn(frame, options.by, action);
    const raw = columnValues(frame, options.by);
    const axis = eventAxis(raw, options.events);
    return {
      values: raw.map((v) => axis.labelOf(v) ?? "Missing"),
      order: axis.order,
      title: "Event",
    };
  }
  return groupAxis(frame, options.by, options.byInfo, action);
}

function base(options: PlotOptions, values: unknown[]): VegaLiteSpec {
  const spec: VegaLiteSpec = { data: { values } };
  if (options.title) spec.title = options.title;
  if (options.width !== undefined) spec.width = options.width;
  if (options.height !== undefined) spec.height = options.height;
  return spec;
}

function hasLongLabel(order: readonly string[]): boolean {
  return order.some((label) => label.length > 12);
}

function discreteAxis(order: readonly string[]): Record<string, unknown> {
  return hasLongLabel(order)
    ? { labelAngle: -35, labelAlign: "right", labelLimit: 220 }
    : { labelAngle: 0 };
}

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
 * @example Bars in dictionary order
 * ```ts
 * import pl from "nodejs-polars";
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
  frame: pl.DataFrame,
  info: FieldInfo,
  options: PlotChoicesOptions = {},
): Chart {
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
  const countChannel = { field: "count", type: "quantitative", title: "Count" };
  const encoding: Record<string, unknown> = horizontal
    ? { y: categoryChannel, x: countChannel }
    : { x: categoryChannel, y: countChannel };
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
 * @example One bar per option
 * ```ts
 * import pl from "nodejs-polars";
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
  frame: pl.DataFrame,
  info: FieldInfo,
  options: PlotCheckboxesOptions = {},
): Chart {
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
  const countChannel = { field: "count", type: "quantitative", title: "Count" };
  const encoding: Record<string, unknown> = {
    ...(horizontal ? { y: optionChannel, x: countChannel } : { x: optionChannel, y: countChannel }),
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

/** Options for {@linkcode plotBox}. */
export type PlotBoxOptions = PlotOptions & GroupOptions;

/**
 * A box plot of a number field (median, quartiles, 1.5 IQR whiskers, outliers), one box per
 * **by** group in label order, or a single horizontal box.
 *
 * @example Weight by arm
 * ```ts
 * import pl from "nodejs-polars";
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
export function plotBox(frame: pl.DataFrame, info: FieldInfo, options: PlotBoxOptions = {}): Chart {
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

/** Options for {@linkcode plotTimeline}. */
export interface PlotTimelineOptions extends PlotOptions, GroupOptions {
  /**
   * The x column: `redcap_event_name` (events, in event order) or a date/datetime column.
   * @default {"redcap_event_name"}
   */
  x?: string;
  /** The description of **x** when it is a date field (its label titles the axis). */
  xInfo?: FieldInfo;
  /**
   * Event order (unique event names, or `{name, label}` to show labels). By default, the order
   * in which events first appear in the frame.
   */
  events?: readonly EventEntry[];
  /** The record-id column. By default, the frame's first column. */
  record?: string;
  /**
   * *records*: one line per record; *mean*: the mean per x (and group) with a 95% confidence
   * interval (normal approximation, mean ± 1.96·sd/√n).
   * @default {"records"}
   */
  summary?: "records" | "mean";
}

/**
 * A number over time or across events (longitudinal projects): x is the event (in event order)
 * or a date field, y the number; one line per record, or the mean with its 95% CI per event.
 *
 * @example Mean weight per event
 * ```ts
 * import pl from "nodejs-polars";
 * import { plotTimeline } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({
 *   record_id: ["1", "1", "2", "2"],
 *   redcap_event_name: ["week_4_arm_1", "baseline_arm_1", "baseline_arm_1", "week_4_arm_1"],
 *   weight: [71, 70, 80, 78],
 * });
 * const chart = plotTimeline(df, { name: "weight", label: "Weight (kg)", type: "number" }, {
 *   events: [{ name: "baseline_arm_1", label: "Baseline" }, { name: "week_4_arm_1", label: "Week 4" }],
 *   summary: "mean",
 * });
 * const values = (chart.spec.data as any).values;
 * deepStrictEqual(values.map((v: any) => [v.x, v.mean]), [["Baseline", 75], ["Week 4", 74.5]]);
 * ```
 *
 * @param frame The data, one row per record and event (or date).
 * @param info The number field.
 * @param options The x column, event order, record column, summary, grouping, title, size.
 * @returns A line chart.
 */
export function plotTimeline(
  frame: pl.DataFrame,
  info: FieldInfo,
  options: PlotTimelineOptions = {},
): Chart {
  const action = `plot field "${info.name}" over time`;
  requireColumn(frame, info.name, action);
  const { x = "redcap_event_name", xInfo, summary = "records" } = options;
  requireColumn(frame, x, action);
  const record = options.record ?? frameColumns(frame)[0];
  requireColumn(frame, record, action);
  const variant = dtypeOf(frame, x);
  const temporal = xInfo?.type === "date" || xInfo?.type === "datetime" || variant === "Date" ||
    variant === "Datetime";
  const xRaw = columnValues(frame, x);
  const axis = temporal ? undefined : eventAxis(xRaw, options.events);
  const xValues = xRaw.map((v) => temporal ? (isMissing(v) ? null : String(v)) : axis!.labelOf(v));
  const yValues = columnValues(frame, info.name).map(toNumber);
  const records = columnValues(frame, record).map((v) => (isMissing(v) ? null : String(v)));
  const group = groupOf(frame, options, action);
  const xTitle = xInfo?.label ?? (x === "redcap_event_name" ? "Event" : x);
  const xChannel = temporal ? { field: "x", type: "temporal", title: xTitle } : {
    field: "x",
    type: "ordinal",
    sort: axis!.order,
    title: xTitle,
    axis: discreteAxis(axis!.order),
  };
  const color = group
    ? {
      field: "group",
      type: "nominal",
      sort: group.order,
      title: group.title,
      scale: { domain: group.order },
    }
    : undefined;

  if (summary === "records") {
    const values: Record<string, unknown>[] = [];
    for (let i = 0, n = frameHeight(frame); i < n; i++) {
      if (xValues[i] === null || yValues[i] === null || records[i] === null) continue;
      values.push({
        record: records[i],
        x: xValues[i],
        y: yValues[i],
        ...(group ? { group: group.values[i] } : {}),
      });
    }
    if (temporal) values.sort((a, b) => String(a.x).localeCompare(String(b.x)));
    return new Chart({
      ...base(options, values),
      width: options.width ?? 400,
      description: `${info.label} per record over ${xTitle}`,
      mark: { type: "line", point: true, opacity: 0.7 },
      encoding: {
        x: xChannel,
        y: { field: "y", type: "quantitative", title: info.label, scale: { zero: false } },
        detail: { field: "record", type: "nominal" },
        ...(color ? { color } : {}),
        tooltip: [
          { field: "record", title: "Record" },
          { field: "x", title: xTitle, ...(temporal ? { type: "temporal" } : {}) },
          { field: "y", type: "quantitative", title: info.label },
        ],
      },
    });
  }

  const cells = new Map<string, { x: string; group?: string; ys: number[] }>();
  for (let i = 0, n = frameHeight(frame); i < n; i++) {
    const xv = xValues[i];
    const yv = yValues[i];
    if (xv === null || yv === null) continue;
    const g = group ? group.values[i] ?? "Missing" : undefined;
    const key = `${xv}\u0000${g ?? ""}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, cell = { x: xv, ...(g !== undefined ? { group: g } : {}), ys: [] });
    cell.ys.push(yv);
  }
  const rank = new Map((axis?.order ?? []).map((label, i) => [label, i]));
  const groupRank = new Map((group?.order ?? []).map((label, i) => [label, i]));
  const values = [...cells.values()]
    .sort((a, b) =>
      temporal ? a.x.localeCompare(b.x) : (rank.get(a.x)! - rank.get(b.x)!) ||
        (groupRank.get(a.group ?? "")! - groupRank.get(b.group ?? "")!)
    )
    .map(({ x: xv, group: g, ys }) => {
      const n = ys.length;
      const mean = ys.reduce((s, v) => s + v, 0) / n;
      const sd = n > 1 ? Math.sqrt(ys.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
      const half = n > 1 ? 1.96 * sd / Math.sqrt(n) : 0;
      return {
        x: xv,
        ...(g !== undefined ? { group: g } : {}),
        n,
        mean,
        lo: mean - half,
        hi: mean + half,
      };
    });
  const tooltip = [
    { field: "x", title: xTitle, ...(temporal ? { type: "temporal" } : {}) },
    ...(group ? [{ field: "group", title: group.title }] : []),
    { field: "mean", type: "quantitative", title: `Mean ${info.label}`, format: ".4~g" },
    { field: "lo", type: "quantitative", title: "95% CI low", format: ".4~g" },
    { field: "hi", type: "quantitative", title: "95% CI high", format: ".4~g" },
    { field: "n", type: "quantitative", title: "n" },
  ];
  const shared = { x: xChannel, ...(color ? { color } : {}) };
  return new Chart({
    ...base(options, values),
    title: options.title ?? { text: info.label, subtitle: "Mean with 95% confidence interval" },
    width: options.width ?? 400,
    description: `Mean ${info.label} over ${xTitle}`,
    encoding: shared,
    layer: [
      {
        mark: { type: "rule" },
        encoding: {
          y: { field: "lo", type: "quantitative", title: info.label, scale: { zero: false } },
          y2: { field: "hi" },
        },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          y: { field: "mean", type: "quantitative", title: info.label, scale: { zero: false } },
          tooltip,
        },
      },
    ],
  });
}

/** A form to show in {@linkcode plotFormCompletion}: its name, or name and label. */
export type FormEntry = string | { readonly name: string; readonly label: string };

/** Options for {@linkcode plotFormCompletion}. */
export interface PlotFormCompletionOptions extends PlotOptions {
  /**
   * Forms (rows of the map), in order. By default every `{form}_complete` column, in frame order.
   */
  forms?: readonly FormEntry[];
  /** Event order, as in {@linkcode plotTimeline}. By default, order of first appearance. */
  events?: readonly EventEntry[];
  /**
   * The event column; without it (classic projects) there is one column, *All records*.
   * @default {"redcap_event_name"}
   */
  eventColumn?: string;
  /**
   * The instrument-event mapping (`content=formEventMapping` rows): when given, only the forms
   * designated to an event get a cell there, whatever statuses the frame holds.
   */
  formEventMapping?: readonly { readonly unique_event_name: string; readonly form: string }[];
}

/**
 * A heat map of form completion: one cell per form (y) and event (x) showing the share of rows
 * whose `{form}_complete` is *Complete* (2) among rows where it is set. Cells where a form never
 * has a status are left out, and with **formEventMapping** so are forms not designated to an
 * event. Status cells may be codes (0/1/2), numbers or labels.
 *
 * @example Two forms, two events
 * ```ts
 * import pl from "nodejs-polars";
 * import { plotFormCompletion } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({
 *   record_id: ["1", "1", "2"],
 *   redcap_event_name: ["baseline_arm_1", "week_4_arm_1", "baseline_arm_1"],
 *   intake_complete: ["2", null, "0"],
 *   vitals_complete: ["2", "2", "2"],
 * });
 * const values = (plotFormCompletion(df).spec.data as any).values;
 * deepStrictEqual(values.map((v: any) => [v.form, v.event, v.share]), [
 *   ["Intake", "baseline_arm_1", 0.5],
 *   ["Vitals", "baseline_arm_1", 1],
 *   ["Vitals", "week_4_arm_1", 1],
 * ]);
 * ```
 *
 * @param frame The data, with `{form}_complete` columns.
 * @param options Forms, events, title and size.
 * @returns A heat map.
 */
export function plotFormCompletion(
  frame: pl.DataFrame,
  options: PlotFormCompletionOptions = {},
): Chart {
  const action = "plot form completion";
  const { eventColumn = "redcap_event_name" } = options;
  const forms = (options.forms ??
    frameColumns(frame).filter((c) => c.endsWith("_complete")).map((c) =>
      c.slice(0, -"_complete".length)
    ))
    .map((f) =>
      typeof f === "string" ? { name: f, label: humanize(f) } : { name: f.name, label: f.label }
    );
  if (!forms.length) {
    throw new Error(`Cannot ${action}: the frame has no "{form}_complete" columns`);
  }
  for (const f of forms) requireColumn(frame, `${f.name}_complete`, action);
  const hasEvents = frameColumns(frame).includes(eventColumn);
  const axis = hasEvents
    ? eventAxis(columnValues(frame, eventColumn), options.events)
    : { order: ["All records"], labelOf: () => "All records" };
  const events = hasEvents
    ? columnValues(frame, eventColumn).map(axis.labelOf)
    : new Array<string>(frameHeight(frame)).fill("All records");
  const designated = options.formEventMapping && hasEvents
    ? new Set(
      options.formEventMapping.map((m) => `${m.form}\u0000${axis.labelOf(m.unique_event_name)}`),
    )
    : undefined;
  const values: Record<string, unknown>[] = [];
  for (const form of forms) {
    const statuses = columnValues(frame, `${form.name}_complete`);
    const cells = new Map<string, { n: number; complete: number }>();
    statuses.forEach((status, i) => {
      const event = events[i];
      if (event === null || isMissing(status)) return;
      const cell = cells.get(event) ?? { n: 0, complete: 0 };
      cell.n += 1;
      if (isComplete(status)) cell.complete += 1;
      cells.set(event, cell);
    });
    for (const event of axis.order) {
      const cell = cells.get(event);
      if (!cell || (designated && !designated.has(`${form.name}\u0000${event}`))) continue;
      values.push({
        form: form.label,
        event,
        share: cell.complete / cell.n,
        complete: cell.complete,
        n: cell.n,
      });
    }
  }
  const formOrder = forms.map((f) => f.label);
  const tooltip = [
    { field: "form", title: "Instrument" },
    { field: "event", title: "Event" },
    { field: "share", type: "quantitative", title: "Complete", format: ".0%" },
    { field: "complete", type: "quantitative", title: "Complete (n)" },
    { field: "n", type: "quantitative", title: "With a status (n)" },
  ];
  return new Chart({
    ...base(options, values),
    width: options.width ?? { step: 64 },
    height: options.height ?? { step: 26 },
    description: "Share of complete forms per instrument and event",
    encoding: {
      x: {
        field: "event",
        type: "ordinal",
        sort: axis.order,
        title: "Event",
        axis: discreteAxis(axis.order),
      },
      y: { field: "form", type: "ordinal", sort: formOrder, title: "Instrument" },
    },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          color: {
            field: "share",
            type: "quantitative",
            title: "Complete",
            scale: { domain: [0, 1], scheme: "greens" },
            legend: { format: ".0%" },
          },
          tooltip,
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "share", type: "quantitative", format: ".0%" },
          color: { condition: { test: "datum.share > 0.6", value: "white" }, value: "black" },
        },
      },
    ],
  });
}

function isComplete(status: unknown): boolean {
  const text = String(status).trim();
  return text === "2" || text === "Complete";
}

/** Options for {@linkcode plotMissingness}. */
export interface PlotMissingnessOptions extends PlotOptions {
  /** Field descriptions, for labels (checkbox columns get "Label (choice=Option)"). */
  fields?: readonly FieldInfo[];
  /**
   * Columns to check, in order. By default every column except the record id (first column)
   * and `redcap_*` columns.
   */
  columns?: readonly string[];
  /**
   * *share*: one bar per field, the share of rows missing; *records*: a field × row map.
   * @default {"share"}
   */
  mode?: "share" | "records";
  /** The record-id column (rows of the *records* map). By default, the frame's first column. */
  record?: string;
}

/**
 * Where data is missing (null or blank): the share of rows missing per field (*share*), or a
 * map of fields × rows (*records*, rows named by record, and event and instance when present).
 * Fields are titled by label, in column order.
 *
 * @example Share missing per field
 * ```ts
 * import pl from "nodejs-polars";
 * import { plotMissingness } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2"], age: [30, null], sex: ["", "Male"] });
 * const fields = [{ name: "age", label: "Age", type: "integer" as const }];
 * const values = (plotMissingness(df, { fields }).spec.data as any).values;
 * deepStrictEqual(values.map((v: any) => [v.field, v.share]), [["Age", 0.5], ["sex", 0.5]]);
 * ```
 *
 * @param frame The data.
 * @param options Fields (labels), columns, mode, record column, title and size.
 * @returns A bar chart or a heat map.
 */
export function plotMissingness(
  frame: pl.DataFrame,
  options: PlotMissingnessOptions = {},
): Chart {
  const action = "plot missing data";
  const { mode = "share", fields = [] } = options;
  const all = frameColumns(frame);
  const present = new Set(all);
  const record = options.record ?? all[0];
  const columns = options.columns ??
    all.filter((c) => c !== record && !c.startsWith("redcap_"));
  for (const c of columns) if (!present.has(c)) requireColumn(frame, c, action);
  if (!columns.length) throw new Error(`Cannot ${action}: no columns to check`);
  const labels = columnLabels(columns, fields);
  const order = columns.map((c) => labels.get(c)!);
  const fieldChannel = {
    field: "field",
    type: "nominal",
    sort: order,
    title: "Field",
    axis: { labelLimit: 260, maxExtent: 275 },
  };

  if (mode === "share") {
    const values = columns.map((c) => {
      const cells = columnValues(frame, c);
      const missing = cells.filter(isMissing).length;
      return {
        field: labels.get(c)!,
        name: c,
        missing,
        n: cells.length,
        share: cells.length ? missing / cells.length : 0,
      };
    });
    return new Chart({
      ...base(options, values),
      description: "Share of rows missing per field",
      mark: { type: "bar" },
      encoding: {
        y: fieldChannel,
        x: {
          field: "share",
          type: "quantitative",
          title: "Share missing",
          scale: { domain: [0, 1] },
          axis: { format: ".0%" },
        },
        tooltip: [
          { field: "field", title: "Field" },
          { field: "name", title: "Variable" },
          { field: "missing", type: "quantitative", title: "Missing (n)" },
          { field: "share", type: "quantitative", title: "Missing", format: ".0%" },
        ],
      },
    });
  }

  requireColumn(frame, record, action);
  const keyParts = [
    record,
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
  ]
    .filter((c) => present.has(c))
    .map((c) => columnValues(frame, c));
  const rowKeys = Array.from(
    { length: frameHeight(frame) },
    (_, i) => keyParts.map((part) => part[i]).filter((v) => !isMissing(v)).join(" · "),
  );
  const values: Record<string, unknown>[] = [];
  for (const c of columns) {
    const cells = columnValues(frame, c);
    cells.forEach((v, i) => {
      values.push({
        row: rowKeys[i],
        field: labels.get(c)!,
        status: isMissing(v) ? "Missing" : "Present",
      });
    });
  }
  const rowCount = new Set(rowKeys).size;
  return new Chart({
    ...base(options, values),
    ...(options.width === undefined && rowCount > 60 ? { width: 800 } : {}),
    description: "Missing values per field and row",
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "row",
        type: "ordinal",
        sort: [...new Set(rowKeys)],
        title: "Record",
        axis: rowKeys.length > 40 ? { labels: false, ticks: false } : { labelAngle: -45 },
      },
      y: fieldChannel,
      color: {
        field: "status",
        type: "nominal",
        title: "Value",
        scale: { domain: ["Missing", "Present"], range: ["#d62728", "#e5e5e5"] },
      },
      tooltip: [
        { field: "row", title: "Record" },
        { field: "field", title: "Field" },
        { field: "status", title: "Value" },
      ],
    },
  });
}

/** Labels for columns, unique: field labels, checkbox columns as "Label (choice=Option)". */
function columnLabels(
  columns: readonly string[],
  fields: readonly FieldInfo[],
): Map<string, string> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const checkboxLabels = new Map<string, string>();
  for (const f of fields) {
    if (f.type !== "checkbox") continue;
    for (const c of f.choices ?? []) {
      checkboxLabels.set(checkboxColumn(f.name, c.code), `${f.label} (choice=${c.label})`);
    }
  }
  const raw = columns.map((c) => checkboxLabels.get(c) ?? byName.get(c)?.label ?? c);
  const counts = new Map<string, number>();
  for (const l of raw) counts.set(l, (counts.get(l) ?? 0) + 1);
  return new Map(columns.map((c, i) => [c, counts.get(raw[i])! > 1 ? `${raw[i]} [${c}]` : raw[i]]));
}

function humanize(name: string): string {
  const text = name.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A channel of {@linkcode chart}: a column name, or a vega-lite channel definition. */
export type ChannelInput = string | Record<string, unknown>;

/** Options for {@linkcode chart}. */
export interface ChartOptions extends PlotOptions {
  /** The vega-lite mark: `"bar"`, `"point"`, `"line"`, … or a mark definition. */
  mark: string | Record<string, unknown>;
  /** Channels (`x`, `y`, `color`, …): a column name or a vega-lite channel definition. */
  encoding: Readonly<Record<string, ChannelInput>>;
  /** Field descriptions: labels become titles, choices give label order. */
  fields?: readonly FieldInfo[];
  /** Column → title, for columns without a FieldInfo. */
  labels?: Readonly<Record<string, string>>;
  /** vega-lite transforms (all columns are inlined when given). */
  transform?: readonly unknown[];
}

/**
 * A chart of any frame, Observable-Plot style: pick a mark and map columns to channels. Each
 * channel gets its type from the field description or the column dtype (numbers quantitative,
 * dates temporal, the rest nominal), its title from the field label, and choice fields their
 * label order (values shown as labels). Only the columns used are inlined.
 *
 * @example Age against weight, colored by sex
 * ```ts
 * import pl from "nodejs-polars";
 * import { chart } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ age: [30, 40, 50], weight: [60, 80, 75], sex: ["1", "2", "1"] });
 * const c = chart(df, {
 *   mark: "point",
 *   encoding: { x: "age", y: "weight", color: "sex" },
 *   fields: [
 *     { name: "age", label: "Age (years)", type: "integer" },
 *     { name: "sex", label: "Sex", type: "choice", choices: [{ code: "1", label: "Female" }, { code: "2", label: "Male" }] },
 *   ],
 *   labels: { weight: "Weight (kg)" },
 * });
 * const encoding = c.spec.encoding as any;
 * strictEqual(encoding.x.title, "Age (years)");
 * strictEqual(encoding.y.type, "quantitative");
 * strictEqual((c.spec.data as any).values[1].sex, "Male");
 * ```
 *
 * @param frame The data.
 * @param options Mark, channels, field descriptions, labels, transforms, title and size.
 * @returns A chart.
 */
export function chart(frame: pl.DataFrame, options: ChartOptions): Chart {
  const action = "build chart";
  const byName = new Map((options.fields ?? []).map((f) => [f.name, f]));
  const used = new Set<string>();
  const encoding: Record<string, unknown> = {};
  for (const [channel, input] of Object.entries(options.encoding)) {
    const def: Record<string, unknown> = typeof input === "string"
      ? { field: input }
      : { ...input };
    const field = typeof def.field === "string" ? def.field : undefined;
    if (field) {
      requireColumn(frame, field, action);
      used.add(field);
      const info = byName.get(field);
      def.title ??= info?.label ?? options.labels?.[field] ?? field;
      if (def.type === undefined && def.aggregate === undefined) {
        def.type = channelType(info, dtypeOf(frame, field));
      }
      if (info && hasChoices(info) && def.sort === undefined) {
        def.sort = categoryOrder(info, []);
      }
    }
    encoding[channel] = def;
  }
  const columns = options.transform ? frameColumns(frame) : [...used];
  const converted = columns.map((c) => {
    const info = byName.get(c);
    const values = columnValues(frame, c);
    if (info && hasChoices(info)) return values.map(choiceLabeler(info));
    return values;
  });
  const values = Array.from({ length: frameHeight(frame) }, (_, i) => {
    const row: Record<string, unknown> = {};
    columns.forEach((c, k) => row[c] = converted[k][i]);
    return row;
  });
  const spec: VegaLiteSpec = { ...base(options, values), mark: options.mark, encoding };
  if (options.transform) spec.transform = options.transform;
  return new Chart(spec);
}

function hasChoices(info: FieldInfo): boolean {
  return info.type === "choice" || info.type === "form_status" || info.type === "boolean";
}

function channelType(info: FieldInfo | undefined, variant: string): string {
  switch (info?.type) {
    case "number":
    case "integer":
      return "quantitative";
    case "date":
    case "datetime":
      return "temporal";
    case undefined:
      break;
    default:
      return "nominal";
  }
  if (isNumericDtype(variant)) return "quantitative";
  if (variant === "Date" || variant === "Datetime") return "temporal";
  return "nominal";
}
