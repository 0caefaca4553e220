/**
 * What the local server's store hands out and takes: token grants, record entries, change-log
 * entries, files, and its options (`store.ts` exports them).
 *
 * @module
 */
import type { UserRights } from "./project.ts";

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

/** Options for `RedcapStore.open`. */
export interface StoreOptions {
  /** Clock used for log timestamps (tests fix it).
   * @default {() => new Date()}
   */
  now?: () => Date;
}
