/**
 * The little a chart needs to know about a field: its label, its kind and its choices in
 * dictionary order. Built from REDCap metadata rows by {@linkcode fieldInfoFromMetadata}.
 *
 * @module
 */

/** A coded choice, in the data dictionary's order. */
export interface FieldChoice {
  /** The raw code (`1`, `-99`). */
  code: string;
  /** The label shown in forms (`Yes`). */
  label: string;
}

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

/** A field as charts see it. */
export interface FieldInfo {
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
}

/** Implicit choices of every `{form}_complete` field. */
export const FORM_STATUS_CHOICES: readonly FieldChoice[] = Object.freeze([
  { code: "0", label: "Incomplete" },
  { code: "1", label: "Unverified" },
  { code: "2", label: "Complete" },
]);

const YES_NO: readonly FieldChoice[] = [{ code: "1", label: "Yes" }, { code: "0", label: "No" }];
const TRUE_FALSE: readonly FieldChoice[] = [
  { code: "1", label: "True" },
  { code: "0", label: "False" },
];

/**
 * Builds chart descriptions from REDCap metadata rows (`content=metadata`): radio, dropdown,
 * yesno and truefalse become *choice*, checkbox *checkbox*, text with a date/datetime/integer/
 * number validation the matching kind, calc *number*, slider *integer*, other text, notes and
 * file fields *text*; descriptive fields are skipped. After each form's last field comes its
 * `{form}_complete` field (*form_status*, Incomplete/Unverified/Complete), as in REDCap's exports.
 * Labels lose their HTML.
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
export function fieldInfoFromMetadata(rows: readonly FieldMetadataLike[]): FieldInfo[] {
  const out: FieldInfo[] = [];
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
 * @returns A *form_status* FieldInfo named `{form}_complete`.
 */
export function formStatusInfo(form: string, formLabel?: string): FieldInfo {
  return {
    name: `${form}_complete`,
    label: `${formLabel ?? humanize(form)} complete?`,
    type: "form_status",
    choices: FORM_STATUS_CHOICES,
    form,
  };
}

function fieldInfoFromRow(row: FieldMetadataLike): FieldInfo | undefined {
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
      return { ...base, type: "choice", choices: YES_NO, form };
    case "truefalse":
      return { ...base, type: "choice", choices: TRUE_FALSE, form };
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

function kindOfValidation(validation: string): FieldKind {
  if (validation.startsWith("datetime")) return "datetime";
  if (validation.startsWith("date")) return "date";
  if (validation === "integer") return "integer";
  if (validation === "number" || validation.startsWith("number_")) return "number";
  return "text";
}

/** REDCap's `1, Yes | 2, No` grammar: split on `|`, then on the first comma. */
function parseChoiceText(row: FieldMetadataLike): FieldChoice[] {
  const text = row.select_choices_or_calculations ?? "";
  const choices: FieldChoice[] = [];
  for (const raw of text.split("|")) {
    const part = raw.trim();
    if (!part) continue;
    const comma = part.indexOf(",");
    if (comma < 0) choices.push({ code: part, label: stripHtml(part) });
    else {
      choices.push({
        code: part.slice(0, comma).trim(),
        label: stripHtml(part.slice(comma + 1)),
      });
    }
  }
  return choices;
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
  return `${field}___${code.replace(/[-.]/g, "_").toLowerCase().replace(/[^a-z0-9_]/g, "")}`;
}

function humanize(name: string): string {
  const text = name.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
