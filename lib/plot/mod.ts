/**
 * Charts of REDCap data as vega-lite specs, in the spirit of Observable Plot: each helper takes
 * a nodejs-polars DataFrame and the project's `DataDictionary` with a field name (or a small field
 * description, {@linkcode ChartField}), and returns a
 * {@linkcode Chart}. Categories follow the data dictionary's label order and axes are titled by
 * field labels. A chart shows in Deno's Jupyter kernel (vega-lite plus an SVG fallback rendered
 * headless) and saves as SVG, PNG or self-contained HTML.
 *
 * @example From the data dictionary to a chart and its SVG
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { DataDictionary } from "denocap";
 * import { plotField } from "denocap/plot";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * const dictionary = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "visit", field_type: "text" },
 *   { field_name: "pain", form_name: "visit", field_type: "dropdown", field_label: "Pain",
 *     select_choices_or_calculations: "0, None | 1, Mild | 2, Severe" },
 * ]);
 * const df = pl.DataFrame({ pain: ["Severe", "None", "Mild", "Severe"] });
 * const chart = plotField(df, dictionary, "pain");
 * deepStrictEqual((chart.spec.encoding as any).x.sort, ["None", "Mild", "Severe"]);
 * ok((await chart.toSVG()).includes("mark-rect"));
 * ```
 *
 * @module
 */

// The types the helpers take: a nodejs-polars frame and the project's data dictionary.
export type { DataFrame, DataType } from "../deps/polars.ts";
export type { FieldTypeInfo, ValueKind } from "../dictionary/field_types.ts";
export type {
  CheckboxColumn,
  ColumnInfo,
  ColumnsOptions,
  DataDictionary,
  EventInfo,
  FieldInfo,
  FormInfo,
  MetadataRow,
} from "../dictionary/data_dictionary.ts";
export type { Choice } from "../dictionary/choices.ts";
// The chart object: Jupyter display and saving.
export {
  Chart,
  type ChartBundle,
  type SavePngOptions,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./chart.ts";
// Field descriptions, and building them from REDCap metadata.
export {
  type ChartField,
  chartField,
  chartFields,
  checkboxColumn,
  columnField,
  type FieldChoice,
  fieldInfoFromMetadata,
  type FieldKind,
  type FieldMetadataLike,
  type FieldSource,
  FORM_STATUS_CHOICES,
  formStatusInfo,
  stripHtml,
} from "./field_info.ts";
// Chart helpers.
export {
  type ChannelInput,
  chart,
  type ChartOptions,
  type DateBin,
  type EventEntry,
  type FormEntry,
  type GroupOptions,
  plotBox,
  type PlotBoxOptions,
  plotCheckboxes,
  type PlotCheckboxesOptions,
  plotChoices,
  type PlotChoicesOptions,
  plotFormCompletion,
  type PlotFormCompletionOptions,
  plotHistogram,
  type PlotHistogramOptions,
  plotMissingness,
  type PlotMissingnessOptions,
  type PlotOptions,
  plotTimeline,
  type PlotTimelineOptions,
  type TimelineInstances,
} from "./vega_lite.ts";
// Picking a chart from the field type.
export { plotField, type PlotFieldOptions } from "./auto.ts";
