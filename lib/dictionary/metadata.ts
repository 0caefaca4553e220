/**
 * One row of REDCap's data dictionary (`content=metadata`): the 18 columns in REDCap's export
 * order, shared by the client, the checks and the local server.
 *
 * @example Build a metadata row in code
 * ```ts
 * import { fieldMetadata } from "./metadata.ts";
 * import { equal } from "node:assert/strict";
 *
 * const row = fieldMetadata({ field_name: "age", form_name: "demo", field_type: "text" });
 * equal(row.field_label, "");
 * ```
 *
 * @module
 */

/** One row of the data dictionary, with the 18 columns of `content=metadata` (all strings). */
export interface FieldMetadata {
  /** Variable name (`age`). */
  field_name: string;
  /** Instrument (form) name. */
  form_name: string;
  /** Section header shown above the field. */
  section_header: string;
  /** REDCap field type (`text`, `radio`, `checkbox`, `calc`, ...). */
  field_type: string;
  /** Field label (may hold HTML). */
  field_label: string;
  /** Choices (`1, Yes | 2, No`), a calculation, or slider labels. */
  select_choices_or_calculations: string;
  /** Field note (often the unit). */
  field_note: string;
  /** Text validation type (`date_ymd`, `integer`, ...) or slider display flag. */
  text_validation_type_or_show_slider_number: string;
  /** Minimum (hard with `@FORCE-MINMAX`, else soft). */
  text_validation_min: string;
  /** Maximum (hard with `@FORCE-MINMAX`, else soft). */
  text_validation_max: string;
  /** `y` for identifiers (PHI). */
  identifier: string;
  /** Branching logic: when the field is shown. */
  branching_logic: string;
  /** `y` when the field is required. */
  required_field: string;
  /** Custom alignment (`LV`, `RH`, ...). */
  custom_alignment: string;
  /** Question number (surveys). */
  question_number: string;
  /** Matrix group name. */
  matrix_group_name: string;
  /** `y` for a ranking matrix. */
  matrix_ranking: string;
  /** Field annotation (action tags such as `@HIDDEN`). */
  field_annotation: string;
}

/** The 18 metadata column names in REDCap's export order. */
export const METADATA_COLUMNS: readonly (keyof FieldMetadata)[] = [
  "field_name",
  "form_name",
  "section_header",
  "field_type",
  "field_label",
  "select_choices_or_calculations",
  "field_note",
  "text_validation_type_or_show_slider_number",
  "text_validation_min",
  "text_validation_max",
  "identifier",
  "branching_logic",
  "required_field",
  "custom_alignment",
  "question_number",
  "matrix_group_name",
  "matrix_ranking",
  "field_annotation",
];

/**
 * A blank metadata row, handy for building definitions in code.
 *
 * @param fields The field's name, instrument and type, and any other column.
 * @returns A row with every other column empty.
 */
export function fieldMetadata(
  fields: Partial<FieldMetadata> & Pick<FieldMetadata, "field_name" | "form_name" | "field_type">,
): FieldMetadata {
  const row = Object.fromEntries(METADATA_COLUMNS.map((c) => [c, ""])) as unknown as FieldMetadata;
  return Object.assign(row, fields);
}
