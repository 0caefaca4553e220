/**
 * The integer keys record data is stored under (`record_keys`, `field_keys`; see the schema):
 * looked up, made, and field names cached both ways.
 *
 * @module
 */
import type { StatementSync } from "node:sqlite";

/** A record's key as SQL, from the project id and record name given as two arguments. */
export const REC_ID = "(SELECT rec_id FROM record_keys WHERE project_id = ? AND record = ?)";

/**
 * The values of a list of records (project id, then the names as a JSON array), with `filters`
 * on `event_id` and `field_id`. CROSS JOIN keeps the records first, each found by its name and
 * its rows by its key: left to choose, SQLite searched the data by project alone and read every
 * row of the project for each chunk (an update of 20,000 demo records took 20 instead of 6 s).
 */
export function recordsRowsSql(filters: string): string {
  return "SELECT k.record, d.event_id, d.instance, d.field_id, d.value FROM record_keys k " +
    "CROSS JOIN data_values d ON d.project_id = k.project_id AND d.rec_id = k.rec_id " +
    "WHERE k.project_id = ? AND k.record IN (SELECT value FROM json_each(?))" + filters;
}

/** Record and field keys of one store. */
export class DataKeys {
  readonly #sql: (text: string) => StatementSync;
  /** Field keys per project (name → key), as far as read or written. */
  #fieldIds = new Map<number, Map<string, number>>();
  /** Field names by key (keys are unique across projects). */
  #fieldNames: string[] = [];

  constructor(sql: (text: string) => StatementSync) {
    this.#sql = sql;
  }

  /**
   * Forgets the cached field keys (all, or a project's): after a rollback, whose keys may be
   * given again to other names, and when a project is deleted.
   */
  forget(projectId?: number): void {
    if (projectId !== undefined) this.#fieldIds.delete(projectId);
    else {
      this.#fieldIds.clear();
      this.#fieldNames = [];
    }
  }

  /** A record's key; with `create`, a new one if it has none. */
  record(projectId: number, record: string, create = false): number | undefined {
    const row = this.#sql("SELECT rec_id FROM record_keys WHERE project_id = ? AND record = ?")
      .get(projectId, record);
    if (row) return Number(row.rec_id);
    if (!create) return undefined;
    return Number(
      this.#sql("INSERT INTO record_keys (project_id, record) VALUES (?, ?)")
        .run(projectId, record).lastInsertRowid,
    );
  }

  /** A project's cached field keys (name → key). */
  fieldsOf(projectId: number): Map<string, number> {
    let ids = this.#fieldIds.get(projectId);
    if (!ids) this.#fieldIds.set(projectId, ids = new Map());
    return ids;
  }

  /**
   * A field's key (cached; a miss asks the database, where another process may have added
   * it); with `create`, a new one if it has none.
   */
  field(projectId: number, field: string, create = false): number | undefined {
    const ids = this.fieldsOf(projectId);
    let id = ids.get(field);
    if (id !== undefined) return id;
    const row = this.#sql("SELECT field_id FROM field_keys WHERE project_id = ? AND field_name = ?")
      .get(projectId, field);
    if (row) id = Number(row.field_id);
    else if (create) {
      id = Number(
        this.#sql("INSERT INTO field_keys (project_id, field_name) VALUES (?, ?)")
          .run(projectId, field).lastInsertRowid,
      );
    } else return undefined;
    ids.set(field, id);
    this.#fieldNames[id] = field;
    return id;
  }

  /** The keys of those of `fields` that have one, as JSON (for `IN (SELECT ... json_each)`). */
  fields(projectId: number, fields: readonly string[]): string {
    const keys = new Set<number>();
    for (const field of fields) {
      const id = this.field(projectId, field);
      if (id !== undefined) keys.add(id);
    }
    return JSON.stringify([...keys]);
  }

  /**
   * Field names by key as far as known (a key missing here is read by {@linkcode name}). The
   * array is replaced when keys are forgotten: take it again after anything that may roll back.
   */
  get names(): readonly (string | undefined)[] {
    return this.#fieldNames;
  }

  /** A field's name by its key. */
  name(id: number): string {
    let name = this.#fieldNames[id];
    if (name === undefined) {
      const row = this.#sql("SELECT field_name FROM field_keys WHERE field_id = ?").get(id);
      if (!row) throw new RangeError(`Cannot find the field of key ${id}`);
      name = this.#fieldNames[id] = String(row.field_name);
    }
    return name;
  }
}
