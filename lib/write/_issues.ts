/**
 * What a pre-flight check of an import reports: one {@linkcode ImportIssue} per problem value,
 * with REDCap's message and a stable code.
 *
 * @module
 */

/** Stable codes of {@linkcode ImportIssue}. */
export type ImportIssueCode =
  | "missing_record_id"
  | "blank_record_id"
  | "unknown_field"
  | "extra_column_dropped"
  | "read_only_field"
  | "unknown_event"
  | "unknown_dag"
  | "bad_instance"
  | "bad_repeat_instrument"
  | "not_repeating"
  | "not_designated"
  | "not_on_repeating_instrument"
  | "needs_repeat_instrument"
  | "not_a_choice"
  | "bad_checkbox"
  | "bad_form_status"
  | "bad_integer"
  | "bad_number"
  | "bad_date"
  | "bad_datetime"
  | "bad_time"
  | "bad_format"
  | "out_of_range"
  | "soft_range"
  | "duplicate_key";

/** One problem with one value (or column) of an import. */
export interface ImportIssue {
  /** The record (as given), `""` for column-level issues. */
  record: string;
  /** The column: a field, `field___code`, `{form}_complete` or `redcap_*`. */
  field: string;
  /** The value as it would be sent. */
  value: string;
  /** What is wrong; REDCap's own message where REDCap reports the problem. */
  message: string;
  /** A stable code. */
  code: ImportIssueCode;
  /** `error`: REDCap would reject the import; `warning`: it would be accepted. */
  severity: "error" | "warning";
  /** The row's event (longitudinal projects). */
  event?: string;
  /** The row's repeat instrument. */
  instrument?: string;
  /** The row's repeat instance as given. */
  instance?: string;
  /** The 0-based row of the frame. */
  row?: number;
  /** What the value should look like (`integer`, `date YYYY-MM-DD`, `one of 1, 2, 3`). */
  expected?: string;
}

export function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) =>
    (a.issue.row ?? -1) - (b.issue.row ?? -1) || a.i - b.i
  ).map((x) => x.issue);
}

/** Reports an error-severity issue (record and value default to blank). */
export type Report = (
  code: ImportIssueCode,
  field: string,
  message: string,
  extra?: Partial<ImportIssue>,
) => void;
