/**
 * {@linkcode chart}: any vega-lite mark over a frame, with the dictionary's labels and order.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import { Chart, type VegaLiteSpec } from "./chart.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { type ChartField, chartFieldsOf, columnField } from "./field_info.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import {
  categoryOrder,
  choiceLabeler,
  columnValues,
  dtypeOf,
  isNumericDtype,
  plainTitle,
  requireColumn,
} from "./_data.ts";
import { base, type PlotOptions } from "./_base.ts";

/** A channel of {@linkcode chart}: a column name, or a vega-lite channel definition. */
export type ChannelInput = string | Record<string, unknown>;

/** Options for {@linkcode chart}. */
export interface ChartOptions extends PlotOptions {
  /** The vega-lite mark: `"bar"`, `"point"`, `"line"`, … or a mark definition. */
  mark: string | Record<string, unknown>;
  /** Channels (`x`, `y`, `color`, …): a column name or a vega-lite channel definition. */
  encoding: Readonly<Record<string, ChannelInput>>;
  /** The project's dictionary (or field descriptions): labels become titles, choices give
   * label order. */
  fields?: readonly ChartField[] | DataDictionary;
  /** Column → title; wins over the dictionary's label. */
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
 * import pl from "npm:nodejs-polars@0.25.2";
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
export function chart(frame: DataFrame, options: ChartOptions): Chart {
  const action = "build chart";
  const fields = chartFieldsOf(options.fields);
  const infos = new Map<string, ChartField | undefined>();
  const infoOf = (column: string) => {
    if (!infos.has(column)) infos.set(column, columnField(fields, column));
    return infos.get(column);
  };
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
      const info = infoOf(field);
      def.title ??= options.labels?.[field] ?? info?.label ?? plainTitle(frame, field);
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
    const info = infoOf(c);
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

export function hasChoices(info: ChartField): boolean {
  return info.type === "choice" || info.type === "form_status" || info.type === "boolean";
}

export function channelType(info: ChartField | undefined, variant: string): string {
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
