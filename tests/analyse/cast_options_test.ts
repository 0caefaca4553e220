/** Casting the user adjusts: extra NA values (global, per field), type overrides, @NOMISSING. */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { castRecords, DataDictionary, readRecords } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

const dd = DataDictionary.fromMetadata([
  { field_name: "id", form_name: "f", field_type: "text" },
  {
    field_name: "age",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "integer",
  },
  {
    field_name: "weight",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "number",
    field_annotation: "@NOMISSING",
  },
  { field_name: "code", form_name: "f", field_type: "text" },
], { projectInfo: { missing_data_codes: "UNK, Unknown" } });

const raw = pl.DataFrame({
  id: ["1", "2", "3", "4"],
  age: ["40", "UNK", "-99", "x"],
  weight: ["70.5", "UNK", "999", "-99"],
  code: ["007", "-99", "N/A", "12"],
  f_complete: ["2", "0", "0", "0"],
});

Deno.test("castRecords() honours @NOMISSING: a project code there is an invalid value", () => {
  const { data, invalid, missing } = castRecords(raw, dd);
  deepStrictEqual(data.getColumn("weight").toArray(), [70.5, null, 999, -99]);
  deepStrictEqual(
    missing.toRecords().map((r) => [r.record, r.field, r.code]),
    [["2", "age", "UNK"]],
  );
  ok(invalid.toRecords().some((r) => r.field === "weight" && r.value === "UNK"));
});

Deno.test("castRecords({ naValues }) reads extra values as missing, globally and per field", () => {
  const global = castRecords(raw, dd, { naValues: ["-99", "N/A"] });
  deepStrictEqual(global.data.getColumn("age").toArray(), [40, null, null, null]);
  deepStrictEqual(global.data.getColumn("code").toArray(), ["007", null, null, "12"]);
  // @NOMISSING: the global values do not apply to weight.
  strictEqual(global.data.getColumn("weight").toArray()[3], -99);
  deepStrictEqual(
    global.missing.toRecords().map((r) => `${r.record}:${r.field}=${r.code}`).sort(),
    ["2:age=UNK", "2:code=-99", "3:age=-99", "3:code=N/A"],
  );
  // Values that are neither cast nor missing are still invalid.
  deepStrictEqual(global.invalid.toRecords().map((r) => [r.field, r.value]), [["age", "x"], [
    "weight",
    "UNK",
  ]]);
  const perField = castRecords(raw, dd, { naValues: { weight: ["999"] } });
  deepStrictEqual(perField.data.getColumn("weight").toArray(), [70.5, null, null, -99]);
  ok(perField.missing.toRecords().some((r) => r.field === "weight" && r.code === "999"));
  throws(() => castRecords(raw, dd, { naValues: { wieght: ["1"] } }), /naValues names "wieght"/);
});

Deno.test("castRecords({ types }) reads a field as another kind, reporting what does not cast", () => {
  const { data, invalid } = castRecords(raw, dd, { types: { code: "integer", age: "string" } });
  ok(data.getColumn("code").dtype.equals(pl.Int64));
  deepStrictEqual(data.getColumn("code").toArray(), [7, -99, null, 12]);
  deepStrictEqual(data.getColumn("age").toArray(), ["40", null, "-99", "x"]);
  deepStrictEqual(invalid.toRecords().filter((r) => r.field === "code").map((r) => r.value), [
    "N/A",
  ]);
  throws(() => castRecords(raw, dd, { types: { f_complete: "string" } }), /form_status field/);
  // deno-lint-ignore no-explicit-any
  throws(() => castRecords(raw, dd, { types: { age: "time" as any } }), /must be one of/);
});

Deno.test("readRecords() passes naValues and types to the cast (demo)", async () => {
  const client = clientOf();
  const plain = await readRecords(client, { fields: ["sbp", "zipcode"] });
  const sbp = plain.data.getColumn("sbp").toArray().find((v) => v !== null);
  const { data, missing } = await readRecords(client, {
    fields: ["sbp", "zipcode"],
    naValues: { sbp: [String(sbp)] },
    types: { zipcode: "integer" },
  });
  ok(!(data.getColumn("sbp").toArray() as unknown[]).includes(sbp));
  ok(missing.toRecords().some((r) => r.field === "sbp" && r.code === String(sbp)));
  ok(data.getColumn("zipcode").dtype.equals(pl.Int64));
});

Deno.test({
  name: "castRecords({ types }) on REDCapR's validation-types-1 Project XML",
  ignore: NO_CORPUS,
  fn: async () => {
    const path =
      `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/validation-types-1/project.xml`;
    const client = clientOf(path);
    const { dictionary } = await readRecords(client);
    const dates = dictionary.fields.filter((f) => f.typeInfo.kind === "date").map((f) => f.name);
    ok(dates.length > 0);
    const { data, invalid } = await readRecords(client, {
      types: Object.fromEntries(dates.map((d) => [d, "string"])),
    });
    for (const d of dates) ok(data.getColumn(d).dtype.equals(pl.String), d);
    strictEqual(invalid.getColumn("record").len(), 0);
  },
});
