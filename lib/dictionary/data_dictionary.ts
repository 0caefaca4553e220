/**
 * {@linkcode DataDictionary}: a project's fields, forms, choices, checkbox columns, events and
 * repeating setup, built from REDCap's metadata rows (API or UI headers) and the optional
 * structural exports. Every transform in `lib/transform/` reads it.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import {
  checkboxSuffix,
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "./choices.ts";
import type { FieldMetadata } from "./metadata.ts";
import { type FieldTypeInfo, resolveFieldType } from "./field_types.ts";

/** The 18 metadata columns, API names, with the UI download's display names. */
const UI_HEADERS: Record<string, string> = {
  "Variable / Field Name": "field_name",
  "Form Name": "form_name",
  "Section Header": "section_header",
  "Field Type": "field_type",
  "Field Label": "field_label",
  "Choices, Calculations, OR Slider Labels": "select_choices_or_calculations",
  "Field Note": "field_note",
  "Text Validation Type OR Show Slider Number": "text_validation_type_or_show_slider_number",
  "Text Validation Min": "text_validation_min",
  "Text Validation Max": "text_validation_max",
  "Identifier?": "identifier",
  "Branching Logic (Show field only if...)": "branching_logic",
  "Required Field?": "required_field",
  "Custom Alignment": "custom_alignment",
  "Question Number (surveys only)": "question_number",
  "Matrix Group Name": "matrix_group_name",
  "Matrix Ranking?": "matrix_ranking",
  "Field Annotation": "field_annotation",
};

const cell = z.union([z.string(), z.number(), z.null()]).optional().transform((v) =>
  v === null || v === undefined ? "" : String(v)
);

/**
 * A zod schema yielding `T`. zod's own types stay out of denocap's documentation: the schema's
 * type shows as this name and its output type.
 *
 * @ignore
 */
type ZodSchema<T> = z.ZodType<T>;

/**
 * Zod schema of one metadata row (API snake_case keys; all cells strings). Typed by its output,
 * {@linkcode MetadataRow}, so the docs name the row rather than zod's internals.
 */
export const MetadataRowSchema: ZodSchema<MetadataRow> = z.object({
  field_name: z.string().regex(/^[a-z][a-z0-9_]*$/i, "must be a REDCap variable name"),
  form_name: z.string().min(1, "must not be empty"),
  section_header: cell,
  field_type: z.string().min(1, "must not be empty"),
  field_label: cell,
  select_choices_or_calculations: cell,
  field_note: cell,
  text_validation_type_or_show_slider_number: cell,
  text_validation_min: cell,
  text_validation_max: cell,
  identifier: cell,
  branching_logic: cell,
  required_field: cell,
  custom_alignment: cell,
  question_number: cell,
  matrix_group_name: cell,
  matrix_ranking: cell,
  field_annotation: cell,
});

/**
 * One metadata row as REDCap's API exports it (`content=metadata`): the 18 columns, all
 * strings (the same shape as {@linkcode FieldMetadata}).
 */
export type MetadataRow = FieldMetadata;

/** A row of `exportFieldNames`. */
export interface FieldNameRow {
  /** Field name as the data dictionary has it. */
  original_field_name: string;
  /** Checkbox option code; blank for other fields. */
  choice_value: string;
  /** Column name in record exports (`field___code` for checkbox options). */
  export_field_name: string;
}
/** A row of `exportEvents`. */
export interface EventRow {
  /** Event label. */
  event_name: string;
  /** Arm number. */
  arm_num: number | string;
  /** Unique event name. */
  unique_event_name: string;
  /** Custom event label; blank or `null` for none. */
  custom_event_label?: string | null;
  /** REDCap's numeric event id. */
  event_id?: number | string;
  /** Days offset from the first event. */
  day_offset?: number | string;
}
/** A row of `exportArms`. */
export interface ArmRow {
  /** Arm number. */
  arm_num: number | string;
  /** Arm name. */
  name: string;
}
/** A row of `exportInstrumentEventMappings`. */
export interface FormEventMappingRow {
  /** Arm number (absent in classic exports). */
  arm_num?: number | string;
  /** Unique event name. */
  unique_event_name: string;
  /** Unique form name. */
  form: string;
}
/** A row of `exportRepeatingFormsEvents` (`form_name` blank for a repeating event). */
export interface RepeatingRow {
  /** Unique event name; blank or `null` in classic projects. */
  event_name?: string | null;
  /** Unique form name; blank or `null` when the whole event repeats. */
  form_name?: string | null;
  /** Custom label of repeated instances; blank or `null` for none. */
  custom_form_label?: string | null;
}
/** A row of `exportInstruments`. */
export interface InstrumentRow {
  /** Unique form name. */
  instrument_name: string;
  /** Form label. */
  instrument_label: string;
}

/** The optional structural exports that refine a dictionary. */
export interface DictionaryStructure {
  /** `exportFieldNames` rows: the authoritative checkbox column names. */
  fieldNames?: readonly FieldNameRow[];
  /** `exportEvents` rows. Giving any event makes the project longitudinal. */
  events?: readonly EventRow[];
  /** `exportArms` rows. */
  arms?: readonly ArmRow[];
  /** `exportInstrumentEventMappings` rows. Without them every form is designated everywhere. */
  formEventMapping?: readonly FormEventMappingRow[];
  /** `exportRepeatingFormsEvents` rows. */
  repeating?: readonly RepeatingRow[];
  /** `exportInstruments` rows (form labels). */
  instruments?: readonly InstrumentRow[];
  /** `exportProjectInfo` (reads `missing_data_codes`, `is_longitudinal`). */
  projectInfo?: Record<string, unknown>;
  /** Survey-enabled forms (they get a `{form}_timestamp` column with survey fields). */
  surveyForms?: readonly string[];
}

/** A checkbox column of a flat export. */
export interface CheckboxColumn {
  /** The export column name (`race___1`). */
  column: string;
  /** The choice code (`1`), or the missing-data code. */
  code: string;
  /** The choice label. */
  label: string;
  /** Whether the column is for a project missing-data code. */
  missingCode: boolean;
}

/** One field of the dictionary, with everything derived from its row. */
export interface FieldInfo {
  /** Variable name. */
  name: string;
  /** Form (instrument) name. */
  form: string;
  /** `field_type`, plus `form_status` for the implicit `{form}_complete`. */
  type: string;
  /** Field label (may hold HTML). */
  label: string;
  /** Validation type or slider flag (blank when none). */
  validation: string;
  /** How values are typed. */
  typeInfo: FieldTypeInfo;
  /** Choices, including the implicit yesno/truefalse/form-status codings. */
  choices: readonly Choice[];
  /** Calculation for calc fields (and `@CALCTEXT`/`@CALCDATE` bodies). */
  calculation: string;
  /** Whether the field is tagged as an identifier. */
  identifier: boolean;
  /** Whether the field is required. */
  required: boolean;
  /** Branching logic (blank when always shown). */
  branchingLogic: string;
  /** Field annotation (action tags). */
  annotation: string;
  /** Field note. */
  note: string;
  /** Section header. */
  sectionHeader: string;
  /** Minimum and maximum validation bounds. */
  min: string;
  /** Maximum validation bound. */
  max: string;
  /** Matrix group name. */
  matrixGroup: string;
  /** Whether the field is implicit (`{form}_complete`). */
  implicit: boolean;
  /** Flat-export columns of the field (one per checkbox option; none for descriptive). */
  columns: readonly string[];
  /** The metadata row (absent for implicit fields). */
  row?: MetadataRow;
}

/** One form (instrument) with its fields in dictionary order, `{form}_complete` last. */
export interface FormInfo {
  /** Unique form name. */
  name: string;
  /** Form label (from `exportInstruments`, else the name). */
  label: string;
  /** Field names in order, ending with `{form}_complete`. */
  fields: readonly string[];
  /** Whether the form is survey-enabled (known only from `surveyForms`). */
  survey: boolean;
}

/** One event (longitudinal projects). */
export interface EventInfo {
  /** Unique event name (`baseline_arm_1`). */
  uniqueName: string;
  /** Event label. */
  label: string;
  /** Arm number. */
  arm: number;
  /** Forms designated for the event, in form order. */
  forms: readonly string[];
  /** Whether the whole event repeats. */
  repeating: boolean;
  /** Forms that repeat on their own in this event. */
  repeatingForms: ReadonlySet<string>;
}

/** What a column of a flat export is. */
export interface ColumnInfo {
  /** The column name. */
  column: string;
  /** The field it belongs to (the record-id field for the id column); absent for `redcap_*`. */
  field?: string;
  /** The form it belongs to; absent for `redcap_*` and the record id. */
  form?: string;
  /** `id`, `structural` (`redcap_*`), `timestamp`, `field`, `checkbox`, or `form_status`. */
  role: "id" | "structural" | "timestamp" | "field" | "checkbox" | "form_status";
  /** The checkbox code for checkbox columns. */
  code?: string;
}

/** Options for {@linkcode DataDictionary.columns}. */
export interface ColumnsOptions {
  /** Add `redcap_data_access_group` (as `exportDataAccessGroups=true`).
   * @default {false}
   */
  dataAccessGroups?: boolean;
  /** Add `redcap_survey_identifier` and `{form}_timestamp` (as `exportSurveyFields=true`).
   * @default {false}
   */
  surveyFields?: boolean;
}

/**
 * The columns a record export puts beside the fields (REDCap's structural columns): event,
 * repeat instrument and instance, data access group, survey identifier.
 */
export const STRUCTURAL_COLUMNS: ReadonlySet<string> = new Set([
  "redcap_event_name",
  "redcap_repeat_instrument",
  "redcap_repeat_instance",
  "redcap_data_access_group",
  "redcap_survey_identifier",
]);

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(row)) {
    const key = rawKey.replace(/^\uFEFF/, "").trim();
    out[UI_HEADERS[key] ?? key] = value;
  }
  return out;
}

/**
 * A project's data dictionary with lookups for casting, labelling, pivoting and splitting.
 *
 * @example Build from metadata rows and look up columns
 * ```ts
 * import { DataDictionary } from "denocap";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "record_id", form_name: "demo", field_type: "text", field_label: "ID" },
 *   { field_name: "race", form_name: "demo", field_type: "checkbox",
 *     select_choices_or_calculations: "1, White | -99, Unknown, or refused" },
 * ]);
 * deepStrictEqual(dd.columns(), ["record_id", "race___1", "race____99", "demo_complete"]);
 * strictEqual(dd.columnInfo("race____99")?.code, "-99");
 * strictEqual(dd.choices("demo_complete")[2].label, "Complete");
 * ```
 */
export class DataDictionary {
  /** Fields in dictionary order, including each form's implicit `{form}_complete`. */
  readonly fields: readonly FieldInfo[];
  /** Forms in dictionary order. */
  readonly forms: readonly FormInfo[];
  /** The record-id field (first field). */
  readonly recordIdField: string;
  /** Whether the project has events. */
  readonly longitudinal: boolean;
  /** Events in arm then definition order (empty for classic projects). */
  readonly events: readonly EventInfo[];
  /** Arms (number and name). */
  readonly arms: readonly { arm: number; name: string }[];
  /** Project missing-data codes (`missing_data_codes`). */
  readonly missingDataCodes: readonly Choice[];
  /** Whether any form or event repeats. */
  readonly hasRepeating: boolean;

  /** The metadata rows the dictionary was built from, in dictionary order (for REDCap logic). */
  get metadata(): MetadataRow[] {
    return this.fields.flatMap((f) => (f.row ? [f.row] : []));
  }
  readonly #fieldByName: Map<string, FieldInfo>;
  readonly #formByName: Map<string, FormInfo>;
  readonly #eventByName: Map<string, EventInfo>;
  readonly #columnInfo = new Map<string, ColumnInfo>();
  readonly #checkboxColumns = new Map<string, CheckboxColumn[]>();
  /** Classic projects: forms that repeat. */
  readonly #classicRepeating: Set<string>;

  private constructor(rows: MetadataRow[], structure: DictionaryStructure) {
    if (rows.length === 0) {
      throw new RangeError("Cannot build data dictionary: the metadata has no fields");
    }
    this.recordIdField = rows[0].field_name;
    const info = structure.projectInfo ?? {};
    this.missingDataCodes = parseChoices(
      typeof info.missing_data_codes === "string" ? info.missing_data_codes : "",
    );
    const labels = new Map(
      (structure.instruments ?? []).map((i) => [i.instrument_name, i.instrument_label]),
    );
    const surveys = new Set(structure.surveyForms ?? []);
    const fromFieldNames = new Map<string, FieldNameRow[]>();
    for (const r of structure.fieldNames ?? []) {
      if (r.choice_value === "" || r.choice_value === null || r.choice_value === undefined) {
        continue;
      }
      const list = fromFieldNames.get(r.original_field_name) ?? [];
      list.push(r);
      fromFieldNames.set(r.original_field_name, list);
    }

    const fields: FieldInfo[] = [];
    const formFields = new Map<string, string[]>();
    const seen = new Set<string>();
    const finishForm = (form: string) => {
      const name = `${form}_complete`;
      fields.push(this.#implicitStatus(form));
      formFields.get(form)!.push(name);
    };
    let current: string | undefined;
    for (const row of rows) {
      if (seen.has(row.field_name)) {
        throw new RangeError(
          `Cannot build data dictionary: field "${row.field_name}" appears twice`,
        );
      }
      seen.add(row.field_name);
      if (row.form_name !== current) {
        if (current !== undefined) finishForm(current);
        if (formFields.has(row.form_name)) {
          throw new RangeError(
            `Cannot build data dictionary: the fields of form "${row.form_name}" are not contiguous (field "${row.field_name}")`,
          );
        }
        formFields.set(row.form_name, []);
        current = row.form_name;
      }
      const field = this.#fieldFromRow(row, fromFieldNames.get(row.field_name));
      fields.push(field);
      formFields.get(row.form_name)!.push(field.name);
    }
    finishForm(current!);
    this.fields = fields;
    this.#fieldByName = new Map(fields.map((f) => [f.name, f]));
    this.forms = [...formFields].map(([name, names]) => ({
      name,
      label: labels.get(name) ?? name,
      fields: names,
      survey: surveys.has(name),
    }));
    this.#formByName = new Map(this.forms.map((f) => [f.name, f]));

    const formOrder = new Map(this.forms.map((f, i) => [f.name, i]));
    const events = structure.events ?? [];
    this.longitudinal = events.length > 0 || Number(info.is_longitudinal ?? 0) === 1;
    const repeating = structure.repeating ?? [];
    this.hasRepeating = repeating.length > 0;
    const armNames = new Map((structure.arms ?? []).map((a) => [Number(a.arm_num), a.name]));
    const armsSeen = [...new Set(events.map((e) => Number(e.arm_num)))];
    const armOrder = [...new Set([...armNames.keys(), ...armsSeen])].sort((a, b) => a - b);
    this.arms = armOrder.map((arm) => ({ arm, name: armNames.get(arm) ?? `Arm ${arm}` }));
    const mapping = structure.formEventMapping;
    this.#classicRepeating = new Set();
    if (!this.longitudinal) {
      for (const r of repeating) if (r.form_name) this.#classicRepeating.add(r.form_name);
    }
    const sortedEvents = events.map((e, i) => ({ e, i })).sort((a, b) =>
      Number(a.e.arm_num) - Number(b.e.arm_num) || a.i - b.i
    );
    this.events = sortedEvents.map(({ e }) => {
      const designated = mapping
        ? mapping.filter((m) => m.unique_event_name === e.unique_event_name).map((m) => m.form)
          .filter((f) => formOrder.has(f))
          .sort((a, b) => formOrder.get(a)! - formOrder.get(b)!)
        : this.forms.map((f) => f.name);
      const own = repeating.filter((r) => r.event_name === e.unique_event_name);
      return {
        uniqueName: e.unique_event_name,
        label: e.event_name,
        arm: Number(e.arm_num),
        forms: designated,
        repeating: own.some((r) => !r.form_name),
        repeatingForms: new Set(own.filter((r) => r.form_name).map((r) => r.form_name as string)),
      };
    });
    this.#eventByName = new Map(this.events.map((e) => [e.uniqueName, e]));

    for (const field of this.fields) {
      for (const column of field.columns) {
        const cb = this.#checkboxColumns.get(field.name)?.find((c) => c.column === column);
        this.#columnInfo.set(column, {
          column,
          field: field.name,
          form: field.form,
          role: field.name === this.recordIdField
            ? "id"
            : field.implicit
            ? "form_status"
            : cb
            ? "checkbox"
            : "field",
          code: cb?.code,
        });
      }
    }
    for (const form of this.forms) {
      const column = `${form.name}_timestamp`;
      if (!this.#columnInfo.has(column)) {
        this.#columnInfo.set(column, { column, form: form.name, role: "timestamp" });
      }
    }
    for (const column of STRUCTURAL_COLUMNS) {
      this.#columnInfo.set(column, { column, role: "structural" });
    }
  }

  /**
   * Builds a dictionary from metadata rows (API snake_case keys, or the UI download's display
   * headers), checked with zod, plus optional structural exports.
   *
   * @example UI headers are accepted
   * ```ts
   * import { DataDictionary } from "denocap";
   * import { strictEqual } from "node:assert/strict";
   *
   * const dd = DataDictionary.fromMetadata([
   *   { "Variable / Field Name": "id", "Form Name": "f", "Field Type": "text" },
   *   { "Variable / Field Name": "ok", "Form Name": "f", "Field Type": "yesno" },
   * ]);
   * strictEqual(dd.field("ok")?.choices[0].label, "Yes");
   * ```
   *
   * @param rows Metadata rows (`content=metadata`), or a UI dictionary read as objects.
   * @param structure Field names, events, arms, mappings, repeating setup, project info.
   * @returns The dictionary.
   * @throws {TypeError} When a row fails validation (names the row and field).
   */
  static fromMetadata(
    rows: readonly (Record<string, unknown> | FieldMetadata)[],
    structure: DictionaryStructure = {},
  ): DataDictionary {
    const parsed = rows.map((raw, index) => {
      const row = raw as Record<string, unknown>;
      const result = MetadataRowSchema.safeParse(normalizeRow(row));
      if (!result.success) {
        const issue = result.error.issues[0];
        const name = (normalizeRow(row).field_name as string) ?? "?";
        throw new TypeError(
          `Cannot read metadata row ${index + 1} ("${name}"): ${
            issue.path.join(".")
          } ${issue.message}`,
        );
      }
      return result.data;
    });
    return new DataDictionary(parsed, structure);
  }

  #implicitStatus(form: string): FieldInfo {
    const name = `${form}_complete`;
    return {
      name,
      form,
      type: "form_status",
      label: "Complete?",
      validation: "",
      typeInfo: resolveFieldType("dropdown"),
      choices: FORM_STATUS_CHOICES,
      calculation: "",
      identifier: false,
      required: false,
      branchingLogic: "",
      annotation: "",
      note: "",
      sectionHeader: "",
      min: "",
      max: "",
      matrixGroup: "",
      implicit: true,
      columns: [name],
    };
  }

  #fieldFromRow(row: MetadataRow, fieldNames: FieldNameRow[] | undefined): FieldInfo {
    const type = row.field_type;
    const validation = row.text_validation_type_or_show_slider_number;
    const annotation = row.field_annotation;
    let choices: readonly Choice[] = [];
    if (type === "yesno") choices = YES_NO_CHOICES;
    else if (type === "truefalse") choices = TRUE_FALSE_CHOICES;
    else if (type === "radio" || type === "dropdown" || type === "checkbox") {
      choices = parseChoices(row.select_choices_or_calculations);
    }
    let columns: string[] = [row.field_name];
    if (type === "descriptive") columns = [];
    if (type === "checkbox") {
      const list: CheckboxColumn[] = choices.map((c) => ({
        column: `${row.field_name}___${checkboxSuffix(c.code)}`,
        code: c.code,
        label: c.label,
        missingCode: false,
      }));
      if (!/@NOMISSING\b/.test(annotation)) {
        for (const m of this.missingDataCodes) {
          list.push({
            column: `${row.field_name}___${checkboxSuffix(m.code)}`,
            code: m.code,
            label: m.label,
            missingCode: true,
          });
        }
      }
      if (fieldNames) {
        const byCode = new Map(
          fieldNames.map((r) => [String(r.choice_value), r.export_field_name]),
        );
        for (const c of list) c.column = byCode.get(c.code) ?? c.column;
      }
      this.#checkboxColumns.set(row.field_name, list);
      columns = list.map((c) => c.column);
    }
    const calc = /@CALC(TEXT|DATE)\s*\(/.exec(annotation);
    return {
      name: row.field_name,
      form: row.form_name,
      type,
      label: row.field_label,
      validation,
      typeInfo: resolveFieldType(type, validation, annotation),
      choices,
      calculation: type === "calc"
        ? row.select_choices_or_calculations
        : calc
        ? annotation.slice(calc.index)
        : "",
      identifier: row.identifier.trim().toLowerCase() === "y",
      required: row.required_field.trim().toLowerCase() === "y",
      branchingLogic: row.branching_logic,
      annotation,
      note: row.field_note,
      sectionHeader: row.section_header,
      min: row.text_validation_min,
      max: row.text_validation_max,
      matrixGroup: row.matrix_group_name,
      implicit: false,
      columns,
      row,
    };
  }

  /** A field by name (including `{form}_complete`), or `undefined`. */
  field(name: string): FieldInfo | undefined {
    return this.#fieldByName.get(name);
  }

  /** A form by name, or `undefined`. */
  form(name: string): FormInfo | undefined {
    return this.#formByName.get(name);
  }

  /** An event by unique name, or `undefined`. */
  event(uniqueName: string): EventInfo | undefined {
    return this.#eventByName.get(uniqueName);
  }

  /** Choices of a field (implicit codings for yesno, truefalse and form status); `[]` otherwise. */
  choices(field: string): readonly Choice[] {
    return this.#fieldByName.get(field)?.choices ?? [];
  }

  /** Choice labels of a coded field in dictionary order (the level order for Categoricals). */
  levels(field: string): string[] {
    return this.choices(field).map((c) => c.label);
  }

  /** Checkbox columns of a checkbox field (choices, then missing-data codes); `[]` otherwise. */
  checkboxColumns(field: string): readonly CheckboxColumn[] {
    return this.#checkboxColumns.get(field) ?? [];
  }

  /** Whether `name` is the `{form}_complete` of some form. */
  isFormStatus(name: string): boolean {
    return this.#fieldByName.get(name)?.implicit === true;
  }

  /** What a flat-export column is: a field, a checkbox option, `redcap_*`, a survey timestamp. */
  columnInfo(column: string): ColumnInfo | undefined {
    return this.#columnInfo.get(column);
  }

  /**
   * The columns of a flat raw export of every field, in REDCap's order: record id, structural
   * columns, then each form's fields (checkboxes expanded) ending with `{form}_complete`.
   */
  columns(options: ColumnsOptions = {}): string[] {
    const { dataAccessGroups = false, surveyFields = false } = options;
    const out = [this.recordIdField, ...this.structuralColumns()];
    if (dataAccessGroups) out.push("redcap_data_access_group");
    if (surveyFields) out.push("redcap_survey_identifier");
    for (const form of this.forms) {
      if (surveyFields && form.survey) out.push(`${form.name}_timestamp`);
      for (const name of form.fields) {
        if (name === this.recordIdField) continue;
        out.push(...this.#fieldByName.get(name)!.columns);
      }
    }
    return out;
  }

  /** `redcap_event_name` (longitudinal), `redcap_repeat_instrument`/`_instance` (repeating). */
  structuralColumns(): string[] {
    const out: string[] = [];
    if (this.longitudinal) out.push("redcap_event_name");
    if (this.hasRepeating) out.push("redcap_repeat_instrument", "redcap_repeat_instance");
    return out;
  }

  /** Forms designated for an event (every form in classic projects or unknown events). */
  designatedForms(event?: string | null): readonly string[] {
    if (!this.longitudinal || !event) return this.forms.map((f) => f.name);
    return this.#eventByName.get(event)?.forms ?? this.forms.map((f) => f.name);
  }

  /** Whether a form repeats on its own (as an instrument) in an event (classic: ignore event). */
  isRepeatingForm(form: string, event?: string | null): boolean {
    if (!this.longitudinal) return this.#classicRepeating.has(form);
    return this.#eventByName.get(event ?? "")?.repeatingForms.has(form) ?? false;
  }

  /** Whether a whole event repeats. */
  isRepeatingEvent(event?: string | null): boolean {
    return this.longitudinal && (this.#eventByName.get(event ?? "")?.repeating ?? false);
  }

  /** Whether a form has repeat instances anywhere (as an instrument, or inside a repeating event). */
  formRepeats(form: string): boolean {
    if (!this.longitudinal) return this.#classicRepeating.has(form);
    return this.events.some((e) =>
      e.repeatingForms.has(form) || (e.repeating && e.forms.includes(form))
    );
  }

  /** Field labels keyed by flat-export column (checkbox columns: `Label (choice=Choice)`). */
  columnLabels(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const field of this.fields) {
      const cbs = this.#checkboxColumns.get(field.name);
      if (cbs) { for (const c of cbs) out[c.column] = `${field.label} (choice=${c.label})`; }
      else for (const column of field.columns) out[column] = field.label;
    }
    return out;
  }
}
