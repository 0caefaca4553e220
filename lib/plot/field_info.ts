/**
 * The little a chart needs to know about a field: its label, its kind and its choices in
 * dictionary order. Charts find it in a {@linkcode DataDictionary} by name
 * ({@linkcode chartField}); {@linkcode fieldInfoFromMetadata} builds it from metadata rows.
 * Choices, their grammar and the checkbox column suffix are the dictionary's.
 *
 * @module
 */
import {
  checkboxSuffix,
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "../dictionary/choices.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { resolveFieldType } from "../dictionary/field_types.ts";

export { FORM_STATUS_CHOICES };

/** A coded choice, in the data dictionary's order (the dictionary's {@linkcode Choice}). */
export type FieldChoice = Choice;

/** What kind of values a field holds, as far as charts care. */
export type FieldKind =
  | "choice"
  | "checkbox"
  | "number"
  | "integer"
  | "date"
  | "datetime"
  | "text"
  | "boolean"
  | "form_status";

/** A field as charts see it: what {@linkcode chartField} finds in a dictionary. */
export interface ChartField {
  /** The variable name (`age`); a checkbox's base name (`race`, not `race___1`). */
  name: string;
  /** The field label, HTML stripped: used for axis titles. */
  label: string;
  /** The kind of values. */
  type: FieldKind;
  /** Choices in dictionary order (choice, checkbox, form_status; yesno/truefalse too). */
  choices?: readonly FieldChoice[];
  /** The instrument (form) the field belongs to. */
  form?: string;
  /** The unit, from the field note (set by {@linkcode chartField}; already in the label). */
  unit?: string;
}

/** The metadata columns {@linkcode fieldInfoFromMetadata} reads (a subset of `FieldMetadata`). */
export interface FieldMetadataLike {
  /** Variable name. */
  field_name: string;
  /** Instrument name. */
  form_name: string;
  /** REDCap field type (`text`, `radio`, `checkbox`, `yesno`, `calc`, …). */
  field_type: string;
  /** Field label, may hold HTML. */
  field_label: string;
  /** Choices (`1, Yes | 2, No`) or a calculation. */
  select_choices_or_calculations?: string;
  /** Text validation (`date_ymd`, `integer`, `number_2dp`, …) or slider display. */
  text_validation_type_or_show_slider_number?: string;
  /** The field note, shown under the input in REDCap: often a number's unit (`kg`). */
  field_note?: string;
}

/**
 * Builds chart descriptions from REDCap metadata rows (`content=metadata`): radio, dropdown,
 * yesno and truefalse become *choice*, checkbox *checkbox*, text with a date/datetime/integer/
 * number validation the matching kind, calc *number*, slider *integer*, other text, notes and
 * file fields *text*; descriptive fields are skipped. After each form's last field comes its
 * `{form}_complete` field (*form_status*, Incomplete/Unverified/Complete), as in REDCap's exports.
 * Labels lose their HTML. A number's short field note (REDCap's usual place for a unit: `kg`,
 * `mmHg`, `beats per minute`) is its **unit**, added to the label unless already in it:
 * `Weight (kg)`.
 *
 * @example From two metadata rows
 * ```ts
 * import { fieldInfoFromMetadata } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const infos = fieldInfoFromMetadata([
 *   { field_name: "record_id", form_name: "intake", field_type: "text", field_label: "Record ID" },
 *   {
 *     field_name: "smoker", form_name: "intake", field_type: "yesno",
 *     field_label: "<b>Smoker?</b>",
 *   },
 * ]);
 * deepStrictEqual(infos.map((f) => [f.name, f.type, f.label]), [
 *   ["record_id", "text", "Record ID"],
 *   ["smoker", "choice", "Smoker?"],
 *   ["intake_complete", "form_status", "Intake complete?"],
 * ]);
 * ```
 *
 * @param rows Metadata rows in dictionary order.
 * @returns One entry per data field plus one `{form}_complete` per form, in export order.
 */
export function fieldInfoFromMetadata(rows: readonly FieldMetadataLike[]): ChartField[] {
  const out: ChartField[] = [];
  let currentForm: string | undefined;
  const closeForm = () => {
    if (currentForm !== undefined) out.push(formStatusInfo(currentForm));
  };
  for (const row of rows) {
    if (row.form_name !== currentForm) {
      closeForm();
      currentForm = row.form_name;
    }
    const info = fieldInfoFromRow(row);
    if (info) out.push(info);
  }
  closeForm();
  return out;
}

/**
 * The description of a `{form}_complete` field.
 *
 * @example
 * ```ts
 * import { formStatusInfo } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(formStatusInfo("adverse_events").label, "Adverse events complete?");
 * ```
 *
 * @param form The instrument name.
 * @param formLabel The instrument label, when known (`content=instrument`).
 * @returns A *form_status* ChartField named `{form}_complete`.
 */
export function formStatusInfo(form: string, formLabel?: string): ChartField {
  return {
    name: `${form}_complete`,
    label: `${formLabel ?? humanize(form)} complete?`,
    type: "form_status",
    choices: FORM_STATUS_CHOICES,
    form,
  };
}

function fieldInfoFromRow(row: FieldMetadataLike): ChartField | undefined {
  const info = fieldKindOfRow(row);
  if (!info || (info.type !== "number" && info.type !== "integer")) return info;
  const unit = unitOf(row.field_note);
  if (!unit) return info;
  const has = info.label.toLowerCase().includes(unit.toLowerCase());
  return { ...info, label: has ? info.label : `${info.label} (${unit})`, unit };
}

/** A field note that reads as a unit: short text (at most 20 characters, one line). */
function unitOf(note: string | undefined): string | undefined {
  const text = stripHtml(note ?? "");
  return text && text.length <= 20 && !/[.!?:]$/.test(text) ? text : undefined;
}

function fieldKindOfRow(row: FieldMetadataLike): ChartField | undefined {
  const base = { name: row.field_name, label: stripHtml(row.field_label) || row.field_name };
  const form = row.form_name;
  const validation = (row.text_validation_type_or_show_slider_number ?? "").trim();
  switch (row.field_type) {
    case "descriptive":
      return undefined;
    case "radio":
    case "dropdown":
      return { ...base, type: "choice", choices: parseChoiceText(row), form };
    case "checkbox":
      return { ...base, type: "checkbox", choices: parseChoiceText(row), form };
    case "yesno":
      return { ...base, type: "choice", choices: YES_NO_CHOICES, form };
    case "truefalse":
      return { ...base, type: "choice", choices: TRUE_FALSE_CHOICES, form };
    case "calc":
      return { ...base, type: "number", form };
    case "slider":
      return { ...base, type: "integer", form };
    case "text":
      return { ...base, type: kindOfValidation(validation), form };
    default:
      return { ...base, type: "text", form };
  }
}

/** A text field's chart kind, from the dictionary's one field-type table. */
function kindOfValidation(validation: string): FieldKind {
  const { kind } = resolveFieldType("text", validation);
  return kind === "integer" || kind === "number" || kind === "date" || kind === "datetime"
    ? kind
    : "text";
}

/** The field's choices (the dictionary's grammar), labels without HTML. */
function parseChoiceText(row: FieldMetadataLike): FieldChoice[] {
  return parseChoices(row.select_choices_or_calculations)
    .map((c) => ({ code: c.code, label: stripHtml(c.label) }));
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/**
 * Strips HTML from a REDCap label: tags removed (`<br>` becomes a space), common entities
 * decoded, whitespace collapsed.
 *
 * @example
 * ```ts
 * import { stripHtml } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(stripHtml('<span style="color:red">Weight</span><br>(kg) &amp; date'), "Weight (kg) & date");
 * ```
 *
 * @param label A label as REDCap stores it.
 * @returns Plain text.
 */
export function stripHtml(label: string): string {
  return label
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X"
          ? parseInt(name.slice(2), 16)
          : parseInt(name.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * REDCap's checkbox column suffix for a code: `-` and `.` become `_`, lower-cased, anything
 * outside `[a-z0-9_]` dropped (`-99` → `_99`), so the column is `{field}___{suffix}`.
 *
 * @example
 * ```ts
 * import { checkboxColumn } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(checkboxColumn("race", "-99"), "race____99");
 * ```
 *
 * @param field The checkbox field's name.
 * @param code One choice code.
 * @returns The export column of that option.
 */
export function checkboxColumn(field: string, code: string): string {
  return `${field}___${checkboxSuffix(code)}`;
}

function humanize(name: string): string {
  const text = name.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const CHART_FIELDS = new WeakMap<DataDictionary, Map<string, ChartField>>();

/**
 * The chart description of a field, found in the project's dictionary: a data field, a
 * checkbox field by its base name, or a `{form}_complete` field (labelled with the
 * instrument's label when the dictionary knows it); else a column named after a field, as
 * {@linkcode columnField} finds it (`race___2`, `sex__label`). A number's short field note, REDCap's usual
 * place for a unit, is added to the label: `Weight (kg)`.
 *
 * @example A field of a dictionary
 * ```ts
 * import { DataDictionary } from "denocap";
 * import { chartField } from "denocap/plot";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "intake", field_type: "text" },
 *   { field_name: "smoker", form_name: "intake", field_type: "yesno", field_label: "Smoker?" },
 * ]);
 * const field = chartField(dd, "smoker");
 * deepStrictEqual([field.type, field.label, field.choices?.length], ["choice", "Smoker?", 2]);
 * ```
 *
 * @param dictionary The project's dictionary.
 * @param name A field name (checkbox fields by base name) or `{form}_complete`.
 * @returns The field's label, kind and choices.
 * @throws {RangeError} When the dictionary has no such field.
 */
export function chartField(dictionary: DataDictionary, name: string): ChartField {
  let fields = CHART_FIELDS.get(dictionary);
  if (!fields) {
    fields = new Map(
      fieldInfoFromMetadata(dictionary.metadata).map((f) => {
        const form = f.type === "form_status" ? dictionary.form(f.form ?? "") : undefined;
        return [
          f.name,
          form && form.label !== form.name ? formStatusInfo(form.name, form.label) : f,
        ];
      }),
    );
    CHART_FIELDS.set(dictionary, fields);
  }
  const field = fields.get(name) ?? columnField([...fields.values()], name);
  if (!field) {
    throw new RangeError(`Cannot plot field "${name}": the data dictionary has no such field`);
  }
  return field;
}

/**
 * Every field of a dictionary as charts see it: data fields and each instrument's
 * `{form}_complete`, in export order.
 *
 * @param dictionary The project's dictionary.
 * @returns The chart fields.
 */
export function chartFields(dictionary: DataDictionary): ChartField[] {
  chartField(dictionary, dictionary.recordIdField);
  return [...CHART_FIELDS.get(dictionary)!.values()];
}

/**
 * Chart fields from an option that takes descriptions or the dictionary.
 *
 * @param fields Descriptions, the dictionary, or nothing.
 * @returns The descriptions.
 */
export function chartFieldsOf(
  fields: readonly ChartField[] | DataDictionary | undefined,
): readonly ChartField[] {
  return fields === undefined ? [] : isDictionary(fields) ? chartFields(fields) : fields;
}

/**
 * A chart helper's field argument: a {@linkcode ChartField}, or the project's dictionary with
 * the field's name passed next (then a **by** option naming a dictionary field takes that
 * field's label and label order too).
 */
export type FieldSource = ChartField | DataDictionary;

/**
 * Resolves a chart helper's arguments: `(field, options)` or `(dictionary, name, options)`.
 *
 * @param source A chart field, or the dictionary.
 * @param nameOrOptions The field name (with a dictionary), else the options.
 * @param options The options (with a dictionary).
 * @returns The chart field and the options.
 */
export function resolveField<O>(
  source: FieldSource,
  nameOrOptions: string | O | undefined,
  options: O | undefined,
): [ChartField, O | undefined] {
  if (isDictionary(source)) {
    if (typeof nameOrOptions !== "string") {
      throw new TypeError(
        "Cannot plot field: with a data dictionary, pass the field's name next",
      );
    }
    return [chartField(source, nameOrOptions), withDictionaryFields(source, options)];
  }
  return [source, nameOrOptions as O | undefined];
}

/**
 * With a dictionary, a **by** (or a timeline's **x**) naming one of its columns gets that
 * column's description: label (and unit) and label order, found by column name; and events
 * (when not given) are the project's, in its order, shown by label.
 *
 * @param dictionary The project's dictionary.
 * @param options A chart helper's options.
 * @returns The options with `byInfo`, `xInfo` and `events` filled in where known.
 */
export function withDictionaryFields<O>(
  dictionary: DataDictionary,
  options: O | undefined,
): O | undefined {
  const given = (options ?? {}) as {
    by?: unknown;
    byInfo?: ChartField;
    x?: unknown;
    xInfo?: ChartField;
    events?: unknown;
  };
  const out: Record<string, unknown> = { ...given };
  if (typeof given.by === "string" && !given.byInfo) {
    out.byInfo = columnField(chartFields(dictionary), given.by);
  }
  if (typeof given.x === "string" && !given.xInfo) {
    out.xInfo = columnField(chartFields(dictionary), given.x);
  }
  if (!("events" in given) && dictionary.events.length) {
    out.events = dictionary.events.map((e) => ({ name: e.uniqueName, label: e.label }));
  }
  for (const key of ["byInfo", "xInfo"]) if (out[key] === undefined) delete out[key];
  return out as O;
}

/** Titles of REDCap's own export columns, which are not fields of the dictionary. */
export const REDCAP_COLUMN_TITLES: Readonly<Record<string, string>> = {
  redcap_event_name: "Event",
  redcap_repeat_instrument: "Repeat instrument",
  redcap_repeat_instance: "Repeat instance",
  redcap_data_access_group: "Data access group",
  redcap_survey_identifier: "Survey identifier",
};

/** REDCap's labels of a checkbox option column's values. */
const CHECKED_CHOICES: readonly FieldChoice[] = [
  { code: "1", label: "Checked" },
  { code: "0", label: "Unchecked" },
];

/**
 * The description of a frame column, looked up by its name so it holds for any frame (after
 * `select`, `filter` or a join): a field (`weight`), a checkbox option column (`race___2`,
 * titled `Race (choice=Asian)` as REDCap's labelled exports do, values Checked/Unchecked), a
 * `field__label` column (the field's label and choices), or a `{form}_complete` field.
 *
 * @example
 * ```ts
 * import { DataDictionary } from "denocap";
 * import { chartFields, columnField } from "denocap/plot";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "race", form_name: "f", field_type: "checkbox", field_label: "Race",
 *     select_choices_or_calculations: "1, White | 2, Asian" },
 * ]);
 * strictEqual(columnField(chartFields(dd), "race___2")?.label, "Race (choice=Asian)");
 * strictEqual(columnField(chartFields(dd), "bmi_group"), undefined);
 * ```
 *
 * @param fields The project's fields (e.g. {@linkcode chartFields} of the dictionary).
 * @param column A column name.
 * @returns The column's description, or `undefined` when it is none of the project's.
 */
export function columnField(
  fields: readonly ChartField[],
  column: string,
): ChartField | undefined {
  const direct = fields.find((f) => f.name === column && f.type !== "checkbox");
  if (direct) return direct;
  if (column.endsWith("__label")) {
    const base = fields.find((f) => f.name === column.slice(0, -"__label".length));
    if (base) return { ...base, name: column };
  }
  for (const f of fields) {
    if (f.type !== "checkbox" || !column.startsWith(`${f.name}___`)) continue;
    const choice = f.choices?.find((c) => checkboxColumn(f.name, c.code) === column);
    if (choice) {
      return {
        name: column,
        label: `${f.label} (choice=${choice.label})`,
        type: "choice",
        choices: CHECKED_CHOICES,
        ...(f.form ? { form: f.form } : {}),
      };
    }
  }
  return undefined;
}

/**
 * Whether a value is a {@linkcode DataDictionary} (by shape, so plots need not load it).
 *
 * @param value Anything.
 * @returns `true` for a data dictionary.
 */
export function isDictionary(value: unknown): value is DataDictionary {
  return typeof value === "object" && value !== null &&
    typeof (value as DataDictionary).field === "function" &&
    Array.isArray((value as DataDictionary).metadata);
}
