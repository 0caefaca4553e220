/**
 * Record import, write step: checked rows into the store (values, checkbox options, files, new
 * instances, record DAGs), logged as REDCap logs them, and the records' calculations recomputed.
 *
 * @module
 */
import { type CalculatedField, calculatedFields, recomputeRecord } from "../_calc.ts";
import { RecordValues } from "../_filter_logic.ts";
import { mimeTypeOf } from "../_mime_types.ts";
import type { ProjectModel } from "../model.ts";
import type { DataPoint } from "../project.ts";
import {
  formatTimestamp,
  INSERT_BATCH,
  LOG_BATCH,
  LOG_COLUMNS,
  type RedcapStore,
} from "../store.ts";
import { type Column, NEW_INSTANCE, type RowInfo, type Unit } from "./_import_columns.ts";

/** A logged value: REDCap writes `field = 'value'` without escaping quotes in the value. */
function quote(value: string): string {
  return `'${value}'`;
}

/** Writes checked rows, a chunk at a time, and recomputes the records' calculations. */
export class RowWriter {
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
  /**
   * Rows to insert, flattened (record, event, instance, field, value), written in batches: the
   * first `#pendingLength` entries (one array, filled again after each batch).
   */
  readonly #pending: (string | number)[] = new Array(INSERT_BATCH * 5).fill(0);
  #pendingLength = 0;
  /** Log entries to insert, flattened (ts, user, action, record, event, details, description). */
  readonly #pendingLog: (string | number | null)[] = new Array(LOG_BATCH * LOG_COLUMNS).fill(0);
  #pendingLogLength = 0;
  readonly #calcs: CalculatedField[];
  readonly #now: Date;
  readonly #checkboxOrder = new Map<string, string[]>();
  readonly #formFields = new Map<string, string[]>();
  /** The columns that apply to an event and repeat context. */
  readonly #contextColumns = new Map<string, Column[]>();
  /** The last log timestamp made, and the second (epoch) it is for. */
  #stampSecond = NaN;
  #stamp = "";

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
    let n = this.#pendingLength;
    pending[n++] = record;
    pending[n++] = eventId;
    pending[n++] = instance;
    pending[n++] = field;
    pending[n++] = value;
    if (n === INSERT_BATCH * 5) {
      this.#store.insertValues(this.#projectId, pending);
      n = 0;
    }
    this.#pendingLength = n;
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
    let n = this.#pendingLogLength;
    pending[n++] = this.#timestamp();
    pending[n++] = this.#options.username;
    pending[n++] = action;
    pending[n++] = record;
    pending[n++] = eventId;
    pending[n++] = details;
    pending[n++] = description;
    if (n === LOG_BATCH * LOG_COLUMNS) {
      this.#store.appendLog(this.#projectId, pending);
      n = 0;
    }
    this.#pendingLogLength = n;
  }

  /** `store.timestamp()`, formatted once per second of the store's clock. */
  #timestamp(): string {
    const now = this.#store.now();
    const second = Math.floor(now.getTime() / 1000);
    if (second !== this.#stampSecond) {
      this.#stampSecond = second;
      this.#stamp = formatTimestamp(now);
    }
    return this.#stamp;
  }

  /** Writes the queued rows and log entries (before a delete, and at the end of each chunk). */
  #flush(): void {
    this.#store.appendLog(this.#projectId, this.#pendingLog, this.#pendingLogLength);
    this.#pendingLogLength = 0;
    this.#store.insertValues(this.#projectId, this.#pending, this.#pendingLength);
    this.#pendingLength = 0;
  }

  /** Deletes the values of one field of one record-event-instance, after the queued inserts. */
  #delete(record: string, eventId: number, field: string, instance: number): void {
    this.#flush();
    this.#store.deleteValues(this.#projectId, record, eventId, [field], instance);
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
        let checkboxes: Map<string, Map<string, string>> | undefined;
        const single = unit.rows.length === 1 ? unit.rows[0] : undefined;
        for (const column of this.#columnsOf(unit)) {
          const kind = column.info;
          // Merge duplicate rows: the last non-blank value wins.
          let value: string | undefined;
          if (single) {
            value = single.converted === undefined
              ? single.row[column.index]
              : single.converted.get(column.index) ?? single.row[column.index];
          } else {
            for (const info of unit.rows) {
              const v = info.converted?.get(column.index) ?? info.row[column.index];
              if (v === undefined) continue;
              if (value === undefined || v !== "") value = v;
            }
          }
          if (value === undefined) continue;
          if (kind.kind === "checkbox") {
            checkboxes ??= new Map();
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
          // `field = 'value'` (as quote() writes it), from the column's start of it.
          const detail = column.logged + value + "'";
          if (old || written) set(column.target, [value], detail);
          else {
            // A new record's value, as set() stores it, without the one-value array.
            this.#add(record, eventId, instance, column.target, value);
            changes.push(detail);
          }
        }
        if (checkboxes) {
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
