import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { clinic, hasCorpus, redcaprDictionary } from "../transform/_fixtures.ts";

Deno.test("DataDictionary.fromMetadata() lists forms with their implicit {form}_complete", () => {
  const { dd } = clinic();
  assertEquals(dd.forms.map((f) => [f.name, f.label]), [
    ["enrollment", "Enrollment"],
    ["visit", "Visit"],
    ["meds", "Medications"],
  ]);
  assertEquals(dd.form("visit")?.fields.at(-1), "visit_complete");
  assertEquals(dd.field("visit_complete")?.type, "form_status");
  assertEquals(dd.choices("visit_complete").map((c) => c.label), [
    "Incomplete",
    "Unverified",
    "Complete",
  ]);
  assertEquals(dd.recordIdField, "record_id");
});

Deno.test("DataDictionary.columns() gives the flat export's columns in REDCap's order", () => {
  const { dd, flat } = clinic();
  assertEquals(dd.columns(), flat.columns);
});

Deno.test("DataDictionary checkbox columns add missing-data codes unless @NOMISSING", () => {
  const { dd } = clinic();
  assertEquals(dd.checkboxColumns("race").map((c) => [c.column, c.code, c.missingCode]), [
    ["race___1", "1", false],
    ["race___2", "2", false],
    ["race____99", "-99", false],
    ["race___abc", "ABC", false],
    ["race___unk", "UNK", true],
    ["race___nask", "NASK", true],
  ]);
  assertEquals(dd.checkboxColumns("route").map((c) => c.column), ["route___1", "route___2"]);
});

Deno.test("DataDictionary uses exportFieldNames for checkbox columns when given", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "c",
      form_name: "f",
      field_type: "checkbox",
      select_choices_or_calculations: "K>=9, big | 1, one",
    },
  ], {
    fieldNames: [
      { original_field_name: "id", choice_value: "", export_field_name: "id" },
      { original_field_name: "c", choice_value: "K>=9", export_field_name: "c___k__9" },
      { original_field_name: "c", choice_value: "1", export_field_name: "c___1" },
    ],
  });
  assertEquals(dd.columns(), ["id", "c___k__9", "c___1", "f_complete"]);
  assertEquals(dd.columnInfo("c___k__9")?.code, "K>=9");
});

Deno.test("DataDictionary knows implicit codings, identifiers, branching and @CALCTEXT", () => {
  const { dd } = clinic();
  assertEquals(dd.choices("consent").map((c) => c.code), ["1", "0"]);
  assertEquals(dd.choices("flag").map((c) => c.label), ["True", "False"]);
  assertEquals(dd.choices("status").map((c) => c.code), ["1", "2", "Fair"]);
  assertEquals(dd.fields.filter((f) => f.identifier).map((f) => f.name), ["name", "dob"]);
  assertEquals(dd.field("status")?.branchingLogic, "[visit_date] <> ''");
  assertEquals(dd.field("calc_text")?.typeInfo.note, "@CALCTEXT");
  ok(dd.field("calc_text")?.calculation.startsWith("@CALCTEXT("));
  assertEquals(dd.field("bmi")?.calculation, "round([weight]/([height]^2),1)");
  assertEquals(dd.field("intro")?.columns, []);
  assertEquals(dd.missingDataCodes.map((m) => m.code), ["UNK", "NASK"]);
});

Deno.test("DataDictionary.columnInfo() describes redcap_* columns and survey timestamps", () => {
  const { dd } = clinic();
  assertEquals(dd.columnInfo("redcap_event_name"), {
    column: "redcap_event_name",
    role: "structural",
  });
  assertEquals(dd.columnInfo("visit_timestamp"), {
    column: "visit_timestamp",
    form: "visit",
    role: "timestamp",
  });
  assertEquals(dd.columnInfo("race___abc")?.field, "race");
  assertEquals(dd.columnInfo("meds_complete")?.role, "form_status");
  assertEquals(dd.columnInfo("nope"), undefined);
});

Deno.test("DataDictionary knows events, designation and repeating setup", () => {
  const { dd } = clinic();
  ok(dd.longitudinal);
  assertEquals(dd.events.map((e) => e.uniqueName), [
    "baseline_arm_1",
    "followup_arm_1",
    "weekly_arm_1",
    "baseline_arm_2",
  ]);
  assertEquals(dd.designatedForms("followup_arm_1"), ["visit", "meds"]);
  ok(dd.isRepeatingForm("meds", "followup_arm_1"));
  ok(!dd.isRepeatingForm("visit", "followup_arm_1"));
  ok(dd.isRepeatingEvent("weekly_arm_1"));
  ok(dd.formRepeats("visit"));
  ok(!dd.formRepeats("enrollment"));
  assertEquals(dd.arms, [{ arm: 1, name: "Main" }, { arm: 2, name: "Screen" }]);
});

Deno.test("DataDictionary.fromMetadata() rejects bad rows naming the row and field", () => {
  throws(
    () => DataDictionary.fromMetadata([{ field_name: "id", form_name: "", field_type: "text" }]),
    (e: Error) =>
      e instanceof TypeError && e.message.includes('row 1 ("id")') &&
      e.message.includes("form_name"),
  );
  throws(() => DataDictionary.fromMetadata([]), RangeError);
  throws(
    () =>
      DataDictionary.fromMetadata([
        { field_name: "id", form_name: "a", field_type: "text" },
        { field_name: "id", form_name: "a", field_type: "text" },
      ]),
    /field "id" appears twice/,
  );
});

Deno.test({
  name: "DataDictionary.fromMetadata() reads REDCapR's UI dictionaries (BOM, display headers)",
  ignore: !hasCorpus,
  fn: () => {
    const simple = redcaprDictionary("simple");
    assertEquals(simple.recordIdField, "record_id");
    assertEquals(simple.checkboxColumns("race").length, 6);
    const odd = redcaprDictionary("potentially-problematic-dictionary");
    ok(odd.fields.length > 1);
    const cb = redcaprDictionary("checkboxes-1");
    ok(cb.columns().some((c) => c.endsWith("___a")));
    const wide = redcaprDictionary("super-wide-1.zip-extracted/super-wide-1");
    ok(wide.columns().length > 3000);
  },
});
