/** writeRecords' errors: the refused pre-flight check, and a batch that failed part-way. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { ImportBatchError, ImportValidationError } from "../../lib/write/errors.ts";
import type { ImportIssue } from "../../lib/write/validate.ts";

const issue = (record: string, severity: "error" | "warning"): ImportIssue => ({
  record,
  field: "sex",
  value: "9",
  severity,
  code: "not_a_choice",
  message: "The value is not a valid category for sex",
} as ImportIssue);

Deno.test("ImportValidationError groups errors by kind, names three records", () => {
  const issues = [
    issue("1", "error"),
    issue("2", "warning"),
    issue("3", "error"),
    issue("4", "error"),
    issue("5", "error"),
  ];
  const error = new ImportValidationError(issues);
  strictEqual(error.code, "import_validation");
  strictEqual(error.issues.length, 5);
  deepStrictEqual(error.errors.map((i) => i.record), ["1", "3", "4", "5"]);
  strictEqual(
    error.message,
    "Cannot import records: 4 problems would be rejected, nothing was sent (every one is in " +
      '.issues):\n- [not_a_choice] 4 values in sex (records "1", "3", "4", … 4 records in all). ' +
      "The value is not a valid category for sex",
  );
  ok(!error.message.includes('"2"'), "warnings are not counted as rejected");
});

Deno.test("ImportBatchError says what landed, what failed and what was not sent", () => {
  const cause = new Error("REDCap answered 500");
  const error = new ImportBatchError(
    {
      dryRun: false,
      count: 2,
      imported: ["1", "2"],
      failed: ["3"],
      notSent: ["4", "5"],
      autoIds: {},
      batches: [],
      warnings: [],
    } as unknown as ConstructorParameters<typeof ImportBatchError>[0],
    cause,
  );
  strictEqual(error.code, "import_batch_failed");
  strictEqual(error.cause, cause);
  strictEqual(
    error.message,
    "Cannot import all records: a batch failed (REDCap answered 500); 2 record(s) were " +
      "imported, 1 failed, 2 were not sent",
  );
  deepStrictEqual(error.result.notSent, ["4", "5"]);
});
