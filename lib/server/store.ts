/**
 * The local server's storage: projects, tokens, record data, files and the change log, in one
 * SQLite database (`node:sqlite`), a file or `:memory:`.
 *
 * Data is kept as REDCap keeps it: one row per record, event, repeat instance, field and value
 * (a checkbox has one row per checked code; a file field stores its doc id). A blank is no row.
 * Every write goes through {@linkcode RedcapStore.transaction}, so a request lands whole or not
 * at all, also if the process dies half-way (SQLite's journal).
 *
 * Sharing one database file between processes (two `serve --db same.db`): record data stays
 * safe, as SQLite locks the file and every write is one `BEGIN IMMEDIATE` transaction. A write
 * that finds another process writing waits for it up to {@linkcode BUSY_TIMEOUT_MS} (this
 * process answers nothing else meanwhile, as `node:sqlite` waits synchronously) and then
 * answers 503. Project definitions (metadata, arms, events, ...) are cached per process, so a
 * structure change made through one server is not seen by the other until it restarts: share a
 * file for data imports and exports only, not for structure changes.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { ProjectModel } from "./model.ts";
import { DataKeys, REC_ID, recordsRowsSql } from "./_data_keys.ts";
import { MIGRATE_DATA, SCHEMA } from "./_store_schema.ts";
import { sortRecordEntries } from "./_record_order.ts";
import type { DataPoint, ProjectDefinition, StoredRow, UserRights } from "./project.ts";
import { fullRights } from "./project.ts";
import type { FileEntry, LogEntry, RecordEntry, StoreOptions, TokenGrant } from "./_store_types.ts";

export type { FileEntry, LogEntry, RecordEntry, StoreOptions, TokenGrant } from "./_store_types.ts";

/**
 * How long a statement waits for another connection's write lock (SQLite `busy_timeout`)
 * before failing with "database is locked".
 */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Data rows written per statement by {@linkcode RedcapStore.insertValues}: one call into
 * SQLite for a hundred rows instead of a hundred calls (about twice as fast for a large import).
 */
export const INSERT_BATCH = 100;

/** Log entries written per statement by {@linkcode RedcapStore.appendLog} (a new record logs
 * one per event), and the values of one. */
export const LOG_BATCH = 50, LOG_COLUMNS = 7;

/** Formats a date as REDCap's server time `YYYY-MM-DD HH:MM:SS` (local time). */
export function formatTimestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** The SQLite-backed store behind the local server. */
export class RedcapStore {
  /** The SQLite database (`:memory:` unless a path was given). */
  readonly db: DatabaseSync;
  /** The clock every timestamp is taken from (replaceable in tests). */
  readonly now: () => Date;
  #models = new Map<number, ProjectModel>();
  #statements = new Map<string, StatementSync>();
  #depth = 0;
  /** The integer keys record data is stored under. */
  readonly #keys = new DataKeys((text) => this.sql(text));

  private constructor(db: DatabaseSync, options: StoreOptions) {
    this.db = db;
    this.now = options.now ?? (() => new Date());
  }

  /** Opens (or creates) a store in a SQLite file, or in memory with `":memory:"`. */
  static open(path = ":memory:", options: StoreOptions = {}): RedcapStore {
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`);
    db.exec(SCHEMA);
    // A file made before record data had integer keys: moved once, by whichever process opens
    // it first (another one waits for the write lock, then finds it moved).
    const oldLayout = () =>
      db.prepare("SELECT type FROM sqlite_master WHERE name = 'data'").get()?.type === "table";
    if (oldLayout()) {
      db.exec("BEGIN IMMEDIATE");
      try {
        if (oldLayout()) db.exec(MIGRATE_DATA);
        db.exec("COMMIT");
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    }
    return new RedcapStore(db, options);
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }

  /**
   * A cached prepared statement. With `arrays`, one of its own that returns each row as an
   * array (no object with column names per row: a third of the time for 100,000 rows).
   */
  sql(text: string, arrays = false): StatementSync {
    const key = arrays ? `arrays:${text}` : text;
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.db.prepare(text);
      // (setReturnArrays is missing from node:sqlite's type declarations, present at run time)
      if (arrays) {
        (statement as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
      }
      this.#statements.set(key, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` in one transaction: everything it writes lands, or nothing does if it throws.
   * Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) {
      this.#depth++;
      try {
        return fn();
      } finally {
        this.#depth--;
      }
    }
    this.db.exec("BEGIN IMMEDIATE");
    this.#depth = 1;
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      // Keys made in the transaction are gone (and may be given again to other names).
      this.#keys.forget();
      throw error;
    } finally {
      this.#depth = 0;
    }
  }

  /** Current server time as REDCap formats it. */
  timestamp(): string {
    return formatTimestamp(this.now());
  }

  // --- projects and tokens -------------------------------------------------------------------

  /** Stores a project definition (without its records) and returns its id. */
  createProject(definition: ProjectDefinition): number {
    const { records: _records, files: _files, ...rest } = definition;
    const stored = { ...rest, records: [], files: [] };
    const result = this.sql("INSERT INTO projects (definition, created) VALUES (?, ?)")
      .run(JSON.stringify(stored), this.timestamp());
    const id = Number(result.lastInsertRowid);
    if (!("project_id" in definition.info)) stored.info = { ...stored.info, project_id: id };
    stored.info.project_id = id;
    this.sql("UPDATE projects SET definition = ? WHERE project_id = ?").run(
      JSON.stringify(stored),
      id,
    );
    return id;
  }

  /** Replaces a project's definition (metadata import, structure import). */
  updateProject(projectId: number, definition: ProjectDefinition): void {
    const { records: _records, files: _files, ...rest } = definition;
    this.sql("UPDATE projects SET definition = ? WHERE project_id = ?")
      .run(JSON.stringify({ ...rest, records: [], files: [] }), projectId);
    this.#models.delete(projectId);
  }

  /** Ids of every project. */
  projectIds(): number[] {
    return this.sql("SELECT project_id FROM projects ORDER BY project_id").all()
      .map((row) => Number(row.project_id));
  }

  /** The project's lookups (cached until its definition changes). */
  project(projectId: number): ProjectModel {
    let model = this.#models.get(projectId);
    if (!model) {
      const row = this.sql("SELECT definition FROM projects WHERE project_id = ?").get(projectId);
      if (!row) throw new RangeError(`Cannot find project ${projectId}`);
      model = new ProjectModel(JSON.parse(String(row.definition)));
      this.#models.set(projectId, model);
    }
    return model;
  }

  /** Registers a token. `projectId` undefined makes a super token. */
  addToken(token: string, projectId: number | undefined, rights: UserRights): void {
    this.sql("INSERT OR REPLACE INTO tokens (token, project_id, username, rights) VALUES (?,?,?,?)")
      .run(token, projectId ?? null, rights.username, JSON.stringify(rights));
  }

  /** Looks a token up (case-sensitively, as REDCap does). */
  token(token: string): TokenGrant | undefined {
    const row = this.sql("SELECT project_id, username, rights FROM tokens WHERE token = ?")
      .get(token);
    if (!row) return undefined;
    return {
      projectId: row.project_id === null ? undefined : Number(row.project_id),
      username: String(row.username),
      rights: { ...fullRights(String(row.username)), ...JSON.parse(String(row.rights)) },
    };
  }

  /** Every token, for the `serve` banner. */
  tokens(): { token: string; projectId?: number; username: string }[] {
    return this.sql("SELECT token, project_id, username FROM tokens ORDER BY rowid").all().map((
      r,
    ) => ({
      token: String(r.token),
      projectId: r.project_id === null ? undefined : Number(r.project_id),
      username: String(r.username),
    }));
  }

  /**
   * Replaces the rights of every token a project's user holds (user rights, role or DAG
   * changed). Returns the number of tokens updated.
   */
  updateUserTokens(projectId: number, username: string, rights: UserRights): number {
    return Number(
      this.sql("UPDATE tokens SET rights = ? WHERE project_id = ? AND username = ?")
        .run(JSON.stringify({ ...rights, username }), projectId, username).changes,
    );
  }

  /** Revokes every token a project's user holds (the user left the project). */
  deleteUserTokens(projectId: number, username: string): number {
    return Number(
      this.sql("DELETE FROM tokens WHERE project_id = ? AND username = ?")
        .run(projectId, username).changes,
    );
  }

  /** Deletes a project with everything it holds (records, files, log, tokens). */
  deleteProject(projectId: number): void {
    for (
      const table of [
        "records",
        "data_values",
        "record_keys",
        "field_keys",
        "files",
        "log",
        "tokens",
        "repo_folders",
        "repo_files",
        "survey_codes",
        "projects",
      ]
    ) this.sql(`DELETE FROM ${table} WHERE project_id = ?`).run(projectId);
    this.#models.delete(projectId);
    this.#keys.forget(projectId);
  }

  // --- records ---------------------------------------------------------------------------------

  /** Records of a project in REDCap's order, optionally only those of one DAG. */
  records(projectId: number, options: { dag?: string } = {}): RecordEntry[] {
    const statement = options.dag === undefined
      ? this.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ?", true)
      : this.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ? AND dag = ?", true);
    const args = options.dag === undefined ? [projectId] : [projectId, options.dag];
    const rows = statement.all(...args) as unknown as [string, number, string][];
    return sortRecordEntries(rows.map(([record, arm_num, dag]) => ({ record, arm_num, dag })));
  }

  /** The arms a record exists in (empty when it does not exist). */
  recordArms(projectId: number, record: string): number[] {
    return this.sql("SELECT arm_num FROM records WHERE project_id = ? AND record = ? ORDER BY 1")
      .all(projectId, record).map((r) => Number(r.arm_num));
  }

  /** The record's DAG (`""` for none), or `undefined` if it does not exist. */
  recordDag(projectId: number, record: string): string | undefined {
    const row = this.sql("SELECT dag FROM records WHERE project_id = ? AND record = ? LIMIT 1")
      .get(projectId, record);
    return row ? String(row.dag) : undefined;
  }

  /** Creates a record in an arm if it is not there yet. Returns whether it was created. */
  ensureRecord(projectId: number, record: string, armNum: number, dag = ""): boolean {
    const result = this.sql(
      "INSERT OR IGNORE INTO records (project_id, record, arm_num, dag) VALUES (?,?,?,?)",
    ).run(projectId, record, armNum, dag);
    return Number(result.changes) > 0;
  }

  /** Assigns a record (in every arm) to a DAG, `""` for none. */
  setRecordDag(projectId: number, record: string, dag: string): void {
    this.sql("UPDATE records SET dag = ? WHERE project_id = ? AND record = ?")
      .run(dag, projectId, record);
  }

  /** Removes a record from one arm (or every arm) with all its data there. */
  deleteRecord(projectId: number, record: string, eventIds?: number[]): void {
    const key = this.#keys.record(projectId, record);
    if (key === undefined) return;
    if (eventIds) {
      const del = this.sql(
        "DELETE FROM data_values WHERE project_id = ? AND rec_id = ? AND event_id = ?",
      );
      for (const id of eventIds) del.run(projectId, key, id);
    } else {
      this.sql("DELETE FROM data_values WHERE project_id = ? AND rec_id = ?").run(projectId, key);
    }
  }

  /** Removes a record's row in `records` (one arm, or all). */
  dropRecordEntry(projectId: number, record: string, armNum?: number): void {
    if (armNum === undefined) {
      this.sql("DELETE FROM records WHERE project_id = ? AND record = ?").run(projectId, record);
    } else {
      this.sql("DELETE FROM records WHERE project_id = ? AND record = ? AND arm_num = ?")
        .run(projectId, record, armNum);
    }
  }

  /** Renames a record everywhere (records, data, log untouched). */
  renameRecord(projectId: number, record: string, newName: string, armNum?: number): void {
    const armClause = armNum === undefined ? "" : " AND arm_num = ?";
    const args = armNum === undefined ? [] : [armNum];
    this.sql(`UPDATE records SET record = ? WHERE project_id = ? AND record = ?${armClause}`)
      .run(newName, projectId, record, ...args);
    this.moveValues(projectId, record, newName);
  }

  /**
   * Moves a record's values (all, or those of some events) to another record name, and sets
   * the record id field there to the new name. The `records` entries are the caller's.
   */
  moveValues(
    projectId: number,
    record: string,
    newName: string,
    eventIds?: readonly number[],
  ): void {
    const from = this.#keys.record(projectId, record);
    if (from === undefined) return;
    const taken = this.#keys.record(projectId, newName);
    const inEvents = eventIds ? " AND event_id IN (SELECT value FROM json_each(?))" : "";
    const events = eventIds ? [JSON.stringify(eventIds)] : [];
    let to = from;
    if (taken === undefined && !eventIds) {
      this.sql("UPDATE record_keys SET record = ? WHERE rec_id = ?").run(newName, from);
    } else {
      to = taken ?? this.#keys.record(projectId, newName, true)!;
      this.sql(
        `UPDATE OR REPLACE data_values SET rec_id = ? WHERE project_id = ? AND rec_id = ?${inEvents}`,
      )
        .run(to, projectId, from, ...events);
    }
    const idField = this.#keys.field(projectId, this.project(projectId).recordIdField);
    if (idField === undefined) return;
    this.sql(
      "UPDATE OR REPLACE data_values SET value = ? WHERE project_id = ? AND rec_id = ? AND field_id = ?" +
        inEvents,
    ).run(newName, projectId, to, idField, ...events);
  }

  /**
   * Reads the stored values of records, a chunk of records per query, in the order given.
   * Yields each record's data points in key order (by event, field key, instance and value: a
   * checkbox's codes come sorted as text). With `only`, just the data points of those field
   * names (and, if given, event ids) are read, by index seeks.
   */
  *readRecords(
    projectId: number,
    records: readonly string[],
    chunkSize = 500,
    only?: { fields: readonly string[]; events?: readonly number[] },
  ): Generator<{ record: string; points: DataPoint[] }> {
    const { sql: filters, args } = this.#selection(projectId, only);
    const statement = this.sql(recordsRowsSql(filters), true);
    // `all()`, not `iterate()`: node:sqlite's iterator costs a call into the runtime per row,
    // about five times the time of fetching a chunk's rows at once.
    for (let start = 0; start < records.length; start += chunkSize) {
      const chunk = records.slice(start, start + chunkSize);
      const byRecord = new Map<string, DataPoint[]>(chunk.map((r) => [r, []]));
      const rows = statement.all(projectId, JSON.stringify(chunk), ...args) as unknown as [
        string,
        number,
        number,
        number,
        string,
      ][];
      for (const [record, event_id, instance, field, value] of rows) {
        const field_name = this.#keys.name(field);
        byRecord.get(record)!.push({ record, event_id, instance, field_name, value });
      }
      for (const record of chunk) yield { record, points: byRecord.get(record)! };
    }
  }

  /**
   * Reads records' stored values as {@linkcode StoredRow} arrays, one query per record, in key
   * order (as `readRecords`): what a bulk export reads, with no object made per value. `only`
   * as for `readRecords`.
   */
  *readRecordRows(
    projectId: number,
    records: readonly string[],
    only?: { fields: readonly string[]; events?: readonly number[] },
  ): Generator<{ record: string; rows: StoredRow[] }> {
    const { sql: filters, args } = this.#selection(projectId, only);
    // One index seek per record, in key order: no IN list to match and no record column to
    // hand over per row (a fifth less CPU than reading chunks for a bulk export).
    const statement = this.sql(
      `SELECT event_id, instance, field_id, value FROM data_values WHERE project_id = ? ` +
        `AND rec_id = ${REC_ID}${filters}`,
      true,
    );
    for (const record of records) {
      const rows = statement.all(projectId, projectId, record, ...args) as unknown as [
        number,
        number,
        number | string,
        string,
      ][];
      const names = this.#keys.names; // (nothing runs between here and the loop's end)
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        row[2] = names[row[2] as number] ?? this.#keys.name(row[2] as number);
      }
      yield { record, rows: rows as unknown as StoredRow[] };
    }
  }

  /** SQL and arguments restricting a read to some fields (by key) and events. */
  #selection(
    projectId: number,
    only?: { fields: readonly string[]; events?: readonly number[] },
  ): { sql: string; args: string[] } {
    let sql = "";
    const args: string[] = [];
    if (only?.events) {
      sql += " AND event_id IN (SELECT value FROM json_each(?))";
      args.push(JSON.stringify([...new Set(only.events)]));
    }
    if (only) {
      sql += " AND field_id IN (SELECT value FROM json_each(?))";
      args.push(this.#keys.fields(projectId, only.fields));
    }
    return { sql, args };
  }

  /** The stored values of one field of one record-event-instance (several for a checkbox). */
  values(
    projectId: number,
    record: string,
    eventId: number,
    instance: number,
    field: string,
  ): string[] {
    const fieldId = this.#keys.field(projectId, field);
    if (fieldId === undefined) return [];
    return this.sql(
      `SELECT value FROM data_values WHERE project_id = ? AND rec_id = ${REC_ID} ` +
        "AND event_id = ? AND field_id = ? AND instance = ?",
    ).all(projectId, projectId, record, eventId, fieldId, instance).map((r) => String(r.value));
  }

  /**
   * Sets the values of one field of one record-event-instance, replacing what was there
   * (`[]` erases it). Returns whether anything changed.
   */
  setValues(
    projectId: number,
    record: string,
    eventId: number,
    instance: number,
    field: string,
    values: readonly string[],
  ): boolean {
    // Stored values come in key order: compare as sorted lists.
    const old = this.values(projectId, record, eventId, instance, field);
    const sorted = [...values].sort();
    if (old.length === sorted.length && old.every((v, i) => v === sorted[i])) return false;
    const key = this.#keys.record(projectId, record, true)!;
    const fieldId = this.#keys.field(projectId, field, true)!;
    this.sql(
      "DELETE FROM data_values WHERE project_id = ? AND rec_id = ? AND event_id = ? " +
        "AND field_id = ? AND instance = ?",
    ).run(projectId, key, eventId, fieldId, instance);
    const insert = this.sql(
      "INSERT OR IGNORE INTO data_values (project_id, rec_id, event_id, instance, field_id, value) " +
        "VALUES (?,?,?,?,?,?)",
    );
    for (const value of values) insert.run(projectId, key, eventId, instance, fieldId, value);
    return true;
  }

  /**
   * Stores data rows given flattened as `record, event_id, instance, field_name, value`, a
   * hundred per statement (one call into SQLite instead of a hundred: about twice as fast for
   * a large import). Only the first `length` entries are rows. The array becomes the
   * statements' arguments: its names are replaced by their keys.
   */
  insertValues(projectId: number, rows: (string | number)[], length = rows.length): void {
    const ids = this.#keys.fieldsOf(projectId);
    let lastRecord: string | number | undefined, lastKey = 0;
    for (let i = 0; i < length; i += 5) {
      const record = rows[i];
      if (record !== lastRecord) {
        lastKey = this.#keys.record(projectId, record as string, true)!;
        lastRecord = record;
      }
      rows[i] = lastKey;
      const field = rows[i + 3] as string;
      rows[i + 3] = ids.get(field) ?? this.#keys.field(projectId, field, true)!;
    }
    this.#insertRows(
      "INSERT OR IGNORE INTO data_values (project_id, rec_id, event_id, instance, field_id, value)",
      `(${projectId},?,?,?,?,?)`,
      INSERT_BATCH,
      rows,
      length,
    );
  }

  /**
   * Runs `insert` (`INSERT INTO table (columns)`) for rows given flattened as the `?`s of
   * `tuple`: `batch` rows per statement, the rest one by one; only the first `length` entries.
   * A whole batch is passed as it is when it is all of `rows` (the import's queues).
   */
  #insertRows(
    insert: string,
    tuple: string,
    batch: number,
    rows: SQLInputValue[],
    length: number,
  ): void {
    if (length === 0) return;
    const width = tuple.split("?").length - 1;
    const size = batch * width;
    let start = 0;
    if (length >= size) {
      const many = this.sql(`${insert} VALUES ${Array(batch).fill(tuple).join(",")}`);
      for (; start + size <= length; start += size) {
        many.run(...(start === 0 && rows.length === size ? rows : rows.slice(start, start + size)));
      }
    }
    const one = this.sql(`${insert} VALUES ${tuple}`);
    for (; start < length; start += width) one.run(...rows.slice(start, start + width));
  }

  /** Deletes every value of a record in one event (optionally one form's fields, one instance). */
  deleteValues(
    projectId: number,
    record: string,
    eventId: number,
    fields?: readonly string[],
    instance?: number,
  ): number {
    const key = this.#keys.record(projectId, record);
    if (key === undefined) return 0;
    let sql = "DELETE FROM data_values WHERE project_id = ? AND rec_id = ? AND event_id = ?";
    const args: (string | number)[] = [projectId, key, eventId];
    if (fields) {
      sql += " AND field_id IN (SELECT value FROM json_each(?))";
      args.push(this.#keys.fields(projectId, fields));
    }
    if (instance !== undefined) {
      sql += " AND instance = ?";
      args.push(instance);
    }
    return Number(this.sql(sql).run(...args).changes);
  }

  /** The highest instance stored for a record-event among `fields` (0 when none). */
  maxInstance(
    projectId: number,
    record: string,
    eventId: number,
    fields: readonly string[],
  ): number {
    const row = this.sql(
      `SELECT MAX(instance) AS m FROM data_values WHERE project_id = ? AND rec_id = ${REC_ID} ` +
        "AND event_id = ? AND field_id IN (SELECT value FROM json_each(?))",
    ).get(
      projectId,
      projectId,
      record,
      eventId,
      this.#keys.fields(projectId, fields),
    );
    return row?.m == null ? 0 : Number(row.m);
  }

  /**
   * Whether any value is stored in one of these event-field pairs, for any record or one of
   * `records`.
   */
  hasValuesIn(
    projectId: number,
    pairs: readonly { eventId: number; field: string }[],
    records?: readonly string[],
  ): boolean {
    const keys: string[] = [];
    for (const { eventId, field } of pairs) {
      const fieldId = this.#keys.field(projectId, field);
      if (fieldId !== undefined) keys.push(`${eventId}|${fieldId}`);
    }
    if (keys.length === 0) return false;
    let sql = "SELECT 1 FROM data_values WHERE project_id = ? " +
      "AND (event_id || '|' || field_id) IN (SELECT value FROM json_each(?))";
    const args: (string | number)[] = [projectId, JSON.stringify(keys)];
    if (records) {
      sql += " AND rec_id IN (SELECT rec_id FROM record_keys WHERE project_id = ? " +
        "AND record IN (SELECT value FROM json_each(?)))";
      args.push(projectId, JSON.stringify(records));
    }
    return this.sql(sql + " LIMIT 1").get(...args) !== undefined;
  }

  /** Moves every value stored in one event to another (a project made classic). */
  moveEventValues(projectId: number, fromEventId: number, toEventId: number): void {
    this.sql("UPDATE OR REPLACE data_values SET event_id = ? WHERE project_id = ? AND event_id = ?")
      .run(toEventId, projectId, fromEventId);
  }

  /** Deletes every value stored in these events, for all records (events deleted). */
  deleteEventValues(projectId: number, eventIds: readonly number[]): void {
    this.sql(
      "DELETE FROM data_values WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?))",
    ).run(projectId, JSON.stringify(eventIds));
  }

  /** The highest event id any stored value has (0 when none). */
  maxEventId(projectId: number): number {
    const row = this.sql("SELECT MAX(event_id) AS m FROM data_values WHERE project_id = ?")
      .get(projectId);
    return row?.m == null ? 0 : Number(row.m);
  }

  // --- files -----------------------------------------------------------------------------------

  /** Stores a file and returns its doc id. */
  addFile(projectId: number, name: string, mimeType: string, content: Uint8Array): number {
    const result = this.sql(
      "INSERT INTO files (project_id, name, mime_type, content) VALUES (?,?,?,?)",
    ).run(projectId, name, mimeType, content);
    return Number(result.lastInsertRowid);
  }

  /** A stored file by doc id. */
  file(projectId: number, docId: number): FileEntry | undefined {
    const row = this.sql(
      "SELECT doc_id, name, mime_type, content FROM files WHERE project_id = ? AND doc_id = ? " +
        "AND deleted = 0",
    ).get(projectId, docId);
    if (!row) return undefined;
    return {
      doc_id: Number(row.doc_id),
      name: String(row.name),
      mime_type: String(row.mime_type),
      content: row.content as Uint8Array,
    };
  }

  /** File names by doc id, for flat exports. */
  fileNames(projectId: number): Map<string, string> {
    const names = new Map<string, string>();
    for (
      const row of this.sql("SELECT doc_id, name FROM files WHERE project_id = ?").iterate(
        projectId,
      )
    ) names.set(String(row.doc_id), String(row.name));
    return names;
  }

  /** Replaces a stored file's name, type and content (loading a project's embedded files). */
  replaceFile(
    projectId: number,
    docId: number,
    name: string,
    mimeType: string,
    content: Uint8Array,
  ): void {
    this.sql(
      "UPDATE files SET name = ?, mime_type = ?, content = ? WHERE project_id = ? AND doc_id = ?",
    ).run(name, mimeType, content, projectId, docId);
  }

  /** Marks a file deleted (REDCap keeps deleted files for a while). */
  deleteFile(projectId: number, docId: number): void {
    this.sql("UPDATE files SET deleted = 1 WHERE project_id = ? AND doc_id = ?").run(
      projectId,
      docId,
    );
  }

  // --- log -------------------------------------------------------------------------------------

  /** Appends a log entry. */
  log(entry: Omit<LogEntry, "log_id" | "ts"> & { ts?: string }): void {
    const { username, action, record, event_id, details, description } = entry;
    const ts = entry.ts ?? this.timestamp();
    this.appendLog(entry.project_id, [
      ts,
      username,
      action,
      record,
      event_id,
      details,
      description,
    ]);
  }

  /**
   * Appends log entries given flattened as `ts, username, action, record, event_id, details,
   * description` ({@linkcode LOG_COLUMNS} values), {@linkcode LOG_BATCH} per statement; only
   * the first `length` entries.
   */
  appendLog(projectId: number, entries: SQLInputValue[], length = entries.length): void {
    this.#insertRows(
      "INSERT INTO log (project_id, ts, username, action, record, event_id, details, description)",
      `(${projectId},?,?,?,?,?,?,?)`,
      LOG_BATCH,
      entries,
      length,
    );
  }

  /** Log entries of a project in time order. */
  logEntries(projectId: number): LogEntry[] {
    return this.sql("SELECT * FROM log WHERE project_id = ? ORDER BY log_id").all(projectId)
      .map((r) => ({
        log_id: Number(r.log_id),
        project_id: Number(r.project_id),
        ts: String(r.ts),
        username: String(r.username),
        action: String(r.action),
        record: String(r.record),
        event_id: r.event_id === null ? null : Number(r.event_id),
        details: String(r.details),
        description: String(r.description),
      }));
  }

  /**
   * Records created or changed between two server times (inclusive), from the log, as
   * `dateRangeBegin`/`dateRangeEnd` select them.
   */
  recordsChangedBetween(projectId: number, begin: string, end: string): Set<string> {
    const rows = this.sql(
      "SELECT DISTINCT record FROM log WHERE project_id = ? AND ts >= ? AND ts <= ? " +
        "AND action IN ('INSERT','UPDATE','DOC_UPLOAD','DOC_DELETE') AND record <> ''",
    ).all(projectId, begin, end);
    return new Set(rows.map((r) => String(r.record)));
  }
}
