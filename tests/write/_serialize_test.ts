import { deepStrictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { plainDecimal, serializeFrame, wireToText } from "../../lib/write/_serialize.ts";

const dd = DataDictionary.fromMetadata([
  { field_name: "id", form_name: "f", field_type: "text" },
  {
    field_name: "x",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "number",
  },
  {
    field_name: "x1",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "number_1dp",
  },
  {
    field_name: "x2c",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "number_2dp_comma_decimal",
  },
  {
    field_name: "n",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "integer",
  },
  {
    field_name: "d",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "date_dmy",
  },
  {
    field_name: "dt",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "datetime_ymd",
  },
  {
    field_name: "dts",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "datetime_seconds_ymd",
  },
  {
    field_name: "sex",
    form_name: "f",
    field_type: "radio",
    select_choices_or_calculations: "1, Female | 2, Male | 3, 1",
  },
  { field_name: "ok", form_name: "f", field_type: "yesno" },
  {
    field_name: "race",
    form_name: "f",
    field_type: "checkbox",
    select_choices_or_calculations: "1, White | -9, Other",
  },
  { field_name: "c", form_name: "f", field_type: "calc", select_choices_or_calculations: "[n]" },
]);

function serialize(data: Record<string, unknown[]>, dtypes: Record<string, pl.DataType> = {}) {
  let df = pl.DataFrame(data);
  for (const [c, t] of Object.entries(dtypes)) df = df.withColumns(pl.col(c).cast(t));
  const out = serializeFrame(df, dd);
  const text = wireToText(out.raw, out.datetimeFormat);
  // The wire frame's CSV (typed columns as Polars prints them) is exactly the text's CSV.
  deepStrictEqual(
    out.raw.writeCSV({ datetimeFormat: out.datetimeFormat }).toString(),
    text.writeCSV().toString(),
  );
  return { ...out, raw: text };
}

Deno.test("serializeFrame() writes floats without float noise or exponents", () => {
  const { raw } = serialize({
    id: ["1", "2", "3", "4", "5", "6"],
    x: [1.1, 100000, 0.1 + 0.2, 1e-7, 1.5e21, NaN],
  });
  deepStrictEqual(raw.getColumn("x").toArray(), [
    "1.1",
    "100000",
    "0.3",
    "0.0000001",
    "1500000000000000000000",
    null,
  ]);
});

Deno.test("serializeFrame() writes number_Ndp with exactly N decimals, comma variants with commas", () => {
  const { raw } = serialize({
    id: ["1", "2", "3"],
    x1: [2, 83.9, -0.4],
    x2c: [3.5, 10, -1.25],
    n: [1, -2, null],
  }, { n: pl.Int64 });
  deepStrictEqual(raw.select("x1", "x2c", "n").toRecords(), [
    { x1: "2.0", x2c: "3,50", n: "1" },
    { x1: "83.9", x2c: "10,00", n: "-2" },
    { x1: "-0.4", x2c: "-1,25", n: null },
  ]);
});

Deno.test("serializeFrame() writes dates as ISO and datetimes per the field's seconds", () => {
  const at = new Date(Date.UTC(2024, 0, 5, 10, 30, 45));
  const { raw } = serialize(
    { id: ["1", "2"], d: [at, null], dt: [at, null], dts: [at, null] },
    { d: pl.Date, dt: pl.Datetime("ms"), dts: pl.Datetime("ms") },
  );
  deepStrictEqual(raw.select("d", "dt", "dts").toRecords(), [
    { d: "2024-01-05", dt: "2024-01-05 10:30", dts: "2024-01-05 10:30:45" },
    { d: null, dt: null, dts: null },
  ]);
});

Deno.test("serializeFrame() keeps datetimes typed when they share one format", () => {
  const at = new Date(Date.UTC(2024, 0, 5, 10, 30, 45));
  const out = serializeFrame(
    pl.DataFrame({ id: ["1"], dt: [at] }).withColumns(pl.col("dt").cast(pl.Datetime("ms"))),
    dd,
  );
  deepStrictEqual(out.datetimeFormat, "%Y-%m-%d %H:%M");
  deepStrictEqual(
    out.raw.writeCSV({ datetimeFormat: out.datetimeFormat }).toString(),
    "id,dt\n1,2024-01-05 10:30\n",
  );
});

Deno.test("serializeFrame() turns labels into codes, keeps codes, and Booleans into 1/0", () => {
  const { raw } = serialize(
    {
      id: ["1", "2", "3", "4"],
      sex: ["Male", "2", "1", null],
      ok: [true, false, null, true],
      race___1: [true, false, null, false],
    },
    { sex: pl.Categorical },
  );
  // "1" is a code (Female), though it is also the label of code 3: codes win.
  deepStrictEqual(raw.select("sex", "ok", "race___1").toRecords(), [
    { sex: "2", ok: "1", race___1: "1" },
    { sex: "2", ok: "0", race___1: "0" },
    { sex: "1", ok: null, race___1: null },
    { sex: null, ok: "1", race___1: "0" },
  ]);
});

Deno.test("serializeFrame() expands a checkbox list column into field___code columns", () => {
  const { raw, issues } = serialize({
    id: ["1", "2", "3"],
    race: [["White", "-9"], [], null],
  });
  deepStrictEqual(raw.getColumns().map((s) => s.name), ["id", "race___1", "race____9"]);
  deepStrictEqual(raw.select("race___1", "race____9").toRecords(), [
    { race___1: "1", race____9: "1" },
    { race___1: "0", race____9: "0" },
    { race___1: null, race____9: null },
  ]);
  deepStrictEqual(issues, []);
});

Deno.test("serializeFrame() leaves calculated columns out with a warning", () => {
  const { raw, dropped, issues } = serialize({ id: ["1"], c: [5] });
  deepStrictEqual(raw.getColumns().map((s) => s.name), ["id"]);
  deepStrictEqual(dropped, ["c"]);
  deepStrictEqual(issues.map((i) => [i.code, i.severity]), [["read_only_field", "warning"]]);
});

Deno.test("plainDecimal() writes exponents out", () => {
  deepStrictEqual(
    ["1e-7", "-2.5e-5", "1e+21", "1,5e-3", "12"].map(plainDecimal),
    ["0.0000001", "-0.000025", "1000000000000000000000", "0,0015", "12"],
  );
});

Deno.test("serializeFrame() drops field__label columns that repeat a coded column", () => {
  const { raw, dropped } = serialize({ id: ["1"], sex: ["2"], sex__label: ["Male"] });
  deepStrictEqual(raw.getColumns().map((s) => s.name), ["id", "sex"]);
  deepStrictEqual(dropped, ["sex__label"]);
});
