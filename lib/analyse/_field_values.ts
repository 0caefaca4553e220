/**
 * A field's values read from any frame of a read: coded fields matched to their dictionary
 * levels whether the frame holds codes or labels, checkbox options from Boolean, raw `"1"`/`"0"`
 * or List(Utf8) columns. Internal to lib/analyse.
 *
 * @module
 */
import type pl from "../deps/polars.ts";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { stripHtml } from "../plot/field_info.ts";

/** A column's values as JavaScript values (Dates for Date/Datetime, arrays for lists). */
export function columnValues(frame: pl.DataFrame, column: string): unknown[] {
  return frame.getColumn(column).toArray() as unknown[];
}

/** A field by name, or a clear error naming it (with the frame's columns in mind). */
export function fieldOf(dictionary: DataDictionary, field: string, action: string): FieldInfo {
  const info = dictionary.field(field);
  if (!info) {
    throw new RangeError(`Cannot ${action}: "${field}" is not a field of the data dictionary`);
  }
  return info;
}

/** The field's label as plain text (REDCap labels may hold HTML). */
export function plainLabel(field: FieldInfo): string {
  return stripHtml(field.label) || field.name;
}

/** The unit of a number field: its field note when short (REDCap has no unit attribute; the
 * field note under the input is where projects put "cm", "kg", "mmHg"). */
export function unitOf(field: FieldInfo): string {
  const numeric = ["integer", "number", "calc"].includes(field.typeInfo.kind);
  const note = stripHtml(field.note);
  return numeric && note.length > 0 && note.length <= 20 ? note : "";
}

/** Whether a frame column holds a coded field's values. */
export function hasColumn(frame: pl.DataFrame, column: string): boolean {
  return frameColumns(frame).includes(column);
}

/**
 * The level index (into `field.choices`) of every row of a coded field, `null` for a blank and
 * `-1` for a value that is neither a code nor a label. Codes win over labels when a value is
 * both (a frame read with `labels: "code"` holds codes; with `"label"`, labels), decided for the
 * whole column by which of the two matches more values. Booleans (yesno/truefalse read as
 * codes) are `1`/`0`, as REDCap codes them.
 */
export function levelIndexes(frame: pl.DataFrame, field: FieldInfo): (number | null)[] {
  const column = field.name;
  if (!hasColumn(frame, column)) {
    throw new RangeError(`Cannot read field "${column}": the frame has no column "${column}"`);
  }
  const values = columnValues(frame, column).map((v) =>
    v === null || v === undefined || v === ""
      ? null
      : typeof v === "boolean"
      ? (v ? "1" : "0")
      : String(v)
  );
  const byCode = new Map<string, number>();
  const byLabel = new Map<string, number>();
  field.choices.forEach((c, i) => {
    if (!byCode.has(c.code)) byCode.set(c.code, i);
    if (!byLabel.has(c.label)) byLabel.set(c.label, i);
  });
  let codes = 0, labels = 0;
  for (const v of values) {
    if (v === null) continue;
    if (byCode.has(v)) codes++;
    if (byLabel.has(v)) labels++;
  }
  const first = codes >= labels ? byCode : byLabel;
  const second = codes >= labels ? byLabel : byCode;
  return values.map((v) => v === null ? null : first.get(v) ?? second.get(v) ?? -1);
}

/**
 * Per checkbox option (choices, then missing-data codes present in the frame), whether each
 * row checks it: `null` where the row has no value for the field (its form is not on the row's
 * event or instrument). Reads one Boolean or raw `"1"`/`"0"` column per option, or one
 * List(Utf8) column named after the field (`checkboxes: "list"`).
 */
export function checkboxOptions(
  frame: pl.DataFrame,
  dictionary: DataDictionary,
  field: FieldInfo,
): { code: string; label: string; checked: (boolean | null)[] }[] {
  const columns = new Set(frameColumns(frame));
  const options = dictionary.checkboxColumns(field.name);
  if (columns.has(field.name)) {
    const lists = columnValues(frame, field.name) as (string[] | null)[];
    return options.filter((o) => !o.missingCode).map((o) => ({
      code: o.code,
      label: o.label,
      checked: lists.map((l) =>
        l === null || l === undefined ? null : [...l].some((x) => x === o.label || x === o.code)
      ),
    }));
  }
  const present = options.filter((o) => columns.has(o.column));
  if (present.length === 0) {
    throw new RangeError(
      `Cannot read checkbox field "${field.name}": the frame has none of its columns (${
        options.map((o) => o.column).slice(0, 3).join(", ")
      }, ...)`,
    );
  }
  return present.map((o) => ({
    code: o.code,
    label: o.label,
    checked: columnValues(frame, o.column).map((v) =>
      v === null || v === undefined || v === "" ? null : v === true || v === "1" || v === 1
    ),
  }));
}

/**
 * A row's blank value taken from the other rows of its record when they agree on one value: a
 * field of a form on one event (sex, on enrollment) then groups every row of the record, as a
 * flat export of a longitudinal project leaves it blank on the other events' rows.
 */
function recordFilled<T>(
  frame: pl.DataFrame,
  dictionary: DataDictionary,
  column: string,
  values: T[],
): T[] {
  const id = dictionary.recordIdField;
  if (column === id || !hasColumn(frame, id) || !values.some((v) => v === null)) return values;
  const ids = columnValues(frame, id);
  const byRecord = new Map<unknown, T | undefined>();
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const seen = byRecord.get(ids[i]);
    // undefined marks a record with two values: it is not filled.
    if (!byRecord.has(ids[i])) byRecord.set(ids[i], v);
    else if (seen !== v && !(seen instanceof Date && v instanceof Date && +seen === +v)) {
      byRecord.set(ids[i], undefined);
    }
  });
  return values.map((v, i) => v ?? byRecord.get(ids[i]) ?? v);
}

/** The group (level label or value as text) of every row of a `by` column, in a stable order:
 * dictionary order for coded fields (every level, even empty), else sorted values; blank rows
 * take their record's value when its other rows agree on one. */
export function groupsOf(
  frame: pl.DataFrame,
  dictionary: DataDictionary,
  by: string,
  action: string,
): { names: string[]; rows: (number | null)[] } {
  if (!hasColumn(frame, by)) {
    throw new RangeError(`Cannot ${action}: the frame has no column "${by}" to group by`);
  }
  const field = dictionary.field(by);
  if (field && field.choices.length > 0 && field.type !== "checkbox") {
    const rows = recordFilled(frame, dictionary, by, levelIndexes(frame, field));
    const names = field.choices.map((c) => c.label);
    if (rows.includes(-1)) {
      const unknown = columnValues(frame, by)[rows.indexOf(-1)];
      throw new RangeError(
        `Cannot ${action}: "${by}" holds ${
          JSON.stringify(unknown)
        }, which is none of its codes or labels`,
      );
    }
    return { names, rows };
  }
  const values = recordFilled(frame, dictionary, by, columnValues(frame, by)).map((v) =>
    v === null || v === undefined
      ? null
      : v instanceof Date
      ? v.toISOString().slice(0, 10)
      : String(v)
  );
  const seen = new Set(values.filter((v): v is string => v !== null));
  // Events and arms in the project's order (the order REDCap lists them in), also for the
  // columns withEventColumns() adds.
  const eventOrder = by === "redcap_event_name"
    ? dictionary.events.map((e) => e.uniqueName)
    : by === "event_label"
    ? [...new Set(dictionary.events.map((e) => e.label))]
    : by === "arm_name"
    ? dictionary.arms.map((a) => a.name)
    : [];
  const names = [
    ...eventOrder.filter((e) => seen.has(e)),
    ...[...seen].filter((v) => !eventOrder.includes(v)).sort((a, b) =>
      a.localeCompare(b, undefined, { numeric: true })
    ),
  ];
  const index = new Map(names.map((n, i) => [n, i]));
  return { names, rows: values.map((v) => v === null ? null : index.get(v)!) };
}

/** `n / total` as a percentage rounded to one decimal (`null` when `total` is 0). */
export function percent(n: number, total: number): number | null {
  return total === 0 ? null : Math.round((1000 * n) / total) / 10;
}

/**
 * Whether each row holds a form's fields, as REDCap lays out a flat export: the row's event
 * designates the form (longitudinal), and the row is the form's own repeat instance or a
 * non-repeating row of a form that does not repeat on its own there. Frames without
 * `redcap_event_name`/`redcap_repeat_instrument` (an instrument's table, a classic project)
 * hold the form on every row.
 */
export function formRows(frame: pl.DataFrame, dictionary: DataDictionary, form: string): boolean[] {
  const columns = new Set(frameColumns(frame));
  const height = frameHeight(frame);
  const events: (string | null)[] = dictionary.longitudinal && columns.has("redcap_event_name")
    ? frame.getColumn("redcap_event_name").toArray()
    : new Array(height).fill(null);
  const instruments: (string | null)[] = columns.has("redcap_repeat_instrument")
    ? frame.getColumn("redcap_repeat_instrument").toArray()
    : new Array(height).fill(undefined);
  const cache = new Map<string, boolean>();
  return events.map((event, i) => {
    const instrument = instruments[i];
    const key = `${event}\u0000${instrument}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      const designated = event === null || dictionary.designatedForms(event).includes(form);
      const own = instrument === undefined
        ? true
        : instrument === null || instrument === ""
        ? !dictionary.isRepeatingForm(form, event)
        : instrument === form;
      hit = designated && own;
      cache.set(key, hit);
    }
    return hit;
  });
}
