/**
 * The data dictionary's vocabulary: field types REDCap accepts and the legacy names it maps
 * (in Project XML, old dictionaries and metadata imports) to the ones its API exports.
 *
 * @module
 */

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
