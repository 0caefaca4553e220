/** checkBranchingLogic(): values hidden by branching logic, required fields left blank. */
import { deepStrictEqual, ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { checkBranchingLogic } from "../../lib/logic/branching.ts";
import { type FieldMetadata, fieldMetadata } from "../../lib/dictionary/metadata.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { demoFrames } from "./_demo_frames.ts";

Deno.test("checkBranchingLogic() reports hidden values and required fields left blank", () => {
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "demo", field_type: "text" }),
    fieldMetadata({
      field_name: "sex",
      form_name: "demo",
      field_type: "radio",
      required_field: "y",
    }),
    fieldMetadata({
      field_name: "pregnant",
      form_name: "demo",
      field_type: "yesno",
      branching_logic: "[sex] = '0'",
      required_field: "y",
    }),
    fieldMetadata({
      field_name: "symptoms",
      form_name: "demo",
      field_type: "checkbox",
      branching_logic: "[pregnant] = '1'",
    }),
    fieldMetadata({
      field_name: "weight",
      form_name: "visit",
      field_type: "text",
      required_field: "y",
    }),
  ];
  const df = pl.DataFrame({
    record_id: ["1", "2", "3", "4"],
    redcap_event_name: ["e1", "e1", "e1", "e2"],
    sex: ["1", "0", "0", ""],
    pregnant: ["1", "", "0", ""],
    symptoms___1: ["1", "0", "1", "0"],
    symptoms___2: ["1", "0", "0", "0"],
    demo_complete: ["2", "2", "0", ""],
    weight: ["", "", "", "70"],
    visit_complete: ["", "", "", "2"],
  });
  // Record 1: `pregnant` is hidden (sex 1) but holds 1, so `symptoms` is shown: REDCap
  // evaluates branching logic on stored values, hidden or not. Row 4 has no demo data.
  const issues = checkBranchingLogic(df, metadata);
  deepStrictEqual(issues.columns, ["record", "event", "instance", "field", "value", "issue"]);
  const rows = issues.toRecords().map((r) =>
    `${r.record}|${r.event}|${r.field}|${r.value}|${r.issue}`
  );
  deepStrictEqual(rows.sort(), [
    "1|e1|pregnant|1|hidden_value",
    "2|e1|pregnant||required_missing",
    "3|e1|symptoms|1|hidden_value",
  ]);
  // The DataDictionary an analyst holds works the same as its metadata rows.
  const fromDictionary = checkBranchingLogic(df, DataDictionary.fromMetadata(metadata));
  deepStrictEqual(fromDictionary.toRecords(), issues.toRecords());
});

Deno.test("checkBranchingLogic() reports the same issues with labels as with codes", async () => {
  const { frames, metadata } = await demoFrames();
  const issues = (labels: string, md: FieldMetadata[]) =>
    checkBranchingLogic(frames[labels], md).toRecords().map((r) => JSON.stringify(r)).sort();
  // The demo's own branching logic holds everywhere: a labelled frame must not say otherwise.
  deepStrictEqual(issues("code", metadata), []);
  deepStrictEqual(issues("label", metadata), []);
  deepStrictEqual(issues("both", metadata), []);
  // Branching logic on radio, yesno, checkbox and form-status fields that some rows break.
  const logic: Record<string, string> = {
    ethnicity: "[sex] = '1'",
    race: "[ethnicity] = '2' and [consent] = '1'",
    smoker: "[race(5)] = '1' or [enrollment_complete] = 2",
    ae_severity: "[ae_serious] = '1'",
    qol_pain: "[qol_mobility] > 1",
    withdrawal_reason: "[completed_study] = '1'",
  };
  const changed = metadata.map((m) =>
    m.field_name in logic ? { ...m, branching_logic: logic[m.field_name], required_field: "y" } : m
  );
  const code = issues("code", changed);
  const kinds = new Set(code.map((r) => JSON.parse(r).issue));
  ok(kinds.has("hidden_value") && kinds.has("required_missing"), [...kinds].join());
  deepStrictEqual(issues("label", changed), code);
  deepStrictEqual(issues("both", changed), code);
});
