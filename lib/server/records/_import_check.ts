/**
 * Record import, check step: every check REDCap makes of imported rows (events, repeat
 * instances, DAGs, rights, values, record names, the secondary unique field), collecting every
 * problem across the chunks of one import.
 *
 * @module
 */
import { ApiError } from "../_http.ts";
import type { ProjectModel } from "../model.ts";
import type { FieldMetadata } from "../project.ts";
import type { RedcapStore } from "../store.ts";
import {
  checkTextValue,
  CONTROL_CHARACTER,
  CONTROL_IN_RECORD,
  type DateFormat,
  NUL_IN_VALUE,
  visible,
} from "../../dictionary/validate.ts";
import { recordNamer } from "./next_name.ts";
import {
  type Column,
  type ImportCells,
  type ImportOptions,
  MAX_INSTANCE,
  NEW_INSTANCE,
  type RowInfo,
} from "./_import_columns.ts";

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

type Tuple = [record: string, field: string, value: string, message: string];

function tupleLine(t: Tuple): string {
  return t.map((s) => `"${s.replaceAll('"', '""')}"`).join(",");
}

function isMissingCode(model: ProjectModel, field: FieldMetadata, value: string): boolean {
  return model.missingDataCodes.length > 0 && !/@NOMISSING\b/.test(field.field_annotation) &&
    model.missingDataCodes.some((m) => m.code === value);
}

const NOT_REPEATING =
  "redcap_repeat_instance cannot have a value since this instrument or event is not a " +
  "repeating instrument or repeating event, respectively.  The redcap_repeat_instance field " +
  "must be left blank for this row of data.";

/** The state of one import across its chunks. */
export class ImportRun {
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
  /** Whether the user is in a DAG whose records alone they may change (not when seeding). */
  readonly restrictDag: boolean;
  // Collected problems, across every chunk.
  readonly #badEvents = new Set<string>();
  readonly #badInstances: string[] = [];
  readonly #badDags = new Set<string>();
  #noCreate = false;
  /** Fields given for forms the user cannot edit, by form. */
  readonly #denied = new Map<string, Set<string>>();
  readonly #tuples: Tuple[] = [];
  // Records: as stored before the import (then as written), names given, seen.
  /** Records as stored before the import, then as written (shared with the writer). */
  readonly existing = new Map<string, { arms: Set<number>; dag: string }>();
  readonly #finalName = new Map<string, string>();
  readonly #seen = new Set<string>();
  readonly #reportedDag = new Set<string>();
  #next?: () => string;
  // Secondary unique field: stored owners (read once) and values this import sets.
  readonly #unique?: { field: string; index: number; owner?: Map<string, string> };
  readonly #uniqueImported = new Map<string, string>();

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
    this.restrictDag = !this.#seed && options.dag !== undefined && options.dag !== "";
    for (
      const r of store.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ?")
        .iterate(projectId)
    ) {
      const name = String(r.record);
      const entry = this.existing.get(name);
      if (entry) entry.arms.add(Number(r.arm_num));
      else this.existing.set(name, { arms: new Set([Number(r.arm_num)]), dag: String(r.dag) });
    }
    const unique = String(model.definition.info.secondary_unique_field ?? "").trim();
    const uniqueIndex = positions.get(unique);
    if (
      !(options.acceptInvalid ?? false) && unique !== "" && model.fieldByName.has(unique) &&
      uniqueIndex !== undefined
    ) {
      this.#unique = { field: unique, index: uniqueIndex };
    }
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

  /** Whether any problem was found so far (then nothing more is written). */
  failed(): boolean {
    return this.#badEvents.size > 0 || this.#badInstances.length > 0 || this.#badDags.size > 0 ||
      this.#denied.size > 0 || this.#noCreate || this.#tuples.length > 0;
  }

  /** Checks a chunk of rows; returns the rows with their record, event and instance resolved. */
  check(chunk: ImportCells[]): RowInfo[] {
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
    return infos;
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
    for (const column of this.#columns) {
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
      const known = this.existing.get(info.record);
      if (!this.#seen.has(info.record)) {
        this.#seen.add(info.record);
        this.ids.push(info.record);
        if (!known && options.allowCreate === false) this.#noCreate = true;
        if (known && this.restrictDag && known.dag !== options.dag) {
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
        this.restrictDag && dagValue !== "" && dagValue !== options.dag &&
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
