/**
 * A project folder's `metadata.csv`: the data dictionary, with API column names or the web UI's
 * headers, checked row by row.
 *
 * @module
 */
import {
  FIELD_TYPES,
  LEGACY_FIELD_TYPES,
  LEGACY_VALIDATIONS,
} from "../../dictionary/field_types.ts";
import { type FieldMetadata, fieldMetadata, METADATA_COLUMNS } from "../project.ts";
import { readTable } from "./_tables.ts";

/** The web UI's data-dictionary headers, keyed by a normalised form, to API column names. */
const UI_HEADERS: Record<string, keyof FieldMetadata> = {
  "variable / field name": "field_name",
  "form name": "form_name",
  "section header": "section_header",
  "field type": "field_type",
  "field label": "field_label",
  "choices, calculations, or slider labels": "select_choices_or_calculations",
  "choices or calculations": "select_choices_or_calculations",
  "field note": "field_note",
  "text validation type or show slider number": "text_validation_type_or_show_slider_number",
  "text validation type": "text_validation_type_or_show_slider_number",
  "text validation min": "text_validation_min",
  "text validation max": "text_validation_max",
  "identifier?": "identifier",
  "branching logic (show field only if...)": "branching_logic",
  "required field?": "required_field",
  "custom alignment": "custom_alignment",
  "question number (surveys only)": "question_number",
  "matrix group name": "matrix_group_name",
  "matrix ranking?": "matrix_ranking",
  "field annotation": "field_annotation",
};

/**
 * Reads `metadata.csv` (required). Legacy field types and validation names become the API's.
 *
 * @param folder The folder.
 * @returns The dictionary rows.
 * @throws {SyntaxError} For an unknown column or a bad row, naming the line.
 * @throws {RangeError} When the file is missing or has no fields.
 */
export function readMetadata(folder: string): FieldMetadata[] {
  const table = readTable(folder, "metadata.csv", true)!;
  const columnOf = new Map<string, keyof FieldMetadata>();
  const apiColumns = new Set<string>(METADATA_COLUMNS);
  table.header.forEach((header) => {
    const api = apiColumns.has(header)
      ? header as keyof FieldMetadata
      : UI_HEADERS[header.toLowerCase().replace(/\s+/g, " ")];
    if (!api) {
      throw new SyntaxError(`Cannot read metadata.csv line 1: unknown column "${header}"`);
    }
    columnOf.set(header, api);
  });
  const mapped = new Set(columnOf.values());
  for (const required of ["field_name", "form_name", "field_type"] as const) {
    if (!mapped.has(required)) {
      throw new SyntaxError(`Cannot read metadata.csv line 1: missing column "${required}"`);
    }
  }
  const seen = new Set<string>();
  const metadata = table.rows.map(({ line, cells }) => {
    const row: Partial<FieldMetadata> = {};
    for (const [header, value] of Object.entries(cells)) row[columnOf.get(header)!] = value;
    const field = fieldMetadata({
      ...row,
      field_name: (row.field_name ?? "").trim(),
      form_name: (row.form_name ?? "").trim(),
      field_type: (row.field_type ?? "").trim(),
    });
    if (!/^[a-z][a-z0-9_]*$/.test(field.field_name)) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field name "${field.field_name}" must be lower-case letters, digits and underscores, starting with a letter`,
      );
    }
    if (seen.has(field.field_name)) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field "${field.field_name}" is defined twice`,
      );
    }
    seen.add(field.field_name);
    if (!field.form_name) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field "${field.field_name}" has no form name`,
      );
    }
    field.field_type = LEGACY_FIELD_TYPES[field.field_type] ?? field.field_type;
    if (!FIELD_TYPES.includes(field.field_type)) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field "${field.field_name}" has unknown field type "${field.field_type}"`,
      );
    }
    const validation = field.text_validation_type_or_show_slider_number;
    field.text_validation_type_or_show_slider_number = LEGACY_VALIDATIONS[validation] ?? validation;
    return field;
  });
  if (metadata.length === 0) {
    throw new RangeError(`Cannot read project folder "${folder}": metadata.csv has no fields`);
  }
  return metadata;
}
