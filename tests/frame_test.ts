import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import pl from "../lib/deps/polars.ts";
import {
  copyFrame,
  filterFrame,
  firstRow,
  frameColumns,
  frameDtypes,
  frameHeight,
  lazyFrame,
  leftJoinFrame,
  selectFrame,
  sliceFrame,
  withColumnsFrame,
} from "../lib/frame.ts";
import { RedcapClient } from "../lib/client.ts";
import { htmlTable } from "../lib/jupyter/html_table.ts";
import { plotField } from "../lib/plot/auto.ts";
import { fieldInfoFromMetadata } from "../lib/plot/field_info.ts";
import { plotMissingness } from "../lib/plot/vega_lite.ts";
import { evaluateLogic } from "../lib/logic/frame.ts";
import { checkBranchingLogic } from "../lib/logic/branching.ts";
import { readEavRecords } from "../lib/read/eav_records.ts";
import { readInstruments, readRecords } from "../lib/read/read_records.ts";
import { createRedcapHandler } from "../lib/server/handler.ts";
import { loadProject } from "../lib/server/load.ts";
import { fieldMetadata, fullRights } from "../lib/server/project.ts";
import { RedcapStore } from "../lib/server/store.ts";
import { pivotEav, toEav } from "../lib/transform/eav.ts";
import { validateRecords } from "../lib/write/validate.ts";
import { writeRecords } from "../lib/write/write_records.ts";

Deno.test("frameColumns() and frameHeight() read the shape of any frame", () => {
  const df = pl.DataFrame({ record_id: ["1", "2", "3"], age: ["40", null, "7"] });
  assertEquals(frameColumns(df), ["record_id", "age"]);
  assertEquals(frameHeight(df), 3);
  assertEquals(frameHeight(pl.DataFrame({})), 0);
  assertEquals(frameColumns(pl.DataFrame({})), []);
});

Deno.test("frameColumns() and frameHeight() are right when fields shadow the getters", () => {
  // nodejs-polars resolves `df.columns`, `df.shape`, `df.height` to a column of that name.
  const df = pl.DataFrame({ columns: ["a", "b"], shape: ["c", "d"], height: ["1", "2"] });
  assertEquals(frameColumns(df), ["columns", "shape", "height"]);
  assertEquals(frameHeight(df), 2);
  const copy = copyFrame(df);
  assertEquals(frameColumns(copy), ["columns", "shape", "height"]);
  assertEquals(frameHeight(copy), 2);
});

Deno.test("the frame helpers work when fields shadow the methods they stand for", () => {
  const names = ["lazy", "select", "filter", "row", "dtypes", "slice", "join", "with"];
  const df = pl.DataFrame(
    Object.fromEntries(names.map((n, i) => [n, [`${n}1`, `${n}2`, String(i)]])),
  );
  assertEquals(frameDtypes(df).map(String), names.map(() => String(pl.String)));
  assertEquals(firstRow(df), names.map((n) => `${n}1`));
  assertEquals(frameColumns(selectFrame(df, "row", pl.col("join"))), ["row", "join"]);
  assertEquals(filterFrame(df, pl.col("lazy").eq(pl.lit("lazy2"))).getColumn("row").toArray(), [
    "row2",
  ]);
  assertEquals(sliceFrame(df, 1, 2).getColumn("select").toArray(), ["select2", "1"]);
  const extra = withColumnsFrame(df, pl.col("row").str.toUpperCase().alias("upper"));
  assertEquals(extra.getColumn("upper").toArray(), ["ROW1", "ROW2", "3"]);
  assertEquals(frameColumns(lazyFrame(df).collectSync()), names);
  const other = pl.DataFrame({ join: ["join2", "join1"], n: [2, 1] });
  const joined = leftJoinFrame(df, other, "join");
  assertEquals(joined.getColumn("n").toArray(), [1, 2, null]);
  assertEquals(joined.getColumn("lazy").toArray(), ["lazy1", "lazy2", "0"]);
});

Deno.test("projects with fields named like DataFrame members read, split, validate and write", async () => {
  // nodejs-polars resolves `df.<name>` to a column of that name before any method, so a field
  // called `select`, `lazy`, `row`, `filter`, `dtypes`, `slice`, ... hides the method on every frame
  // holding it. These names broke readRecords, readInstruments and writeRecords before.
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "f", field_type: "text" }),
    fieldMetadata({
      field_name: "select",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "1, One | 2, Two",
    }),
    fieldMetadata({
      field_name: "lazy",
      form_name: "f",
      field_type: "checkbox",
      select_choices_or_calculations: "1, A | 2, B",
    }),
    fieldMetadata({
      field_name: "row",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "integer",
    }),
    fieldMetadata({
      field_name: "filter",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "date_ymd",
    }),
    fieldMetadata({ field_name: "dtypes", form_name: "f", field_type: "yesno" }),
    fieldMetadata({ field_name: "columns", form_name: "f", field_type: "text" }),
    fieldMetadata({ field_name: "shape", form_name: "f", field_type: "notes" }),
    fieldMetadata({ field_name: "slice", form_name: "f", field_type: "text" }),
  ];
  const records = [1, 2, 3].map((i) => ({
    record_id: String(i),
    select: String(1 + i % 2),
    lazy___1: "1",
    lazy___2: "0",
    row: String(10 * i),
    filter: `2024-01-0${i}`,
    dtypes: "1",
    columns: `text ${i}`,
    shape: "a\nb",
    slice: "s",
    f_complete: "2",
  }));
  const store = RedcapStore.open();
  const { tokens } = loadProject(store, {
    info: { project_title: "Shadows", is_longitudinal: 0 },
    metadata,
    instruments: [{ instrument_name: "f", instrument_label: "F" }],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [],
    surveys: [],
    users: [fullRights("u")],
    records,
    longitudinal: false,
  });
  const handler = createRedcapHandler(store);
  const client = new RedcapClient("http://redcap.test/api/", tokens[0], {
    fetch: (input, init) => handler(new Request(input, init)),
    progressBar: false,
  });

  const { data, invalid, dictionary } = await readRecords(client);
  assertEquals(frameHeight(data), 3);
  assertEquals(frameHeight(invalid), 0);
  const types = frameDtypes(data).map(String);
  const column = (name: string) => types[frameColumns(data).indexOf(name)];
  assertEquals(
    ["select", "lazy___1", "row", "filter", "dtypes", "shape"].map(column),
    [pl.Categorical, pl.Bool, pl.Int64, pl.Date, pl.Categorical, pl.String].map(String),
  );
  assertEquals(data.getColumn("row").toArray(), [10, 20, 30]);
  assertEquals(data.getColumn("select").toArray(), ["Two", "One", "Two"]);

  const both = await readRecords(client, { labels: "both", checkboxes: "list" });
  assertEquals(both.data.getColumn("select__label").toArray(), ["Two", "One", "Two"]);
  assertEquals(both.data.getColumn("lazy").toArray(), [["A"], ["A"], ["A"]]);
  const eav = await readEavRecords(client);
  assertEquals(eav.data.toRecords(), data.toRecords());
  const raw = await client.exportRecords();
  assertEquals(pivotEav(toEav(raw, dictionary), dictionary).toRecords(), raw.toRecords());
  const forms = await readInstruments(client);
  assertEquals(frameHeight(forms.get("f")!), 3);

  assertEquals(
    [...evaluateLogic(data, metadata, "[row] > 15 and [select] = '1' and [lazy(1)] = '1'")],
    [false, true, false],
  );
  assertEquals(frameHeight(checkBranchingLogic(data, metadata)), 0);

  const fields = fieldInfoFromMetadata(metadata);
  ok(htmlTable(data).includes("<th"));
  for (const field of ["select", "lazy", "row", "filter"]) {
    ok(plotField(data, field, fields).spec.mark, field);
  }
  ok(plotMissingness(data).spec);

  const edited = withColumnsFrame(data, pl.lit("x").alias("row"));
  const issues = validateRecords(edited, dictionary);
  assertEquals(issues.map((i) => [i.record, i.field, i.code]), [
    ["1", "row", "bad_integer"],
    ["2", "row", "bad_integer"],
    ["3", "row", "bad_integer"],
  ]);
  const written = await writeRecords(client, data, { batchSize: 1 });
  assertEquals(written.count, 3);
  assertEquals((await readRecords(client)).data.toRecords(), data.toRecords());
});
