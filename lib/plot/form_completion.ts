/**
 * {@linkcode plotFormCompletion}: the completion status of each instrument.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import { Chart } from "./chart.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { columnValues, eventAxis, type EventEntry, isMissing, requireColumn } from "./_data.ts";
import { base, discreteAxis, humanize, type PlotOptions } from "./_base.ts";

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
  /**
   * The project's dictionary: by default, forms are its instruments (by label, in its order),
   * events its events (by label) and the mapping its instrument-event designations.
   */
  dictionary?: DataDictionary;
}

/**
 * A heat map of form completion: one cell per form (y) and event (x) showing the share of rows
 * whose `{form}_complete` is *Complete* (2) among rows where it is set. Cells where a form never
 * has a status are left out, and with **formEventMapping** so are forms not designated to an
 * event. Status cells may be codes (0/1/2), numbers or labels.
 *
 * @example Two forms, two events
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
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
  frame: DataFrame,
  options: PlotFormCompletionOptions = {},
): Chart {
  const action = "plot form completion";
  const { eventColumn = "redcap_event_name", dictionary } = options;
  const present = new Set(frameColumns(frame));
  // With the dictionary: its instruments (by label, in its order) whose status column the frame
  // has, its events by label, and its instrument-event designations.
  const dictionaryForms = dictionary?.forms
    .filter((f) => present.has(`${f.name}_complete`))
    .map((f) => ({ name: f.name, label: f.label }));
  const dictionaryEvents = dictionary?.events.length
    ? dictionary.events.map((e) => ({ name: e.uniqueName, label: e.label }))
    : undefined;
  const dictionaryMapping = dictionary?.events.flatMap((e) =>
    e.forms.map((form) => ({ unique_event_name: e.uniqueName, form }))
  );
  options = {
    ...options,
    events: options.events ?? dictionaryEvents,
    formEventMapping: options.formEventMapping ??
      (dictionaryMapping?.length ? dictionaryMapping : undefined),
  };
  const forms = (options.forms ?? dictionaryForms ??
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

export function isComplete(status: unknown): boolean {
  const text = String(status).trim();
  return text === "2" || text === "Complete";
}
