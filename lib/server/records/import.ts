/**
 * Record import: the one code path that writes record data, used by `content=record` imports
 * and by the project loader. It checks everything REDCap checks, collects every problem, and
 * writes nothing unless the whole import is valid.
 *
 * @module
 */
import type { StatementSync } from "node:sqlite";
import { type CalculatedField, calculatedFields, recomputeRecord } from "../_calc.ts";
import { RecordValues } from "../_filter_logic.ts";
import { ApiError } from "../_http.ts";
import type { EventModel, ProjectModel } from "../model.ts";
import type { DataPoint, FieldMetadata } from "../project.ts";
import type { RedcapStore } from "../store.ts";
import {
  checkTextValue,
  CONTROL_CHARACTER,
  CONTROL_IN_RECORD,
  type DateFormat,
  NUL_IN_VALUE,
  visible,
} from "../../dictionary/validate.ts";
import { recordNamer } from "./_next_name.ts";
import { tableOfObjects } from "./_parse_import.ts";

export type { DateFormat } from "../../dictionary/validate.ts";

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
   * (record names, events, instances, repeating instruments, DAGs) is still checked.
   */
  trusted?: boolean;
}

/** What an import did. */
export interface ImportResult {
  /** Number of distinct records touched. */
  count: number;
  /** Names of the records touched, in order of first appearance. */
  ids: string[];
  /** With `forceAutoNumber`: `[new name, name given in the data]` per record. */
  autoIds: [string, string][];
  /** With `acceptInvalid`: the values kept although they fail validation, as
   * `[record, field, value, message]`. */
  invalid?: [string, string, string, string][];
}

/** REDCap's message for a value outside a coded field's choices (`data_import_tool_222`). */
export function invalidCategory(field: string): string {
  return `The value is not a valid category for ${field}`;
}

/** Message for a checkbox column holding something other than 0 or 1. */
export const CHECKBOX_VALUE_MESSAGE =
  "The value of a checkbox option must be 0 (unchecked) or 1 (checked)";

/** Form-level entry right (REDCap 15.6+): view and edit; below it, 128 none, 129 read only. */
const FORM_EDIT_RIGHT = 130;

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
  /** Position of the column in the rows' cells. */
  index: number;
  /** Field the value is stored under (the checkbox's base name for a checkbox column). */
  target: string;
  info: ColumnKind;
}

/** One import row's cells, in header order; `undefined` where the row lacks the column. */
export type ImportCells = readonly (string | undefined)[];

interface RowInfo {
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

type Tuple = [record: string, field: string, value: string, message: string];

function tupleLine(t: Tuple): string {
  return t.map((s) => `"${s.replaceAll('"', '""')}"`).join(",");
}

function classifyColumns(model: ProjectModel, positions: Map<string, number>, seed: boolean) {
  const columns: Column[] = [];
  const unknown: string[] = [];
  for (const [name, index] of positions) {
    if (name === model.recordIdField || SPECIAL.has(name) || name === "redcap_survey_identifier") {
      continue;
    }
    if (
      name.endsWith("_timestamp") && model.formByName.has(name.slice(0, -10)) &&
      !model.fieldByName.has(name)
    ) {
      if (seed) {
        columns.push({
          name,
          index,
          target: name,
          info: { kind: "timestamp", form: name.slice(0, -10) },
        });
      }
      continue;
    }
    if (model.isFormStatus(name)) {
      columns.push({
        name,
        index,
        target: name,
        info: { kind: "status", form: model.formOf(name)! },
      });
      continue;
    }
    const field = model.fieldByName.get(name);
    if (field) {
      const form = field.form_name;
      if (field.field_type === "descriptive" || field.field_type === "checkbox") unknown.push(name);
      else if (model.isCalculated(name)) {
        if (seed) columns.push({ name, index, target: name, info: { kind: "calc", field, form } });
      } else if (field.field_type === "file" || field.field_type === "signature") {
        if (seed) columns.push({ name, index, target: name, info: { kind: "file", field, form } });
      } else columns.push({ name, index, target: name, info: { kind: "value", field, form } });
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
          index,
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
  const table = tableOfObjects(rows);
  return importRecordRows(store, projectId, table.header, table.rows, options);
}

/** Rows validated and written per chunk (a chunk ends where a record does). */
const CHUNK_ROWS = 2000;

/**
 * Imports rows given as cells under one header, the way {@linkcode importFlatRows} imports
 * objects, but a chunk at a time: rows are validated and written (and calculations recomputed)
 * about {@linkcode CHUNK_ROWS} rows at a time inside ONE transaction, so a large import never
 * holds all its rows, and it stays all-or-nothing: every problem of every row is collected
 * and, if there is any, the transaction is rolled back. A record whose rows are not together
 * in the data may be written in two steps (logged as two entries); it ends up the same.
 *
 * @example Import two rows of cells
 * ```ts
 * import { fieldMetadata, importRecordRows, RedcapStore } from "denocap/server";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const projectId = store.createProject({
 *   info: { project_title: "Example" },
 *   metadata: [
 *     fieldMetadata({ field_name: "record_id", form_name: "intake", field_type: "text" }),
 *     fieldMetadata({ field_name: "name", form_name: "intake", field_type: "text" }),
 *   ],
 *   instruments: [{ instrument_name: "intake", instrument_label: "Intake" }],
 *   arms: [], events: [], formEventMapping: [], repeating: [], dags: [], surveys: [],
 *   users: [], records: [], longitudinal: false,
 * });
 * const result = importRecordRows(store, projectId, ["record_id", "name"], [
 *   ["1", "Ann"],
 *   ["2", "Bo"],
 * ], { username: "alice" });
 * deepStrictEqual(result.ids, ["1", "2"]);
 * ```
 *
 * @param store The store.
 * @param projectId The project to import into.
 * @param header Column names (export column names); a repeated name's last column wins.
 * @param rows Each row's cells in header order (`undefined`: the row lacks that column).
 * @param options Import behaviour.
 * @returns How many and which records were touched.
 */
export function importRecordRows(
  store: RedcapStore,
  projectId: number,
  header: readonly string[],
  rows: Iterable<ImportCells>,
  options: ImportOptions,
): ImportResult {
  const model = store.project(projectId);
  const seed = options.seed ?? false;
  const iterator = rows[Symbol.iterator]();
  const first = iterator.next();
  if (first.done) return { count: 0, ids: [], autoIds: [] };

  // --- whole-request checks ---------------------------------------------------------------
  const positions = new Map<string, number>();
  header.forEach((name, index) => {
    positions.delete(name);
    positions.set(name, index);
  });
  const { columns, unknown } = classifyColumns(model, positions, seed);
  if (unknown.length > 0) {
    throw new ApiError(
      400,
      `The following fields were not found in the project as real data fields: ${
        unknown.join(", ")
      }`,
    );
  }
  const idField = model.recordIdField;
  if (!positions.has(idField)) {
    throw new ApiError(
      400,
      `Cannot import records: the data has no column for the record ID field "${idField}"`,
    );
  }
  const run = new ImportRun(store, projectId, model, columns, positions, options);
  const idIndex = positions.get(idField)!;
  store.transaction(() => {
    let chunk: ImportCells[] = [];
    let last: string | undefined;
    for (let next: IteratorResult<ImportCells> = first; !next.done; next = iterator.next()) {
      const record = (next.value[idIndex] ?? "").trim();
      if (chunk.length >= CHUNK_ROWS && record !== last) {
        run.process(chunk);
        chunk = [];
      }
      chunk.push(next.value);
      last = record;
    }
    run.process(chunk);
    run.finish(); // throws (and so rolls back) when anything was wrong
  });
  const result: ImportResult = { count: run.ids.length, ids: run.ids, autoIds: run.autoIds };
  if (run.invalid.length > 0) result.invalid = run.invalid;
  return result;
}

/** The state of one import across its chunks. */
class ImportRun {
  readonly ids: string[] = [];
  readonly autoIds: [string, string][] = [];
  readonly invalid: [string, string, string, string][] = [];
  readonly #store: RedcapStore;
  readonly #projectId: number;
  readonly #model: ProjectModel;
  readonly #columns: Column[];
  readonly #options: ImportOptions;
  readonly #seed: boolean;
  readonly #dateFormat: DateFormat;
  readonly #now: Date;
  readonly #index: {
    event?: number;
    instrument?: number;
    instance?: number;
    dag?: number;
    id: number;
  };
  readonly #dagNames: Set<string>;
  readonly #restrictDag: boolean;
  // Collected problems, across every chunk.
  readonly #badEvents = new Set<string>();
  readonly #badInstances: string[] = [];
  readonly #badDags = new Set<string>();
  #noCreate = false;
  /** Fields given for forms the user cannot edit, by form. */
  readonly #denied = new Map<string, Set<string>>();
  readonly #tuples: Tuple[] = [];
  // Records: as stored before the import (then as written), names given, seen.
  readonly #existing = new Map<string, { arms: Set<number>; dag: string }>();
  readonly #finalName = new Map<string, string>();
  readonly #seen = new Set<string>();
  readonly #reportedDag = new Set<string>();
  #next?: () => string;
  // Secondary unique field: stored owners (read once) and values this import sets.
  readonly #unique?: { field: string; index: number; owner?: Map<string, string> };
  readonly #uniqueImported = new Map<string, string>();
  readonly #writer: RowWriter;

  constructor(
    store: RedcapStore,
    projectId: number,
    model: ProjectModel,
    columns: Column[],
    positions: Map<string, number>,
    options: ImportOptions,
  ) {
    this.#store = store;
    this.#projectId = projectId;
    this.#model = model;
    this.#columns = columns;
    this.#options = options;
    this.#seed = options.seed ?? false;
    this.#dateFormat = options.dateFormat ?? "YMD";
    this.#now = store.now();
    this.#index = {
      id: positions.get(model.recordIdField)!,
      event: positions.get("redcap_event_name"),
      instrument: positions.get("redcap_repeat_instrument"),
      instance: positions.get("redcap_repeat_instance"),
      dag: positions.get("redcap_data_access_group"),
    };
    this.#dagNames = new Set(model.dags.map((d) => d.unique_group_name));
    this.#restrictDag = !this.#seed && options.dag !== undefined && options.dag !== "";
    for (
      const r of store.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ?")
        .iterate(projectId)
    ) {
      const name = String(r.record);
      const entry = this.#existing.get(name);
      if (entry) entry.arms.add(Number(r.arm_num));
      else this.#existing.set(name, { arms: new Set([Number(r.arm_num)]), dag: String(r.dag) });
    }
    const unique = String(model.definition.info.secondary_unique_field ?? "").trim();
    const uniqueIndex = positions.get(unique);
    if (
      !(options.acceptInvalid ?? false) && unique !== "" && model.fieldByName.has(unique) &&
      uniqueIndex !== undefined
    ) {
      this.#unique = { field: unique, index: uniqueIndex };
    }
    this.#writer = new RowWriter(store, projectId, model, columns, this.#existing, {
      overwrite: options.overwriteBehavior === "overwrite",
      seed: this.#seed,
      username: options.username,
      dag: this.#restrictDag ? options.dag! : "",
      api: options.api ?? false,
    });
  }

  /** The user's entry right to a form (edit when not restricted). */
  #formRight(form: string): number {
    const value = this.#options.formRights?.[form];
    return value === undefined ? FORM_EDIT_RIGHT : value;
  }

  readonly #codes = new Map<string, Set<string>>();
  #choiceCodes(field: string): Set<string> {
    let codes = this.#codes.get(field);
    if (!codes) {
      this.#codes.set(
        field,
        codes = new Set(this.#model.choices(field).map((c) => c.code)),
      );
    }
    return codes;
  }

  #failed(): boolean {
    return this.#badEvents.size > 0 || this.#badInstances.length > 0 || this.#badDags.size > 0 ||
      this.#denied.size > 0 || this.#noCreate || this.#tuples.length > 0;
  }

  /** Checks a chunk of rows and, while nothing has been wrong so far, writes it. */
  process(chunk: ImportCells[]): void {
    const model = this.#model;
    const index = this.#index;
    const cell = (row: ImportCells, i: number | undefined) => i === undefined ? "" : row[i] ?? "";
    const defaultEvent = model.events[0];
    const infos: RowInfo[] = [];
    for (const row of chunk) {
      const record = cell(row, index.id).trim();
      let event = defaultEvent;
      const eventName = cell(row, index.event).trim();
      if (model.longitudinal && eventName !== "") {
        const found = model.eventByName.get(eventName);
        if (!found) {
          this.#badEvents.add(eventName);
          continue;
        }
        event = found;
      }
      const instanceText = cell(row, index.instance).trim();
      let instance = 1;
      if (instanceText.toLowerCase() === "new") instance = NEW_INSTANCE;
      else if (instanceText !== "") {
        if (!/^\d+$/.test(instanceText) || Number(instanceText) < 1) {
          this.#badInstances.push(
            `The record name (${record}) has an invalid value for 'redcap_repeat_instance'. The ` +
              `value must either be a positive integer or the value 'new'. Value provided: ` +
              instanceText,
          );
          continue;
        }
        instance = Number(instanceText);
      }
      const dagValue = cell(row, index.dag).trim();
      if (dagValue !== "" && !this.#dagNames.has(dagValue)) this.#badDags.add(dagValue);
      infos.push({
        row,
        record,
        event,
        instrument: cell(row, index.instrument).trim(),
        instance,
        instanceText,
        dagValue,
      });
    }
    for (const info of infos) this.#checkRow(info);
    this.#checkRecords(infos);
    this.#checkSecondaryUnique(infos);
    if (!this.#failed()) this.#writer.write(infos);
  }

  /** Throws the import's problems, the whole-request ones first, as REDCap does. */
  finish(): void {
    if (this.#badEvents.size > 0) {
      throw new ApiError(
        400,
        `The following values of redcap_event_name are invalid: ${[...this.#badEvents].join(", ")}`,
      );
    }
    if (this.#badInstances.length > 0) throw new ApiError(400, this.#badInstances.join("\n"));
    if (this.#badDags.size > 0) {
      throw new ApiError(
        400,
        `The following values of redcap_data_access_group are not valid unique group names of ` +
          `this project: ${[...this.#badDags].join(", ")}`,
      );
    }
    if (this.#denied.size > 0) {
      throw new ApiError(
        403,
        [...this.#denied].map(([form, fields]) =>
          formRightsMessage(form, this.#formRight(form), [...fields])
        ).join("\n"),
      );
    }
    if (this.#noCreate) throw new ApiError(403, NO_CREATE_MESSAGE);
    if (this.#tuples.length > 0) throw new ApiError(400, this.#tuples.map(tupleLine).join("\n"));
  }

  /** Per-row and per-value checks. */
  #checkRow(info: RowInfo): void {
    const model = this.#model;
    const options = this.#options;
    const tuples = this.#tuples;
    const { row, record, event, instanceText } = info;
    if (record === "") {
      tuples.push(["", model.recordIdField, "", "The record ID cannot be blank"]);
      return;
    }
    if (CONTROL_CHARACTER.test(record)) {
      // REDCap's record names are single-line text; node:sqlite would also cut one at a NUL.
      const shown = visible(record);
      tuples.push([shown, model.recordIdField, shown, CONTROL_IN_RECORD]);
      return;
    }
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
        return;
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
        return;
      }
      repeatForm = form.name;
    } else if (!event.repeatingEvent && instanceText !== "") {
      tuples.push([record, "redcap_repeat_instance", instanceText, NOT_REPEATING]);
      return;
    }
    if (info.instance > MAX_INSTANCE) {
      tuples.push([
        record,
        "redcap_repeat_instance",
        instanceText,
        `redcap_repeat_instance must be a whole number from 1 to ${MAX_INSTANCE}`,
      ]);
      return;
    }
    for (const column of options.trusted ? [] : this.#columns) {
      const value = row[column.index];
      if (value === undefined) continue;
      if (value.includes("\0")) {
        // node:sqlite cuts TEXT at the first NUL: refused rather than stored cut short.
        tuples.push([record, column.name, visible(value), NUL_IN_VALUE]);
        continue;
      }
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
      if (
        this.#formRight(form) < FORM_EDIT_RIGHT &&
        (value !== "" || this.#options.overwriteBehavior === "overwrite")
      ) {
        let fields = this.#denied.get(form);
        if (!fields) this.#denied.set(form, fields = new Set());
        fields.add(column.target);
        continue;
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
            if (!this.#choiceCodes(field.field_name).has(value)) {
              const tuple: Tuple = [record, column.name, value, invalidCategory(field.field_name)];
              (options.acceptInvalid ? this.invalid : tuples).push(tuple);
            }
          } else if (type === "text" || type === "slider") {
            const checked = checkTextValue(field, value, this.#dateFormat, this.#now);
            if (checked.error !== undefined) {
              const tuple: Tuple = [record, column.name, value, checked.error];
              (options.acceptInvalid ? this.invalid : tuples).push(tuple);
            } else if (checked.value !== value) {
              (info.converted ??= new Map()).set(column.index, checked.value);
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

  /** Records: auto-numbering, creation rights and DAGs. */
  #checkRecords(infos: RowInfo[]): void {
    const options = this.#options;
    const idField = this.#model.recordIdField;
    if (options.forceAutoNumber && !this.#next) {
      this.#next = recordNamer(this.#store, this.#projectId, this.#seed ? undefined : options.dag);
    }
    for (const info of infos) {
      if (info.record === "") continue;
      const original = info.record;
      if (this.#next) {
        let name = this.#finalName.get(original);
        if (name === undefined) {
          name = this.#next();
          this.#finalName.set(original, name);
          this.autoIds.push([name, original]);
        }
        info.record = name;
      }
      const known = this.#existing.get(info.record);
      if (!this.#seen.has(info.record)) {
        this.#seen.add(info.record);
        this.ids.push(info.record);
        if (!known && options.allowCreate === false) this.#noCreate = true;
        if (known && this.#restrictDag && known.dag !== options.dag) {
          this.#tuples.push([
            original,
            idField,
            original,
            `The record "${original}" belongs to a different Data Access Group, so you cannot ` +
            `modify it.`,
          ]);
        }
      }
      const dagValue = info.dagValue;
      if (
        this.#restrictDag && dagValue !== "" && dagValue !== options.dag &&
        !this.#reportedDag.has(original)
      ) {
        this.#reportedDag.add(original);
        this.#tuples.push([
          original,
          "redcap_data_access_group",
          dagValue,
          `You are in the Data Access Group '${options.dag}', so you cannot assign records to ` +
          `another group.`,
        ]);
      }
    }
  }

  /**
   * The project's secondary unique field (`secondary_unique_field`) must not hold a value that
   * another record holds, in the store (before the import) or elsewhere in the import.
   */
  #checkSecondaryUnique(infos: RowInfo[]): void {
    const unique = this.#unique;
    if (!unique) return;
    const { field, index } = unique;
    const valueOf = (info: RowInfo) => info.converted?.get(index) ?? info.row[index] ?? "";
    if (!infos.some((info) => valueOf(info) !== "")) return;
    if (!unique.owner) {
      unique.owner = new Map();
      for (
        const row of this.#store.sql(
          "SELECT record, value FROM data WHERE project_id = ? AND field_name = ?",
        ).iterate(this.#projectId, field)
      ) unique.owner.set(String(row.value), String(row.record));
    }
    // Values this import sets replace the records' stored ones.
    for (const info of infos) {
      const value = valueOf(info);
      if (value === "" || info.record === "") continue;
      const other = this.#uniqueImported.get(value) ?? unique.owner.get(value);
      if (other !== undefined && other !== info.record) {
        this.#tuples.push([
          info.record,
          field,
          value,
          `The value is already used by record "${other}", but '${field}' is the secondary ` +
          `unique field, whose values must be unique across records`,
        ]);
      } else this.#uniqueImported.set(value, info.record);
    }
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

/**
 * Data rows inserted per statement: one call into SQLite for 100 rows instead of 100 calls
 * (about twice as fast for a large import).
 */
const INSERT_BATCH = 100;

/** Log entries inserted per statement, as data rows are (a new record logs one per event). */
const LOG_BATCH = 50;
const LOG_COLUMNS = 7;

/** Writes checked rows, a chunk at a time, and recomputes the records' calculations. */
class RowWriter {
  readonly #store: RedcapStore;
  readonly #projectId: number;
  readonly #model: ProjectModel;
  readonly #columns: Column[];
  readonly #existing: Map<string, { arms: Set<number>; dag: string }>;
  readonly #options: {
    overwrite: boolean;
    seed: boolean;
    username: string;
    dag: string;
    api: boolean;
  };
  readonly #insert: StatementSync;
  /** Inserts {@linkcode INSERT_BATCH} rows in one call. */
  readonly #insertMany: StatementSync;
  /** Rows to insert, flattened (record, event, instance, field, value), written in batches. */
  #pending: (string | number)[] = [];
  /** Log entries to insert, flattened (ts, user, action, record, event, details, description). */
  #pendingLog: (string | number | null)[] = [];
  readonly #logMany: StatementSync;
  readonly #remove: StatementSync;
  readonly #calcs: CalculatedField[];
  readonly #now: Date;
  readonly #checkboxOrder = new Map<string, string[]>();
  readonly #formFields = new Map<string, string[]>();
  /** The columns that apply to an event and repeat context. */
  readonly #contextColumns = new Map<string, Column[]>();

  constructor(
    store: RedcapStore,
    projectId: number,
    model: ProjectModel,
    columns: Column[],
    existing: Map<string, { arms: Set<number>; dag: string }>,
    options: { overwrite: boolean; seed: boolean; username: string; dag: string; api: boolean },
  ) {
    this.#store = store;
    this.#projectId = projectId;
    this.#model = model;
    this.#columns = columns;
    this.#existing = existing;
    this.#options = options;
    this.#insert = store.sql(
      "INSERT INTO data (project_id, record, event_id, instance, field_name, value) " +
        "VALUES (?,?,?,?,?,?)",
    );
    this.#insertMany = store.sql(
      "INSERT INTO data (project_id, record, event_id, instance, field_name, value) VALUES " +
        Array(INSERT_BATCH).fill(`(${projectId},?,?,?,?,?)`).join(","),
    );
    this.#logMany = store.sql(
      "INSERT INTO log (project_id, ts, username, action, record, event_id, details, " +
        "description) VALUES " + Array(LOG_BATCH).fill(`(${projectId},?,?,?,?,?,?,?)`).join(","),
    );
    this.#remove = store.sql(
      "DELETE FROM data WHERE project_id = ? AND record = ? AND event_id = ? AND field_name = ? " +
        "AND instance = ?",
    );
    this.#calcs = options.seed ? [] : calculatedFields(model);
    this.#now = store.now();
  }

  #orderOf(field: string): string[] {
    let order = this.#checkboxOrder.get(field);
    if (!order) {
      this.#checkboxOrder.set(
        field,
        order = this.#model.checkboxColumns(field).map((c) => c.code),
      );
    }
    return order;
  }

  #fieldsOfForm(form: string): string[] {
    let list = this.#formFields.get(form);
    if (!list) {
      list = this.#model.formByName.get(form)!.fields.map((f) => f.field_name);
      list.push(`${form}_complete`);
      this.#formFields.set(form, list);
    }
    return list;
  }

  #columnsOf(unit: Unit): Column[] {
    const key = `${unit.event.event_id}|${unit.instrument}`;
    let list = this.#contextColumns.get(key);
    if (!list) {
      const { event, instrument } = unit;
      const model = this.#model;
      list = this.#columns.filter(({ info }) => {
        if (model.longitudinal && !event.forms.includes(info.form)) return false;
        if (instrument !== "") return info.form === instrument;
        return event.repeatingEvent || !event.repeatingForms.has(info.form);
      });
      this.#contextColumns.set(key, list);
    }
    return list;
  }

  /** Queues a data row; queued rows reach the store by {@linkcode INSERT_BATCH}. */
  #add(record: string, eventId: number, instance: number, field: string, value: string): void {
    const pending = this.#pending;
    pending.push(record, eventId, instance, field, value);
    if (pending.length === INSERT_BATCH * 5) {
      this.#insertMany.run(...pending);
      this.#pending = [];
    }
  }

  /** Queues a log entry (in order: entries reach the log in the order queued). */
  #log(
    action: string,
    record: string,
    eventId: number | null,
    details: string,
    description: string,
  ): void {
    const pending = this.#pendingLog;
    pending.push(this.#store.timestamp(), this.#options.username, action, record, eventId);
    pending.push(details, description);
    if (pending.length === LOG_BATCH * LOG_COLUMNS) {
      this.#logMany.run(...pending);
      this.#pendingLog = [];
    }
  }

  /** Writes the queued rows and log entries (before a delete, and at the end of each chunk). */
  #flush(): void {
    const log = this.#pendingLog;
    for (let i = 0; i < log.length; i += LOG_COLUMNS) {
      this.#store.log({
        project_id: this.#projectId,
        ts: log[i] as string,
        username: log[i + 1] as string,
        action: log[i + 2] as string,
        record: log[i + 3] as string,
        event_id: log[i + 4] as number | null,
        details: log[i + 5] as string,
        description: log[i + 6] as string,
      });
    }
    this.#pendingLog = [];
    const pending = this.#pending;
    for (let i = 0; i < pending.length; i += 5) {
      this.#insert.run(
        this.#projectId,
        pending[i],
        pending[i + 1],
        pending[i + 2],
        pending[i + 3],
        pending[i + 4],
      );
    }
    this.#pending = [];
  }

  /** Deletes the values of one field of one record-event-instance, after the queued inserts. */
  #delete(record: string, eventId: number, field: string, instance: number): void {
    this.#flush();
    this.#remove.run(this.#projectId, record, eventId, field, instance);
  }

  /** Writes one chunk of checked rows. */
  write(infos: RowInfo[]): void {
    this.#write(infos);
    this.#flush();
  }

  #write(infos: RowInfo[]): void {
    const store = this.#store;
    const projectId = this.#projectId;
    const options = this.#options;
    const existing = this.#existing;
    const idField = this.#model.recordIdField;
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
    const stored = new Map<string, Map<string, string[]>>();
    const known = [...byRecord.keys()].filter((r) => existing.has(r));
    if (known.length > 0) {
      for (const { record, points } of store.readRecords(projectId, known, 500)) {
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
    const recompute = this.#calcs.length > 0;
    for (const [record, units] of byRecord) {
      const old = stored.get(record);
      // A new record's values as written, for its calculations.
      const written: DataPoint[] | undefined = !old && recompute ? [] : undefined;
      const entry = existing.get(record);
      let created = false;
      // Arms and DAG.
      let dag: string | undefined;
      for (const unit of units.values()) {
        for (const info of unit.rows) if (info.dagValue !== "") dag = info.dagValue;
      }
      // Each arm once (a record has up to a few hundred units in one arm).
      const arms = new Set<number>();
      for (const unit of units.values()) arms.add(unit.event.arm_num);
      for (const arm of arms) {
        if (!entry) {
          if (store.ensureRecord(projectId, record, arm, dag ?? options.dag)) created = true;
        } else if (!entry.arms.has(arm)) {
          store.ensureRecord(projectId, record, arm, entry.dag);
          entry.arms.add(arm);
        }
      }
      if (entry && dag !== undefined && dag !== entry.dag) {
        store.setRecordDag(projectId, record, dag);
        this.#log(
          "UPDATE",
          record,
          null,
          `redcap_data_access_group = '${dag}'`,
          "Assign record to Data Access Group",
        );
        entry.dag = dag;
      }
      if (!entry) {
        existing.set(record, { arms, dag: dag ?? options.dag });
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
            : new Set(this.#fieldsOfForm(unit.instrument));
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
            for (const v of values) {
              this.#add(record, eventId, instance, field, v);
              written?.push({ record, event_id: eventId, instance, field_name: field, value: v });
            }
            changes.push(detail);
            return;
          }
          const key = `${eventId}|${instance}|${field}`;
          const before = old.get(key) ?? [];
          if (before.length === values.length && before.every((v, i) => v === values[i])) return;
          if (before.length > 0) this.#delete(record, eventId, field, instance);
          for (const v of values) this.#add(record, eventId, instance, field, v);
          old.set(key, values);
          changes.push(detail);
        };
        if (!touchedEvents.has(eventId)) {
          touchedEvents.add(eventId);
          const key = `${eventId}|1|${idField}`;
          if (!(old?.has(key))) {
            this.#add(record, eventId, 1, idField, record);
            old?.set(key, [record]);
            written?.push({
              record,
              event_id: eventId,
              instance: 1,
              field_name: idField,
              value: record,
            });
            changes.push(`${idField} = ${quote(record)}`);
          }
        }
        const checkboxes = new Map<string, Map<string, string>>();
        const single = unit.rows.length === 1 ? unit.rows[0] : undefined;
        for (const column of this.#columnsOf(unit)) {
          const kind = column.info;
          // Merge duplicate rows: the last non-blank value wins.
          let value: string | undefined;
          if (single) value = single.converted?.get(column.index) ?? single.row[column.index];
          else {
            for (const info of unit.rows) {
              const v = info.converted?.get(column.index) ?? info.row[column.index];
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
            set(field, this.#orderOf(field).filter((c) => checked.has(c)), detail.join(", "));
          }
        }
        if (changes.length > 0) {
          this.#log(
            created ? "INSERT" : "UPDATE",
            record,
            eventId,
            (instance > 1 ? `[instance = ${instance}], ` : "") + changes.join(", "),
            (created ? "Create record" : "Update record") + (options.api ? " (API)" : ""),
          );
        }
      }
      if (recompute) this.#recompute(record, written ?? pointsOf(record, old!));
    }
  }

  /** Recomputes a record's calculated fields from its values as now stored. */
  #recompute(record: string, points: DataPoint[]): void {
    const values = new RecordValues(record, points);
    for (const c of recomputeRecord(this.#model, this.#calcs, values, this.#now)) {
      if (c.old.length > 0) this.#delete(record, c.eventId, c.field, c.instance);
      if (c.value !== "") this.#add(record, c.eventId, c.instance, c.field, c.value);
    }
  }
}

/** A record's values, kept as `event|instance|field` → values, as data points. */
function pointsOf(record: string, values: Map<string, string[]>): DataPoint[] {
  const points: DataPoint[] = [];
  for (const [key, list] of values) {
    const first = key.indexOf("|"), second = key.indexOf("|", first + 1);
    const event_id = Number(key.slice(0, first));
    const instance = Number(key.slice(first + 1, second));
    const field_name = key.slice(second + 1);
    for (const value of list) points.push({ record, event_id, instance, field_name, value });
  }
  return points;
}
