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
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { ProjectModel } from "./model.ts";
import type { DataPoint, ProjectDefinition, StoredRow, UserRights } from "./project.ts";
import { fullRights } from "./project.ts";

/** What a token gives access to. */
export interface TokenGrant {
  /** `undefined` for a super token. */
  projectId?: number;
  /** The user the token acts as. */
  username: string;
  /** The user's rights in the project (full rights for a super token). */
  rights: UserRights;
}

/** One record of a project, with its arm and data access group. */
export interface RecordEntry {
  /** Record name. */
  record: string;
  /** Arm number the record belongs to (1 in classic projects). */
  arm_num: number;
  /** Unique group name, or `""`. */
  dag: string;
}

/** One change-log entry (`content=log`). */
export interface LogEntry {
  /** Log entry id, increasing. */
  log_id: number;
  /** Project the entry belongs to. */
  project_id: number;
  /** Time of the change (`YYYY-MM-DD HH:MM:SS`, server time). */
  ts: string;
  /** User who made the change. */
  username: string;
  /** REDCap's log type: `INSERT`, `UPDATE`, `DELETE`, `DOC_UPLOAD`, `DOC_DELETE`, `EXPORT`, `MANAGE`. */
  action: string;
  /** Record changed; blank for project-level actions. */
  record: string;
  /** Event id of the change; `null` for project-level actions. */
  event_id: number | null;
  /** What changed (`field = 'value'` pairs for data changes). */
  details: string;
  /** Description shown in REDCap's Logging page (`Create record`, `Update record`, ...). */
  description: string;
}

/** A stored file. */
export interface FileEntry {
  /** REDCap's document id (`doc_id`). */
  doc_id: number;
  /** File name. */
  name: string;
  /** MIME type. */
  mime_type: string;
  /** The bytes. */
  content: Uint8Array;
}

/** Options for {@linkcode RedcapStore.open}. */
export interface StoreOptions {
  /** Clock used for log timestamps (tests fix it).
   * @default {() => new Date()}
   */
  now?: () => Date;
}

/**
 * How long a statement waits for another connection's write lock (SQLite `busy_timeout`)
 * before failing with "database is locked".
 */
export const BUSY_TIMEOUT_MS = 5_000;

/** The data index (see the schema), built again after a bulk load. */
const DATA_INDEX = "CREATE INDEX IF NOT EXISTS data_key ON data (" +
  "project_id, record, event_id, field_name, instance, value)";

/** Page cache while the data index is built by one sort (KiB; SQLite's default is 2,000). */
const INDEX_BUILD_CACHE_KIB = 262_144;

const SCHEMA = `
PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
-- Sorts (building the data index after a bulk load) and temporary tables stay in memory.
PRAGMA temp_store = MEMORY;
CREATE TABLE IF NOT EXISTS projects (
  project_id INTEGER PRIMARY KEY,
  definition TEXT NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY,
  project_id INTEGER,
  username TEXT NOT NULL,
  rights TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
  project_id INTEGER NOT NULL,
  record TEXT NOT NULL,
  arm_num INTEGER NOT NULL,
  dag TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (project_id, record, arm_num)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS data (
  project_id INTEGER NOT NULL,
  record TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  instance INTEGER NOT NULL,
  field_name TEXT NOT NULL,
  value TEXT NOT NULL
);
-- With the value, the index covers a record's read: a bulk export never visits the table
-- (about 40% less CPU per row read). A database made before keeps its index without it.
${DATA_INDEX};
CREATE TABLE IF NOT EXISTS files (
  doc_id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  content BLOB NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS log (
  log_id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  ts TEXT NOT NULL,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  record TEXT NOT NULL DEFAULT '',
  event_id INTEGER,
  details TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS log_record ON log (project_id, ts, record);
CREATE TABLE IF NOT EXISTS repo_folders (
  folder_id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  parent_id INTEGER,
  name TEXT NOT NULL,
  dag_id INTEGER,
  role_id TEXT,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS repo_files (
  doc_id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  folder_id INTEGER,
  deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS survey_codes (
  project_id INTEGER NOT NULL,
  record TEXT NOT NULL,
  form TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  instance INTEGER NOT NULL,
  hash TEXT NOT NULL,
  access_code TEXT NOT NULL,
  return_code TEXT NOT NULL,
  PRIMARY KEY (project_id, record, form, event_id, instance)
);
`;

/** Formats a date as REDCap's server time `YYYY-MM-DD HH:MM:SS` (local time). */
export function formatTimestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/**
 * REDCap's record order: numeric names first by value, then the rest by text (its SQL orders
 * `record regexp '^[A-Z]', abs(record), ..., record`). DAG-prefixed names (`12-3`) sort by
 * their prefix, then by their suffix.
 */
export function compareRecordNames(a: string, b: string): number {
  const na = /^\d/.test(a), nb = /^\d/.test(b);
  if (na !== nb) return na ? -1 : 1;
  if (na) {
    const ia = parseFloat(a), ib = parseFloat(b);
    if (ia !== ib) return ia - ib;
    const sa = Number(a.split("-").pop()), sb = Number(b.split("-").pop());
    if (!Number.isNaN(sa) && !Number.isNaN(sb) && sa !== sb) return sa - sb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
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

  private constructor(db: DatabaseSync, options: StoreOptions) {
    this.db = db;
    this.now = options.now ?? (() => new Date());
  }

  /** Opens (or creates) a store in a SQLite file, or in memory with `":memory:"`. */
  static open(path = ":memory:", options: StoreOptions = {}): RedcapStore {
    const db = new DatabaseSync(path);
    db.exec(SCHEMA);
    return new RedcapStore(db, options);
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }

  /** A cached prepared statement. */
  sql(text: string): StatementSync {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.#statements.set(text, statement);
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
      throw error;
    } finally {
      this.#depth = 0;
    }
  }

  /**
   * Runs a bulk load of new records (`fn`, inside a transaction) with the data index built
   * once at the end, by one sort, instead of row by row: about a fifth less CPU for the rows
   * and a compact index. Only when the data table is empty (a new store): otherwise, and for
   * nested transactions' callers that need the index while loading, `fn` just runs. The
   * caller's rows must not read the data they write (a new project's records, grouped).
   * Inside the transaction, so a crash or an error leaves the index as it was.
   */
  bulkLoad<T>(fn: () => T): T {
    if (this.#depth === 0) throw new Error("bulkLoad runs inside a transaction");
    if (this.sql("SELECT 1 FROM data LIMIT 1").get() !== undefined) return fn();
    this.db.exec("DROP INDEX IF EXISTS data_key");
    const result = fn();
    const cache = this.db.prepare("PRAGMA cache_size").get()?.cache_size;
    // The sort in memory, and on a second core where there is one (SQLite's threaded sorter).
    this.db.exec(`PRAGMA cache_size = -${INDEX_BUILD_CACHE_KIB}; PRAGMA threads = 2`);
    try {
      this.db.exec(DATA_INDEX);
    } finally {
      this.db.exec(`PRAGMA cache_size = ${Number(cache)}; PRAGMA threads = 0`);
    }
    return result;
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
        "data",
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
  }

  // --- records ---------------------------------------------------------------------------------

  /** Records of a project in REDCap's order, optionally only those of one DAG. */
  records(projectId: number, options: { dag?: string } = {}): RecordEntry[] {
    const rows = options.dag === undefined
      ? this.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ?").all(projectId)
      : this.sql("SELECT record, arm_num, dag FROM records WHERE project_id = ? AND dag = ?")
        .all(projectId, options.dag);
    const entries = rows.map((r) => ({
      record: String(r.record),
      arm_num: Number(r.arm_num),
      dag: String(r.dag),
    }));
    return entries.sort((a, b) => compareRecordNames(a.record, b.record) || a.arm_num - b.arm_num);
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
    if (eventIds) {
      const del = this.sql("DELETE FROM data WHERE project_id = ? AND record = ? AND event_id = ?");
      for (const id of eventIds) del.run(projectId, record, id);
    } else {
      this.sql("DELETE FROM data WHERE project_id = ? AND record = ?").run(projectId, record);
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
    this.sql("UPDATE data SET record = ? WHERE project_id = ? AND record = ?")
      .run(newName, projectId, record);
    const idField = this.project(projectId).recordIdField;
    this.sql("UPDATE data SET value = ? WHERE project_id = ? AND record = ? AND field_name = ?")
      .run(newName, projectId, newName, idField);
  }

  /**
   * Reads the stored values of records, a chunk at a time, in the order given. Yields each
   * record's data points in the order they were stored, or with `keyOrder` in the order of the
   * data index (by event, field, instance and value: a checkbox's codes come sorted, not in the
   * order stored), which spares SQLite a sort and the table (bulk exports, which order rows
   * themselves). `keyOrder` reads one record per query, so `chunkSize` applies only without it.
   * With `only`, just the data points of those field names (and, if given, event ids) are read,
   * by index seeks, in the same order as the full read filtered.
   */
  *readRecords(
    projectId: number,
    records: readonly string[],
    chunkSize = 500,
    keyOrder = false,
    only?: { fields: readonly string[]; events?: readonly number[] },
  ): Generator<{ record: string; points: DataPoint[] }> {
    const onlyFields = only ? JSON.stringify([...new Set(only.fields)]) : undefined;
    const onlyEvents = only?.events ? JSON.stringify([...new Set(only.events)]) : undefined;
    const filters = (onlyEvents ? " AND event_id IN (SELECT value FROM json_each(?))" : "") +
      (onlyFields ? " AND field_name IN (SELECT value FROM json_each(?))" : "");
    const extra: string[] = [];
    if (onlyEvents) extra.push(onlyEvents);
    if (onlyFields) extra.push(onlyFields);
    if (keyOrder) {
      for (const { record, rows } of this.readRecordRows(projectId, records, only)) {
        const points = new Array<DataPoint>(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const [event_id, instance, field_name, value] = rows[i];
          points[i] = { record, event_id, instance, field_name, value };
        }
        yield { record, points };
      }
      return;
    }
    for (let start = 0; start < records.length; start += chunkSize) {
      const chunk = records.slice(start, start + chunkSize);
      const byRecord = new Map<string, DataPoint[]>(chunk.map((r) => [r, []]));
      const statement = this.sql(
        "SELECT record, event_id, instance, field_name, value FROM data " +
          "WHERE project_id = ? AND record IN (SELECT value FROM json_each(?))" + filters +
          " ORDER BY rowid",
      );
      // Rows as arrays: no per-row object with column names (the bulk export reads millions).
      // The columns' TEXT/INTEGER affinities already give strings and numbers.
      (statement as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
      // `all()`, not `iterate()`: node:sqlite's iterator costs a call into the runtime per row,
      // about five times the time of fetching a chunk's rows at once.
      const rows = statement.all(projectId, JSON.stringify(chunk), ...extra) as unknown as [
        string,
        number,
        number,
        string,
        string,
      ][];
      for (const [record, event_id, instance, field_name, value] of rows) {
        byRecord.get(record)!.push({ record, event_id, instance, field_name, value });
      }
      for (const record of chunk) yield { record, points: byRecord.get(record)! };
    }
  }

  /**
   * Reads records' stored values as {@linkcode StoredRow} arrays, one query per record, in the
   * order of the data index (as `readRecords` with `keyOrder`): what a bulk export reads, with
   * no object made per value. `only` as for `readRecords`.
   */
  *readRecordRows(
    projectId: number,
    records: readonly string[],
    only?: { fields: readonly string[]; events?: readonly number[] },
  ): Generator<{ record: string; rows: StoredRow[] }> {
    const onlyFields = only ? JSON.stringify([...new Set(only.fields)]) : undefined;
    const onlyEvents = only?.events ? JSON.stringify([...new Set(only.events)]) : undefined;
    const extra: string[] = [];
    if (onlyEvents) extra.push(onlyEvents);
    if (onlyFields) extra.push(onlyFields);
    // One index seek per record, in key order: no IN list to match and no record column to
    // hand over per row (a fifth less CPU than reading chunks for a bulk export).
    const statement = this.sql(
      "SELECT event_id, instance, field_name, value FROM data " +
        "WHERE project_id = ? AND record = ?" +
        (onlyEvents ? " AND event_id IN (SELECT value FROM json_each(?))" : "") +
        (onlyFields ? " AND field_name IN (SELECT value FROM json_each(?))" : ""),
    );
    // Rows as arrays (missing from the node:sqlite type declarations, present at run time).
    (statement as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
    for (const record of records) {
      const rows = statement.all(projectId, record, ...extra) as unknown as StoredRow[];
      yield { record, rows };
    }
  }

  /** The stored values of one field of one record-event-instance (several for a checkbox). */
  values(
    projectId: number,
    record: string,
    eventId: number,
    instance: number,
    field: string,
  ): string[] {
    return this.sql(
      "SELECT value FROM data WHERE project_id = ? AND record = ? AND event_id = ? " +
        "AND field_name = ? AND instance = ? ORDER BY rowid",
    ).all(projectId, record, eventId, field, instance).map((r) => String(r.value));
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
    const old = this.values(projectId, record, eventId, instance, field);
    if (old.length === values.length && old.every((v, i) => v === values[i])) return false;
    this.sql(
      "DELETE FROM data WHERE project_id = ? AND record = ? AND event_id = ? AND field_name = ? " +
        "AND instance = ?",
    ).run(projectId, record, eventId, field, instance);
    const insert = this.sql(
      "INSERT INTO data (project_id, record, event_id, instance, field_name, value) " +
        "VALUES (?,?,?,?,?,?)",
    );
    for (const value of values) insert.run(projectId, record, eventId, instance, field, value);
    return true;
  }

  /** Deletes every value of a record in one event (optionally one form's fields, one instance). */
  deleteValues(
    projectId: number,
    record: string,
    eventId: number,
    fields?: readonly string[],
    instance?: number,
  ): number {
    let sql = "DELETE FROM data WHERE project_id = ? AND record = ? AND event_id = ?";
    const args: (string | number)[] = [projectId, record, eventId];
    if (fields) {
      sql += " AND field_name IN (SELECT value FROM json_each(?))";
      args.push(JSON.stringify(fields));
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
      "SELECT MAX(instance) AS m FROM data WHERE project_id = ? AND record = ? AND event_id = ? " +
        "AND field_name IN (SELECT value FROM json_each(?))",
    ).get(projectId, record, eventId, JSON.stringify(fields));
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
    this.sql(
      "INSERT INTO log (project_id, ts, username, action, record, event_id, details, description) " +
        "VALUES (?,?,?,?,?,?,?,?)",
    ).run(
      entry.project_id,
      entry.ts ?? this.timestamp(),
      entry.username,
      entry.action,
      entry.record,
      entry.event_id,
      entry.details,
      entry.description,
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
