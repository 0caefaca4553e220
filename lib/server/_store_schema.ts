/**
 * The local server's SQLite schema: every table of {@linkcode RedcapStore}, and the move of a
 * database made before record data had integer keys.
 *
 * @module
 */

/**
 * Record data. A value is stored with its record and field as integer keys (`record_keys`,
 * `field_keys`): a row holds one string (the value) instead of three. The table is one b-tree
 * keyed by project, record, event, field, instance and value (`WITHOUT ROWID`): a record's
 * read is one seek and a scan of adjacent rows, and a new record's rows (its key is the
 * largest) are appended, so a large import neither sorts nor keeps a second b-tree. Values come
 * back in key order (a checkbox's codes sorted as text); a row is unique (a value stored twice
 * for one field and instance is one value). Keys of a project live as long as it does; a
 * record's key outlives its data (taken again if the name comes back). `data` is a view with
 * names, for reads off the hot paths (and for tests). Figures: docs/server_speed.md.
 */
const DATA_SCHEMA = `
CREATE TABLE IF NOT EXISTS record_keys (
  rec_id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL,
  record TEXT NOT NULL,
  UNIQUE (project_id, record)
);
CREATE TABLE IF NOT EXISTS field_keys (
  field_id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL,
  field_name TEXT NOT NULL,
  UNIQUE (project_id, field_name)
);
CREATE TABLE IF NOT EXISTS data_values (
  project_id INTEGER NOT NULL,
  rec_id INTEGER NOT NULL,
  event_id INTEGER NOT NULL,
  instance INTEGER NOT NULL,
  field_id INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (project_id, rec_id, event_id, field_id, instance, value)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS data AS
  SELECT k.project_id AS project_id, k.record AS record, d.event_id AS event_id,
    d.instance AS instance, f.field_name AS field_name, d.value AS value
  FROM record_keys k
  CROSS JOIN data_values d ON d.project_id = k.project_id AND d.rec_id = k.rec_id
  CROSS JOIN field_keys f ON f.field_id = d.field_id;
`;

/**
 * Moves a database made before the integer keys (a `data` table with names) to the current
 * layout (keys given in the order records and fields were first stored); run in a transaction.
 */
export const MIGRATE_DATA = `
ALTER TABLE data RENAME TO data_by_name;
DROP INDEX IF EXISTS data_key;
DROP INDEX IF EXISTS data_record;
${DATA_SCHEMA}
INSERT OR IGNORE INTO record_keys (project_id, record)
  SELECT project_id, record FROM data_by_name GROUP BY project_id, record ORDER BY MIN(rowid);
INSERT OR IGNORE INTO field_keys (project_id, field_name)
  SELECT project_id, field_name FROM data_by_name GROUP BY project_id, field_name
  ORDER BY MIN(rowid);
INSERT OR IGNORE INTO data_values (project_id, rec_id, event_id, instance, field_id, value)
  SELECT d.project_id, k.rec_id, d.event_id, d.instance, f.field_id, d.value
  FROM data_by_name d
  JOIN record_keys k ON k.project_id = d.project_id AND k.record = d.record
  JOIN field_keys f ON f.project_id = d.project_id AND f.field_name = d.field_name;
DROP TABLE data_by_name;
`;

/** Every table of the store (and the pragmas it runs with, but for its busy timeout). */
export const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
-- Temporary tables and sorts stay in memory.
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
${DATA_SCHEMA}
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
-- By time, then entry: entries are appended (a new entry is the latest).
DROP INDEX IF EXISTS log_record;
CREATE INDEX IF NOT EXISTS log_time ON log (project_id, ts);
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
