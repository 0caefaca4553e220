/**
 * Typed reads of real REDCap data (the shared corpus) agree with REDCapR's expected outputs,
 * modulo readr's guessing. Documented differences:
 * - readr reads record ids, codes (radio, dropdown, form status) and checkbox 0/1 as doubles;
 *   we keep ids as strings, codes as Categorical strings and checkboxes as Booleans (compared
 *   as numbers here);
 * - readr reads `time` fields as seconds (hms); we keep `HH:MM[:SS]` strings;
 * - with `decimal_mark=","`, readr also reads dot-decimal calc values as integers (`22.1` →
 *   221); we read comma decimals only for `*_comma_decimal` validations;
 * - readr trims leading/trailing whitespace of text (`trim_ws`); we keep it as exported;
 * - the longitudinal `data.csv` (the load file) has runs of spaces where the export has line
 *   breaks, so text is compared with whitespace collapsed;
 * - EAV exports give a file field's doc id, flat exports its file name (quirk 10).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { checkboxSuffix } from "../../lib/dictionary/choices.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { castRecords } from "../../lib/transform/cast.ts";
import { pivotEav } from "../../lib/transform/eav.ts";
import { splitInstruments } from "../../lib/transform/split_instruments.ts";
import { parseCsvObjects } from "../../lib/parse/csv_rows.ts";
import {
  corpusText,
  hasCorpus,
  readRFrame,
  redcaprData,
  redcaprDictionary,
  type RFrame,
  rows,
} from "./_fixtures.ts";

const R = "OuhscBbmc/REDCapR/inst/test-data/";
const T = "CHOP-CGTInformatics/REDCapTidieR/inst/testdata/";

/** R frame → row objects (column-major to row-major). */
function rRows(frame: RFrame): Record<string, unknown>[] {
  return Array.from(
    { length: frame.nrow },
    (_, i) => Object.fromEntries(frame.columns.map((c) => [c.name, c.values[i]])),
  );
}

/** R frame → string frame (for metadata and EAV, which are all character). */
function rStrings(frame: RFrame): pl.DataFrame {
  return pl.DataFrame(
    Object.fromEntries(
      frame.columns.map((c) => [c.name, c.values.map((v) => v === null ? null : String(v))]),
    ),
    { schema: Object.fromEntries(frame.columns.map((c) => [c.name, pl.String])) },
  );
}

/** Whether a typed value agrees with readr's guess. */
function agree(actual: unknown, expected: unknown): boolean {
  if (expected === null) return actual === null;
  if (actual === null || actual === undefined) return false;
  if (actual instanceof Date) return actual.toISOString().startsWith(String(expected));
  if (typeof expected === "number") return Math.abs(Number(actual) - expected) < 1e-9;
  // readr trims leading and trailing whitespace (trim_ws = TRUE); REDCap keeps it. The
  // longitudinal data.csv (a load file) has spaces where the server's export has line breaks.
  const norm = (v: unknown) => String(v).replace(/\s+/g, " ").trim();
  return norm(actual) === norm(expected);
}

/** Columns where any row disagrees. */
function disagreements(data: pl.DataFrame, expected: RFrame): string[] {
  const got = rows(data);
  const bad = new Set<string>();
  expected.columns.forEach((c) => {
    c.values.forEach((v, i) => {
      if (!agree(got[i]?.[c.name], v)) bad.add(c.name);
    });
  });
  return [...bad];
}

function metadataRows(path: string): Record<string, unknown>[] {
  const seen = new Set<string>();
  return rRows(readRFrame(path)).filter((r) => {
    const name = r.field_name as string;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

Deno.test({
  name: "pivotEav() + castRecords() of REDCapR's real EAV export agree with its flat read",
  ignore: !hasCorpus,
  fn: () => {
    const dd = DataDictionary.fromMetadata(
      metadataRows(`${R}specific-redcapr/metadata-read/normal.R.json`),
    );
    const eav = rStrings(readRFrame(`${R}specific-redcapr/read-eav-oneshot/default.R.json`));
    const expected = readRFrame(`${R}specific-redcapr/read-oneshot/default.R.json`);
    const wide = pivotEav(eav, dd);
    assertEquals(wide.columns, expected.columns.map((c) => c.name));
    const { data, invalid } = castRecords(wide, dd);
    assertEquals(invalid.height, 0);
    assertEquals(disagreements(data, expected), ["mugshot"]); // doc id in EAV, file name in flat
    assertEquals(String(data.getColumn("dob").dtype), String(pl.Date));
    assertEquals(data.getColumn("race___5").toArray(), [true, true, true, true, false]);
  },
});

Deno.test({
  name: "castRecords() of REDCapR's longitudinal data.csv agrees with its expected read",
  ignore: !hasCorpus,
  fn: () => {
    const events = parseCsvObjects(corpusText(`${R}projects/longitudinal/event.csv`));
    const dd = DataDictionary.fromMetadata(
      parseCsvObjects(corpusText(`${R}projects/longitudinal/dictionary.csv`)),
      {
        events: events.map((e) => ({
          event_name: e.event_name,
          unique_event_name: e.unique_event_name,
          arm_num: Number(e.arm_num),
        })),
      },
    );
    const { data, invalid } = castRecords(redcaprData("longitudinal"), dd);
    assertEquals(invalid.height, 0);
    const expected = readRFrame(`${R}projects/longitudinal/expected/default.R.json`);
    assertEquals(data.columns, expected.columns.map((c) => c.name));
    assertEquals(disagreements(data, expected), []);
    ok(data.columns.includes("gym___0"));
  },
});

Deno.test({
  name: "castRecords() reads decimal commas that readr misreads under its default locale",
  ignore: !hasCorpus,
  fn: () => {
    const dd = redcaprDictionary("decimal-comma", "dictionay.csv");
    const { data, invalid } = castRecords(redcaprData("decimal-comma"), dd);
    assertEquals(invalid.height, 0);
    const expected = readRFrame(`${R}projects/decimal-comma/redcapr-specific/set-locale.R.json`);
    // readr with decimal_mark="," also turns the dot-decimal calc "22.1" into 221.
    assertEquals(disagreements(data, expected), ["bmi"]);
    assertEquals(data.getColumn("height").toArray().slice(0, 2), [1.54, 1.84]);
    assertEquals(data.getColumn("bmi").toArray()[0], 22.1);
  },
});

Deno.test({
  name: "castRecords() types every validation type of REDCapR's validation-types project",
  ignore: !hasCorpus,
  fn: () => {
    const dd = redcaprDictionary("validation-types-1");
    const { data, invalid, notes } = castRecords(redcaprData("validation-types-1"), dd);
    assertEquals(rows(invalid), []);
    assertEquals(notes, []);
    const t = Object.fromEntries(data.columns.map((c, i) => [c, String(data.dtypes[i])]));
    assertEquals(t.v_date_dmy, String(pl.Date));
    assertEquals(t.v_datetime_seconds_mdy, String(pl.Datetime("ms")));
    assertEquals(t.v_integer, String(pl.Int64));
    assertEquals(t.f_checkbox___0, String(pl.Bool));
  },
});

Deno.test({
  name:
    "castRecords() reports values that fail later-added validation (potentially-problematic-values)",
  ignore: !hasCorpus,
  fn: () => {
    const dd = redcaprDictionary("potentially-problematic-values");
    const { invalid } = castRecords(redcaprData("potentially-problematic-values"), dd);
    ok(invalid.height > 0);
    ok(rows(invalid).every((r) => typeof r.reason === "string" && typeof r.field === "string"));
  },
});

Deno.test({
  name: "castRecords() handles the 3,004-column super-wide project",
  ignore: !hasCorpus,
  fn: () => {
    const dd = redcaprDictionary("super-wide-1.zip-extracted/super-wide-1");
    const raw = redcaprData("super-wide-1.zip-extracted/super-wide-1");
    assertEquals(raw.width, 3004);
    const { data, invalid, notes } = castRecords(raw, dd);
    assertEquals(data.width, 3004);
    assertEquals(notes, []);
    assertEquals(invalid.height, 0);
  },
});

Deno.test({
  name: "DataDictionary names REDCapTidieR's checkbox columns (-99, Aa, B1b) as REDCap does",
  ignore: !hasCorpus,
  fn: () => {
    const dd = DataDictionary.fromMetadata(metadataRows(`${T}db_metadata_classic.RDS.json`), {
      repeating: [{ form_name: "repeated" }, { form_name: "repeat_survey" }],
    });
    const data = readRFrame(`${T}db_data_classic.RDS.json`);
    // REDCapTidieR renamed `____99` back to `___-99`; undo it with REDCap's rule.
    const names = data.columns.map((c) => {
      const m = /^(.*?)___(.*)$/.exec(c.name);
      return m ? `${m[1]}___${checkboxSuffix(m[2])}` : c.name;
    });
    ok(names.includes("checkbox_multiple____99"));
    ok(names.includes("checkbox_multiple_2___aa"));
    const columns = new Set(dd.columns());
    assertEquals(names.filter((n) => !columns.has(n)), []);
    assertEquals(dd.checkboxColumns("checkbox_multiple_2").map((c) => c.code), [
      "Aa",
      "B1b",
      "Ccc2",
      "3dddd",
      "4eeee5",
    ]);
  },
});

Deno.test({
  name: "splitInstruments() on REDCapTidieR's mixed structure separates repeating and plain rows",
  ignore: !hasCorpus,
  fn: () => {
    const meta = metadataRows(`${T}db_metadata_mixed_structure.RDS.json`);
    const mapping = rRows(readRFrame(`${T}db_mixed_structure_linked_arms.RDS.json`));
    const data = readRFrame(`${T}db_mixed_structure.RDS.json`);
    const dataRows = rRows(data);
    // Repeating setup is not in the fixtures: read it off the data (instrument per event).
    const repeating = [
      ...new Set(
        dataRows.filter((r) => r.redcap_repeat_instrument).map((r) =>
          `${r.redcap_event_name}|${r.redcap_repeat_instrument}`
        ),
      ),
    ].map((k) => ({ event_name: k.split("|")[0], form_name: k.split("|")[1] }));
    const events = [...new Set(mapping.map((m) => m.unique_event_name as string))].map((e) => ({
      event_name: e,
      unique_event_name: e,
      arm_num: Number(mapping.find((m) => m.unique_event_name === e)!.arm_num ?? 1),
    }));
    const dd = DataDictionary.fromMetadata(meta, {
      events,
      formEventMapping: mapping.map((m) => ({
        unique_event_name: m.unique_event_name as string,
        form: m.form as string,
      })),
      repeating,
    });
    const flat = pl.DataFrame(
      Object.fromEntries(
        data.columns.map((c) => [c.name, c.values.map((v) => v === null ? null : String(v))]),
      ),
      { schema: Object.fromEntries(data.columns.map((c) => [c.name, pl.String])) },
    );
    const forms = splitInstruments(flat, dd);
    // mixed_structure_form is plain in event_1 and a repeating instrument in event_2.
    assertEquals(rows(forms.get("mixed_structure_form")!), [
      {
        record_id: "1",
        redcap_event_name: "event_1_arm_1",
        redcap_repeat_instance: null,
        mixed_structure_1: "Mixed Nonrepeat 1",
        mixed_structure_form_complete: "0",
      },
      {
        record_id: "1",
        redcap_event_name: "event_2_arm_1",
        redcap_repeat_instance: "1",
        mixed_structure_1: "Mixed Repeat 1",
        mixed_structure_form_complete: "0",
      },
      {
        record_id: "1",
        redcap_event_name: "event_2_arm_1",
        redcap_repeat_instance: "2",
        mixed_structure_1: "Mixed Repeat 2",
        mixed_structure_form_complete: "0",
      },
    ]);
    assertEquals(forms.get("repeat_form")!.getColumn("repeat_1").toArray(), [
      "Repeat 1",
      "Repeat 2",
    ]);
    assertEquals(forms.get("nonrepeat_form")!.getColumn("nonrepeat_1").toArray(), [
      "Nonrepeat 1",
      "Nonrepeat 2",
    ]);
  },
});

Deno.test({
  name: "castRecords() types survey timestamps and lists [not completed] as missing",
  ignore: !hasCorpus,
  fn: () => {
    const raw = redcaprData("survey");
    const surveyForms = raw.columns.filter((c) => c.endsWith("_timestamp")).map((c) =>
      c.slice(0, -"_timestamp".length)
    );
    const dd = DataDictionary.fromMetadata(
      parseCsvObjects(corpusText(`${R}projects/survey/dictionary.csv`)),
      { surveyForms },
    );
    // Survey columns: identifier after the id, each timestamp before its form's fields.
    assertEquals(dd.columns({ surveyFields: true }), raw.columns);
    const { data, invalid, missing } = castRecords(raw, dd);
    assertEquals(invalid.height, 0);
    assertEquals(
      String(data.getColumn("prescreening_survey_timestamp").dtype),
      String(pl.Datetime("ms")),
    );
    assertEquals(
      (rows(data)[0].prescreening_survey_timestamp as Date).toISOString(),
      "2018-03-06T15:52:43.000Z",
    );
    assertEquals(rows(missing), [{
      record: "1",
      event: null,
      instance: null,
      field: "participant_morale_questionnaire_timestamp",
      code: "[not completed]",
    }]);
    const forms = splitInstruments(data, dd);
    assertEquals(forms.get("prescreening_survey")!.columns.slice(0, 2), [
      "participant_id",
      "prescreening_survey_timestamp",
    ]);
  },
});

Deno.test({
  name: "castRecords() keeps DAG-prefixed record ids and the DAG column as strings",
  ignore: !hasCorpus,
  fn: () => {
    const dd = redcaprDictionary("dag");
    const { data, invalid } = castRecords(redcaprData("dag"), dd);
    assertEquals(invalid.height, 0);
    assertEquals(data.getColumn("record_id").toArray().slice(0, 2), ["331-1", "331-2"]);
    assertEquals(data.getColumn("redcap_data_access_group").toArray()[0], "daga");
    assertEquals(splitInstruments(data, dd).get("demographics")!.columns.slice(0, 2), [
      "record_id",
      "redcap_data_access_group",
    ]);
  },
});
