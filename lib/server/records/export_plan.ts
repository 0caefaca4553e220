/**
 * What a record export selects, decided once per request: the fields (after `fields`/`forms`,
 * descriptive fields and de-identification), the events, and the per-field value transforms
 * (choice labels, file names, decimal character). Shared by the flat and EAV writers.
 *
 * @module
 */
import { ApiError } from "../_http.ts";
import type { RecordEventFilter } from "../_filter_logic.ts";
import type { EventModel, ProjectModel } from "../model.ts";
import type { DataPoint, FieldMetadata, StoredRow } from "../project.ts";

/** One record handed to an export writer: its name, DAG and every stored data point. */
export interface ExportRecordInput {
  record: string;
  /** Unique group name of the record's data access group, `""` for none. */
  dag: string;
  points: readonly DataPoint[];
  /**
   * The same values as stored rows, when the caller has them (the bulk export): the flat
   * writer reads these instead of `points`, which then need not be built.
   */
  rows?: readonly StoredRow[];
}

/** Options of a record export, already parsed from the request. */
export interface RecordExportOptions {
  /** @default {"xml"} */
  format?: "csv" | "json" | "xml";
  /** @default {"flat"} */
  type?: "flat" | "eav";
  /** Field names (`fields`); unknown names are a 400. */
  fields?: readonly string[];
  /** Form names (`forms`); unknown names are a 400. */
  forms?: readonly string[];
  /** Unique event names (`events`, longitudinal only); unknown names are a 400. */
  events?: readonly string[];
  /** `rawOrLabel=label`. @default {false} */
  labels?: boolean;
  /** `rawOrLabelHeaders=label` (CSV flat only). @default {false} */
  labelHeaders?: boolean;
  /** `exportCheckboxLabel` (with labels, flat only). @default {false} */
  checkboxLabels?: boolean;
  /** `exportSurveyFields`. @default {false} */
  surveyFields?: boolean;
  /** `exportDataAccessGroups` (the route turns it off for users in a DAG). @default {false} */
  dataAccessGroups?: boolean;
  /** `exportBlankForGrayFormStatus`. @default {false} */
  blankForGrayFormStatus?: boolean;
  /** The CSV cell delimiter itself (`\t` for `tab`). @default {","} */
  csvDelimiter?: string;
  /** `decimalCharacter`: `","`, `"."` or `""` for the stored one. @default {""} */
  decimalCharacter?: "" | "," | ".";
  /** File names by doc id (flat exports show the name of an uploaded file). */
  fileNames?: ReadonlyMap<string, string>;
  /** Data export level: 1 full, 2 de-identified, 3 identifiers removed. @default {1} */
  exportLevel?: 1 | 2 | 3;
  /**
   * Form-level export rights (`forms_export`) by form: 0 no access (the form's fields are left
   * out; the record ID field always stays), 1 full, 2 de-identified, 3 identifiers removed.
   * Forms not listed use `exportLevel`.
   */
  formExportLevels?: Readonly<Record<string, number>>;
  /** Replaces record names by their MD5 hash (de-identified export of an identifier id). */
  hashRecordId?: (record: string) => string;
  /** The compiled `filterLogic`, applied per record-event. */
  filter?: RecordEventFilter;
  /**
   * Whether an EAV body has repeat columns, i.e. whether any exported value is in a repeating
   * instrument or event, when the caller knows it up front: the EAV body then streams instead
   * of waiting for the last row.
   */
  eavRepeated?: boolean;
}

/** How a field's stored value is turned into an exported value. */
export interface ValueTransform {
  /** Code → label (choices, yesno, truefalse, form status), used in label mode. */
  labels?: ReadonlyMap<string, string>;
  /** The field stores a doc id: show the file name (flat only). */
  file: boolean;
  /** The field's numbers follow `decimalCharacter`. */
  decimal: boolean;
}

/** The resolved selection of an export. */
export interface ExportPlan {
  model: ProjectModel;
  options: RecordExportOptions;
  /** Selected field names in dictionary order, including `{form}_complete` where selected. */
  fields: string[];
  selected: Set<string>;
  /** Whether the record-id field is selected (it brings the structural columns). */
  includeId: boolean;
  /** Forms with at least one selected field (their survey timestamps are exported). */
  formsExported: Set<string>;
  /** Events exported, by id. */
  events: Map<number, EventModel>;
  transforms: Map<string, ValueTransform>;
  /** Missing-data code labels. */
  missingLabels: Map<string, string>;
  fromDecimal: string;
  toDecimal: string;
}

/** REDCap's wording when data export rights are "No Access" (no double quote in error text). */
export const NO_EXPORT_ACCESS =
  "The API request cannot complete because currently you have 'No Access' " +
  "data export rights. Higher level data export rights are required for this operation.";

/** REDCap's wording when de-identification removes every requested field. */
export const ALL_FIELDS_REMOVED =
  "The API request cannot complete because all the fields you have " +
  "specified in your request are fields that will be removed due to your limited Data Export " +
  "privileges, so there is nothing to return. Higher level data export rights are required to " +
  "retrieve data for the fields specified.";

/** REDCap's wording when `fields` named only descriptive fields. */
export const ONLY_DESCRIPTIVE = "The variables provided in the parameter 'fields' are not valid " +
  "fields that contain data. This might happen if you only provided variables for Descriptive fields.";

/** REDCap's `prep_implode`: `'a', 'b'`. */
function quoteList(values: readonly string[]): string {
  return [...new Set(values)].map((v) => `'${v}'`).join(", ");
}

/** A choice label as REDCap exports it: `"` becomes `'`, line breaks become two spaces. */
export function exportLabel(label: string): string {
  return label.replaceAll('"', "'").replace(/\r\n|\r|\n/g, "  ");
}

/** Whether de-identified (level 2) exports drop the field, besides identifiers. */
function removedWhenDeidentified(field: FieldMetadata): boolean {
  if (field.field_type === "notes") return true;
  if (field.field_type !== "text") return false;
  const validation = field.text_validation_type_or_show_slider_number;
  return validation === "" || /^date/.test(validation);
}

/**
 * Whether a form export level (0 no access, 1 full, 2 de-identified, 3 identifiers removed)
 * hides a field's values; the record ID field is never hidden.
 */
export function hiddenAtLevel(
  model: ProjectModel,
  field: FieldMetadata,
  formLevel: number,
): boolean {
  if (field.field_name === model.recordIdField) return false;
  if (formLevel === 0) return true;
  if (formLevel < 2) return false;
  return field.identifier === "y" || (formLevel === 2 && removedWhenDeidentified(field));
}

/**
 * Resolves the request's selection against the project, with REDCap's validation order and
 * messages (events, then fields, then forms).
 */
export function planExport(model: ProjectModel, options: RecordExportOptions): ExportPlan {
  const clean = (v: string) => v.replace(/['"]/g, "").trim();
  const requestedEvents = options.events?.map(clean).filter((v) => v !== "") ?? [];
  const requestedFields = options.fields?.map(clean).filter((v) => v !== "") ?? [];
  const requestedForms = options.forms?.map(clean).filter((v) => v !== "") ?? [];

  if (model.longitudinal && requestedEvents.length > 0) {
    const invalid = requestedEvents.filter((e) => !model.eventByName.has(e));
    if (invalid.length > 0) {
      throw new ApiError(
        400,
        `The following values in the parameter "events" are not valid: ${quoteList(invalid)}`,
      );
    }
  }
  const fieldRequest: string[] = [];
  if (requestedFields.length > 0) {
    const invalid: string[] = [];
    for (const name of requestedFields) {
      const field = model.fieldByName.get(name);
      if (field?.field_type === "descriptive") continue;
      if (!field && !model.isFormStatus(name)) invalid.push(name);
      else fieldRequest.push(name);
    }
    if (invalid.length > 0) {
      throw new ApiError(
        400,
        `The following values in the parameter "fields" are not valid: ${quoteList(invalid)}`,
      );
    }
    if (fieldRequest.length === 0) throw new ApiError(400, ONLY_DESCRIPTIVE);
  }
  if (requestedForms.length > 0) {
    const invalid = requestedForms.filter((f) => !model.formByName.has(f));
    if (invalid.length > 0) {
      throw new ApiError(
        400,
        `The following values in the parameter "forms" are not valid: ${quoteList(invalid)}`,
      );
    }
  }

  const specified = fieldRequest.length > 0 || requestedForms.length > 0;
  const wanted = new Set<string>(fieldRequest);
  for (const formName of requestedForms) {
    const form = model.formByName.get(formName)!;
    for (const f of form.fields) if (f.field_type !== "descriptive") wanted.add(f.field_name);
    wanted.add(`${formName}_complete`);
  }

  // Dictionary order, `{form}_complete` closing each form.
  const level = options.exportLevel ?? 1;
  const fields: string[] = [];
  let removed = 0;
  for (const form of model.forms) {
    const formLevel = options.formExportLevels?.[form.name] ?? level;
    for (const field of form.fields) {
      if (field.field_type === "descriptive") continue;
      if (specified && !wanted.has(field.field_name)) continue;
      if (hiddenAtLevel(model, field, formLevel)) {
        removed++;
        continue;
      }
      fields.push(field.field_name);
    }
    const complete = `${form.name}_complete`;
    if (!specified || wanted.has(complete)) {
      if (formLevel === 0) removed++;
      else fields.push(complete);
    }
  }
  if (specified && removed > 0 && fields.length === 0) throw new ApiError(400, ALL_FIELDS_REMOVED);

  const selected = new Set(fields);
  const formsExported = new Set<string>();
  for (const name of fields) formsExported.add(model.formOf(name)!);

  const events = new Map<number, EventModel>();
  const eventFilter = model.longitudinal && requestedEvents.length > 0
    ? new Set(requestedEvents)
    : undefined;
  for (const event of model.events) {
    if (!eventFilter || eventFilter.has(event.unique_event_name)) events.set(event.event_id, event);
  }

  const missingLabels = new Map(model.missingDataCodes.map((c) => [c.code, exportLabel(c.label)]));
  const decimal = options.decimalCharacter ?? "";
  const transforms = new Map<string, ValueTransform>();
  for (const name of fields) {
    const field = model.fieldByName.get(name);
    const choices = model.choices(name);
    const validation = field?.text_validation_type_or_show_slider_number ?? "";
    transforms.set(name, {
      labels: choices.length > 0
        ? new Map(choices.map((c) => [c.code, exportLabel(c.label)]))
        : undefined,
      file: field?.field_type === "file",
      decimal: decimal !== "" &&
        (field?.field_type === "calc" ||
          (field?.field_type === "text" && /^number/.test(validation))),
    });
  }
  return {
    model,
    options,
    fields,
    selected,
    includeId: selected.has(model.recordIdField),
    formsExported,
    events,
    transforms,
    missingLabels,
    fromDecimal: decimal === "," ? "." : ",",
    toDecimal: decimal,
  };
}

/**
 * The data points an export's writers look at, by field name and event id, or `undefined`
 * when they need every point (no `fields`/`forms` subset, or a `filterLogic`, which reads any
 * field). The flat writer decides which record-event-instance rows exist from the exported
 * fields' points and the record-id field's (stored in every event where the record has data);
 * points of other fields or events never make or change a row, so reading only these gives
 * the same body. Survey timestamps are the `{form}_timestamp` pseudo-fields of the exported
 * forms.
 */
export function pointSelection(
  plan: ExportPlan,
): { fields: string[]; events: number[] } | undefined {
  const { options } = plan;
  if (options.filter) return undefined;
  if (!(options.fields?.length || options.forms?.length)) return undefined;
  const names = new Set(plan.fields);
  names.add(plan.model.recordIdField);
  if (options.surveyFields) {
    for (const form of plan.formsExported) names.add(`${form}_timestamp`);
  }
  return { fields: [...names], events: [...plan.events.keys()] };
}

/**
 * A stored value as exported: decimal character, then (in label mode) its choice label or
 * missing-data label; file fields show the file name when `fileNames` is given.
 */
export function exportValue(
  plan: ExportPlan,
  transform: ValueTransform | undefined,
  value: string,
  fileNames: ReadonlyMap<string, string> | undefined,
): string {
  if (!transform) return value;
  if (transform.file && fileNames) {
    const name = fileNames.get(value);
    if (name !== undefined) return name;
  }
  if (transform.decimal) value = value.replaceAll(plan.fromDecimal, plan.toDecimal);
  if (plan.options.labels) {
    const label = transform.labels?.get(value) ?? plan.missingLabels.get(value);
    if (label !== undefined) return label;
  }
  return value;
}

/** Strips HTML tags and decodes the common entities of a label, as REDCap's label headers do. */
export function plainLabel(label: string): string {
  return label.replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}
