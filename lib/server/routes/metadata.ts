/**
 * The data dictionary routes: `content=metadata` (export and import), `content=exportFieldNames`
 * and `content=instrument`.
 *
 * @module
 */
import { type ApiContext, ApiError, cdata, formatRows, ok, XML_DECLARATION } from "../_http.ts";
import { type FieldMetadata, METADATA_COLUMNS, type ProjectDefinition } from "../project.ts";
import {
  copyDefinition,
  countResponse,
  exportFormat,
  readImportRows,
  requireDesignImport,
  requireDevelopment,
  requireExport,
} from "./_structure_io.ts";
import {
  FIELD_TYPES,
  LEGACY_FIELD_TYPES,
  LEGACY_VALIDATIONS,
} from "../../dictionary/field_types.ts";

const RESERVED_NAMES = new Set([
  "redcap_event_name",
  "redcap_repeat_instrument",
  "redcap_repeat_instance",
  "redcap_data_access_group",
  "redcap_survey_identifier",
]);
const NAME = /^[a-z][a-z0-9_]*$/;

/** A metadata row as the API exports it (legacy types mapped, slider alignment filled). */
function exportedRow(field: FieldMetadata): FieldMetadata {
  const row = { ...field };
  row.field_type = LEGACY_FIELD_TYPES[row.field_type] ?? row.field_type;
  const validation = row.text_validation_type_or_show_slider_number;
  if (row.field_type === "text" && validation in LEGACY_VALIDATIONS) {
    row.text_validation_type_or_show_slider_number = LEGACY_VALIDATIONS[validation];
  }
  if (row.field_type === "slider" && row.custom_alignment === "") row.custom_alignment = "RV";
  return row;
}

/** Validates a list parameter against known names; 400 with REDCap's message otherwise. */
function checkNames(ctx: ApiContext, parameter: string, known: (name: string) => boolean) {
  const values = ctx.params.list(parameter)?.map((v) => v.replace(/['"]/g, ""));
  if (!values) return undefined;
  const invalid = values.filter((v) => !known(v));
  if (invalid.length > 0) {
    throw new ApiError(
      400,
      `The following values in the parameter "${parameter}" are not valid: ` +
        invalid.map((v) => `'${v}'`).join(", "),
    );
  }
  return new Set(values);
}

/**
 * `content=metadata` export: the data dictionary's 18 columns (all strings), optionally only
 * the `fields` / `forms` asked for (a field is kept when it is named or its form is).
 * `{form}_complete` is never a row.
 */
export function exportMetadata(ctx: ApiContext): Response {
  requireExport(ctx);
  const model = ctx.project;
  const fields = checkNames(
    ctx,
    "fields",
    (n) => model.fieldByName.has(n) || model.isFormStatus(n),
  );
  const forms = checkNames(ctx, "forms", (n) => model.formByName.has(n));
  const rows = model.fields
    .filter((f) =>
      (!fields && !forms) || fields?.has(f.field_name) || forms?.has(f.form_name) === true
    )
    .map(exportedRow);
  const format = exportFormat(ctx);
  const cleaned = format === "csv"
    ? rows.map((r) =>
      Object.fromEntries(
        METADATA_COLUMNS.map((c) => [c, r[c].replace(/\r\n/g, "\n")]),
      ) as unknown as FieldMetadata
    )
    : rows;
  return ok(
    formatRows(cleaned as unknown as Record<string, string>[], METADATA_COLUMNS, format),
    format,
  );
}

/**
 * Checks an imported data dictionary. Returns every problem found (empty when it is valid).
 *
 * @example A checkbox without choices
 * ```ts
 * import { validateDictionary } from "./metadata.ts";
 * import { fieldMetadata } from "../project.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(
 *   validateDictionary([
 *     fieldMetadata({ field_name: "record_id", form_name: "main", field_type: "text" }),
 *     fieldMetadata({ field_name: "race", form_name: "main", field_type: "checkbox" }),
 *   ]),
 *   ['row 2 (field "race"): a multiple-choice field needs choices'],
 * );
 * ```
 *
 * @param rows The imported rows (all 18 columns filled, possibly blank).
 * @returns Problems, each naming the row and field.
 */
export function validateDictionary(rows: readonly FieldMetadata[]): string[] {
  const problems: string[] = [];
  if (rows.length === 0) return ["the data dictionary has no fields"];
  const seen = new Set<string>();
  const formsSeen = new Set<string>();
  const forms = new Set(rows.map((r) => r.form_name));
  let previousForm: string | undefined;
  rows.forEach((row, index) => {
    const where = `row ${index + 1} (field "${row.field_name}")`;
    const name = row.field_name;
    if (!NAME.test(name)) {
      problems.push(
        `${where}: the field name must start with a lower-case letter and hold only ` +
          `lower-case letters, digits and underscores`,
      );
    } else if (name.length > 100) problems.push(`${where}: the field name is longer than 100`);
    if (seen.has(name)) problems.push(`${where}: the field name is used more than once`);
    seen.add(name);
    if (RESERVED_NAMES.has(name)) problems.push(`${where}: "${name}" is a reserved name`);
    if (name.endsWith("_complete") && forms.has(name.slice(0, -"_complete".length))) {
      problems.push(`${where}: "${name}" is reserved for the form status field`);
    }
    if (!NAME.test(row.form_name)) {
      problems.push(
        `${where}: the form name "${row.form_name}" must start with a lower-case letter and ` +
          `hold only lower-case letters, digits and underscores`,
      );
    }
    if (row.form_name !== previousForm) {
      if (formsSeen.has(row.form_name)) {
        problems.push(`${where}: the fields of form "${row.form_name}" are not together`);
      }
      formsSeen.add(row.form_name);
      previousForm = row.form_name;
    }
    const type = LEGACY_FIELD_TYPES[row.field_type] ?? row.field_type;
    if (!FIELD_TYPES.includes(type)) {
      problems.push(
        `${where}: the field type "${row.field_type}" is not valid (valid: ` +
          `${FIELD_TYPES.join(", ")})`,
      );
    }
    if (["dropdown", "radio", "checkbox"].includes(type)) {
      problems.push(
        ...checkChoices(row.select_choices_or_calculations).map((p) => `${where}: ${p}`),
      );
    }
    if (type === "calc" && row.select_choices_or_calculations.trim() === "") {
      problems.push(`${where}: a calc field needs a calculation`);
    }
    if (index === 0 && type !== "text") {
      problems.push(`${where}: the first field is the record ID field and must be a text field`);
    }
  });
  return problems;
}

function checkChoices(text: string): string[] {
  if (text.trim() === "") return ["a multiple-choice field needs choices"];
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const part of text.split("|").map((p) => p.trim()).filter((p) => p !== "")) {
    const comma = part.indexOf(",");
    if (comma < 0) {
      problems.push(`the choice "${part}" is not of the form "code, label"`);
      continue;
    }
    const code = part.slice(0, comma).trim();
    if (!/^-?[A-Za-z0-9._]+$/.test(code)) {
      problems.push(`the choice code "${code}" may hold only letters, digits, "_", "." and "-"`);
    }
    if (codes.has(code)) problems.push(`the choice code "${code}" is used more than once`);
    codes.add(code);
  }
  return problems;
}

/** Turns imported rows into dictionary rows: the 18 columns, trimmed names. */
function dictionaryRows(rows: readonly Record<string, string>[]): FieldMetadata[] {
  return rows.map((r) => {
    const row = Object.fromEntries(
      METADATA_COLUMNS.map((c) => [c, (r[c] ?? "").replace(/\r\n/g, "\n")]),
    ) as unknown as FieldMetadata;
    row.field_name = row.field_name.trim();
    row.form_name = row.form_name.trim();
    row.field_type = row.field_type.trim();
    row.field_type = LEGACY_FIELD_TYPES[row.field_type] ?? row.field_type;
    return row;
  });
}

/** A form's default label when a dictionary import adds it: `my_form` → `My Form`. */
export function defaultFormLabel(form: string): string {
  return form.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ").trim();
}

/**
 * The definition after replacing the dictionary: instruments follow the new forms (keeping
 * known labels), and designations, repeating setup and surveys of removed forms are dropped.
 */
export function withDictionary(
  definition: ProjectDefinition,
  metadata: FieldMetadata[],
): ProjectDefinition {
  const labels = new Map(
    definition.instruments.map((i) => [i.instrument_name, i.instrument_label]),
  );
  const forms = [...new Set(metadata.map((f) => f.form_name))];
  const kept = new Set(forms);
  return {
    ...definition,
    metadata,
    instruments: forms.map((f) => ({
      instrument_name: f,
      instrument_label: labels.get(f) ?? defaultFormLabel(f),
    })),
    formEventMapping: definition.formEventMapping.filter((m) => kept.has(m.form)),
    repeating: definition.repeating.filter((r) => r.form_name === "" || kept.has(r.form_name)),
    surveys: definition.surveys.filter((s) => kept.has(s.form_name)),
  };
}

/**
 * `content=metadata` import: replaces the data dictionary (development status only; needs API
 * import and design rights). Answers the number of fields imported.
 */
export function importMetadata(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  requireDevelopment(ctx);
  const rows = readImportRows(ctx, "metadata");
  if (rows.length > 0) {
    const missing = ["field_name", "form_name", "field_type", "field_label"]
      .filter((c) => !(c in rows[0]));
    if (missing.length > 0) {
      throw new ApiError(
        400,
        `Cannot import metadata: the data lacks the column(s) ${missing.join(", ")}`,
      );
    }
  }
  const metadata = dictionaryRows(rows);
  const problems = validateDictionary(metadata);
  if (problems.length > 0) {
    throw new ApiError(
      400,
      `Cannot import metadata: ${problems.length} problem(s) in the data dictionary:\n` +
        problems.join("\n"),
    );
  }
  const next = withDictionary(copyDefinition(ctx), metadata);
  ctx.store.transaction(() => ctx.store.updateProject(ctx.projectId, next));
  return countResponse(metadata.length, ctx);
}

const FIELD_NAME_COLUMNS = ["original_field_name", "choice_value", "export_field_name"];

/**
 * `content=exportFieldNames`: the export column names of every field (one per checkbox option,
 * missing-data codes included), `{form}_complete` after each form; descriptive and file fields
 * have no column. With `field`, only that field's rows (400 `Invalid field` for an unknown one,
 * 400 `An unknown error occurred` for a file or descriptive field, as REDCap answers).
 */
export function exportFieldNames(ctx: ApiContext): Response {
  requireExport(ctx);
  const model = ctx.project;
  const only = ctx.params.get("field")?.trim();
  if (only && !model.fieldByName.has(only) && !model.isFormStatus(only)) {
    throw new ApiError(400, "Invalid field");
  }
  const rows: Record<string, string>[] = [];
  for (const form of model.forms) {
    for (const field of form.fields) {
      if (field.field_type === "descriptive" || field.field_type === "file") continue;
      if (field.field_type === "checkbox") {
        for (const { code, column } of model.checkboxColumns(field.field_name)) {
          rows.push({
            original_field_name: field.field_name,
            choice_value: code,
            export_field_name: column,
          });
        }
      } else {
        rows.push({
          original_field_name: field.field_name,
          choice_value: "",
          export_field_name: field.field_name,
        });
      }
    }
    const status = `${form.name}_complete`;
    rows.push({ original_field_name: status, choice_value: "", export_field_name: status });
  }
  const selected = only ? rows.filter((r) => r.original_field_name === only) : rows;
  // REDCap tests its list with `== false`, so a field without export names (file, descriptive)
  // is an error.
  if (selected.length === 0) throw new ApiError(400, "An unknown error occurred");
  const format = exportFormat(ctx);
  if (format === "xml") return ok(fieldNamesXml(selected), format);
  return ok(formatRows(selected, FIELD_NAME_COLUMNS, format), format);
}

/** REDCap's XML for export field names: `<fields>` of `<field>`, every value in CDATA. */
function fieldNamesXml(rows: readonly Record<string, string>[]): string {
  const items = rows.map((r) =>
    "<field>" + FIELD_NAME_COLUMNS.map((c) => `<${c}>${cdata(r[c])}</${c}>`).join("") +
    "</field>\n"
  );
  return `${XML_DECLARATION}\n<fields>\n${items.join("")}</fields>`;
}

/** `content=instrument`: every form's unique name and label, in project order. */
export function exportInstruments(ctx: ApiContext): Response {
  requireExport(ctx);
  const rows = ctx.project.forms.map((f) => ({
    instrument_name: f.name,
    instrument_label: f.label,
  }));
  const format = exportFormat(ctx);
  return ok(formatRows(rows, ["instrument_name", "instrument_label"], format), format);
}
