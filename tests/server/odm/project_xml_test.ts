import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { ProjectModel } from "../../../lib/server/model.ts";
import { readProjectXml } from "../../../lib/server/odm/project_xml.ts";
import { type FieldMetadata, METADATA_COLUMNS } from "../../../lib/server/project.ts";

const FIXTURE = new URL("../../fixtures/odm/longitudinal.xml", import.meta.url);
const CORPUS = new URL("../../../../shared/redcap-corpus/", import.meta.url);
const hasCorpus = (() => {
  try {
    return Deno.statSync(CORPUS).isDirectory;
  } catch {
    return false;
  }
})();
if (!hasCorpus) {
  console.log(`Skipping corpus tests of readProjectXml(): ${CORPUS.pathname} is absent`);
}
const REDCAPR = "OuhscBbmc/REDCapR/inst/test-data/projects/";
const ETL = "IUREDCap/redcap-etl/tests/";
const PYCAP = "redcap-tools/PyCap/tests/data/";

function corpusText(path: string): string {
  return Deno.readTextFileSync(new URL(path, CORPUS));
}

function field(metadata: FieldMetadata[], name: string): FieldMetadata {
  const found = metadata.find((f) => f.field_name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
}

Deno.test("readProjectXml() folds checkbox items into one dictionary row and leaves out pseudo-fields", () => {
  const project = readProjectXml(Deno.readTextFileSync(FIXTURE));
  deepStrictEqual(project.metadata.map((f) => f.field_name), [
    "study_id",
    "intro",
    "weight",
    "symptoms",
    "sex",
    "smoker",
    "mood",
    "consent_file",
    "visit_date",
    "visit_bmi",
    "med_name",
  ]);
  const symptoms = field(project.metadata, "symptoms");
  strictEqual(symptoms.field_type, "checkbox");
  strictEqual(symptoms.select_choices_or_calculations, "1, Cough|X, Fever, high");
  strictEqual(symptoms.identifier, "y");
});

Deno.test("readProjectXml() maps ODM attributes to the API's dictionary columns", async (t) => {
  const { metadata } = readProjectXml(Deno.readTextFileSync(FIXTURE));
  await t.step("text with legacy validation, range, note, branching, annotation", () => {
    const weight = field(metadata, "weight");
    deepStrictEqual(
      [
        weight.text_validation_type_or_show_slider_number,
        weight.text_validation_min,
        weight.text_validation_max,
        weight.field_note,
        weight.required_field,
        weight.branching_logic,
        weight.field_annotation,
      ],
      ["number", "30", "250", "kg", "y", "[sex] = '1'", "@HIDDEN-SURVEY"],
    );
  });
  await t.step("select becomes dropdown with CodeList choices; autocomplete kept", () => {
    const sex = field(metadata, "sex");
    deepStrictEqual(
      [
        sex.field_type,
        sex.select_choices_or_calculations,
        sex.text_validation_type_or_show_slider_number,
      ],
      ["dropdown", "1, Female|2, Male, or other", "autocomplete"],
    );
  });
  await t.step("yesno has blank choices; matrix group kept", () => {
    const smoker = field(metadata, "smoker");
    deepStrictEqual([smoker.select_choices_or_calculations, smoker.matrix_group_name], [
      "",
      "habits",
    ]);
  });
  await t.step("slider labels, show-number flag and alignment", () => {
    const mood = field(metadata, "mood");
    deepStrictEqual(
      [
        mood.select_choices_or_calculations,
        mood.text_validation_type_or_show_slider_number,
        mood.custom_alignment,
      ],
      ["Sad | Okay | Happy", "number", "RH"],
    );
  });
  await t.step("calc formula in the choices column", () => {
    strictEqual(
      field(metadata, "visit_bmi").select_choices_or_calculations,
      "round([enrol_arm_1][weight]/4,1)",
    );
  });
  await t.step("descriptive field keeps its formatted label and section header", () => {
    const intro = field(metadata, "intro");
    deepStrictEqual([intro.field_type, intro.field_label, intro.section_header], [
      "descriptive",
      "<b>Read</b> this first",
      "Welcome",
    ]);
  });
  await t.step("every row has exactly the 18 metadata columns", () => {
    for (const row of metadata) deepStrictEqual(Object.keys(row), [...METADATA_COLUMNS]);
  });
});

Deno.test("readProjectXml() reads arms, events, designations, repeating setup, DAGs and surveys", () => {
  const project = readProjectXml(Deno.readTextFileSync(FIXTURE));
  strictEqual(project.longitudinal, true);
  deepStrictEqual(project.arms, [{ arm_num: 1, name: "Drug" }, { arm_num: 2, name: "Placebo" }]);
  deepStrictEqual(project.events.map((e) => [e.unique_event_name, e.event_id, e.arm_num]), [
    ["enrol_arm_1", 1, 1],
    ["visit_arm_1", 2, 1],
    ["enrol_arm_2", 3, 2],
    ["call_arm_2", 4, 2],
  ]);
  deepStrictEqual(project.events[1], {
    event_name: "Visit",
    arm_num: 1,
    unique_event_name: "visit_arm_1",
    custom_event_label: "[visit_date]",
    event_id: 2,
    day_offset: 7,
    offset_min: 1,
    offset_max: 2,
  });
  deepStrictEqual(project.formEventMapping.map((m) => `${m.unique_event_name}:${m.form}`), [
    "enrol_arm_1:intake",
    "visit_arm_1:visit",
    "visit_arm_1:meds",
    "enrol_arm_2:intake",
    "call_arm_2:visit",
  ]);
  deepStrictEqual(project.repeating, [
    { event_name: "call_arm_2", form_name: "", custom_form_label: "" },
    { event_name: "visit_arm_1", form_name: "meds", custom_form_label: "[med_name]" },
  ]);
  deepStrictEqual(project.dags.map((d) => d.unique_group_name), ["site_a", "siteb"]);
  deepStrictEqual(project.surveys, [{ form_name: "meds", title: "Medication survey" }]);
  deepStrictEqual(project.instruments, [
    { instrument_name: "intake", instrument_label: "Intake Form" },
    { instrument_name: "visit", instrument_label: "Visit" },
    { instrument_name: "meds", instrument_label: "Medications" },
  ]);
  strictEqual(project.info.project_title, "Fixture: longitudinal");
  strictEqual(project.info.project_notes, "Notes & more");
  strictEqual(project.info.missing_data_codes, "UNK, Unknown | NA, Not applicable");
  strictEqual(project.info.is_longitudinal, 1);
  strictEqual(project.info.surveys_enabled, 1);
  strictEqual(project.info.record_autonumbering_enabled, 1);
  strictEqual(project.info.purpose, 2);
});

Deno.test("readProjectXml() turns ClinicalData into flat raw rows in REDCap's import shape", () => {
  const project = readProjectXml(Deno.readTextFileSync(FIXTURE));
  const blank = { redcap_repeat_instrument: "", redcap_repeat_instance: "" };
  deepStrictEqual(project.records, [
    {
      study_id: "1",
      redcap_event_name: "enrol_arm_1",
      ...blank,
      weight: "72.5",
      symptoms___1: "1",
      symptoms___x: "0",
      sex: "1",
      consent_file: "consent.txt",
      intake_complete: "2",
      redcap_data_access_group: "site_a",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_arm_1",
      ...blank,
      visit_date: "2024-05-13 09:30",
      visit_bmi: "18.1",
      visit_complete: "1",
      redcap_data_access_group: "site_a",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_arm_1",
      redcap_repeat_instrument: "meds",
      redcap_repeat_instance: "1",
      meds_timestamp: "2024-05-13 10:00:00",
      med_name: "Aspirin",
      meds_complete: "2",
      redcap_data_access_group: "site_a",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_arm_1",
      redcap_repeat_instrument: "meds",
      redcap_repeat_instance: "2",
      med_name: "Метформин",
      meds_complete: "0",
      redcap_data_access_group: "site_a",
    },
    {
      study_id: "2",
      redcap_event_name: "enrol_arm_2",
      ...blank,
      symptoms___1: "0",
      symptoms___x: "1",
    },
    {
      study_id: "2",
      redcap_event_name: "call_arm_2",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "1",
      visit_date: "2024-06-01 08:00",
    },
    {
      study_id: "2",
      redcap_event_name: "call_arm_2",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "2",
      visit_date: "2024-06-08 08:05",
    },
  ]);
  deepStrictEqual(project.recordDags, { "1": "site_a" });
  strictEqual(project.files?.length, 1);
  const file = project.files![0];
  deepStrictEqual(
    [file.record, file.event_id, file.instance, file.field_name, file.name, file.mime_type],
    ["1", 1, 1, "consent_file", "consent.txt", "text/plain"],
  );
  strictEqual(new TextDecoder().decode(file.content), "signed!");
  // The definition is usable as it is.
  strictEqual(new ProjectModel(project).checkboxColumns("symptoms").length, 4);
});

Deno.test("readProjectXml() reads a project without study events as classic", () => {
  const xml = Deno.readTextFileSync(FIXTURE)
    .replace(/<Protocol>[\s\S]*?<\/Protocol>/, "")
    .replace(/<StudyEventDef[\s\S]*?<\/StudyEventDef>/g, "")
    .replace(/<redcap:RepeatingEvent [^>]*\/>/, "")
    .replace(/<StudyEventData[^>]*>|<\/StudyEventData>/g, "");
  const project = readProjectXml(xml);
  strictEqual(project.longitudinal, false);
  deepStrictEqual([project.arms, project.events, project.formEventMapping], [[], [], []]);
  deepStrictEqual(project.repeating, [
    { event_name: "", form_name: "meds", custom_form_label: "[med_name]" },
  ]);
  const first = project.records[0];
  strictEqual("redcap_event_name" in first, false);
  strictEqual(first.redcap_repeat_instrument, "");
});

Deno.test("readProjectXml() treats a single study event as classic, as REDCap's XML import does", () => {
  const xml = Deno.readTextFileSync(FIXTURE)
    .replace(
      /<StudyEventDef OID="Event\.(visit_arm_1|enrol_arm_2|call_arm_2)"[\s\S]*?<\/StudyEventDef>/g,
      "",
    );
  const project = readProjectXml(xml);
  strictEqual(project.longitudinal, false);
  strictEqual(project.events.length, 0);
  strictEqual(project.records.every((r) => !("redcap_event_name" in r)), true);
});

Deno.test("readProjectXml() reads typed ItemData variants and formatted choice labels", () => {
  const xml = Deno.readTextFileSync(FIXTURE)
    .replace(
      '<ItemData ItemOID="symptoms___x" Value="1"/>',
      '<ItemDataBoolean ItemOID="symptoms___x">true</ItemDataBoolean>' +
        '<ItemDataString ItemOID="sex">2</ItemDataString>',
    )
    .replace(
      "<TranslatedText>Female</TranslatedText>",
      "<TranslatedText>Female</TranslatedText><redcap:FormattedTranslatedText>&lt;i&gt;Female&lt;/i&gt;</redcap:FormattedTranslatedText>",
    );
  const project = readProjectXml(xml);
  const two = project.records.find((r) => r.study_id === "2")!;
  deepStrictEqual([two.symptoms___x, two.sex], ["1", "2"]);
  strictEqual(
    field(project.metadata, "sex").select_choices_or_calculations,
    "1, <i>Female</i>|2, Male, or other",
  );
});

Deno.test("readProjectXml() throws SyntaxError for documents that are not Project XML", () => {
  throws(() => readProjectXml("<html><body/></html>"), SyntaxError);
  throws(
    () =>
      readProjectXml(
        '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><ClinicalData StudyOID="x"/></ODM>',
      ),
    /no MetaDataVersion/,
  );
});

// ------------------------------------------------------------------------------------------
// Corpus: real Project XML files from real REDCap servers.

/** Maps the web UI's dictionary headers to the API's names, by position. */
function uiDictionary(text: string): Record<string, string>[] {
  return parseCsvObjects(text).map((row) =>
    Object.fromEntries(Object.values(row).map((value, i) => [METADATA_COLUMNS[i], value]))
  );
}

/**
 * Differences between a corpus dictionary.csv and its project.xml that are in the files
 * themselves: the XML carries no SQL text nor slider min/max, and some CSVs are stale.
 */
const KNOWN_DICTIONARY_DIFFERENCES = new Set([
  "validation-types-1/f_slider/text_validation_min",
  "validation-types-1/f_slider/text_validation_max",
  "validation-types-1/f_sql/select_choices_or_calculations",
  "file-repo/date/field_annotation", // the CSV has " @TODAY", the XML "@TODAY"
  // Typed with a bare "|"; the XML's CheckboxChoices always has "|", so spacing is unknowable.
  "checkboxes-1/check_one/select_choices_or_calculations",
  "checkboxes-1/check_two/select_choices_or_calculations",
  "metadata-write/age/field_type", // the CSV predates the calc
  "metadata-write/age/select_choices_or_calculations",
  "repeating-instruments-sparse/age/field_type", // the XML predates the calc
  "repeating-instruments-sparse/age/select_choices_or_calculations",
]);

Deno.test({
  name: "readProjectXml() reproduces the corpus data dictionaries column for column",
  ignore: !hasCorpus,
  fn() {
    let compared = 0;
    for (const entry of Deno.readDirSync(new URL(REDCAPR, CORPUS))) {
      const dir = `${REDCAPR}${entry.name}/`;
      let xml: string;
      let csv: string;
      try {
        xml = corpusText(`${dir}project.xml`);
        csv = corpusText(`${dir}dictionary.csv`);
      } catch {
        continue;
      }
      const { metadata } = readProjectXml(xml);
      const byName = new Map(metadata.map((f) => [f.field_name, f]));
      for (const expected of uiDictionary(csv)) {
        const mine = byName.get(expected.field_name);
        // simple/dictionary.csv is stale: it lacks interpreter_needed, which project.xml has.
        if (!mine) throw new Error(`${entry.name}: no field ${expected.field_name}`);
        for (const column of METADATA_COLUMNS) {
          const key = `${entry.name}/${expected.field_name}/${column}`;
          if (KNOWN_DICTIONARY_DIFFERENCES.has(key)) continue;
          // The UI download spaces choice separators (" | "); the API (and so we) do not.
          const want: string = column === "select_choices_or_calculations" &&
              ["radio", "dropdown", "checkbox"].includes(mine.field_type)
            ? (expected[column] ?? "").replace(/\s*\|\s*/g, "|")
            : expected[column] ?? "";
          strictEqual(mine[column], want, key);
        }
        compared++;
      }
    }
    strictEqual(compared > 300, true, `compared only ${compared} fields`);
  },
});

/** data.csv files that are verbatim raw exports of the same state as project.xml. */
const VERBATIM_DATA = [
  "arm-single-longitudinal",
  "clinical-trial-1",
  "dag",
  "dag-write",
  "decimal-comma",
  "decimal-comma-and-dot",
  "decimal-dot",
  "file-repo",
  "nonnumeric-record-id",
  "potentially-problematic-values",
  "repeating-instruments",
  "repeating-instruments-sparse",
  "vignette-repeating",
];

Deno.test({
  name: "readProjectXml() gives the same values as the corpus raw exports",
  ignore: !hasCorpus,
  fn() {
    for (const tag of VERBATIM_DATA) {
      const project = readProjectXml(corpusText(`${REDCAPR}${tag}/project.xml`));
      const id = project.metadata[0].field_name;
      const key = (r: Record<string, string>) =>
        [r[id], r.redcap_event_name, r.redcap_repeat_instrument, r.redcap_repeat_instance].join(
          "|",
        );
      const mine = new Map(project.records.map((r) => [key(r), r]));
      const expected = parseCsvObjects(corpusText(`${REDCAPR}${tag}/data.csv`));
      strictEqual(project.records.length, expected.length, tag);
      for (const row of expected) {
        const actual = mine.get(key(row));
        if (!actual) throw new Error(`${tag}: no row ${key(row)}`);
        for (const [column, value] of Object.entries(row)) {
          strictEqual(actual[column] ?? "", value, `${tag} ${key(row)} ${column}`);
        }
      }
    }
  },
});

Deno.test({
  name: "readProjectXml() matches PyCap's live-server assertions",
  ignore: !hasCorpus,
  fn() {
    const long = readProjectXml(corpusText(`${PYCAP}test_long_project.xml`));
    deepStrictEqual(long.arms, [{ arm_num: 1, name: "Drug A" }, { arm_num: 2, name: "Drug B" }]);
    strictEqual(long.events.length, 16);
    strictEqual(long.formEventMapping.length, 44);
    strictEqual(long.instruments.length, 9);
    const simple = readProjectXml(corpusText(`${PYCAP}test_simple_project.xml`));
    strictEqual(simple.metadata.length, 15);
    strictEqual(new Set(simple.records.map((r) => r.record_id)).size, 3);
    const doctest = readProjectXml(corpusText(`${PYCAP}doctest_project.xml`));
    strictEqual(doctest.longitudinal, true);
    deepStrictEqual(doctest.records[0], {
      record_id: "1",
      redcap_event_name: "event_1_arm_1",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "1",
      field_1: "1",
      checkbox_field___1: "0",
      checkbox_field___2: "1",
      upload_field: "test_upload.txt",
      form_1_complete: "2",
      redcap_data_access_group: "test_dag",
    });
    deepStrictEqual(doctest.repeating, [
      { event_name: "event_1_arm_1", form_name: "", custom_form_label: "" },
    ]);
    strictEqual(new TextDecoder().decode(doctest.files![0].content), "test upload\n");
  },
});

Deno.test({
  name: "readProjectXml() matches redcap-etl's API dumps of the same projects",
  ignore: !hasCorpus,
  fn() {
    const normalise = (s: string) => s.replace(/\s*\|\s*/g, " | ");
    for (
      const name of [
        "basic-demography",
        "non-repeating",
        "repeating-event-inst",
        "repeating-events",
        "visits",
      ]
    ) {
      const project = readProjectXml(corpusText(`${ETL}data/projects/${name}.xml`));
      const dump = JSON.parse(corpusText(`${ETL}data/projects/${name}.json`));
      strictEqual(project.metadata.length, dump.metadata.length, name);
      dump.metadata.forEach((expected: Record<string, string>, i: number) => {
        const mine = project.metadata[i] as unknown as Record<string, string>;
        for (const [column, value] of Object.entries(expected)) {
          // REDCap 9 kept the separators as typed; the XML does not carry them.
          strictEqual(
            normalise(mine[column]),
            normalise(value),
            `${name} ${expected.field_name} ${column}`,
          );
        }
      });
      if (dump.instrumentEventMappings) {
        strictEqual(project.formEventMapping.length, dump.instrumentEventMappings.length, name);
      }
    }
    // Full project with 100 records over 3 arms and repeating events.
    const events = readProjectXml(corpusText(`${ETL}projects/RepeatingEvents.REDCap.xml`));
    const dump = JSON.parse(corpusText(`${ETL}data/projects/repeating-events.json`)).records;
    const key = (r: Record<string, string | number>) =>
      [r.record_id, r.redcap_event_name, r.redcap_repeat_instrument, r.redcap_repeat_instance].join(
        "|",
      );
    const mine = new Map(events.records.map((r) => [key(r), r]));
    strictEqual(events.records.length, dump.length);
    for (const row of dump) {
      const actual = mine.get(key(row))!;
      for (const [column, value] of Object.entries(row)) {
        // REDCap 9 exported a 0 status for forms not designated for a repeating event.
        if (column === "enrollment_complete" && actual[column] === undefined) continue;
        strictEqual(actual[column] ?? "", String(value), `${key(row)} ${column}`);
      }
    }
  },
});

Deno.test({
  name: "readProjectXml() reads every corpus Project XML into a usable definition",
  ignore: !hasCorpus,
  fn() {
    const paths: string[] = [];
    for (const entry of Deno.readDirSync(new URL(REDCAPR, CORPUS))) {
      for (const file of ["project.xml", "project-old.xml"]) {
        try {
          Deno.statSync(new URL(`${REDCAPR}${entry.name}/${file}`, CORPUS));
          paths.push(`${REDCAPR}${entry.name}/${file}`);
        } catch { /* not in this folder */ }
      }
    }
    for (const dir of [PYCAP, `${ETL}projects/`, `${ETL}data/projects/`]) {
      for (const entry of Deno.readDirSync(new URL(dir, CORPUS))) {
        // The data-only ODM files have no dictionary; they are checked for a clear error below.
        if (
          entry.name.endsWith(".xml") && !(dir.includes("data/") && entry.name.includes(".REDCap"))
        ) {
          paths.push(`${dir}${entry.name}`);
        }
      }
    }
    strictEqual(paths.length >= 40, true, `found only ${paths.length} files`);
    for (const path of paths) {
      const project = readProjectXml(corpusText(path));
      const model = new ProjectModel(project);
      for (const row of project.records) {
        if (project.longitudinal) {
          strictEqual(model.eventByName.has(row.redcap_event_name), true, `${path} event`);
        }
        for (const column of Object.keys(row)) {
          const known = column === model.recordIdField || column.startsWith("redcap_") ||
            model.fieldByName.has(column) || model.isFormStatus(column) ||
            column.endsWith("_timestamp") || column.includes("___");
          strictEqual(known, true, `${path}: unknown column ${column}`);
        }
      }
    }
    throws(
      () => readProjectXml(corpusText(`${ETL}data/projects/non-repeating.REDCap.xml`)),
      /no MetaDataVersion/,
    );
    const russian = readProjectXml(corpusText(`${REDCAPR}russian/project.xml`));
    strictEqual(russian.metadata.some((f) => /[а-я]/i.test(f.field_label)), true);
  },
});
