/**
 * Chart helpers in the spirit of Observable Plot: `plotX(frame, field, options)` returns a
 * {@linkcode Chart} whose vega-lite spec has the data inline, categories in the data
 * dictionary's label order and field labels as axis titles. One file per chart kind (as Observable
 * Plot's `marks/`); this module gathers them.
 *
 * @module
 */

export type { EventEntry } from "./_data.ts";
export { type GroupOptions, type PlotOptions } from "./_base.ts";
export { plotChoices, type PlotChoicesOptions } from "./choices.ts";
export { plotCheckboxes, type PlotCheckboxesOptions } from "./checkboxes.ts";
export { type DateBin, plotHistogram, type PlotHistogramOptions } from "./histogram.ts";
export { plotBox, type PlotBoxOptions } from "./box.ts";
export { plotTimeline, type PlotTimelineOptions, type TimelineInstances } from "./timeline.ts";
export {
  type FormEntry,
  plotFormCompletion,
  type PlotFormCompletionOptions,
} from "./form_completion.ts";
export { plotMissingness, type PlotMissingnessOptions } from "./missingness.ts";
export { type ChannelInput, chart, type ChartOptions } from "./custom_chart.ts";
