import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { castRecords } from "../../lib/transform/cast.ts";
import { splitInstruments } from "../../lib/transform/split_instruments.ts";
import { columnLabels, labelRecords } from "../../lib/transform/label.ts";
import { clinic, rows } from "./_fixtures.ts";

Deno.test("splitInstruments() gives one frame per form at its own grain", () => {
  const { dd, flat } = clinic();
  const forms = splitInstruments(flat, dd);
  assertEquals([...forms.keys()], ["enrollment", "visit", "meds"]);
  const enrollment = forms.get("enrollment")!;
  assertEquals(enrollment.columns.slice(0, 3), ["record_id", "redcap_event_name", "name"]);
  assertEquals(rows(enrollment.select("record_id", "redcap_event_name")), [
    { record_id: "1", redcap_event_name: "baseline_arm_1" },
    { record_id: "2", redcap_event_name: "baseline_arm_1" },
    { record_id: "10", redcap_event_name: "baseline_arm_2" },
  ]);
});

Deno.test("splitInstruments() keeps a form's non-repeating and repeating-event rows together", () => {
  const { dd, flat } = clinic();
  const visit = splitInstruments(flat, dd).get("visit")!;
  // visit is plain in baseline/followup and repeats as part of the weekly event.
  assertEquals(visit.columns.slice(0, 3), [
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instance",
  ]);
  assertEquals(
    rows(visit.select("record_id", "redcap_event_name", "redcap_repeat_instance", "visit_date")),
    [
      {
        record_id: "1",
        redcap_event_name: "baseline_arm_1",
        redcap_repeat_instance: null,
        visit_date: "2020-01-02",
      },
      {
        record_id: "1",
        redcap_event_name: "followup_arm_1",
        redcap_repeat_instance: null,
        visit_date: "2020-02-02",
      },
      {
        record_id: "1",
        redcap_event_name: "weekly_arm_1",
        redcap_repeat_instance: "1",
        visit_date: "2020-03-01",
      },
      {
        record_id: "1",
        redcap_event_name: "weekly_arm_1",
        redcap_repeat_instance: "2",
        visit_date: "2020-03-08",
      },
      {
        record_id: "2",
        redcap_event_name: "baseline_arm_1",
        redcap_repeat_instance: null,
        visit_date: "2021-02-30",
      },
    ],
  );
});

Deno.test("splitInstruments() takes a repeating instrument's own rows only", () => {
  const { dd, flat } = clinic();
  const meds = splitInstruments(castRecords(flat, dd).data, dd).get("meds")!;
  assertEquals(meds.columns, [
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instance",
    "med_name",
    "dose",
    "calc_text",
    "flag",
    "route___1",
    "route___2",
    "doc",
    "meds_complete",
  ]);
  assertEquals(meds.getColumn("med_name").toArray(), ["aspirin", "ibuprofen"]);
  assertEquals(meds.getColumn("redcap_repeat_instance").toArray(), [1, 2]);
  assertEquals(columnLabels(meds).dose, "Dose (mg)");
});

Deno.test("splitInstruments() drops rows where all the form's fields are blank unless asked", () => {
  const { dd, flat } = clinic();
  // Blank record 10's enrollment fields: unchecked boxes and `_complete` do not count as data.
  const isTen = pl.col("record_id").eq(pl.lit("10"));
  const blanked = flat.withColumns(
    ...["name", "dob", "enroll_dt"].map((c) =>
      pl.when(isTen).then(pl.lit(null)).otherwise(pl.col(c)).alias(c)
    ),
  );
  const dropped = splitInstruments(blanked, dd).get("enrollment")!;
  assertEquals(dropped.getColumn("record_id").toArray(), ["1", "2"]);
  const kept = splitInstruments(blanked, dd, { forms: ["enrollment"], keepEmptyRows: true });
  assertEquals([...kept.keys()], ["enrollment"]);
  assertEquals(kept.get("enrollment")!.getColumn("record_id").toArray(), ["1", "2", "10"]);
  throws(() => splitInstruments(flat, dd, { forms: ["nope"] }), /unknown form "nope"/);
  throws(() => splitInstruments(flat.drop("record_id"), dd), /record-id column/);
});

Deno.test("splitInstruments() keeps list checkboxes and __label columns of labelled frames", () => {
  const { dd, flat } = clinic();
  const labelled = labelRecords(flat, dd, { labels: "both", checkboxes: "list" });
  const enrollment = splitInstruments(labelled, dd).get("enrollment")!;
  assertEquals(enrollment.columns, [
    "record_id",
    "redcap_event_name",
    "name",
    "dob",
    "sex",
    "sex__label",
    "consent",
    "consent__label",
    "race",
    "zip",
    "enroll_dt",
    "enrollment_complete",
    "enrollment_complete__label",
  ]);
  assertEquals(enrollment.getColumn("race").toArray()[0], ["White", "Other"]);
});
