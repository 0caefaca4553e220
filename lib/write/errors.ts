/**
 * Errors of {@linkcode writeRecords}: {@linkcode ImportValidationError} when the pre-flight
 * check finds problems (nothing was sent), {@linkcode ImportBatchError} when a batch failed
 * part-way through a batched import (it says which records landed).
 *
 * @module
 */
import type { ImportIssue } from "./_issues.ts";
import type { WriteRecordsResult } from "./_result.ts";

/**
 * The pre-flight check of an import found errors, so nothing was sent. `issues` holds every
 * problem, one per rejected value (row-shaped: record, field, value, message, code); warnings
 * are included with `severity: "warning"`.
 *
 * @example Read the issues
 * ```ts
 * import { ImportValidationError } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new ImportValidationError([{
 *   record: "1", field: "sex", value: "9", severity: "error", code: "not_a_choice",
 *   message: "The value is not a valid category for sex",
 * }]);
 * strictEqual(error.code, "import_validation");
 * strictEqual(error.errors.length, 1);
 * ```
 */
export class ImportValidationError extends Error {
  /** The error class name, `ImportValidationError`. */
  override name = "ImportValidationError";
  /** A stable code for this kind of failure. */
  readonly code = "import_validation";
  /** Every issue found: errors and warnings. */
  readonly issues: readonly ImportIssue[];

  /**
   * Creates the error.
   *
   * @param issues The issues found (at least one error).
   */
  constructor(issues: readonly ImportIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    const first = errors.slice(0, 3).map((i) =>
      `${i.record === "" ? "" : `record "${i.record}", `}field "${i.field}": ${i.message}`
    );
    super(
      `Cannot import records: ${errors.length} value${
        errors.length === 1 ? "" : "s"
      } would be rejected (${first.join("; ")}${errors.length > 3 ? "; …" : ""})`,
    );
    this.issues = issues;
  }

  /** The issues with severity `error`. */
  get errors(): ImportIssue[] {
    return this.issues.filter((i) => i.severity === "error");
  }
}

/**
 * A batch of a batched import failed. Batches that finished before are stored; the error's
 * `result` lists which records landed (`imported`), which batch failed (`failed`, with the
 * REDCap error as `cause`) and which were never sent (`notSent`). Nothing that could create
 * data twice was retried.
 *
 * @example Tell landed from lost records
 * ```ts
 * import { ImportBatchError } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const error = new ImportBatchError({
 *   dryRun: false, count: 1, imported: ["1"], failed: ["2"], notSent: ["3"], autoIds: {},
 *   batches: [], warnings: [],
 * }, new Error("HTTP 500"));
 * deepStrictEqual(error.result.notSent, ["3"]);
 * ```
 */
export class ImportBatchError extends Error {
  /** The error class name, `ImportBatchError`. */
  override name = "ImportBatchError";
  /** A stable code for this kind of failure. */
  readonly code = "import_batch_failed";
  /** What landed and what did not. */
  readonly result: WriteRecordsResult;

  /**
   * Creates the error.
   *
   * @param result The per-batch outcome so far.
   * @param cause The error of the (first) failed batch.
   */
  constructor(result: WriteRecordsResult, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `Cannot import all records: a batch failed (${why}); ${result.imported.length} ` +
        `record(s) were imported, ${result.failed.length} failed, ${result.notSent.length} ` +
        `were not sent`,
      { cause },
    );
    this.result = result;
  }
}
