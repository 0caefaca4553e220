/**
 * One lookup table from a field's `field_type` and validation to the kind of value it holds and
 * the Polars dtype {@linkcode castRecords} gives it, and the data dictionary's vocabulary: the
 * field types REDCap accepts and the legacy names it maps (in Project XML, old dictionaries and
 * metadata imports) to the ones its API exports.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataType } from "../deps/polars.ts";

/** The kind of value a column holds, which decides how it is cast. */
export type ValueKind =
  | "string"
  | "integer"
  | "number"
  | "date"
  | "datetime"
  | "time"
  | "boolean"
  | "categorical"
  | "checkbox"
  | "file"
  | "calc"
  | "none";

/** How one field's values are read. */
export interface FieldTypeInfo {
  /** The kind of value. */
  kind: ValueKind;
  /** The Polars dtype after casting. */
  dtype: DataType;
  /** Number fields whose raw export uses a decimal comma (`1,54`). */
  decimalComma: boolean;
  /** Datetime fields that carry seconds. */
  seconds: boolean;
  /** Time fields: the accepted shape. */
  timeFormat?: "HH:MM" | "HH:MM:SS" | "MM:SS";
  /** Why the kind was chosen when it is a fallback (e.g. an unknown validation type). */
  note?: string;
}

const STRING_VALIDATIONS = new Set([
  "email",
  "phone",
  "phone_australia",
  "phone_uk",
  "phone_france",
  "zipcode",
  "postalcode_australia",
  "postalcode_canada",
  "postalcode_germany",
  "postalcode_uk",
  "postalcode_french",
  "postalcode_swiss",
  "alpha_only",
  "mrn_10d",
  "mrn_generic",
  "vmrn",
  "ssn",
  "signature",
  "autocomplete",
  "letters_only",
]);

function info(
  kind: ValueKind,
  dtype: pl.DataType,
  extra: Partial<FieldTypeInfo> = {},
): FieldTypeInfo {
  return { kind, dtype, decimalComma: false, seconds: false, ...extra };
}

/**
 * Resolves how a field's values are typed, from its `field_type`, its
 * `text_validation_type_or_show_slider_number` and its annotation (`@CALCTEXT`, `@CALCDATE`).
 *
 * | field type / validation | kind | dtype |
 * | --- | --- | --- |
 * | text without validation, notes, sql, unknown validation | string | Utf8 |
 * | `integer`, slider | integer | Int64 |
 * | `number`, `number_Ndp`, `*_comma_decimal`, calc | number / calc | Float64 |
 * | `date_ymd/mdy/dmy` (raw exports are ISO) | date | Date |
 * | `datetime_*`, `datetime_seconds_*`, `@CALCDATE` | datetime | Datetime(ms) |
 * | `time`, `time_hh_mm_ss`, `time_mm_ss` | time | Utf8, validated |
 * | yesno, truefalse, checkbox columns | boolean / checkbox | Bool |
 * | radio, dropdown, form status | categorical | Categorical |
 * | file | file | Utf8 (the file name) |
 * | `@CALCTEXT` | string | Utf8 |
 *
 * @example A comma-decimal number
 * ```ts
 * import { resolveFieldType } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const t = resolveFieldType("text", "number_1dp_comma_decimal");
 * strictEqual(t.kind, "number");
 * strictEqual(t.decimalComma, true);
 * ```
 *
 * @param fieldType The dictionary's `field_type`.
 * @param validation The validation type (or slider display flag).
 * @param annotation The field annotation, for `@CALCTEXT` / `@CALCDATE`.
 * @returns The value kind and dtype.
 */
export function resolveFieldType(
  fieldType: string,
  validation = "",
  annotation = "",
): FieldTypeInfo {
  const v = validation.trim();
  if (/@CALCTEXT\b/.test(annotation)) return info("string", pl.String, { note: "@CALCTEXT" });
  if (/@CALCDATE\b/.test(annotation)) {
    // @CALCDATE fills a text field with a date or datetime per its validation.
    if (v.startsWith("date_")) return info("date", pl.Date, { note: "@CALCDATE" });
    return info("datetime", pl.Datetime("ms"), {
      seconds: v.startsWith("datetime_seconds"),
      note: "@CALCDATE",
    });
  }
  switch (fieldType) {
    case "notes":
    case "sql":
      return info("string", pl.String);
    case "descriptive":
      return info("none", pl.String);
    case "file":
      return info("file", pl.String);
    case "slider":
      return info("integer", pl.Int64);
    case "calc":
      return info("calc", pl.Float64);
    case "yesno":
    case "truefalse":
      return info("boolean", pl.Bool);
    case "radio":
    case "dropdown":
      return info("categorical", pl.Categorical);
    case "checkbox":
      return info("checkbox", pl.Bool);
    case "text":
      break;
    default:
      return info("string", pl.String, { note: `unknown field type "${fieldType}" read as text` });
  }
  if (v === "") return info("string", pl.String);
  if (v === "integer" || v === "int") return info("integer", pl.Int64);
  if (/^(number|float)(_\ddp)?$/.test(v)) return info("number", pl.Float64);
  if (/^number(_\ddp)?_comma_decimal$/.test(v)) {
    return info("number", pl.Float64, { decimalComma: true });
  }
  if (/^date(_(ymd|mdy|dmy))?$/.test(v)) return info("date", pl.Date);
  if (/^datetime(_(ymd|mdy|dmy))?$/.test(v)) return info("datetime", pl.Datetime("ms"));
  if (/^datetime_seconds(_(ymd|mdy|dmy))?$/.test(v)) {
    return info("datetime", pl.Datetime("ms"), { seconds: true });
  }
  if (v === "time") return info("time", pl.String, { timeFormat: "HH:MM" });
  if (v === "time_hh_mm_ss") return info("time", pl.String, { timeFormat: "HH:MM:SS" });
  if (v === "time_mm_ss") return info("time", pl.String, { timeFormat: "MM:SS" });
  if (STRING_VALIDATIONS.has(v)) return info("string", pl.String);
  return info("string", pl.String, { note: `unknown validation type "${v}" read as text` });
}

/** Field types REDCap's data dictionary accepts. */
export const FIELD_TYPES: readonly string[] = [
  "text",
  "notes",
  "dropdown",
  "radio",
  "checkbox",
  "yesno",
  "truefalse",
  "calc",
  "file",
  "slider",
  "descriptive",
  "sql",
];

/** Stored field types exported under another name (`select` is a dropdown). */
export const LEGACY_FIELD_TYPES: Readonly<Record<string, string>> = {
  select: "dropdown",
  textarea: "notes",
};

/** Legacy validation names, as the API's metadata export renames them. */
export const LEGACY_VALIDATIONS: Readonly<Record<string, string>> = {
  int: "integer",
  float: "number",
  date: "date_ymd",
  datetime: "datetime_ymd",
  datetime_seconds: "datetime_seconds_ymd",
};
