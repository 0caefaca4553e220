/**
 * Record import, check step: every check REDCap makes of imported rows (events, repeat
 * instances, DAGs, rights, values, record names, the secondary unique field), collecting every
 * problem across the chunks of one import.
 *
 * @module
 */
import { ApiError } from "../_http.ts";
import type { ProjectModel } from "../model.ts";
import type { RedcapStore } from "../store.ts";
import {
  CONTROL_CHARACTER,
  CONTROL_IN_RECORD,
  type DateFormat,
  NUL_IN_VALUE,
  visible,
} from "../../dictionary/validate.ts";
import { recordNamer } from "./next_name.ts";
import {
  checkCell,
  FORM_EDIT_RIGHT,
  formRightsMessage,
  NO_CREATE_MESSAGE,
  NOT_REPEATING,
  outsideMessage,
} from "./_import_rules.ts";
import {
  type Column,
  type ImportCells,
  type ImportOptions,
  MAX_INSTANCE,
  NEW_INSTANCE,
  type RowInfo,
} from "./_import_columns.ts";

type Tuple = [record: string, field: string, value: string, message: string];

function tupleLine(t: Tuple): string {
  return t.map((s) => `"${s.replaceAll('"', '""')}"`).join(",");
}

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
    // Every record of the project, as arrays in one call (a project may hold 100,000).
    const records = store.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ?", true)
      .all(projectId) as unknown as [string, number, string][];
    for (const [name, arm, dag] of records) {
      const entry = this.existing.get(name);
      if (entry) entry.arms.add(arm);
      else this.existing.set(name, { arms: new Set([arm]), dag });
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

  /** Codes of each coded field, read once. */
  readonly #codes = new Map<string, Set<string>>();

  /** Whether any problem was found so far (then nothing more is written). */
  failed(): boolean {
    return this.#badEvents.size > 0 || this.#badInstances.length > 0 || this.#badDags.size > 0 ||
      this.#denied.size > 0 || this.#noCreate || this.#tuples.length > 0;
  }

  /** Checks a chunk of rows; returns the rows with their record, event and instance resolved. */
  check(chunk: ImportCells[]): RowInfo[] {
    const model = this.#model;
    const { id, event: eventAt, instance: instanceAt, dag: dagAt, instrument: instrumentAt } =
      this.#index;
    const defaultEvent = model.events[0];
    const infos: RowInfo[] = [];
    for (const row of chunk) {
      const record = (row[id] ?? "").trim();
      let event = defaultEvent;
      const eventName = eventAt === undefined ? "" : (row[eventAt] ?? "").trim();
      if (model.longitudinal && eventName !== "") {
        const found = model.eventByName.get(eventName);
        if (!found) {
          this.#badEvents.add(eventName);
          continue;
        }
        event = found;
      }
      const instanceText = instanceAt === undefined ? "" : (row[instanceAt] ?? "").trim();
      let instance = 1;
      if (instanceText !== "") {
        // ("new" is never another length, whatever its case)
        if (instanceText.length === 3 && instanceText.toLowerCase() === "new") {
          instance = NEW_INSTANCE;
        } else if (!/^\d+$/.test(instanceText) || Number(instanceText) < 1) {
          this.#badInstances.push(
            `The record name (${record}) has an invalid value for 'redcap_repeat_instance'. The ` +
              `value must either be a positive integer or the value 'new'. Value provided: ` +
              instanceText,
          );
          continue;
        } else instance = Number(instanceText);
      }
      const dagValue = dagAt === undefined ? "" : (row[dagAt] ?? "").trim();
      if (dagValue !== "" && !this.#dagNames.has(dagValue)) this.#badDags.add(dagValue);
      infos.push({
        row,
        record,
        event,
        instrument: instrumentAt === undefined ? "" : (row[instrumentAt] ?? "").trim(),
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
    for (const column of this.#options.trusted ? [] : this.#columns) {
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
      const outside = outsideMessage(model, event, repeatForm, form, column.target);
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
      const checked = checkCell(model, column, value, this.#codes, this.#dateFormat, this.#now);
      if (checked.message !== undefined) {
        const tuple: Tuple = [record, column.name, value, checked.message];
        (checked.keepable && options.acceptInvalid ? this.invalid : tuples).push(tuple);
      } else if (checked.converted !== undefined) {
        (info.converted ??= new Map()).set(column.index, checked.converted);
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
