/**
 * {@linkcode splitInstruments}: a flat export (the "block matrix") → one tidy frame per
 * instrument at its own grain, as REDCapTidieR does.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { attachColumnLabels, readColumnLabels } from "./column_labels.ts";
import { frameColumns, lazyFrame } from "../frame.ts";

const EVENT = "redcap_event_name";
const INSTRUMENT = "redcap_repeat_instrument";
const INSTANCE = "redcap_repeat_instance";

/** Options for {@linkcode splitInstruments}. */
export interface SplitInstrumentsOptions {
  /** Only these forms (in dictionary order). By default, every form.
   */
  forms?: readonly string[];
  /** Keep rows where every field of the form is blank.
   * @default {false}
   */
  keepEmptyRows?: boolean;
}

function isBool(df: pl.DataFrame, column: string): boolean {
  return df.getColumn(column).dtype.equals(pl.Bool);
}

/** Whether a cell holds data: not null, not `""`, and for checkboxes not unchecked. */
function hasData(df: pl.DataFrame, column: string, checkbox: boolean): pl.Expr {
  const c = pl.col(column);
  if (String(df.getColumn(column).dtype).startsWith("DataType(List")) {
    return c.isNotNull().and(c.lst.lengths().gt(0));
  }
  if (isBool(df, column)) return checkbox ? c.fillNull(false) : c.isNotNull();
  const dtype = df.getColumn(column).dtype;
  // Numbers, dates and datetimes are never "": a cell holds data when it is not null (a cast
  // to text of every cell costs more than the rest of the split). Text and Categorical columns
  // compare with "" as they are (Polars compares a Categorical with a literal without casting).
  if (!checkbox && !dtype.equals(pl.String) && !dtype.equals(pl.Categorical)) {
    return c.isNotNull();
  }
  const s = dtype.equals(pl.String) || dtype.equals(pl.Categorical) ? c : c.cast(pl.String);
  const present = s.isNotNull().and(s.neq(pl.lit("")));
  return checkbox ? present.and(s.neq(pl.lit("0"))) : present;
}

/** Text of a structural column, `""` when absent or null. */
function structural(df: pl.DataFrame, column: string): pl.Expr {
  return frameColumns(df).includes(column)
    ? pl.col(column).cast(pl.String).fillNull(pl.lit(""))
    : pl.lit("");
}

/** Whether the form belongs to a row: designated for the event, repeating or not as the row is. */
function formRows(df: pl.DataFrame, dictionary: DataDictionary, form: string): pl.Expr {
  const instrument = structural(df, INSTRUMENT);
  if (!dictionary.longitudinal) {
    return dictionary.isRepeatingForm(form)
      ? instrument.eq(pl.lit(form))
      : instrument.eq(pl.lit(""));
  }
  const event = structural(df, EVENT);
  const base: string[] = [];
  const repeating: string[] = [];
  for (const e of dictionary.events) {
    if (!e.forms.includes(form)) continue;
    (e.repeatingForms.has(form) ? repeating : base).push(e.uniqueName);
  }
  const inBase = base.length > 0 ? instrument.eq(pl.lit("")).and(event.isIn(base)) : pl.lit(false);
  const inRepeat = repeating.length > 0
    ? instrument.eq(pl.lit(form)).and(event.isIn(repeating))
    : pl.lit(false);
  return inBase.or(inRepeat);
}

/**
 * Splits a flat export (raw or cast) into one frame per instrument, keyed by form name, in
 * dictionary order. Each frame has the record id, `redcap_event_name` (longitudinal projects),
 * `redcap_repeat_instance` (when the form repeats anywhere, as an instrument or inside a
 * repeating event), `redcap_data_access_group` when present, the form's survey timestamp when
 * present, then the form's columns ending with `{form}_complete`. Rows are those the form belongs
 * to: its designated events; rows of its own repeating instrument where it repeats; the
 * non-repeating rows where it does not (so a form that repeats in some events only yields both).
 * Rows where every field of the form is blank are dropped (REDCapTidieR's rule; here an
 * unchecked checkbox counts as blank and `{form}_complete` is not a field).
 *
 * @example One frame per instrument
 * ```ts
 * import { DataDictionary, splitInstruments } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "demo", field_type: "text" },
 *   { field_name: "age", form_name: "demo", field_type: "text" },
 *   { field_name: "sbp", form_name: "bp", field_type: "text" },
 * ], { repeating: [{ event_name: "", form_name: "bp" }] });
 * const flat = pl.DataFrame({
 *   id: ["1", "1", "1"], redcap_repeat_instrument: [null, "bp", "bp"],
 *   redcap_repeat_instance: [null, "1", "2"], age: ["30", null, null], demo_complete: ["2", null, null],
 *   sbp: [null, "120", "118"], bp_complete: [null, "2", "0"],
 * });
 * const forms = splitInstruments(flat, dd);
 * deepStrictEqual(forms.get("demo")!.toRecords(), [{ id: "1", age: "30", demo_complete: "2" }]);
 * deepStrictEqual(forms.get("bp")!.columns, ["id", "redcap_repeat_instance", "sbp", "bp_complete"]);
 * deepStrictEqual(forms.get("bp")!.height, 2);
 * ```
 *
 * @param df A flat export with the record-id column (and the structural columns it has).
 * @param dictionary The project's dictionary.
 * @param options Which forms, and whether to keep empty rows.
 * @returns Frames keyed by form name.
 * @throws {TypeError} When the record-id column is missing or a form is unknown.
 */
export function splitInstruments(
  df: DataFrame,
  dictionary: DataDictionary,
  options: SplitInstrumentsOptions = {},
): Map<string, DataFrame> {
  const { forms, keepEmptyRows = false } = options;
  const id = dictionary.recordIdField;
  if (!frameColumns(df).includes(id)) {
    throw new TypeError(`Cannot split instruments: the frame has no record-id column "${id}"`);
  }
  for (const f of forms ?? []) {
    if (!dictionary.form(f)) throw new TypeError(`Cannot split instruments: unknown form "${f}"`);
  }
  const wanted = forms ? new Set(forms) : undefined;
  const has = new Set(frameColumns(df));
  const labels = { ...dictionary.columnLabels(), ...readColumnLabels(df) };
  const result = new Map<string, pl.DataFrame>();
  for (const form of dictionary.forms) {
    if (wanted && !wanted.has(form.name)) continue;
    const keys = [id];
    if (dictionary.longitudinal && has.has(EVENT)) keys.push(EVENT);
    if (dictionary.formRepeats(form.name) && has.has(INSTANCE)) keys.push(INSTANCE);
    if (has.has("redcap_data_access_group")) keys.push("redcap_data_access_group");
    const timestamp = `${form.name}_timestamp`;
    if (has.has(timestamp)) keys.push(timestamp);
    const dataColumns: string[] = [];
    const extras: string[] = [];
    const checkboxes = new Set<string>();
    for (const name of form.fields) {
      if (name === id || dictionary.isFormStatus(name)) continue;
      const field = dictionary.field(name)!;
      // A checkbox field combined into one list column (labelRecords "list") keeps its name.
      const columns = field.type === "checkbox" && has.has(name) ? [name] : field.columns;
      for (const column of columns) {
        if (!has.has(column)) continue;
        dataColumns.push(column);
        if (dictionary.columnInfo(column)?.role === "checkbox") checkboxes.add(column);
        // labelRecords "both" adds `field__label` beside the codes.
        if (has.has(`${column}__label`)) extras.push(`${column}__label`);
      }
    }
    const status = `${form.name}_complete`;
    const statusColumns = [status, `${status}__label`].filter((c) => has.has(c));
    const labelled = new Set(extras);
    const ordered = dataColumns.flatMap((c) =>
      labelled.has(`${c}__label`) ? [c, `${c}__label`] : [c]
    );
    const columns = [...keys, ...ordered, ...statusColumns];
    let mask = formRows(df, dictionary, form.name);
    if (!keepEmptyRows) {
      const anyData = dataColumns.length === 0
        ? pl.lit(false)
        : dataColumns.map((c) => hasData(df, c, checkboxes.has(c))).reduce((a, b) => a.or(b));
      mask = mask.and(anyData);
    }
    const frame = lazyFrame(df).filter(mask).select(...columns).collectSync();
    result.set(form.name, attachColumnLabels(frame, labels));
  }
  return result;
}
