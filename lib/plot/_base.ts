/**
 * What every chart helper shares: the common options, grouping, the spec skeleton, axes.
 *
 * @module
 */
import type pl from "../deps/polars.ts";
import type { VegaLiteSpec } from "./chart.ts";
import { type ChartField, columnField, REDCAP_COLUMN_TITLES } from "./field_info.ts";
import { columnValues, eventAxis, type EventEntry, groupAxis, requireColumn } from "./_data.ts";

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
  /** The description of **by**, for its label (legend title) and its label order. Found in the
   * dictionary when the chart is given one and **by** is one of its fields. */
  byInfo?: ChartField;
  /**
   * When **by** is `redcap_event_name`: the event order (unique names, or `{name, label}` to
   * show labels). By default, order of first appearance.
   */
  events?: readonly EventEntry[];
}

export function groupOf(frame: pl.DataFrame, options: GroupOptions, action: string) {
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

export function base(options: PlotOptions, values: unknown[]): VegaLiteSpec {
  const spec: VegaLiteSpec = { data: { values } };
  if (options.title) spec.title = options.title;
  if (options.width !== undefined) spec.width = options.width;
  if (options.height !== undefined) spec.height = options.height;
  return spec;
}

export function hasLongLabel(order: readonly string[]): boolean {
  return order.some((label) => label.length > 12);
}

export function discreteAxis(order: readonly string[]): Record<string, unknown> {
  return hasLongLabel(order)
    ? { labelAngle: -35, labelAlign: "right", labelLimit: 220 }
    : { labelAngle: 0 };
}

/**
 * Labels for columns, unique: field labels (with units), checkbox columns as
 * "Label (choice=Option)", then labels recorded with the frame and REDCap's own column names.
 */
export function columnLabels(
  columns: readonly string[],
  fields: readonly ChartField[],
  recorded: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const raw = columns.map((c) =>
    columnField(fields, c)?.label ?? recorded[c] ?? REDCAP_COLUMN_TITLES[c] ?? c
  );
  const counts = new Map<string, number>();
  for (const l of raw) counts.set(l, (counts.get(l) ?? 0) + 1);
  return new Map(columns.map((c, i) => [c, counts.get(raw[i])! > 1 ? `${raw[i]} [${c}]` : raw[i]]));
}

export function humanize(name: string): string {
  const text = name.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A count axis: ticks on whole numbers only (no "0.5 records"). */
export function countChannel(field = "count", title = "Count"): Record<string, unknown> {
  return {
    field,
    type: "quantitative",
    title,
    axis: { tickMinStep: 1, format: "d" },
  };
}
