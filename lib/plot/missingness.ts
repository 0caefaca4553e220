/**
 * {@linkcode plotMissingness}: which values are missing, field by record.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import { Chart } from "./chart.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { type ChartField, chartFieldsOf } from "./field_info.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { readColumnLabels } from "../transform/column_labels.ts";
import { columnValues, isMissing, requireColumn } from "./_data.ts";
import { base, columnLabels, type PlotOptions } from "./_base.ts";

/** Options for {@linkcode plotMissingness}. */
export interface PlotMissingnessOptions extends PlotOptions {
  /** The project's dictionary (or field descriptions), for labels (checkbox columns get
   * "Label (choice=Option)"). */
  fields?: readonly ChartField[] | DataDictionary;
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
 * import pl from "npm:nodejs-polars@0.25.2";
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
  frame: DataFrame,
  options: PlotMissingnessOptions = {},
): Chart {
  const action = "plot missing data";
  const { mode = "share" } = options;
  const fields = chartFieldsOf(options.fields);
  const all = frameColumns(frame);
  const present = new Set(all);
  const record = options.record ?? all[0];
  const columns = options.columns ??
    all.filter((c) => c !== record && !c.startsWith("redcap_"));
  for (const c of columns) if (!present.has(c)) requireColumn(frame, c, action);
  if (!columns.length) throw new Error(`Cannot ${action}: no columns to check`);
  const labels = columnLabels(columns, fields, readColumnLabels(frame));
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
