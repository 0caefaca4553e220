import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { resolveFieldType } from "../../lib/dictionary/field_types.ts";

Deno.test("resolveFieldType() maps field types and validations to kinds and dtypes", async (t) => {
  const cases: [string, string, string, string, string][] = [
    ["text", "", "", "string", String(pl.String)],
    ["text", "integer", "", "integer", String(pl.Int64)],
    ["slider", "number", "", "integer", String(pl.Int64)],
    ["text", "number_2dp", "", "number", String(pl.Float64)],
    ["text", "number_comma_decimal", "", "number", String(pl.Float64)],
    ["text", "date_dmy", "", "date", String(pl.Date)],
    ["text", "datetime_seconds_mdy", "", "datetime", String(pl.Datetime("ms"))],
    ["text", "time_mm_ss", "", "time", String(pl.String)],
    ["yesno", "", "", "boolean", String(pl.Bool)],
    ["truefalse", "", "", "boolean", String(pl.Bool)],
    ["radio", "", "", "categorical", String(pl.Categorical)],
    ["dropdown", "autocomplete", "", "categorical", String(pl.Categorical)],
    ["checkbox", "", "", "checkbox", String(pl.Bool)],
    ["calc", "", "", "calc", String(pl.Float64)],
    ["file", "signature", "", "file", String(pl.String)],
    ["text", "", '@CALCTEXT(if([x]>1,"a","b"))', "string", String(pl.String)],
    ["text", "date_ymd", "@CALCDATE([d], 1, 'd')", "date", String(pl.Date)],
    ["text", "email", "", "string", String(pl.String)],
  ];
  for (const [type, validation, annotation, kind, dtype] of cases) {
    await t.step(`${type}/${validation || "-"}${annotation ? " " + annotation : ""}`, () => {
      const info = resolveFieldType(type, validation, annotation);
      assertEquals([info.kind, String(info.dtype)], [kind, dtype]);
    });
  }
});

Deno.test("resolveFieldType() flags decimal commas, seconds and time formats", () => {
  assertEquals(resolveFieldType("text", "number_1dp_comma_decimal").decimalComma, true);
  assertEquals(resolveFieldType("text", "number_1dp").decimalComma, false);
  assertEquals(resolveFieldType("text", "datetime_seconds_ymd").seconds, true);
  assertEquals(resolveFieldType("text", "time_hh_mm_ss").timeFormat, "HH:MM:SS");
});

Deno.test("resolveFieldType() reads unknown validation types as text with a note", () => {
  const info = resolveFieldType("text", "my_custom_type");
  assertEquals(info.kind, "string");
  ok(info.note?.includes('"my_custom_type"'));
});
