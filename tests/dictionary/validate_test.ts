/** The value checks REDCap's import runs, shared by the server and the pre-flight check. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  checkTextValue,
  dateKind,
  INVALID_FORMAT,
  parseImportDate,
} from "../../lib/dictionary/validate.ts";
import { fieldMetadata } from "../../lib/dictionary/metadata.ts";

const NOW = new Date(2024, 5, 15, 12, 30);

Deno.test("dateKind() tells dates, datetimes and datetimes with seconds apart", () => {
  deepStrictEqual(
    ["date_dmy", "datetime_ymd", "datetime_seconds_mdy", "time", "date"].map(dateKind),
    ["date", "datetime", "datetime_seconds", undefined, undefined],
  );
});

Deno.test("parseImportDate() reads each date order and refuses impossible dates", () => {
  strictEqual(parseImportDate("2024-01-31", "YMD"), "2024-01-31");
  strictEqual(parseImportDate("1/31/2024", "MDY"), "2024-01-31");
  strictEqual(parseImportDate("31/01/2024", "DMY"), "2024-01-31");
  strictEqual(parseImportDate("2023-02-29", "YMD"), undefined);
  strictEqual(parseImportDate("31/01/2024", "MDY"), undefined);
});

Deno.test("checkTextValue() applies validation types, stores dates as ISO, enforces ranges only with @FORCE-MINMAX", () => {
  const date = fieldMetadata({
    field_name: "dob",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "date_mdy",
  });
  deepStrictEqual(checkTextValue(date, "02/03/2024", "MDY", NOW), { value: "2024-02-03" });
  deepStrictEqual(checkTextValue(date, "2024-02-30", "YMD", NOW), { error: INVALID_FORMAT });
  const int = fieldMetadata({
    field_name: "n",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "integer",
    text_validation_min: "0",
    text_validation_max: "10",
  });
  deepStrictEqual(checkTextValue(int, "1.5", "YMD", NOW), { error: INVALID_FORMAT });
  // A soft range: the value is saved (the pre-flight check warns).
  deepStrictEqual(checkTextValue(int, "11", "YMD", NOW), { value: "11" });
  const forced = { ...int, field_annotation: "@FORCE-MINMAX" };
  strictEqual(typeof checkTextValue(forced, "11", "YMD", NOW).error, "string");
  const slider = fieldMetadata({ field_name: "s", form_name: "f", field_type: "slider" });
  deepStrictEqual(checkTextValue(slider, "100", "YMD", NOW), { value: "100" });
  deepStrictEqual(checkTextValue(slider, "101", "YMD", NOW), {
    error: "The value must be an integer between 0 and 100",
  });
});
