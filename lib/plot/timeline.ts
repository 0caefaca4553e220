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
  plainTitle,
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
  /**
   * What to do with repeat instances: several rows of one record at one event (a repeating
   * instrument or a repeating event) or at one date.
   *
   * - *each*: every instance is its own point; a record's line passes through them in instance
   *   order (`redcap_repeat_instance`), and in the *mean* summary each instance counts once, so
   *   a record with more instances weighs more.
   * - *mean*, *min*, *max*: one value per record and event (or date) first, the instances'
   *   mean, minimum or maximum;
   * - *first*, *last*: the instance with the lowest or highest `redcap_repeat_instance` (row
   *   order without that column).
   *
   * The chart's description (and the *mean* summary's subtitle) says which was done.
   * @default {"each"}
   */
  instances?: TimelineInstances;
}

/** How {@linkcode plotTimeline} treats repeat instances; see {@linkcode PlotTimelineOptions}. */
export type TimelineInstances = "each" | "mean" | "min" | "max" | "first" | "last";

const INSTANCE_MODES: readonly TimelineInstances[] = [
  "each",
  "mean",
  "min",
  "max",
  "first",
  "last",
];
const INSTANCE = "redcap_repeat_instance";

interface TimelineRow {
  record: string;
  x: string;
  y: number;
  group?: string;
  instance?: number;
}

/** One row per record, x (and group): the instances' aggregate. */
function aggregateInstances(
  rows: readonly TimelineRow[],
  how: Exclude<TimelineInstances, "each">,
): TimelineRow[] {
  const cells = new Map<string, TimelineRow[]>();
  for (const row of rows) {
    const key = `${row.record}\u0000${row.x}\u0000${row.group ?? ""}`;
    const cell = cells.get(key);
    if (cell) cell.push(row);
    else cells.set(key, [row]);
  }
  return [...cells.values()].map((cell) => {
    const { instance: _, ...first } = cell[0];
    const ys = cell.map((r) => r.y);
    const byInstance = () =>
      cell.map((r, i) => ({ r, i })).sort((a, b) =>
        (a.r.instance ?? 1) - (b.r.instance ?? 1) || a.i - b.i
      );
    switch (how) {
      case "mean":
        return { ...first, y: ys.reduce((s, v) => s + v, 0) / ys.length };
      case "min":
        return { ...first, y: Math.min(...ys) };
      case "max":
        return { ...first, y: Math.max(...ys) };
      case "first":
        return { ...first, y: byInstance()[0].r.y };
      case "last":
        return { ...first, y: byInstance().at(-1)!.r.y };
    }
  });
}

/**
 * A number over time or across events (longitudinal projects): x is the event (in event order)
 * or a date field, y the number; one line per record, or the mean with its 95% CI per event
 * (groups dodged so their intervals do not overlap). Repeat instances are each a point, or
 * reduced to one value per record and event by **instances** (`"mean"`, `"max"`, `"last"`, …).
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
 * or a date field, y the number; one line per record, or the mean with its 95% CI per event
 * (groups dodged so their intervals do not overlap). Repeat instances are each a point, or
 * reduced to one value per record and event by **instances** (`"mean"`, `"max"`, `"last"`, …).
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
 * @example The last instance of a repeating measurement, per record and event
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { plotTimeline } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({
 *   record_id: ["1", "1", "1", "2"],
 *   redcap_event_name: ["visit_arm_1", "visit_arm_1", "visit_arm_1", "visit_arm_1"],
 *   redcap_repeat_instance: [2, 1, 3, 1],
 *   sbp: [130, 150, 120, 140],
 * });
 * const chart = plotTimeline(df, { name: "sbp", label: "Systolic BP (mmHg)", type: "number" }, {
 *   instances: "last",
 * });
 * deepStrictEqual((chart.spec.data as any).values.map((v: any) => [v.record, v.y]), [["1", 120], ["2", 140]]);
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
  const { x = "redcap_event_name", xInfo, summary = "records", instances = "each" } = options;
  if (!INSTANCE_MODES.includes(instances)) {
    throw new RangeError(
      `Cannot ${action}: instances must be one of ${INSTANCE_MODES.join(", ")}, got "${instances}"`,
    );
  }
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
  const instanceValues = frameColumns(frame).includes(INSTANCE)
    ? columnValues(frame, INSTANCE).map(toNumber)
    : undefined;
  let rows: TimelineRow[] = [];
  for (let i = 0, n = frameHeight(frame); i < n; i++) {
    const xv = xValues[i], yv = yValues[i], rv = records[i];
    if (xv === null || yv === null || rv === null) continue;
    rows.push({
      record: rv,
      x: xv,
      y: yv,
      ...(group ? { group: group.values[i] ?? "Missing" } : {}),
      // REDCap leaves redcap_repeat_instance blank on a row that is not a repeat instance,
      // and stores the first instance as 1.
      ...(instanceValues ? { instance: instanceValues[i] ?? 1 } : {}),
    });
  }
  if (instances !== "each") rows = aggregateInstances(rows, instances);
  const xTitle = xInfo?.label ?? plainTitle(frame, x);
  const instanceNote = instances === "each"
    ? "each repeat instance a point"
    : `repeat instances: ${instances} per record and ${temporal ? "date" : "event"}`;
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
    // Per record, points in x order, then instance order (a repeating event's instances share
    // their event's x).
    const xRank = new Map((axis?.order ?? []).map((label, i) => [label, i]));
    const values: Record<string, unknown>[] = rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) =>
        (temporal ? a.r.x.localeCompare(b.r.x) : xRank.get(a.r.x)! - xRank.get(b.r.x)!) ||
        (a.r.instance ?? 1) - (b.r.instance ?? 1) || a.i - b.i
      )
      .map(({ r }) => ({ ...r }));
    const hasInstance = instances === "each" && instanceValues !== undefined;
    return new Chart({
      ...base(options, values),
      width: options.width ?? 400,
      description: `${info.label} per record over ${xTitle} (${instanceNote})`,
      mark: { type: "line", point: true, opacity: 0.7 },
      encoding: {
        x: xChannel,
        y: { field: "y", type: "quantitative", title: info.label, scale: { zero: false } },
        detail: { field: "record", type: "nominal" },
        ...(color ? { color } : {}),
        tooltip: [
          { field: "record", title: "Record" },
          { field: "x", title: xTitle, ...(temporal ? { type: "temporal" } : {}) },
          ...(hasInstance ? [{ field: "instance", type: "quantitative", title: "Instance" }] : []),
          ...(group ? [{ field: "group", title: group.title }] : []),
          { field: "y", type: "quantitative", title: info.label },
        ],
      },
    });
  }

  const cells = new Map<string, { x: string; group?: string; ys: number[] }>();
  for (const row of rows) {
    const key = `${row.x}\u0000${row.group ?? ""}`;
    let cell = cells.get(key);
    if (!cell) {
      cells.set(
        key,
        cell = { x: row.x, ...(row.group !== undefined ? { group: row.group } : {}), ys: [] },
      );
    }
    cell.ys.push(row.y);
  }
  const rank = new Map((axis?.order ?? []).map((label, i) => [label, i]));
  const groupRank = new Map((group?.order ?? []).map((label, i) => [label, i]));
  const values = [...cells.values()]
    .sort((a, b) =>
      (temporal ? a.x.localeCompare(b.x) : rank.get(a.x)! - rank.get(b.x)!) ||
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
  const slots = group ? group.order.filter((g) => rows.some((r) => r.group === g)) : [];
  const dodgeDates = temporal && slots.length > 1;
  if (dodgeDates) {
    // vega-lite drops xOffset on a continuous axis: shift each group's dates instead, by a
    // share of the smallest gap between dates, and keep the true date for the tooltip.
    const times = [...new Set(values.map((v) => Date.parse(v.x)))].sort((a, b) => a - b);
    let gap = times.length > 1 ? Infinity : 86_400_000;
    for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
    for (const v of values as { x: string; date?: string; group?: string }[]) {
      const slot = slots.indexOf(v.group!) - (slots.length - 1) / 2;
      v.date = v.x;
      v.x = new Date(Date.parse(v.x) + slot * gap * 0.5 / slots.length).toISOString();
    }
  }
  const tooltip = [
    {
      field: dodgeDates ? "date" : "x",
      title: xTitle,
      ...(temporal ? { type: "temporal" } : {}),
    },
    ...(group ? [{ field: "group", title: group.title }] : []),
    { field: "mean", type: "quantitative", title: `Mean ${info.label}`, format: ".4~g" },
    { field: "lo", type: "quantitative", title: "95% CI low", format: ".4~g" },
    { field: "hi", type: "quantitative", title: "95% CI high", format: ".4~g" },
    { field: "n", type: "quantitative", title: "n" },
  ];
  // Groups are dodged around each event so their intervals do not overlap.
  const dodge = group && !temporal
    ? {
      xOffset: {
        field: "group",
        type: "nominal",
        sort: group.order,
        // Only groups with data take a slot.
        scale: { domain: slots, paddingInner: 0.2 },
      },
    }
    : {};
  const shared = { x: xChannel, ...(color ? { color } : {}), ...dodge };
  return new Chart({
    ...base(options, values),
    title: options.title ??
      { text: info.label, subtitle: `Mean with 95% confidence interval; ${instanceNote}` },
    width: options.width ?? 400,
    description: `Mean ${info.label} over ${xTitle} (${instanceNote})`,
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
