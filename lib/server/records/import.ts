/**
 * Record import: the one code path that writes record data, used by `content=record` imports
 * and by the project loader. It checks everything REDCap checks, collects every problem, and
 * writes nothing unless the whole import is valid.
 *
 * @module
 */
import { recomputeCalculations } from "../_calc.ts";
import { ApiError } from "../_http.ts";
import type { EventModel, ProjectModel } from "../model.ts";
import type { FieldMetadata } from "../project.ts";
import type { RedcapStore } from "../store.ts";
import { checkTextValue, type DateFormat } from "./_validate.ts";
import { recordNamer } from "./_next_name.ts";

export type { DateFormat } from "./_validate.ts";

/** Options of {@linkcode importFlatRows}. */
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
  /** Whether the user may create records (`record_create`).
   * @default {true}
   */
  allowCreate?: boolean;
}

/** What an import did. */
export interface ImportResult {
  /** Number of distinct records touched. */
  count: number;
  /** Names of the records touched, in order of first appearance. */
  ids: string[];
  /** With `forceAutoNumber`: `[new name, name given in the data]` per record. */
  autoIds: [string, string][];
}

/** REDCap's message for a value outside a coded field's choices (`data_import_tool_222`). */
export function invalidCategory(field: string): string {
  return `The value is not a valid category for ${field}`;
}

/** Message for a checkbox column holding something other than 0 or 1. */
export const CHECKBOX_VALUE_MESSAGE =
  "The value of a checkbox option must be 0 (unchecked) or 1 (checked)";

/** REDCap's message when a user without `record_create` imports a new record. */
export const NO_CREATE_MESSAGE = "Your user privileges do NOT allow you to create new records.";

const SPECIAL = new Set([
  "redcap_event_name",
  "redcap_repeat_instrument",
  "redcap_repeat_instance",
  "redcap_data_access_group",
]);
const MAX_INSTANCE = 32767;
const NEW_INSTANCE = -1;

type ColumnKind =
  | { kind: "value"; field: FieldMetadata; form: string }
  | { kind: "checkbox"; field: FieldMetadata; form: string; code: string }
  | { kind: "status"; form: string }
  | { kind: "timestamp"; form: string }
  | { kind: "file"; field: FieldMetadata; form: string }
  | { kind: "calc"; field: FieldMetadata; form: string };

interface Column {
  name: string;
  /** Field the value is stored under (the checkbox's base name for a checkbox column). */
  target: string;
  info: ColumnKind;
}

interface RowInfo {
  row: Record<string, string>;
  record: string;
  event: EventModel;
  /** Repeating instrument of the row, `""` for none. */
  instrument: string;
  instance: number;
  /** Values changed by validation (dates to ISO). */
  converted?: Map<string, string>;
}

type Tuple = [record: string, field: string, value: string, message: string];

function tupleLine(t: Tuple): string {
  return t.map((s) => `"${s.replaceAll('"', '""')}"`).join(",");
}

function classifyColumns(model: ProjectModel, names: Iterable<string>, seed: boolean) {
  const columns: Column[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    if (name === model.recordIdField || SPECIAL.has(name) || name === "redcap_survey_identifier") {
      continue;
    }
    if (
      name.endsWith("_timestamp") && model.formByName.has(name.slice(0, -10)) &&
      !model.fieldByName.has(name)
    ) {
      if (seed) {
        columns.push({ name, target: name, info: { kind: "timestamp", form: name.slice(0, -10) } });
      }
      continue;
    }
    if (model.isFormStatus(name)) {
      columns.push({ name, target: name, info: { kind: "status", form: model.formOf(name)! } });
      continue;
    }
    const field = model.fieldByName.get(name);
    if (field) {
      const form = field.form_name;
      if (field.field_type === "descriptive" || field.field_type === "checkbox") unknown.push(name);
      else if (model.isCalculated(name)) {
        if (seed) columns.push({ name, target: name, info: { kind: "calc", field, form } });
      } else if (field.field_type === "file" || field.field_type === "signature") {
        if (seed) columns.push({ name, target: name, info: { kind: "file", field, form } });
      } else columns.push({ name, target: name, info: { kind: "value", field, form } });
      continue;
    }
    const split = name.indexOf("___");
    if (split > 0) {
      const base = name.slice(0, split);
      const option = model.checkboxColumns(base).find((c) => c.column === name);
      const baseField = model.fieldByName.get(base);
      if (option && baseField) {
        columns.push({
          name,
          target: base,
          info: {
            kind: "checkbox",
            field: baseField,
            form: baseField.form_name,
            code: option.code,
          },
        });
        continue;
      }
    }
    unknown.push(name);
  }
  return { columns, unknown };
}

function isMissingCode(model: ProjectModel, field: FieldMetadata, value: string): boolean {
  return model.missingDataCodes.length > 0 && !/@NOMISSING\b/.test(field.field_annotation) &&
    model.missingDataCodes.some((m) => m.code === value);
}

/**
 * Imports flat rows (REDCap's import shape: one row per record, event and repeat instance, raw
 * values as strings) into a project. Everything is checked first and every problem collected;
 * on any problem nothing is written and an {@linkcode ApiError} (400) carries REDCap's message:
 * `"record","field","value","message"` lines, or one whole-request message (unknown fields,
 * invalid events, ...). Calculated fields are recomputed after the write.
 *
 * @example Import two records, then a bad value
 * ```ts
 * import { fieldMetadata, importFlatRows, RedcapStore } from "denocap/server";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const projectId = store.createProject({
 *   info: { project_title: "Example" },
 *   metadata: [
 *     fieldMetadata({ field_name: "record_id", form_name: "intake", field_type: "text" }),
 *     fieldMetadata({
 *       field_name: "age", form_name: "intake", field_type: "text",
 *       text_validation_type_or_show_slider_number: "integer",
 *     }),
 *   ],
 *   instruments: [{ instrument_name: "intake", instrument_label: "Intake" }],
 *   arms: [], events: [], formEventMapping: [], repeating: [], dags: [], surveys: [],
 *   users: [], records: [], longitudinal: false,
 * });
 * const result = importFlatRows(store, projectId, [
 *   { record_id: "1", age: "30" },
 *   { record_id: "2", age: "41" },
 * ], { username: "alice" });
 * deepStrictEqual(result.ids, ["1", "2"]);
 * throws(() => importFlatRows(store, projectId, [{ record_id: "3", age: "x" }], { username: "alice" }));
 * ```
 *
 * @param store The store.
 * @param projectId The project to import into.
 * @param rows Flat rows keyed by export column names.
 * @param options Import behaviour.
 * @returns How many and which records were touched.
 */
export function importFlatRows(
  store: RedcapStore,
  projectId: number,
  rows: readonly Record<string, string>[],
  options: ImportOptions,
): ImportResult {
  const model = store.project(projectId);
  const seed = options.seed ?? false;
  const overwrite = options.overwriteBehavior === "overwrite";
  const dateFormat = options.dateFormat ?? "YMD";
  const idField = model.recordIdField;
  const now = store.now();
  if (rows.length === 0) return { count: 0, ids: [], autoIds: [] };

  // --- whole-request checks ---------------------------------------------------------------
  const names = new Set<string>();
  for (const row of rows) for (const key in row) names.add(key);
  const { columns, unknown } = classifyColumns(model, names, seed);
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      `The following fields were not found in the project as real data fields: ${
        unknown.join(", ")
      }`,
    );
  }
  if (!names.has(idField)) {
    throw new ApiError(
      400,
      `Cannot import records: the data has no column for the record ID field "${idField}"`,
    );
  }
  const badEvents = new Set<string>();
  const badInstances: string[] = [];
  const badDags = new Set<string>();
  const dagNames = new Set(model.dags.map((d) => d.unique_group_name));
  const defaultEvent = model.events[0];
  const infos: RowInfo[] = [];
  const tuples: Tuple[] = [];
  for (const row of rows) {
    const record = (row[idField] ?? "").trim();
    let event = defaultEvent;
    const eventName = (row.redcap_event_name ?? "").trim();
    if (model.longitudinal && eventName !== "") {
      const found = model.eventByName.get(eventName);
      if (!found) {
        badEvents.add(eventName);
        continue;
      }
      event = found;
    }
    const instanceText = (row.redcap_repeat_instance ?? "").trim();
    let instance = 1;
    if (instanceText.toLowerCase() === "new") instance = NEW_INSTANCE;
    else if (instanceText !== "") {
      if (!/^\d+$/.test(instanceText) || Number(instanceText) < 1) {
        badInstances.push(
          `The record name (${record}) has an invalid value for 'redcap_repeat_instance'. The ` +
            `value must either be a positive integer or the value 'new'. Value provided: ` +
            instanceText,
        );
        continue;
      }
      instance = Number(instanceText);
    }
    const dag = (row.redcap_data_access_group ?? "").trim();
    if (dag !== "" && !dagNames.has(dag)) badDags.add(dag);
    infos.push({
      row,
      record,
      event,
      instrument: (row.redcap_repeat_instrument ?? "").trim(),
      instance,
    });
  }
  if (badEvents.size > 0) {
    throw new ApiError(
      400,
      `The following values of redcap_event_name are invalid: ${[...badEvents].join(", ")}`,
    );
  }
  if (badInstances.length > 0) throw new ApiError(400, badInstances.join("\n"));
  if (badDags.size > 0) {
    throw new ApiError(
      400,
      `The following values of redcap_data_access_group are not valid unique group names of ` +
        `this project: ${[...badDags].join(", ")}`,
    );
  }

  // --- per-row and per-value checks ---------------------------------------------------------
  for (const info of infos) {
    const { row, record, event } = info;
    if (record === "") {
      tuples.push(["", idField, "", "The record ID cannot be blank"]);
      continue;
    }
    const instanceText = (row.redcap_repeat_instance ?? "").trim();
    let repeatForm = "";
    if (info.instrument !== "") {
      const form = model.formByName.get(info.instrument);
      if (event.repeatingEvent) {
        tuples.push([
          record,
          "redcap_repeat_instrument",
          info.instrument,
          `redcap_repeat_instrument must be left blank because the event ` +
          `'${event.unique_event_name}' is a repeating event (all its instruments repeat ` +
          `together).`,
        ]);
        continue;
      }
      if (!form || model.repeats(event, form.name) !== "instrument") {
        tuples.push([
          record,
          "redcap_repeat_instrument",
          info.instrument,
          "redcap_repeat_instrument must be the unique form name of a Repeating Instrument. It " +
          "currently does not match the unique form name of any Repeating Instruments.  " +
          "Please fix this in the data import file and try again.",
        ]);
        if (instanceText !== "") {
          tuples.push([record, "redcap_repeat_instance", instanceText, NOT_REPEATING]);
        }
        continue;
      }
      repeatForm = form.name;
    } else if (!event.repeatingEvent && instanceText !== "") {
      tuples.push([record, "redcap_repeat_instance", instanceText, NOT_REPEATING]);
      continue;
    }
    if (info.instance > MAX_INSTANCE) {
      tuples.push([
        record,
        "redcap_repeat_instance",
        instanceText,
        `redcap_repeat_instance must be a whole number from 1 to ${MAX_INSTANCE}`,
      ]);
      continue;
    }
    for (const column of columns) {
      const value = row[column.name];
      if (value === undefined) continue;
      const { info: kind } = column;
      const form = kind.form;
      // Cells outside the row's context (other instruments, undesignated forms) may be blank.
      let outside: string | undefined;
      if (model.longitudinal && !event.forms.includes(form)) {
        outside = `The field '${column.target}' is on the instrument '${form}', which is not ` +
          `designated for the event '${event.unique_event_name}'.`;
      } else if (repeatForm !== "" && form !== repeatForm) {
        outside = `This field ('${column.target}') is not on the Repeating Instrument ` +
          `'${repeatForm}' named in redcap_repeat_instrument for this row of data.`;
      } else if (
        repeatForm === "" && !event.repeatingEvent && event.repeatingForms.has(form)
      ) {
        outside = `This field ('${column.target}') exists on a Repeating Instrument named ` +
          `'${form}'. However, the fields 'redcap_repeat_instance' and/or ` +
          `'redcap_repeat_instrument' for this row of data have no value, which are both ` +
          `required for importing data into a Repeating Instrument.  You are not allowed to ` +
          `import data for this field into a non-repeating instrument.`;
      }
      if (outside !== undefined) {
        if (value !== "" && !(kind.kind === "checkbox" && value.trim() === "0")) {
          tuples.push([record, column.name, value, outside]);
        }
        continue;
      }
      if (value === "") continue;
      switch (kind.kind) {
        case "status":
          if (value !== "0" && value !== "1" && value !== "2") {
            tuples.push([record, column.name, value, invalidCategory(column.name)]);
          }
          break;
        case "checkbox":
          if (value !== "0" && value !== "1") {
            tuples.push([record, column.name, value, CHECKBOX_VALUE_MESSAGE]);
          }
          break;
        case "value": {
          const field = kind.field;
          if (isMissingCode(model, field, value)) break;
          const type = field.field_type;
          if (
            type === "radio" || type === "select" || type === "dropdown" || type === "yesno" ||
            type === "truefalse"
          ) {
            if (
              !options.acceptInvalid &&
              !model.choices(field.field_name).some((c) => c.code === value)
            ) {
              tuples.push([record, column.name, value, invalidCategory(field.field_name)]);
            }
          } else if (type === "text" || type === "slider") {
            const checked = checkTextValue(field, value, dateFormat, now);
            if (checked.error !== undefined) {
              if (!options.acceptInvalid) tuples.push([record, column.name, value, checked.error]);
            } else if (checked.value !== value) {
              (info.converted ??= new Map()).set(column.name, checked.value);
            }
          }
          break;
        }
        default:
          break;
      }
    }
    if (info.instrument !== "") info.instrument = repeatForm;
  }

  // --- records, DAGs, auto-numbering ---------------------------------------------------------
  const existing = new Map<string, { arms: Set<number>; dag: string }>();
  for (
    const r of store.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ?")
      .iterate(projectId)
  ) {
    const name = String(r.record);
    const entry = existing.get(name);
    if (entry) entry.arms.add(Number(r.arm_num));
    else existing.set(name, { arms: new Set([Number(r.arm_num)]), dag: String(r.dag) });
  }
  const autoIds: [string, string][] = [];
  const finalName = new Map<string, string>();
  if (options.forceAutoNumber) {
    const next = recordNamer(store, projectId, seed ? undefined : options.dag);
    for (const info of infos) {
      if (!finalName.has(info.record)) {
        const name = next();
        finalName.set(info.record, name);
        autoIds.push([name, info.record]);
      }
    }
  }
  const ids: string[] = [];
  const seen = new Set<string>();
  const restrictDag = !seed && options.dag !== undefined && options.dag !== "";
  const reportedDag = new Set<string>();
  for (const info of infos) {
    if (info.record === "") continue;
    const original = info.record;
    info.record = finalName.get(original) ?? original;
    const dagValue = (info.row.redcap_data_access_group ?? "").trim();
    const known = existing.get(info.record);
    if (!seen.has(info.record)) {
      seen.add(info.record);
      ids.push(info.record);
      if (!known && options.allowCreate === false) throw new ApiError(403, NO_CREATE_MESSAGE);
      if (known && restrictDag && known.dag !== options.dag) {
        tuples.push([
          original,
          idField,
          original,
          `The record "${original}" belongs to a different Data Access Group, so you cannot ` +
          `modify it.`,
        ]);
      }
    }
    if (restrictDag && dagValue !== "" && dagValue !== options.dag && !reportedDag.has(original)) {
      reportedDag.add(original);
      tuples.push([
        original,
        "redcap_data_access_group",
        dagValue,
        `You are in the Data Access Group '${options.dag}', so you cannot assign records to ` +
        `another group.`,
      ]);
    }
  }
  checkSecondaryUnique(store, projectId, model, infos, tuples, options.acceptInvalid ?? false);
  if (tuples.length > 0) throw new ApiError(400, tuples.map(tupleLine).join("\n"));

  store.transaction(() =>
    writeRows(store, projectId, model, infos, columns, existing, {
      overwrite,
      seed,
      username: options.username,
      dag: restrictDag ? options.dag! : "",
    })
  );
  if (!seed) recomputeCalculations(store, projectId, ids);
  return { count: ids.length, ids, autoIds };
}

/**
 * The project's secondary unique field (`secondary_unique_field`) must not hold a value that
 * another record holds, in the store or elsewhere in the import.
 */
function checkSecondaryUnique(
  store: RedcapStore,
  projectId: number,
  model: ProjectModel,
  infos: RowInfo[],
  tuples: Tuple[],
  acceptInvalid: boolean,
): void {
  const field = String(model.definition.info.secondary_unique_field ?? "").trim();
  if (acceptInvalid || field === "" || !model.fieldByName.has(field)) return;
  if (!infos.some((info) => (info.row[field] ?? "") !== "")) return;
  const owner = new Map<string, string>();
  for (
    const row of store.sql("SELECT record, value FROM data WHERE project_id = ? AND field_name = ?")
      .iterate(projectId, field)
  ) owner.set(String(row.value), String(row.record));
  // Values this import sets replace the records' stored ones.
  const imported = new Map<string, string>();
  for (const info of infos) {
    const value = info.converted?.get(field) ?? info.row[field] ?? "";
    if (value === "" || info.record === "") continue;
    const other = imported.get(value) ?? owner.get(value);
    if (other !== undefined && other !== info.record) {
      tuples.push([
        info.record,
        field,
        value,
        `The value is already used by record "${other}", but '${field}' is the secondary ` +
        `unique field, whose values must be unique across records`,
      ]);
    } else imported.set(value, info.record);
  }
}

const NOT_REPEATING =
  "redcap_repeat_instance cannot have a value since this instrument or event is not a " +
  "repeating instrument or repeating event, respectively.  The redcap_repeat_instance field " +
  "must be left blank for this row of data.";

interface Unit {
  event: EventModel;
  instrument: string;
  instance: number;
  rows: RowInfo[];
}

const MIME_TYPES: Record<string, string> = {
  txt: "text/plain",
  csv: "text/csv",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  json: "application/json",
  xml: "application/xml",
  html: "text/html",
  zip: "application/zip",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** A MIME type guessed from a file name's extension. */
export function mimeTypeOf(name: string): string {
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
  return MIME_TYPES[ext] ?? "application/octet-stream";
}

/** A logged value: REDCap writes `field = 'value'` without escaping quotes in the value. */
function quote(value: string): string {
  return `'${value}'`;
}

function writeRows(
  store: RedcapStore,
  projectId: number,
  model: ProjectModel,
  infos: RowInfo[],
  columns: Column[],
  existing: Map<string, { arms: Set<number>; dag: string }>,
  options: { overwrite: boolean; seed: boolean; username: string; dag: string },
): void {
  const idField = model.recordIdField;
  // Group rows: record → unit key → rows (a row with instance "new" is a unit of its own).
  const byRecord = new Map<string, Map<string, Unit>>();
  let fresh = 0;
  for (const info of infos) {
    let units = byRecord.get(info.record);
    if (!units) byRecord.set(info.record, units = new Map());
    const key = info.instance === NEW_INSTANCE
      ? `new${fresh++}`
      : `${info.event.event_id}|${info.instrument}|${info.instance}`;
    const unit = units.get(key);
    if (unit) unit.rows.push(info);
    else {
      units.set(key, {
        event: info.event,
        instrument: info.instrument,
        instance: info.instance,
        rows: [info],
      });
    }
  }
  const insert = store.sql(
    "INSERT INTO data (project_id, record, event_id, instance, field_name, value) " +
      "VALUES (?,?,?,?,?,?)",
  );
  const remove = store.sql(
    "DELETE FROM data WHERE project_id = ? AND record = ? AND event_id = ? AND field_name = ? " +
      "AND instance = ?",
  );
  const checkboxOrder = new Map<string, string[]>();
  const orderOf = (field: string) => {
    let order = checkboxOrder.get(field);
    if (!order) checkboxOrder.set(field, order = model.checkboxColumns(field).map((c) => c.code));
    return order;
  };
  const formFields = new Map<string, string[]>();
  const fieldsOfForm = (form: string) => {
    let list = formFields.get(form);
    if (!list) {
      list = model.formByName.get(form)!.fields.map((f) => f.field_name);
      list.push(`${form}_complete`);
      formFields.set(form, list);
    }
    return list;
  };

  // The columns that apply to a unit's event and repeat context.
  const contextColumns = new Map<string, Column[]>();
  const columnsOf = (unit: Unit): Column[] => {
    const key = `${unit.event.event_id}|${unit.instrument}`;
    let list = contextColumns.get(key);
    if (!list) {
      const { event, instrument } = unit;
      list = columns.filter(({ info }) => {
        if (model.longitudinal && !event.forms.includes(info.form)) return false;
        if (instrument !== "") return info.form === instrument;
        return event.repeatingEvent || !event.repeatingForms.has(info.form);
      });
      contextColumns.set(key, list);
    }
    return list;
  };

  const records = [...byRecord.keys()];
  const CHUNK = 500;
  for (let start = 0; start < records.length; start += CHUNK) {
    const chunk = records.slice(start, start + CHUNK);
    const stored = new Map<string, Map<string, string[]>>();
    const known = chunk.filter((r) => existing.has(r));
    if (known.length > 0) {
      for (const { record, points } of store.readRecords(projectId, known, CHUNK)) {
        const map = new Map<string, string[]>();
        for (const p of points) {
          const key = `${p.event_id}|${p.instance}|${p.field_name}`;
          const list = map.get(key);
          if (list) list.push(p.value);
          else map.set(key, [p.value]);
        }
        stored.set(record, map);
      }
    }
    for (const record of chunk) {
      const units = byRecord.get(record)!;
      const old = stored.get(record);
      const entry = existing.get(record);
      let created = false;
      // Arms and DAG.
      let dag: string | undefined;
      for (const unit of units.values()) {
        for (const info of unit.rows) {
          const value = (info.row.redcap_data_access_group ?? "").trim();
          if (value !== "") dag = value;
        }
      }
      for (const unit of units.values()) {
        const arm = unit.event.arm_num;
        if (!entry) {
          if (store.ensureRecord(projectId, record, arm, dag ?? options.dag)) created = true;
        } else if (!entry.arms.has(arm)) {
          store.ensureRecord(projectId, record, arm, entry.dag);
          entry.arms.add(arm);
        }
      }
      if (entry && dag !== undefined && dag !== entry.dag) {
        store.setRecordDag(projectId, record, dag);
        store.log({
          project_id: projectId,
          username: options.username,
          action: "UPDATE",
          record,
          event_id: null,
          details: `redcap_data_access_group = '${dag}'`,
          description: "Assign record to Data Access Group",
        });
        entry.dag = dag;
      }
      if (!entry) {
        existing.set(record, {
          arms: new Set(units.values().map((u) => u.event.arm_num)),
          dag: dag ?? options.dag,
        });
      }
      // Next instances for "new".
      const maxInstance = new Map<string, number>();
      const scopeKey = (unit: Unit) => `${unit.event.event_id}|${unit.instrument}`;
      const scopeMax = (unit: Unit): number => {
        const key = scopeKey(unit);
        let max = maxInstance.get(key);
        if (max === undefined) {
          max = 0;
          const fields = unit.instrument === ""
            ? undefined
            : new Set(fieldsOfForm(unit.instrument));
          if (old) {
            for (const k of old.keys()) {
              const [e, i, f] = k.split("|");
              if (Number(e) === unit.event.event_id && (!fields || fields.has(f))) {
                max = Math.max(max, Number(i));
              }
            }
          }
          for (const other of units.values()) {
            if (scopeKey(other) === key) max = Math.max(max, other.instance);
          }
        }
        return max;
      };
      const touchedEvents = new Set<number>();
      for (const unit of units.values()) {
        if (unit.instance === NEW_INSTANCE) {
          const next = scopeMax(unit) + 1;
          maxInstance.set(scopeKey(unit), next);
          unit.instance = next;
        }
        const eventId = unit.event.event_id;
        const instance = unit.instance;
        const changes: string[] = [];
        const set = (field: string, values: string[], detail: string) => {
          if (!old) {
            // A new record: nothing to compare with or replace.
            for (const v of values) insert.run(projectId, record, eventId, instance, field, v);
            changes.push(detail);
            return;
          }
          const key = `${eventId}|${instance}|${field}`;
          const before = old.get(key) ?? [];
          if (before.length === values.length && before.every((v, i) => v === values[i])) return;
          if (before.length > 0) remove.run(projectId, record, eventId, field, instance);
          for (const v of values) insert.run(projectId, record, eventId, instance, field, v);
          old.set(key, values);
          changes.push(detail);
        };
        if (!touchedEvents.has(eventId)) {
          touchedEvents.add(eventId);
          const key = `${eventId}|1|${idField}`;
          if (!(old?.has(key))) {
            insert.run(projectId, record, eventId, 1, idField, record);
            old?.set(key, [record]);
            changes.push(`${idField} = ${quote(record)}`);
          }
        }
        const checkboxes = new Map<string, Map<string, string>>();
        const single = unit.rows.length === 1 ? unit.rows[0] : undefined;
        for (const column of columnsOf(unit)) {
          const kind = column.info;
          // Merge duplicate rows: the last non-blank value wins.
          let value: string | undefined;
          if (single) value = single.converted?.get(column.name) ?? single.row[column.name];
          else {
            for (const info of unit.rows) {
              const v = info.converted?.get(column.name) ?? info.row[column.name];
              if (v === undefined) continue;
              if (value === undefined || v !== "") value = v;
            }
          }
          if (value === undefined) continue;
          if (kind.kind === "checkbox") {
            let codes = checkboxes.get(column.target);
            if (!codes) checkboxes.set(column.target, codes = new Map());
            codes.set(kind.code, value);
            continue;
          }
          if (value === "") {
            if (options.overwrite) set(column.target, [], `${column.target} = ''`);
            continue;
          }
          if (kind.kind === "file") {
            const before = old?.get(`${eventId}|${instance}|${column.target}`);
            if (before && store.file(projectId, Number(before[0]))?.name === value) continue;
            const docId = store.addFile(projectId, value, mimeTypeOf(value), new Uint8Array());
            set(column.target, [String(docId)], `${column.target} = '${docId}'`);
            continue;
          }
          set(column.target, [value], `${column.target} = ${quote(value)}`);
        }
        for (const [field, codes] of checkboxes) {
          const key = `${eventId}|${instance}|${field}`;
          const checked = new Set(old?.get(key) ?? []);
          const detail: string[] = [];
          for (const [code, value] of codes) {
            if (value === "1" && !checked.has(code)) {
              checked.add(code);
              detail.push(`${field}(${code}) = checked`);
            } else if (
              (value === "0" || (value === "" && options.overwrite)) && checked.has(code)
            ) {
              checked.delete(code);
              detail.push(`${field}(${code}) = unchecked`);
            }
          }
          if (detail.length > 0) {
            set(field, orderOf(field).filter((c) => checked.has(c)), detail.join(", "));
          }
        }
        if (changes.length > 0) {
          store.log({
            project_id: projectId,
            username: options.username,
            action: created ? "INSERT" : "UPDATE",
            record,
            event_id: eventId,
            details: (instance > 1 ? `[instance = ${instance}], ` : "") + changes.join(", "),
            description: created ? "Create record" : "Update record",
          });
        }
      }
    }
  }
}
