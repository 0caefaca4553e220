import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { castRecords, codedColumns } from "../../lib/transform/cast.ts";
import { parseRedcapCsv } from "../../lib/parse/csv.ts";
import { frameColumns, frameHeight } from "../../lib/frame.ts";
import { splitInstruments } from "../../lib/transform/split_instruments.ts";
import { columnLabels, labelRecords } from "../../lib/transform/label.ts";
import { clinic, fixtureText, rows } from "./_fixtures.ts";
import { generate } from "./_generate.ts";

function dtypes(df: pl.DataFrame): Record<string, string> {
  const types = df.dtypes;
  return Object.fromEntries(frameColumns(df).map((c, i) => [c, String(types[i])]));
}

Deno.test("castRecords() gives each column the dtype of its field type", () => {
  const { dd, flat } = clinic();
  const t = dtypes(castRecords(flat, dd).data);
  const want: Record<string, unknown> = {
    record_id: pl.String,
    redcap_event_name: pl.String,
    redcap_repeat_instrument: pl.String,
    redcap_repeat_instance: pl.Int64,
    name: pl.String,
    dob: pl.Date,
    sex: pl.Categorical,
    consent: pl.Bool,
    race___1: pl.Bool,
    race___unk: pl.Bool,
    zip: pl.String,
    enroll_dt: pl.Datetime("ms"),
    enrollment_complete: pl.Categorical,
    weight: pl.Float64,
    height: pl.Float64,
    bmi: pl.Float64,
    mood: pl.Int64,
    visit_time: pl.String,
    note: pl.String,
    status: pl.Categorical,
    dose: pl.Int64,
    calc_text: pl.String,
    flag: pl.Bool,
    doc: pl.String,
  };
  for (const [column, dtype] of Object.entries(want)) {
    assertEquals([column, t[column]], [column, String(dtype)]);
  }
});

Deno.test("castRecords() converts values: ISO dates, decimal commas, leading zeros, blanks", () => {
  const { dd, flat } = clinic();
  const data = castRecords(flat, dd).data;
  const first = rows(data)[0];
  assertEquals(first.zip, "01234");
  assertEquals(first.weight, 70.5);
  assertEquals(first.height, 1.65);
  assertEquals(first.mood, 50);
  assertEquals(first.visit_time, "10:30");
  assertEquals(first.consent, true);
  assertEquals(first.sex, "0");
  assertEquals(first.note, 'line one\nline two, "quoted"');
  assertEquals((first.dob as Date).toISOString().slice(0, 10), "1980-05-01");
  assertEquals((first.enroll_dt as Date).toISOString(), "2020-01-02T10:30:00.000Z");
  assertEquals(data.getColumn("status").toArray(), [
    "1",
    "Fair",
    null,
    null,
    null,
    null,
    null,
    null,
  ]);
  assertEquals(data.getColumn("redcap_repeat_instance").toArray(), [
    null,
    null,
    1,
    2,
    1,
    2,
    null,
    null,
  ]);
});

Deno.test("castRecords() leaves checkboxes null where the form is not designated", () => {
  const { dd, flat } = clinic();
  const data = castRecords(flat, dd).data;
  assertEquals(data.getColumn("race___1").toArray(), [
    true,
    null,
    null,
    null,
    null,
    null,
    false,
    false,
  ]);
  assertEquals(data.getColumn("route___2").toArray(), [
    null,
    null,
    false,
    true,
    null,
    null,
    null,
    null,
  ]);
});

Deno.test("castRecords() reports every value that does not cast", () => {
  const { dd, flat } = clinic();
  const { data, invalid } = castRecords(flat, dd);
  assertEquals(invalid.columns, [
    "record",
    "event",
    "instance",
    "field",
    "form",
    "value",
    "reason",
  ]);
  const got = rows(invalid).map((r) => [r.record, r.event, r.field, r.value]);
  assertEquals(got, [
    ["2", "baseline_arm_1", "enroll_dt", "2020-13-01 10:00"],
    ["2", "baseline_arm_1", "visit_date", "2021-02-30"],
    ["2", "baseline_arm_1", "weight", "abc"],
    ["2", "baseline_arm_1", "height", "1,8"],
    ["2", "baseline_arm_1", "visit_time", "25:00"],
    ["2", "baseline_arm_1", "status", "9"],
  ]);
  ok(rows(invalid).every((r) => typeof r.reason === "string" && r.reason.startsWith("not ")));
  assertEquals(rows(data)[6].weight, null);
});

Deno.test("castRecords() reports missing-data codes apart from invalid values", () => {
  const { dd, flat } = clinic();
  const { data, missing, invalid } = castRecords(flat, dd);
  assertEquals(rows(missing), [
    { record: "2", event: "baseline_arm_1", instance: null, field: "dob", code: "UNK" },
    { record: "2", event: "baseline_arm_1", instance: null, field: "race___unk", code: "UNK" },
  ]);
  assertEquals(rows(data)[6].dob, null);
  ok(!invalid.getColumn("field").toArray().includes("dob"));
});

Deno.test("castRecords() with labels 'label' gives Categorical labels", () => {
  const { dd, flat } = clinic();
  const data = castRecords(flat, dd, { labels: "label" }).data;
  assertEquals(data.getColumn("sex").toArray(), [
    "Female",
    null,
    null,
    null,
    null,
    null,
    "Male",
    null,
  ]);
  assertEquals(data.getColumn("status").toArray().slice(0, 2), ["Good, very", "Fair"]);
  assertEquals(data.getColumn("enrollment_complete").toArray()[0], "Complete");
  // yesno and truefalse are labelled too (as labelRecords labels them); Booleans with "code".
  ok(data.getColumn("consent").dtype.equals(pl.Categorical));
  assertEquals(data.getColumn("consent").toArray()[0], "Yes");
  assertEquals(
    rows(data.select("flag")).map((r) => r.flag),
    rows(labelRecords(castRecords(flat, dd).data, dd).select("flag")).map((r) => r.flag),
  );
  assertEquals(
    castRecords(flat, dd, { labels: "code" }).data.getColumn("consent").toArray()[0],
    true,
  );
});

Deno.test("castRecords() records column labels and notes unknown columns and validations", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text", field_label: "Study ID" },
    {
      field_name: "x",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "my_regex",
    },
  ]);
  const raw = pl.DataFrame({
    id: ["1"],
    x: ["abc"],
    extra: ["e"],
    f_timestamp: ["[not completed]"],
  });
  const { data, notes, missing, invalid } = castRecords(raw, dd);
  assertEquals(rows(data), [{ id: "1", x: "abc", extra: "e", f_timestamp: null }]);
  assertEquals(columnLabels(data).id, "Study ID");
  ok(notes.some((n) => n.includes('"my_regex"')));
  ok(notes.some((n) => n.includes('"extra"')));
  assertEquals(rows(missing).map((r) => r.code), ["[not completed]"]);
  assertEquals(invalid.height, 0);
});

Deno.test("castRecords() casts frames whose columns are not strings", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "n",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "integer",
    },
  ]);
  const { data } = castRecords(pl.DataFrame({ id: [1, 2], n: [3, 4] }), dd);
  assertEquals(rows(data), [{ id: "1", n: 3 }, { id: "2", n: 4 }]);
});

Deno.test("castRecords() nulls nothing silently: each present value is typed, invalid or missing (random projects)", () => {
  for (let seed = 1; seed <= 60; seed++) {
    const { dd, flat } = generate(seed);
    const { data, invalid, missing } = castRecords(flat, dd);
    const raw = rows(flat);
    const typed = rows(data);
    const invalidCount = new Map<string, number>();
    for (const r of rows(invalid)) {
      invalidCount.set(r.field as string, (invalidCount.get(r.field as string) ?? 0) + 1);
    }
    const missingCount = new Map<string, number>();
    for (const r of rows(missing)) {
      missingCount.set(r.field as string, (missingCount.get(r.field as string) ?? 0) + 1);
    }
    for (const column of flat.columns) {
      const present = raw.filter((r) => r[column] !== null && r[column] !== "").length;
      const kept = typed.filter((r) => r[column] !== null).length;
      const checkboxMissing = dd.checkboxColumns(dd.columnInfo(column)?.field ?? "").some((c) =>
        c.column === column && c.missingCode
      );
      const nulledMissing = checkboxMissing ? 0 : missingCount.get(column) ?? 0;
      assertEquals(
        [seed, column, present],
        [seed, column, kept + (invalidCount.get(column) ?? 0) + nulledMissing],
      );
    }
  }
});

Deno.test("castRecords() merges short chunks (as Polars' CSV reader cuts small bodies) and casts them alike", () => {
  const { dd, flat } = clinic();
  // One chunk per row, as a CSV read of a small body gives (17 chunks of a few rows).
  const height = flat.shape.height;
  const chunked = pl.concat(
    Array.from({ length: height }, (_, i) => flat.slice(i, 1)),
    { how: "vertical", rechunk: false },
  );
  ok(chunked.nChunks() > 1);
  const a = castRecords(chunked, dd);
  const b = castRecords(flat.rechunk(), dd);
  assertEquals(a.data.nChunks(), 1);
  ok(a.data.frameEqual(b.data, true));
  ok(a.invalid.frameEqual(b.invalid, true));
  ok(a.missing.frameEqual(b.missing, true));
  assertEquals(a.invalid.shape.height, 6);
});

Deno.test("castRecords(), labelRecords(), splitInstruments() read projects with fields called columns, shape, height", () => {
  // nodejs-polars resolves `df.columns`, `df.shape`, `df.height` to columns of those names.
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "columns",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "integer",
    },
    {
      field_name: "shape",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "1, Round | 2, Square",
    },
    {
      field_name: "height",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "number",
    },
  ]);
  const raw = pl.DataFrame({
    id: ["1", "2"],
    columns: ["3", "x"],
    shape: ["2", "1"],
    height: ["1.5", ""],
    f_complete: ["2", "0"],
  });
  const { data, invalid } = castRecords(raw, dd);
  assertEquals(dtypes(data), {
    id: String(pl.String),
    columns: String(pl.Int64),
    shape: String(pl.Categorical),
    height: String(pl.Float64),
    f_complete: String(pl.Categorical),
  });
  assertEquals(rows(data)[0], { id: "1", columns: 3, shape: "2", height: 1.5, f_complete: "2" });
  assertEquals(rows(invalid).map((r) => [r.field, r.value]), [["columns", "x"]]);
  const labelled = labelRecords(data, dd, { labels: "both" });
  assertEquals(rows(labelled)[0].shape__label, "Square");
  const form = splitInstruments(data, dd).get("f")!;
  assertEquals(frameColumns(form), ["id", "columns", "shape", "height", "f_complete"]);
  assertEquals(frameHeight(form), 2);
});

Deno.test("castRecords() reads datetimes exactly: YYYY-MM-DD HH:MM[:SS] and nothing around it", () => {
  const values = [
    "2024-01-02 03:04:05",
    "2024-01-02 03:04",
    "2024-01-02 03:04:5x",
    "2024-01-02T03:04:05",
    "2024-01-02 24:00:00",
    "2024-02-30 01:01:01",
    "2024-01-02 3:04",
    "2024/01/02 03:04:05",
  ];
  // Each field is parsed in its own precision first; a value of the other one is read too.
  for (const validation of ["datetime_seconds_ymd", "datetime_ymd"]) {
    const dd = DataDictionary.fromMetadata([
      { field_name: "id", form_name: "f", field_type: "text" },
      {
        field_name: "dt",
        form_name: "f",
        field_type: "text",
        text_validation_type_or_show_slider_number: validation,
      },
    ]);
    const raw = pl.DataFrame({
      id: values.map((_, i) => String(i)),
      dt: values,
      f_complete: values.map(() => "0"),
    });
    const { data, invalid } = castRecords(raw, dd);
    const got = data.getColumn("dt").toArray().map((d) =>
      d && (d as unknown as Date).toISOString()
    );
    assertEquals(got, [
      "2024-01-02T03:04:05.000Z",
      "2024-01-02T03:04:00.000Z",
      ...values.slice(2).map(() => null),
    ], validation);
    assertEquals(invalid.getColumn("value").toArray(), values.slice(2), validation);
    // All in the field's own precision: nothing reported.
    const own = validation === "datetime_ymd" ? values[1] : values[0];
    const clean = castRecords(raw.withColumns(pl.lit(own).alias("dt")), dd);
    assertEquals(clean.data.getColumn("dt").nullCount(), 0, validation);
    assertEquals(clean.invalid.height, 0, validation);
  }
});

Deno.test("castRecords() reads padded and odd dates as Polars' ISO cast does", () => {
  // Parsed exactly first; a column that loses more than its blanks and missing codes is cast
  // again, so padded values read as before and only what the ISO cast refuses is invalid.
  const values = [
    "2024-01-05",
    "2024-01-5 ",
    " 2024-01-5",
    "2024-1-5  ",
    "2024- 1- 5",
    "2024-01-5\t",
    "UNK",
    "",
    null,
    "2024-1-5",
    "2024-01-05 ",
    "2024/01/05",
    "2024-02-30",
    "0024-01-05",
  ];
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "d",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "date_ymd",
    },
  ], { projectInfo: { missing_data_codes: "UNK, Unknown" } });
  const frame = (d: (string | null)[]) =>
    pl.DataFrame({
      id: d.map((_, i) => String(i + 1)),
      d: pl.Series("d", d, pl.String),
      f_complete: d.map(() => "0"),
    });
  const day = (d: unknown) => d && (d as Date).toISOString().slice(0, 10);
  const { data, invalid, missing } = castRecords(frame(values), dd);
  assertEquals(data.getColumn("d").toArray().map(day), [
    ...Array(6).fill("2024-01-05"),
    ...Array(7).fill(null),
    "0024-01-05",
  ]);
  assertEquals(invalid.getColumn("value").toArray(), values.slice(9, 13));
  assertEquals(rows(missing).map((r) => [r.record, r.code]), [["7", "UNK"]]);
  // Clean, blank and missing values alone: nothing cast again, nothing reported.
  const clean = castRecords(frame(["2024-01-05", "UNK", "", null, "1999-12-31"]), dd);
  assertEquals(clean.data.getColumn("d").toArray().map(day), [
    "2024-01-05",
    null,
    null,
    null,
    "1999-12-31",
  ]);
  assertEquals(clean.invalid.height, 0);
  assertEquals(clean.missing.height, 1);
});

Deno.test("castRecords() casts coded columns read as Categorical exactly as read as text", () => {
  const { dd } = clinic();
  const body = fixtureText("clinic/flat.csv");
  const text = parseRedcapCsv(body, "record");
  const coded = codedColumns(dd, text.columns);
  // Choices, yesno, truefalse, checkbox options and form status; not text, dates or numbers.
  for (const c of ["sex", "consent", "race___1", "race____99", "enrollment_complete", "status"]) {
    ok(coded.includes(c), c);
  }
  for (const c of ["record_id", "redcap_event_name", "name", "dob", "weight", "mood", "zip"]) {
    ok(!coded.includes(c), c);
  }
  const categorical = parseRedcapCsv(body, "record", undefined, [...coded, "not_a_column"]);
  ok(categorical.getColumn("race___1").dtype.equals(pl.Categorical));
  ok(categorical.getColumn("name").dtype.equals(pl.String));
  for (const labels of ["code", "label"] as const) {
    const a = castRecords(text, dd, { labels });
    const b = castRecords(categorical, dd, { labels });
    assertEquals(dtypes(b.data), dtypes(a.data), labels);
    assertEquals(rows(b.data), rows(a.data), labels);
    // Invalid codes and missing-data codes are reported as text, as from a text read.
    assertEquals(rows(b.invalid), rows(a.invalid), labels);
    assertEquals(rows(b.missing), rows(a.missing), labels);
    ok(a.invalid.height > 0 && a.missing.height > 0);
  }
});

Deno.test("castRecords() maps Categorical codes by category id, whatever the ids", () => {
  // Category ids are global to the process: values first met after the codes (ids past the
  // codes'), then, once 70,000 other strings are met, ids too large for a lookup table
  // (mapped by value instead).
  const fresh = crypto.randomUUID();
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "early",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "1, One | 2, Two",
    },
    {
      field_name: "late",
      form_name: "f",
      field_type: "dropdown",
      select_choices_or_calculations: `${fresh}a, A | ${fresh}b, B`,
    },
  ]);
  const text = () =>
    pl.DataFrame({
      id: ["1", "2", "3", "4"],
      early: ["1", `${fresh}x`, "2", null],
      late: [`${fresh}b`, `${fresh}a`, `${fresh}y`, null],
      f_complete: ["2", "0", "1", "9"],
    });
  const categorical = () =>
    text().withColumns(
      ...["early", "late", "f_complete"].map((c) => pl.col(c).cast(pl.Categorical)),
    );
  for (const many of [false, true]) {
    if (many) {
      pl.Series("many", Array.from({ length: 70_000 }, (_, i) => `${fresh}-${i}`))
        .cast(pl.Categorical);
    }
    for (const labels of ["code", "label"] as const) {
      const a = castRecords(text(), dd, { labels });
      const b = castRecords(categorical(), dd, { labels });
      assertEquals(dtypes(b.data), dtypes(a.data), labels);
      assertEquals(rows(b.data), rows(a.data), labels);
      assertEquals(rows(b.invalid), rows(a.invalid), labels);
    }
    const { data, invalid } = castRecords(categorical(), dd, { labels: "label" });
    assertEquals(data.getColumn("early").toArray(), ["One", null, "Two", null]);
    assertEquals(data.getColumn("late").toArray(), ["B", "A", null, null]);
    assertEquals(data.getColumn("f_complete").toArray(), [
      "Complete",
      "Incomplete",
      "Unverified",
      null,
    ]);
    assertEquals(invalid.getColumn("value").toArray(), [`${fresh}x`, `${fresh}y`, "9"]);
  }
});

Deno.test("castRecords() blanks empty text, from a frame or quoted in a CSV body", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    { field_name: "note", form_name: "f", field_type: "notes" },
  ]);
  // A frame from elsewhere may hold "" for blank: it becomes null.
  const built = castRecords(pl.DataFrame({ id: ["1", "2"], note: ["", "x"] }), dd).data;
  assertEquals(built.getColumn("note").toArray(), [null, "x"]);
  // parseRedcapCsv reads a blank cell as null, and a quoted empty one as "".
  const read = parseRedcapCsv('id,note\n1,""\n2,x\n3,\n', "record");
  assertEquals(read.getColumn("note").toArray(), ["", "x", null]);
  assertEquals(castRecords(read, dd).data.getColumn("note").toArray(), [null, "x", null]);
});

Deno.test("castRecords() nulls blank text and missing-data codes alike, reporting only the codes", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    { field_name: "note", form_name: "f", field_type: "notes" },
    { field_name: "name", form_name: "f", field_type: "text", field_annotation: "@NOMISSING" },
  ], { projectInfo: { missing_data_codes: "UNK, Unknown | NA, Not applicable" } });
  const raw = pl.DataFrame({
    id: ["1", "2", "3", "4"],
    note: ["", "UNK", "unk", null],
    name: ["", "UNK", "x", null],
  });
  const { data, missing, invalid } = castRecords(raw, dd);
  assertEquals(data.getColumn("note").toArray(), [null, null, "unk", null]);
  // @NOMISSING: the code is text like any other, and blank is still null.
  assertEquals(data.getColumn("name").toArray(), [null, "UNK", "x", null]);
  assertEquals(rows(missing), [
    { record: "2", event: null, instance: null, field: "note", code: "UNK" },
  ]);
  assertEquals(invalid.height, 0);
});

Deno.test("castRecords() reports lost values of many columns as of a few, column by column", () => {
  const columns = 12;
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    ...Array.from({ length: columns }, (_, i) => ({
      field_name: `v${i}`,
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "integer",
    })),
  ], { projectInfo: { missing_data_codes: "UNK, Unknown" } });
  const rowsOf = 20;
  const data: Record<string, string[]> = {
    id: Array.from({ length: rowsOf }, (_, r) => String(r + 1)),
  };
  for (let i = 0; i < columns; i++) {
    data[`v${i}`] = Array.from(
      { length: rowsOf },
      (_, r) => r === i ? `x${i}` : r === i + 1 ? "UNK" : String(r),
    );
  }
  data.f_complete = Array.from({ length: rowsOf }, () => "0");
  const raw = pl.DataFrame(data);
  // Twelve columns report (one query for all); three of them report alike on their own.
  const many = castRecords(raw, dd);
  const few = castRecords(raw.select("id", "v0", "v1", "v2", "f_complete"), dd);
  const invalid = Array.from({ length: columns }, (_, i) => ({
    record: String(i + 1),
    event: null,
    instance: null,
    field: `v${i}`,
    form: "f",
    value: `x${i}`,
    reason: "not an integer",
  }));
  const missing = Array.from({ length: columns }, (_, i) => ({
    record: String(i + 2),
    event: null,
    instance: null,
    field: `v${i}`,
    code: "UNK",
  }));
  assertEquals(many.invalid.toRecords(), invalid);
  assertEquals(many.missing.toRecords(), missing);
  assertEquals(few.invalid.toRecords(), invalid.slice(0, 3));
  assertEquals(few.missing.toRecords(), missing.slice(0, 3));
  assertEquals(dtypes(many.invalid), dtypes(few.invalid));
  assertEquals(dtypes(many.missing), dtypes(few.missing));
});

Deno.test("castRecords() reads missing values alike whether few (compared) or many (looked up)", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    { field_name: "note", form_name: "f", field_type: "text" },
    {
      field_name: "n",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "integer",
    },
  ], { projectInfo: { missing_data_codes: "UNK, Unknown" } });
  const raw = pl.DataFrame({
    id: ["1", "2", "3", "4", "5"],
    note: ["UNK", "-1", "x", null, "-6"],
    n: ["-1", "UNK", "7", "-6", null],
  });
  const few = castRecords(raw, dd, { naValues: ["-1"] });
  const many = castRecords(raw, dd, { naValues: ["-1", "-2", "-3", "-4", "-5", "-6"] });
  assertEquals(few.data.getColumn("note").toArray(), [null, null, "x", null, "-6"]);
  assertEquals(many.data.getColumn("note").toArray(), [null, null, "x", null, null]);
  assertEquals(few.data.getColumn("n").toArray(), [null, null, 7, -6, null]);
  assertEquals(many.data.getColumn("n").toArray(), [null, null, 7, null, null]);
  assertEquals(rows(many.missing).map((r) => `${r.record}:${r.field}:${r.code}`), [
    "1:note:UNK",
    "2:note:-1",
    "5:note:-6",
    "1:n:-1",
    "2:n:UNK",
    "4:n:-6",
  ]);
  assertEquals(many.invalid.height, 0);
});
