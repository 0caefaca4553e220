import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pl from "../../lib/deps/polars.ts";
import { plotField } from "../../lib/plot/auto.ts";
import { type ChartField, chartField, fieldInfoFromMetadata } from "../../lib/plot/field_info.ts";
import {
  plotCheckboxes,
  plotChoices,
  plotFormCompletion,
  plotHistogram,
  plotMissingness,
  plotTimeline,
} from "../../lib/plot/vega_lite.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";

const FIELDS: ChartField[] = [
  {
    name: "sex",
    label: "Sex",
    type: "choice",
    choices: [{ code: "1", label: "Female" }, { code: "2", label: "Male" }],
  },
  {
    name: "race",
    label: "Race",
    type: "checkbox",
    choices: [{ code: "1", label: "White" }, { code: "2", label: "Asian" }],
  },
  { name: "bmi", label: "Body mass index", type: "number" },
  { name: "dob", label: "Date of birth", type: "date" },
  { name: "city", label: "City", type: "text" },
  {
    name: "intake_complete",
    label: "Intake complete?",
    type: "form_status",
    choices: [{ code: "0", label: "Incomplete" }, { code: "2", label: "Complete" }],
  },
];

function frame(): pl.DataFrame {
  return pl.DataFrame({
    sex: ["2", "1", "2"],
    race___1: [true, false, true],
    race___2: [false, true, true],
    bmi: [22.5, 31.2, 27],
    dob: pl.Series("dob", [new Date("1980-01-02"), new Date("1990-06-07"), null]).cast(pl.Date),
    city: ["Oslo", "Lima", "Oslo"],
    intake_complete: ["2", "0", "2"],
    n: pl.Series("n", [1, 2, 3]).cast(pl.Int32),
    flag: [true, false, null],
  });
}

Deno.test("plotField() picks the chart from the field's type", async () => {
  const df = frame();
  const kind = (field: string) => {
    const c = plotField(df, field, FIELDS);
    const e = encodingOf(c);
    return [
      e.x2 ? (e.x.type === "temporal" ? "dates" : "histogram") : "bars",
      e.x.title ?? e.y.title,
    ];
  };
  deepStrictEqual(kind("sex"), ["bars", "Sex"]);
  deepStrictEqual(kind("race"), ["bars", "Race"]);
  deepStrictEqual(kind("bmi"), ["histogram", "Body mass index"]);
  deepStrictEqual(kind("dob"), ["dates", "Date of birth"]);
  deepStrictEqual(kind("city"), ["bars", "City"]);
  deepStrictEqual(kind("intake_complete"), ["bars", "Intake complete?"]);
  deepStrictEqual(encodingOf(plotField(df, "sex", FIELDS)).x.sort, ["Female", "Male"]);
  deepStrictEqual(valuesOf(plotField(df, "race", FIELDS)).map((v: Json) => v.option), [
    "White",
    "Asian",
  ]);
  for (const f of FIELDS) await assertRenders(plotField(df, f.name, FIELDS), ["rect"]);
});

Deno.test("plots take the DataDictionary and a field name, and find label, kind and choices", () => {
  const metadata = [
    { field_name: "record_id", form_name: "intake", field_type: "text" },
    {
      field_name: "sex",
      form_name: "intake",
      field_type: "radio",
      field_label: "<b>Sex</b>",
      select_choices_or_calculations: "1, Female | 2, Male",
    },
    {
      field_name: "race",
      form_name: "intake",
      field_type: "checkbox",
      field_label: "Race",
      select_choices_or_calculations: "1, White | 2, Asian",
    },
    {
      field_name: "bmi",
      form_name: "intake",
      field_type: "text",
      field_label: "Body mass index",
      text_validation_type_or_show_slider_number: "number",
    },
    {
      field_name: "dob",
      form_name: "intake",
      field_type: "text",
      field_label: "Date of birth",
      text_validation_type_or_show_slider_number: "date_ymd",
    },
  ];
  const dictionary = DataDictionary.fromMetadata(metadata, {
    instruments: [{ instrument_name: "intake", instrument_label: "Intake form" }],
  });
  const rows = fieldInfoFromMetadata(metadata.map((m) => ({ field_label: "", ...m })));
  const df = frame();
  for (const name of ["sex", "race", "bmi", "dob"]) {
    deepStrictEqual(plotField(df, dictionary, name).spec, plotField(df, name, rows).spec, name);
  }
  deepStrictEqual(
    plotHistogram(df, dictionary, "bmi").spec,
    plotHistogram(df, rows.find((f) => f.name === "bmi")!).spec,
  );
  deepStrictEqual(
    plotChoices(df, dictionary, "sex", { title: "S" }).spec,
    plotChoices(df, rows.find((f) => f.name === "sex")!, { title: "S" }).spec,
  );
  deepStrictEqual(
    plotCheckboxes(df, dictionary, "race").spec,
    plotCheckboxes(df, rows.find((f) => f.name === "race")!).spec,
  );
  // A `by` naming a dictionary field takes its label and choice order (legend title, colors).
  deepStrictEqual(
    encodingOf(plotCheckboxes(df, dictionary, "race", { by: "sex" })),
    encodingOf(
      plotCheckboxes(df, dictionary, "race", { by: "sex", byInfo: chartField(dictionary, "sex") }),
    ),
  );
  strictEqual(encodingOf(plotHistogram(df, dictionary, "bmi", { by: "sex" })).color.title, "Sex");
  // The form status field takes the instrument's label.
  strictEqual(chartField(dictionary, "intake_complete").label, "Intake form complete?");
  strictEqual(
    encodingOf(plotField(df, dictionary, "intake_complete")).x.title,
    "Intake form complete?",
  );
  throws(
    () => plotField(df, dictionary, "nope"),
    /Cannot plot field "nope": the data dictionary has no such field/,
  );
  throws(() => plotHistogram(df, dictionary, undefined as never), /pass the field's name/);
});

Deno.test("plotField() guesses the type from the dtype when no description is given", () => {
  const df = frame();
  const n = valuesOf(plotField(df, "n"));
  ok(n.every((v: Json) => Number.isInteger(v.start) && v.end - v.start >= 1), "whole-number bins");
  deepStrictEqual(encodingOf(plotField(df, "flag")).x.sort, ["Yes", "No"]);
  const race = plotField(df, "race");
  deepStrictEqual(valuesOf(race).map((v: Json) => [v.option, v.count]), [["1", 2], ["2", 2]]);
  throws(() => plotField(df, "nope"), /Cannot plot field "nope": the frame has no column "nope"/);
  throws(() => plotField(df, "sex", FIELDS[2]), /the description given is for "bmi"/);
});

// Real REDCap output: a longitudinal project with repeating events and 800 rows (raw JSON).
const CORPUS = new URL("../../../shared/redcap-corpus/", import.meta.url);
const PROJECT = new URL("IUREDCap/redcap-etl/tests/data/projects/repeating-events.json", CORPUS);
const haveCorpus = existsSync(fileURLToPath(PROJECT));
if (!haveCorpus) {
  console.log("redcap-corpus not found beside the checkout: skipping corpus plot tests");
}

Deno.test({
  name: "plotField() charts every field of a real longitudinal export in dictionary order",
  ignore: !haveCorpus,
  fn: async () => {
    const dump = JSON.parse(await Deno.readTextFile(PROJECT));
    const fields = fieldInfoFromMetadata(dump.metadata);
    const rows = (dump.records as Record<string, unknown>[]).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === "" ? null : String(v)]))
    );
    const df = pl.DataFrame(rows);
    strictEqual(df.height, 800);
    const gender = plotField(df, "gender", fields);
    deepStrictEqual(encodingOf(gender).x.sort, ["male", "female"]);
    const counted = valuesOf(gender).reduce((s: number, v: Json) => s + v.count, 0);
    strictEqual(counted, df.getColumn("gender").dropNulls().len());
    const race = plotField(df, "race", fields);
    const raceInfo = fields.find((f) => f.name === "race")!;
    deepStrictEqual(
      valuesOf(race).map((v: Json) => v.option),
      raceInfo.choices!.map((c) => c.label),
    );
    strictEqual(
      valuesOf(race).find((v: Json) => v.option === raceInfo.choices![4].label).count,
      rows.filter((r) => r.race___4 === "1").length,
    );
    for (const f of fields) {
      if (f.type === "text" && f.name !== "record_id") continue; // names, phones: not worth a chart
      const c = plotField(df, f.name, fields);
      await assertRenders(c, ["rect"]);
      const axisTitles = [encodingOf(c).x.title, encodingOf(c).y.title];
      ok(axisTitles.includes(f.label), `${f.name} is titled by its label`);
    }
    const timeline = plotTimeline(df, fields.find((f) => f.name === "weight_kg")!, {
      summary: "mean",
    });
    ok(valuesOf(timeline).length > 0);
    await assertRenders(timeline, ["line"]);
    // This export holds enrollment_complete = 0 in visit rows, where the form is not designated.
    const unmapped = valuesOf(plotFormCompletion(df)).filter((v: Json) => v.form === "Enrollment");
    ok(unmapped.some((v: Json) => v.event === "visit_arm_1"));
    const completion = plotFormCompletion(df, { formEventMapping: dump.instrumentEventMappings });
    const enrollment = valuesOf(completion).filter((v: Json) => v.form === "Enrollment");
    deepStrictEqual(enrollment.map((v: Json) => v.event), [
      "enrollment_arm_1",
      "enrollment_arm_2",
      "enrollment_arm_3",
    ]);
    await assertRenders(completion, ["rect", "text"]);
    await assertRenders(plotMissingness(df, { fields }), ["rect"]);
  },
});
