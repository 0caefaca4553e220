/**
 * Record import, the rules one cell is checked by: REDCap's messages, whether a cell lies outside
 * its row's event or repeating context, and whether its value fits its column (choices, checkbox
 * 0/1, form status, text validation).
 *
 * @module
 */
import type { EventModel, ProjectModel } from "../model.ts";
import type { FieldMetadata } from "../project.ts";
import { checkTextValue, type DateFormat } from "../../dictionary/validate.ts";
import type { Column } from "./_import_columns.ts";

/** REDCap's message for a value outside a coded field's choices (`data_import_tool_222`). */
export function invalidCategory(field: string): string {
  return `The value is not a valid category for ${field}`;
}

/** Message for a checkbox column holding something other than 0 or 1. */
export const CHECKBOX_VALUE_MESSAGE =
  "The value of a checkbox option must be 0 (unchecked) or 1 (checked)";

/** Form-level entry right (REDCap 15.6+): view and edit; below it, 128 none, 129 read only. */
export const FORM_EDIT_RIGHT = 130;

/**
 * The message refusing a write to fields of a form the user has no access to (128) or may only
 * read (129).
 *
 * @param form The form.
 * @param right The user's form-level entry right to it.
 * @param fields The fields that would have been written.
 */
export function formRightsMessage(form: string, right: number, fields: readonly string[]): string {
  const level = right === 129 ? "read-only" : "no access";
  return `You do not have permission to edit the instrument "${form}" (your form-level rights ` +
    `to it are ${level}), so data cannot be saved for its fields: ${fields.join(", ")}`;
}

/** REDCap's message when a user without `record_create` imports a new record. */
export const NO_CREATE_MESSAGE = "Your user privileges do NOT allow you to create new records.";

/** REDCap's message for a repeat instance given outside a repeating context. */
export const NOT_REPEATING =
  "redcap_repeat_instance cannot have a value since this instrument or event is not a " +
  "repeating instrument or repeating event, respectively.  The redcap_repeat_instance field " +
  "must be left blank for this row of data.";

/**
 * Why a cell may not hold a value in its row's context, `undefined` when it may: its form is not
 * designated for the row's event, is not the row's repeating instrument, or repeats while the row
 * names no instance.
 *
 * @param model The project.
 * @param event The row's event.
 * @param repeatForm The row's repeating instrument, `""` for none.
 * @param form The cell's form.
 * @param target The cell's field.
 * @returns REDCap's message, or `undefined`.
 */
export function outsideMessage(
  model: ProjectModel,
  event: EventModel,
  repeatForm: string,
  form: string,
  target: string,
): string | undefined {
  if (model.longitudinal && !event.forms.includes(form)) {
    return `The field '${target}' is on the instrument '${form}', which is not ` +
      `designated for the event '${event.unique_event_name}'.`;
  }
  if (repeatForm !== "" && form !== repeatForm) {
    return `This field ('${target}') is not on the Repeating Instrument ` +
      `'${repeatForm}' named in redcap_repeat_instrument for this row of data.`;
  }
  if (repeatForm === "" && !event.repeatingEvent && event.repeatingForms.has(form)) {
    return `This field ('${target}') exists on a Repeating Instrument named ` +
      `'${form}'. However, the fields 'redcap_repeat_instance' and/or ` +
      `'redcap_repeat_instrument' for this row of data have no value, which are both ` +
      `required for importing data into a Repeating Instrument.  You are not allowed to ` +
      `import data for this field into a non-repeating instrument.`;
  }
  return undefined;
}

function isMissingCode(model: ProjectModel, field: FieldMetadata, value: string): boolean {
  return model.missingDataCodes.length > 0 && !/@NOMISSING\b/.test(field.field_annotation) &&
    model.missingDataCodes.some((m) => m.code === value);
}

/** What {@linkcode checkCell} found. */
export interface CellCheck {
  /** REDCap's message when the value does not fit. */
  message?: string;
  /** Whether `acceptInvalid` may keep the value anyway (a choice or validation failure). */
  keepable?: boolean;
  /** The value as stored, when it differs (a date in another order becomes ISO). */
  converted?: string;
}

/**
 * Checks a non-blank value against its column: a form status is 0, 1 or 2; a checkbox option 0
 * or 1; a coded field's value one of its codes; a text or slider value its validation. A
 * missing-data code passes (unless the field has `@NOMISSING`).
 *
 * @param model The project.
 * @param column The cell's column.
 * @param value The value (not blank).
 * @param codes A cache of each coded field's codes.
 * @param dateFormat The import's date order.
 * @param now The time `today`/`now` limits are checked against.
 * @returns The problem or the converted value, or `{}`.
 */
export function checkCell(
  model: ProjectModel,
  column: Column,
  value: string,
  codes: Map<string, Set<string>>,
  dateFormat: DateFormat,
  now: Date,
): CellCheck {
  const kind = column.info;
  switch (kind.kind) {
    case "status":
      if (value !== "0" && value !== "1" && value !== "2") {
        return { message: invalidCategory(column.name) };
      }
      return {};
    case "checkbox":
      if (value !== "0" && value !== "1") return { message: CHECKBOX_VALUE_MESSAGE };
      return {};
    case "value": {
      const field = kind.field;
      if (isMissingCode(model, field, value)) return {};
      const type = field.field_type;
      if (
        type === "radio" || type === "select" || type === "dropdown" || type === "yesno" ||
        type === "truefalse"
      ) {
        let known = codes.get(field.field_name);
        if (!known) {
          codes.set(
            field.field_name,
            known = new Set(model.choices(field.field_name).map((c) => c.code)),
          );
        }
        if (!known.has(value)) {
          return { message: invalidCategory(field.field_name), keepable: true };
        }
      } else if (type === "text" || type === "slider") {
        const checked = checkTextValue(field, value, dateFormat, now);
        if (checked.error !== undefined) return { message: checked.error, keepable: true };
        if (checked.value !== value) return { converted: checked.value };
      }
      return {};
    }
    default:
      return {};
  }
}
