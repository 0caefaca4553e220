import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { pivotEav, toEav } from "../../lib/transform/eav.ts";
import { generate } from "./_generate.ts";
import { clinic, hasCorpus, redcaprData, redcaprDictionary, rows } from "./_fixtures.ts";

Deno.test("pivotEav() gives exactly the flat export of a longitudinal, repeating project", () => {
  const { dd, flat, eav } = clinic();
  const wide = pivotEav(eav, dd);
  assertEquals(wide.columns, flat.columns);
  assertEquals(rows(wide), rows(flat));
});

Deno.test("pivotEav() orders rows by record, event, instrument and instance whatever the EAV order", () => {
  const { dd, flat, eav } = clinic();
  const shuffled = eav.withRowIndex("i").sort("i", true).drop("i");
  const wide = pivotEav(shuffled, dd);
  // Records follow their first appearance in the EAV: reversed here.
  assertEquals(wide.getColumn("record_id").toArray(), ["10", "2", "1", "1", "1", "1", "1", "1"]);
  assertEquals(
    rows(wide.filter(pl.col("record_id").eq(pl.lit("1")))),
    rows(flat.filter(pl.col("record_id").eq(pl.lit("1")))),
  );
});

Deno.test("pivotEav() rejects unknown fields and checkbox codes", () => {
  const { dd } = clinic();
  const eav = (field: string, value: string) =>
    pl.DataFrame({
      record: ["1"],
      redcap_event_name: ["baseline_arm_1"],
      field_name: [field],
      value: [value],
    });
  throws(() => pivotEav(eav("nope", "1"), dd), /field "nope" is not in the data dictionary/);
  throws(() => pivotEav(eav("race", "7"), dd), /checkbox field "race" has no choice code "7"/);
  throws(
    () => pivotEav(pl.DataFrame({ record: ["1"], field_name: ["name"], value: ["x"] }), dd),
    /longitudinal/,
  );
});

Deno.test("pivotEav() rejects repeat instances or events the dictionary does not know", () => {
  const dd = DataDictionary.fromMetadata([{
    field_name: "id",
    form_name: "f",
    field_type: "text",
  }]);
  const repeated = pl.DataFrame({
    record: ["1"],
    redcap_repeat_instrument: ["f"],
    redcap_repeat_instance: ["2"],
    field_name: ["f_complete"],
    value: ["2"],
  });
  throws(() => pivotEav(repeated, dd), /record "1" has repeat instances/);
  const evented = pl.DataFrame({
    record: ["1"],
    redcap_event_name: ["e1_arm_1"],
    field_name: ["f_complete"],
    value: ["2"],
  });
  throws(() => pivotEav(evented, dd), /has event "e1_arm_1" but the dictionary has no events/);
});

Deno.test("toEav() writes REDCap's EAV import shape with checkbox columns as 0/1", () => {
  const { dd, flat } = clinic();
  const eav = toEav(flat, dd);
  assertEquals(eav.columns, [
    "record",
    "field_name",
    "value",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
  ]);
  const meds = rows(
    eav.filter(
      pl.col("redcap_repeat_instance").eq(pl.lit("2")).and(
        pl.col("redcap_repeat_instrument").eq(pl.lit("meds")),
      ),
    ),
  );
  assertEquals(meds.map((r) => [r.field_name, r.value]), [
    ["record_id", "1"],
    ["med_name", "ibuprofen"],
    ["dose", "200"],
    ["calc_text", "high"],
    ["flag", "0"],
    ["route___1", "0"],
    ["route___2", "1"],
    ["meds_complete", "1"],
  ]);
  assertEquals(rows(pivotEav(eav, dd)), rows(flat));
});

Deno.test("toEav() rejects columns that are not fields", () => {
  const { dd, flat } = clinic();
  throws(() => toEav(flat.withColumns(pl.lit("x").alias("other")), dd), /column "other"/);
  throws(() => toEav(flat.drop("record_id"), dd), /record-id column "record_id"/);
});

Deno.test("toEav() then pivotEav() gives back the flat frame (random projects)", () => {
  for (let seed = 1; seed <= 120; seed++) {
    const { dd, flat } = generate(seed);
    const back = pivotEav(toEav(flat, dd), dd);
    try {
      assertEquals(back.columns, flat.columns);
      assertEquals(rows(back), rows(flat));
    } catch (error) {
      console.log(`seed ${seed}`, dd.columns(), flat.toString(), back.toString());
      throw error;
    }
  }
});

Deno.test({
  name: "toEav() then pivotEav() gives back REDCapR's real flat data (simple, longitudinal-free)",
  ignore: !hasCorpus,
  fn: () => {
    for (const tag of ["simple", "validation-types-1", "checkboxes-1", "dag"]) {
      const dd = redcaprDictionary(tag);
      const raw = redcaprData(tag);
      const flat = raw.select(...raw.columns.filter((c) => c !== "redcap_data_access_group"));
      assertEquals(rows(pivotEav(toEav(flat, dd), dd)), rows(flat), tag);
    }
  },
});
