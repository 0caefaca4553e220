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
  field_name: string;
  form_name: string;
  section_header: string;
  field_type: string;
  field_label: string;
  select_choices_or_calculations: string;
  field_note: string;
  text_validation_type_or_show_slider_number: string;
  text_validation_min: string;
  text_validation_max: string;
  identifier: string;
  branching_logic: string;
  required_field: string;
  custom_alignment: string;
  question_number: string;
  matrix_group_name: string;
  matrix_ranking: string;
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
