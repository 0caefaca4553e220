/**
 * Record import, parse step: which field (or checkbox option, form status, ...) each column of
 * an import is, and the shapes the check and write steps share.
 *
 * @module
 */
import type { EventModel, ProjectModel } from "../model.ts";
import type { FieldMetadata } from "../project.ts";
import type { DateFormat } from "../../dictionary/validate.ts";

/** Options of `importFlatRows` and `importRecordRows`. */
export interface ImportOptions {
  /** The user the changes are logged under. */
  username: string;
  /** `normal` ignores blank values; `overwrite` erases stored values with blanks.
   * @default {"normal"}
   */
  overwriteBehavior?: "normal" | "overwrite";
  /** Assign new record names; the given names only group rows into records. */
  forceAutoNumber?: boolean;
  /** Order of imported date and datetime values.
   * @default {"YMD"}
   */
  dateFormat?: DateFormat;
  /** The importing user's data access group (unique name), `undefined` when in none. */
  dag?: string;
  /**
   * Loading a project rather than serving a user: keeps calculated values as given, stores
   * file-field values as (empty) files with that name, stores `{form}_timestamp` values and skips
   * DAG restrictions. Everything else is checked as strictly.
   */
  seed?: boolean;
  /**
   * Keep values that fail their field's validation, range or choices as given instead of
   * rejecting them, as a real project can hold such values when validation or choices were
   * changed after data entry (a loader of real Project XML files may want this).
   */
  acceptInvalid?: boolean;
  /**
   * The user's form-level entry rights by form, in REDCap 15.6+'s codes (128 no access, 129 read
   * only, 130 and up edit): a value for a field of a form at 128 or 129 is refused (403), as is
   * a blank that would erase one (`overwrite`). Forms not listed are editable.
   */
  formRights?: Readonly<Record<string, number>>;
  /** Whether the user may create records (`record_create`).
   * @default {true}
   */
  allowCreate?: boolean;
  /** The changes come through the API: logged as REDCap logs API changes,
   * `Create record (API)` and `Update record (API)`. */
  api?: boolean;
  /**
   * The rows are valid by construction (the demo's generator): their values are not checked
   * one by one against their fields' validation, choices and designation. The rows' structure
   * (record names, events, instances, repeating instruments, DAGs) is still checked. They are
   * expected grouped by record, and taken a few hundred rows at a time (a record whose rows are
   * not together may then be written, and logged, in more steps).
   */
  trusted?: boolean;
}

const SPECIAL = new Set([
  "redcap_event_name",
  "redcap_repeat_instrument",
  "redcap_repeat_instance",
  "redcap_data_access_group",
]);
export const MAX_INSTANCE = 32767;
export const NEW_INSTANCE = -1;

export type ColumnKind =
  | { kind: "value"; field: FieldMetadata; form: string }
  | { kind: "checkbox"; field: FieldMetadata; form: string; code: string }
  | { kind: "status"; form: string }
  | { kind: "timestamp"; form: string }
  | { kind: "file"; field: FieldMetadata; form: string }
  | { kind: "calc"; field: FieldMetadata; form: string };

export interface Column {
  name: string;
  /** Position of the column in the rows' cells. */
  index: number;
  /** Field the value is stored under (the checkbox's base name for a checkbox column). */
  target: string;
  info: ColumnKind;
  /** The start of a value's log text, `target = '` (the value and `'` follow). */
  logged: string;
}

/** One import row's cells, in header order; `undefined` where the row lacks the column. */
export type ImportCells = readonly (string | undefined)[];

export interface RowInfo {
  row: ImportCells;
  record: string;
  event: EventModel;
  /** Repeating instrument of the row, `""` for none. */
  instrument: string;
  instance: number;
  /** `redcap_repeat_instance` as given (trimmed). */
  instanceText: string;
  /** `redcap_data_access_group` as given (trimmed). */
  dagValue: string;
  /** Values changed by validation (dates to ISO), by column index. */
  converted?: Map<number, string>;
}

/** Rows of one record that write to one event, instrument and instance. */
export interface Unit {
  event: EventModel;
  instrument: string;
  instance: number;
  rows: RowInfo[];
}

/** The import's columns, by kind, and the names that are no field of the project. */
export function classifyColumns(
  model: ProjectModel,
  positions: Map<string, number>,
  seed: boolean,
) {
  const columns: Column[] = [];
  const unknown: string[] = [];
  const add = (name: string, index: number, target: string, info: ColumnKind) =>
    columns.push({ name, index, target, info, logged: `${target} = '` });
  for (const [name, index] of positions) {
    if (name === model.recordIdField || SPECIAL.has(name) || name === "redcap_survey_identifier") {
      continue;
    }
    if (
      name.endsWith("_timestamp") && model.formByName.has(name.slice(0, -10)) &&
      !model.fieldByName.has(name)
    ) {
      if (seed) {
        add(name, index, name, { kind: "timestamp", form: name.slice(0, -10) });
      }
      continue;
    }
    if (model.isFormStatus(name)) {
      add(name, index, name, { kind: "status", form: model.formOf(name)! });
      continue;
    }
    const field = model.fieldByName.get(name);
    if (field) {
      const form = field.form_name;
      if (field.field_type === "descriptive" || field.field_type === "checkbox") unknown.push(name);
      else if (model.isCalculated(name)) {
        if (seed) add(name, index, name, { kind: "calc", field, form });
      } else if (field.field_type === "file" || field.field_type === "signature") {
        if (seed) add(name, index, name, { kind: "file", field, form });
      } else add(name, index, name, { kind: "value", field, form });
      continue;
    }
    const split = name.indexOf("___");
    if (split > 0) {
      const base = name.slice(0, split);
      const option = model.checkboxColumns(base).find((c) => c.column === name);
      const baseField = model.fieldByName.get(base);
      if (option && baseField) {
        add(name, index, base, {
          kind: "checkbox",
          field: baseField,
          form: baseField.form_name,
          code: option.code,
        });
        continue;
      }
    }
    unknown.push(name);
  }
  return { columns, unknown };
}
