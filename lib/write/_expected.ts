/**
 * What a rejected value should look like, in words an analyst can act on (`integer`, `date
 * YYYY-MM-DD`, `one of 1, 2, 3`), for the grouped message of an import check.
 *
 * @module
 */
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import { type DateFormat, dateKind } from "../dictionary/validate.ts";
import type { ImportIssue } from "./_issues.ts";

const DATE_SHAPE: Record<DateFormat, string> = {
  YMD: "YYYY-MM-DD",
  MDY: "MM/DD/YYYY",
  DMY: "DD/MM/YYYY",
};
const MOST_CODES = 12;

function oneOf(codes: readonly string[]): string {
  const shown = codes.slice(0, MOST_CODES).join(", ");
  return `one of ${shown}${codes.length > MOST_CODES ? ", …" : ""}`;
}

function validationShape(field: FieldInfo, dateFormat: DateFormat): string {
  if (field.type === "slider") return "integer";
  const v = field.validation.trim();
  const kind = dateKind(v);
  // REDCap's import takes dates in the order of its dateFormat parameter, whatever the
  // field's display order (date_mdy, date_dmy).
  if (kind === "date") return `date ${DATE_SHAPE[dateFormat]}`;
  if (kind === "datetime") return `datetime ${DATE_SHAPE[dateFormat]} HH:MM`;
  if (kind === "datetime_seconds") return `datetime ${DATE_SHAPE[dateFormat]} HH:MM:SS`;
  const dp = /^number_(\d)dp(_comma_decimal)?$/.exec(v);
  if (dp) {
    return `number with ${dp[1]} decimal${dp[1] === "1" ? "" : "s"}${dp[2] ? " (comma)" : ""}`;
  }
  const shapes: Record<string, string> = {
    integer: "integer",
    number: "number",
    number_comma_decimal: "number with a decimal comma",
    time: "time HH:MM",
    time_hh_mm_ss: "time HH:MM:SS",
    time_mm_ss: "time MM:SS",
    zipcode: "US zip code 12345 or 12345-6789",
    email: "email address",
    phone: "US phone number",
  };
  return shapes[v] ?? `a value passing the "${v}" validation`;
}

/**
 * What the value of an issue should look like, or `undefined` when no value would help
 * (column-level issues, duplicate keys).
 *
 * @param issue The issue.
 * @param dd The project's dictionary.
 * @param dateFormat The import's date order.
 * @returns A short description.
 */
export function expectedValue(
  issue: ImportIssue,
  dd: DataDictionary,
  dateFormat: DateFormat,
): string | undefined {
  const info = dd.columnInfo(issue.field);
  const field = info?.field ? dd.field(info.field) : undefined;
  switch (issue.code) {
    case "bad_checkbox":
      return "0 or 1";
    case "bad_form_status":
      return "one of 0, 1, 2";
    case "not_a_choice":
      return field ? oneOf(field.choices.map((c) => c.code)) : undefined;
    case "bad_integer":
    case "bad_number":
    case "bad_date":
    case "bad_datetime":
    case "bad_time":
    case "bad_format":
      return field ? validationShape(field, dateFormat) : undefined;
    case "out_of_range": {
      if (!field) return undefined;
      const bounds = [
        field.min.trim() && `>= ${field.min.trim()}`,
        field.max.trim() && `<= ${field.max.trim()}`,
      ]
        .filter(Boolean).join(" and ");
      return `${validationShape(field, dateFormat)}${bounds ? ` ${bounds}` : ""}`;
    }
    case "bad_instance":
      return 'a whole number from 1 to 32767, or "new"';
    case "not_repeating":
      return "blank (or name the repeating instrument in redcap_repeat_instrument)";
    case "bad_repeat_instrument":
      return oneOf(dd.forms.filter((f) => dd.formRepeats(f.name)).map((f) => f.name));
    case "unknown_event":
      return oneOf(dd.events.map((e) => e.uniqueName));
  }
  return undefined;
}
