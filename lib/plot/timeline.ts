/**
 * {@linkcode plotTimeline}: a field over the events of a longitudinal project.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { Chart } from "./chart.ts";
import { type ChartField, type FieldSource, resolveField } from "./field_info.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import {
  columnValues,
  dtypeOf,
  eventAxis,
  type EventEntry,
  isMissing,
  requireColumn,
  toNumber,
} from "./_data.ts";
import { base, discreteAxis, groupOf, type GroupOptions, type PlotOptions } from "./_base.ts";

/** Options for {@linkcode plotTimeline}. */
export interface PlotTimelineOptions extends PlotOptions, GroupOptions {
  /**
   * The x column: `redcap_event_name` (events, in event order) or a date/datetime column.
   * @default {"redcap_event_name"}
   */
  x?: string;
  /** The description of **x** when it is a date field (its label titles the axis). */
  xInfo?: ChartField;
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
 * The field is found by name in the project's dictionary (label, kind, choices).
 *
 * @param frame The data, one row per record and event (or date).
 * @param dictionary The project's data dictionary.
 * @param field The field's name (a checkbox field by its base name).
 * @param options The x column, event order, record column, summary, grouping, title, size.
 * @returns A line chart.
 */
export function plotTimeline(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options?: PlotTimelineOptions,
): Chart;
/**
 * A number over time or across events (longitudinal projects): x is the event (in event order)
 * or a date field, y the number; one line per record, or the mean with its 95% CI per event.
 *
 * @example Mean weight per event
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
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
  frame: DataFrame,
  info: ChartField,
  options?: PlotTimelineOptions,
): Chart;
export function plotTimeline(
  frame: DataFrame,
  source: FieldSource,
  nameOrOptions?: string | PlotTimelineOptions,
  maybeOptions?: PlotTimelineOptions,
): Chart {
  const [info, options = {}] = resolveField<PlotTimelineOptions>(
    source,
    nameOrOptions,
    maybeOptions,
  );
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
