/**
 * Pre-flight validation of a record import against the data dictionary, mirroring the checks
 * (and messages) of REDCap's import: unknown fields, choice codes, checkbox 0/1, validation
 * types, hard and soft min/max, form-event designation, repeating instruments and instances,
 * DAGs and duplicate keys. Checks run as Polars expressions; only failing cells reach
 * JavaScript, where the exact rule (and message) is applied.
 *
 * @module
 */
import type pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import type { DateFormat } from "../dictionary/validate.ts";
import { serializeFrame } from "./_serialize.ts";
import { type ImportIssue, type Report, sortIssues } from "./_issues.ts";
import { planColumns } from "./_columns.ts";
import { checkDags, checkDuplicateKeys, checkRowKeys } from "./_check_rows.ts";
import { checkValues } from "./_check_values.ts";
import { expectedValue } from "./_expected.ts";

export type { DateFormat } from "../dictionary/validate.ts";
export { type ImportIssue, type ImportIssueCode } from "./_issues.ts";

/** Options for {@linkcode validateRecords}. */
export interface ValidateRecordsOptions {
  /** Order of date parts in date and datetime values given as text.
   * @default {"YMD"}
   */
  dateFormat?: DateFormat;
  /** Unique names of the project's data access groups; `redcap_data_access_group` values
   * are checked against them when given. */
  dags?: readonly string[];
  /** The clock for `today`/`now` bounds.
   * @default {new Date()}
   */
  now?: Date;
}

/**
 * Validates a raw import frame (all text, blanks null: what {@linkcode serializeFrame}
 * gives) against the dictionary. Returns every issue; none with severity `error` means REDCap
 * would accept the import.
 *
 * @param raw The raw frame.
 * @param dd The project's dictionary.
 * @param options Date order, DAG names, clock.
 * @param hints What the caller already knows: whether each record's rows are contiguous.
 * @returns The issues, in row order.
 */
export function validateRawFrame(
  raw: pl.DataFrame,
  dd: DataDictionary,
  options: ValidateRecordsOptions = {},
  hints: { contiguous?: boolean } = {},
): ImportIssue[] {
  const dateFormat = options.dateFormat ?? "YMD";
  const now = options.now ?? new Date();
  const issues: ImportIssue[] = [];
  const columns = frameColumns(raw);
  const n = frameHeight(raw);
  const id = dd.recordIdField;
  const error: Report = (code, field, message, extra = {}) =>
    issues.push({ record: "", field, value: "", message, code, severity: "error", ...extra });

  const plans = planColumns(columns, dd, error);
  if (!columns.includes(id)) {
    error(
      "missing_record_id",
      id,
      `Cannot import records: the data has no column for the record ID field "${id}"`,
    );
    return issues;
  }
  if (n === 0) return issues;
  const rows = checkRowKeys(raw, dd, error);
  if (options.dags) checkDags(rows, options.dags, error);
  checkDuplicateKeys(rows, id, hints.contiguous, error);
  checkValues(raw, dd, plans, rows, dateFormat, now, issues);
  for (const issue of issues) {
    const expected = expectedValue(issue, dd, dateFormat);
    if (expected !== undefined) issue.expected = expected;
  }
  return sortIssues(issues);
}

/**
 * Checks a frame before import, without sending anything: the frame is serialised as
 * {@linkcode writeRecords} would send it (labels → codes, Booleans → 0/1, dates → ISO) and
 * checked as REDCap checks an import. Each issue names the record, field (column), value,
 * REDCap's message and a stable code; `severity: "warning"` marks values REDCap would accept
 * (soft min/max, read-only columns left out).
 *
 * @example A value outside the choices
 * ```ts
 * import { DataDictionary, validateRecords } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "sex", form_name: "f", field_type: "radio", select_choices_or_calculations: "0, Female | 1, Male" },
 * ]);
 * const issues = validateRecords(pl.DataFrame({ id: ["1", "2"], sex: ["Male", "9"] }), dd);
 * strictEqual(issues.length, 1);
 * strictEqual(issues[0].record, "2");
 * strictEqual(issues[0].code, "not_a_choice");
 * ```
 *
 * @param frame A typed frame (as `castRecords` gives) or a raw string frame.
 * @param dictionary The project's dictionary.
 * @param options Date order, DAG names, clock.
 * @returns Every issue, in row order (empty when REDCap would accept the frame as is).
 */
export function validateRecords(
  frame: DataFrame,
  dictionary: DataDictionary,
  options: ValidateRecordsOptions = {},
): ImportIssue[] {
  const { raw, issues } = serializeFrame(frame, dictionary);
  return sortIssues([...issues, ...validateRawFrame(raw, dictionary, options)]);
}
