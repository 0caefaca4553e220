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
 * The pre-flight check of an import found errors, so nothing was sent. The message has one
 * line per kind of problem (its count, columns, first records, what the value should look
 * like, REDCap's message); `issues` holds every problem, one per rejected value (row-shaped:
 * record, field, value, message, code, expected); warnings are included with
 * `severity: "warning"`.
 *
 * @example Read the issues
 * ```ts
 * import { ImportValidationError } from "denocap";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const error = new ImportValidationError([{
 *   record: "1", field: "sex", value: "9", severity: "error", code: "not_a_choice",
 *   message: "The value is not a valid category for sex", expected: "one of 1, 2, 3",
 * }]);
 * ok(error.message.includes('[not_a_choice] 1 value in sex (record "1"). Expected: one of 1, 2, 3.'));
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
    super(groupedMessage(issues));
    this.issues = issues;
  }

  /** The issues with severity `error`. */
  get errors(): ImportIssue[] {
    return this.issues.filter((i) => i.severity === "error");
  }
}

const FIRST_RECORDS = 3;
const FIRST_FIELDS = 4;

/**
 * One line per kind of problem (an issue code, per expected value shape): its count, the
 * columns and first few records, what the value should look like, and REDCap's message (of
 * the first issue).
 */
function groupedMessage(issues: readonly ImportIssue[]): string {
  const errors = issues.filter((i) => i.severity === "error");
  const groups = new Map<string, ImportIssue[]>();
  for (const issue of errors) {
    const key = `${issue.code}\u0000${issue.expected ?? ""}`;
    const list = groups.get(key) ?? [];
    list.push(issue);
    groups.set(key, list);
  }
  const lines: string[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (first.code === "unknown_field") {
      const names = [...new Set(group.map((i) => i.field))];
      lines.push(
        `${names.length} column${names.length === 1 ? " is" : "s are"} not ${
          names.length === 1 ? "a field" : "fields"
        } of the project: ${names.join(", ")} (drop ${
          names.length === 1 ? "it" : "them"
        }, or pass { extraColumns: "drop" })`,
      );
      continue;
    }
    const records = [...new Set(group.map((i) => i.record).filter((r) => r !== ""))];
    const shown = records.slice(0, FIRST_RECORDS).map((r) => `"${r}"`).join(", ");
    const where = records.length === 0
      ? ""
      : ` (record${records.length === 1 ? "" : "s"} ${shown}${
        records.length > FIRST_RECORDS ? `, … ${records.length} records in all` : ""
      })`;
    const count = group.length === 1 ? "1 value" : `${group.length} values`;
    const fields = [...new Set(group.map((i) => i.field))];
    const columns = fields.slice(0, FIRST_FIELDS).join(", ") +
      (fields.length > FIRST_FIELDS ? `, … ${fields.length} columns in all` : "");
    const expected = first.expected ? ` Expected: ${first.expected}.` : "";
    lines.push(`[${first.code}] ${count} in ${columns}${where}.${expected} ${first.message}`);
  }
  const total = errors.length;
  return `Cannot import records: ${total} problem${total === 1 ? "" : "s"} would be rejected, ` +
    `nothing was sent (every one is in .issues):\n` + lines.map((l) => `- ${l}`).join("\n");
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
