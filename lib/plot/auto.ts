/**
 * {@linkcode plotField}: picks a chart from a field's type, like Observable Plot's `auto`.
 *
 * @module
 */

import type pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { Chart } from "./chart.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import {
  type ChartField,
  chartField,
  type FieldKind,
  isDictionary,
  withDictionaryFields,
} from "./field_info.ts";
import { dtypeOf, isNumericDtype } from "./_data.ts";
import {
  type GroupOptions,
  plotCheckboxes,
  plotChoices,
  plotHistogram,
  type PlotOptions,
} from "./vega_lite.ts";
import { frameColumns } from "../frame.ts";

/** Options for {@linkcode plotField}. */
export type PlotFieldOptions = PlotOptions & GroupOptions;

/**
 * Plots one field with the chart that suits its type: bars in label order for choice,
 * yes/no, true/false, form status and Boolean fields; option frequencies for checkboxes; a
 * histogram for numbers, integers, dates and datetimes; the most frequent values for text. The
 * field's label, kind and choices come from the project's dictionary.
 *
 * @example A date of birth and a radio field, by name
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { DataDictionary } from "denocap";
 * import { plotField } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "demo", field_type: "text" },
 *   { field_name: "dob", form_name: "demo", field_type: "text", field_label: "Date of birth",
 *     text_validation_type_or_show_slider_number: "date_ymd" },
 *   { field_name: "sex", form_name: "demo", field_type: "radio", field_label: "Sex",
 *     select_choices_or_calculations: "1, Female | 2, Male" },
 * ]);
 * const df = pl.DataFrame({ dob: [new Date("1980-02-01"), new Date("1991-07-15")], sex: ["Male", "Female"] });
 * strictEqual((plotField(df, dd, "dob").spec.encoding as any).x.title, "Date of birth");
 * strictEqual((plotField(df, dd, "sex").spec.mark as any).type, "bar");
 * ```
 *
 * @param frame The data.
 * @param dictionary The project's data dictionary.
 * @param field The field (variable) name; a checkbox's base name.
 * @param options Grouping (**by**), title and size.
 * @returns The chart.
 */
export function plotField(
  frame: DataFrame,
  dictionary: DataDictionary,
  field: string,
  options?: PlotFieldOptions,
): Chart;
/**
 * Plots one field with the chart that suits its type, from a field description (or a list to
 * find it in) instead of the dictionary; without one the type is guessed from the column dtype
 * (and `field___code` columns mean a checkbox), and the variable name is used as title.
 *
 * @example A choice field and a number field
 * ```ts
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { fieldInfoFromMetadata, plotField } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const fields = fieldInfoFromMetadata([
 *   { field_name: "sex", form_name: "demo", field_type: "radio", field_label: "Sex",
 *     select_choices_or_calculations: "1, Female | 2, Male" },
 *   { field_name: "bmi", form_name: "demo", field_type: "text", field_label: "BMI",
 *     text_validation_type_or_show_slider_number: "number" },
 * ]);
 * const df = pl.DataFrame({ sex: ["Male", "Female"], bmi: [22.5, 31.2] });
 * strictEqual((plotField(df, "sex", fields).spec.mark as any).type, "bar");
 * strictEqual((plotField(df, "bmi", fields).spec.encoding as any).x.title, "BMI");
 * ```
 *
 * @param frame The data.
 * @param field The field (variable) name; a checkbox's base name.
 * @param info The field's description, or a list to find it in.
 * @param options Grouping (**by**), title and size.
 * @returns The chart.
 */
export function plotField(
  frame: DataFrame,
  field: string,
  info?: ChartField | readonly ChartField[],
  options?: PlotFieldOptions,
): Chart;
export function plotField(
  frame: DataFrame,
  fieldOrDictionary: string | DataDictionary,
  infoOrField?: string | ChartField | readonly ChartField[],
  options: PlotFieldOptions = {},
): Chart {
  if (isDictionary(fieldOrDictionary)) {
    if (typeof infoOrField !== "string") {
      throw new TypeError("Cannot plot field: with a data dictionary, pass the field's name next");
    }
    return plotField(
      frame,
      infoOrField,
      chartField(fieldOrDictionary, infoOrField),
      withDictionaryFields(fieldOrDictionary, options),
    );
  }
  const field = fieldOrDictionary;
  const info = infoOrField as ChartField | readonly ChartField[] | undefined;
  const found = Array.isArray(info)
    ? (info as readonly ChartField[]).find((f) => f.name === field)
    : info as ChartField | undefined;
  if (found && found.name !== field) {
    throw new Error(`Cannot plot field "${field}": the description given is for "${found.name}"`);
  }
  const described = found ?? guessInfo(frame, field);
  switch (described.type) {
    case "checkbox":
      return plotCheckboxes(frame, described, options);
    case "number":
    case "integer":
    case "date":
    case "datetime":
      return plotHistogram(frame, described, options);
    default:
      return plotChoices(frame, described, options);
  }
}

function guessInfo(frame: pl.DataFrame, field: string): ChartField {
  const columns = frameColumns(frame);
  if (!columns.includes(field)) {
    const prefix = `${field}___`;
    const codes = columns.filter((c) => c.startsWith(prefix)).map((c) => c.slice(prefix.length));
    if (codes.length) {
      return {
        name: field,
        label: field,
        type: "checkbox",
        choices: codes.map((code) => ({ code, label: code })),
      };
    }
    throw new Error(`Cannot plot field "${field}": the frame has no column "${field}"`);
  }
  const variant = dtypeOf(frame, field);
  let type: FieldKind = "text";
  if (variant === "Date") type = "date";
  else if (variant === "Datetime") type = "datetime";
  else if (variant === "Bool") type = "boolean";
  else if (variant.startsWith("Int") || variant.startsWith("UInt")) type = "integer";
  else if (isNumericDtype(variant)) type = "number";
  return { name: field, label: field, type };
}
