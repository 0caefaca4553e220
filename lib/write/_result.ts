/**
 * What {@linkcode writeRecords} returns: the outcome of every batch.
 *
 * @module
 */
import type { ChangeSet } from "./change_set.ts";
import type { ImportIssue } from "./_issues.ts";

/** The outcome of one batch. */
export interface BatchResult {
  /** 0-based batch number. */
  index: number;
  /** The records of the batch (as given). */
  records: string[];
  /** *imported*; *failed* (REDCap refused it: nothing of it was stored); *uncertain* (no
   * answer: it may or may not have been stored); *not_sent* (skipped after a failure). */
  status: "imported" | "failed" | "uncertain" | "not_sent";
  /** Records REDCap reported as imported. */
  count?: number;
  /** The error of a failed or uncertain batch. */
  error?: unknown;
}

/** What {@linkcode writeRecords} returns. */
export interface WriteRecordsResult {
  /** Whether this was a dry run (nothing sent). */
  dryRun: boolean;
  /** Records imported. */
  count: number;
  /** Records imported (as given; see `autoIds` for their new names). */
  imported: string[];
  /** Records of batches REDCap refused (nothing of them stored). */
  failed: string[];
  /** Records of batches never sent. */
  notSent: string[];
  /** Records of batches without an answer (network failure, timeout): check them. */
  uncertain?: string[];
  /** With `forceAutoNumber`: given id → id REDCap assigned. */
  autoIds: Record<string, string>;
  /** One entry per batch. */
  batches: BatchResult[];
  /** Warnings of the pre-flight check (soft ranges, read-only columns left out). */
  warnings: ImportIssue[];
  /** With `dryRun`: what the import would change. */
  changes?: ChangeSet;
  /** Milliseconds spent: `serialize`, `validate`, `encode` (CSV per batch) client-side, and
   * `send` (requests, the server's import included). */
  timings?: { serialize: number; validate: number; encode: number; send: number };
}
