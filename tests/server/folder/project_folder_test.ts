import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { join } from "node:path";
import { readProjectFolder } from "../../../lib/server/folder/project_folder.ts";
import { ProjectModel } from "../../../lib/server/model.ts";
import { METADATA_COLUMNS } from "../../../lib/server/project.ts";

const LONGITUDINAL = new URL("../../fixtures/folder_project/", import.meta.url).pathname;
const CLASSIC = new URL("../../fixtures/folder_classic/", import.meta.url).pathname;
const CORPUS = new URL("../../../../shared/redcap-corpus/", import.meta.url);
const hasCorpus = (() => {
  try {
    return Deno.statSync(CORPUS).isDirectory;
  } catch {
    return false;
  }
})();
if (!hasCorpus) {
  console.log(`Skipping corpus tests of readProjectFolder(): ${CORPUS.pathname} is absent`);
}

/** A temporary folder with the given files; removed after `fn`. */
function withFolder(files: Record<string, string>, fn: (path: string) => void): void {
  const path = Deno.makeTempDirSync({ prefix: "denocap_folder_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      Deno.writeTextFileSync(join(path, name), text);
    }
    fn(path);
  } finally {
    Deno.removeSync(path, { recursive: true });
  }
}

const MINIMAL_METADATA = "field_name,form_name,field_type,field_label\n" +
  "record_id,main_form,text,ID\nage,main_form,text,Age\n";

Deno.test("readProjectFolder() reads a longitudinal folder of API exports", () => {
  const project = readProjectFolder(LONGITUDINAL);
  strictEqual(project.longitudinal, true);
  deepStrictEqual(project.arms, [{ arm_num: 1, name: "Drug" }, { arm_num: 2, name: "Placebo" }]);
  deepStrictEqual(project.events.map((e) => [e.unique_event_name, e.event_id, e.day_offset]), [
    ["enrollment_arm_1", 41, 0],
    ["visit_1_arm_1", 42, 7],
    ["enrollment_arm_2", 43, 0],
  ]);
  strictEqual(project.events[1].custom_event_label, "[enroll_date]");
  strictEqual(project.formEventMapping.length, 4);
  deepStrictEqual(project.repeating, [
    { event_name: "visit_1_arm_1", form_name: "medications", custom_form_label: "[med_name]" },
  ]);
  deepStrictEqual(project.dags, [
    { data_access_group_name: "Site A", unique_group_name: "site_a", data_access_group_id: 1 },
    { data_access_group_name: "Site-B", unique_group_name: "siteb", data_access_group_id: 2 },
  ]);
  deepStrictEqual(project.instruments, [
    { instrument_name: "enrollment", instrument_label: "Enrollment Form" },
    { instrument_name: "visit_data", instrument_label: "Visit data" },
    { instrument_name: "medications", instrument_label: "Medications" },
  ]);
  strictEqual(project.info.project_title, "Folder fixture");
  strictEqual(project.info.purpose, 2);
  strictEqual(project.info.surveys_enabled, 0);
  strictEqual(project.info.is_longitudinal, 1);
  strictEqual(project.info.has_repeating_instruments_or_events, 1);
  strictEqual(project.metadata[3].section_header, "Vitals, measured");
  strictEqual(project.metadata[4].field_label, "Medication\n(generic name)");
  strictEqual(project.records.length, 4);
  deepStrictEqual(project.records[2], {
    study_id: "1",
    redcap_event_name: "visit_1_arm_1",
    redcap_repeat_instrument: "medications",
    redcap_repeat_instance: "1",
    redcap_data_access_group: "site_a",
    enroll_date: "",
    symptoms___1: "",
    symptoms___2: "",
    enrollment_complete: "",
    weight: "",
    visit_data_complete: "",
    med_name: "Aspirin, low dose",
    medications_complete: "2",
  });
  deepStrictEqual(project.recordDags, { "1": "site_a" });
  const model = new ProjectModel(project);
  deepStrictEqual(model.eventByName.get("visit_1_arm_1")?.forms, ["visit_data", "medications"]);
});

Deno.test("readProjectFolder() maps the web UI's dictionary headers and legacy names", () => {
  const project = readProjectFolder(CLASSIC);
  strictEqual(project.longitudinal, false);
  deepStrictEqual([project.arms, project.events, project.formEventMapping], [[], [], []]);
  for (const row of project.metadata) deepStrictEqual(Object.keys(row), [...METADATA_COLUMNS]);
  deepStrictEqual(project.metadata.map((f) => f.field_name), [
    "record_id",
    "name",
    "age",
    "sex",
    "bmi",
  ]);
  const [, name, age, sex, bmi] = project.metadata;
  deepStrictEqual(
    [name.section_header, name.identifier, name.required_field, name.field_annotation],
    ["About you", "y", "y", "@NOW"],
  );
  deepStrictEqual(
    [
      age.text_validation_type_or_show_slider_number,
      age.text_validation_min,
      age.text_validation_max,
      age.field_note,
      age.branching_logic,
      age.custom_alignment,
      age.question_number,
    ],
    ["integer", "0", "120", "years", "[name] <> ''", "RH", "1"],
  );
  deepStrictEqual([sex.field_type, sex.select_choices_or_calculations], [
    "dropdown",
    "1, Female | 2, Male",
  ]);
  strictEqual(bmi.select_choices_or_calculations, "round([weight]/([height]^2),1)");
  deepStrictEqual(project.instruments, [
    { instrument_name: "demographics", instrument_label: "Demographics" },
    { instrument_name: "health_status", instrument_label: "Health status" },
  ]);
  strictEqual(project.info.project_title, "folder_classic");
  deepStrictEqual(project.records[1], {
    record_id: "2",
    name: "Grace",
    age: "",
    sex: "2",
    demographics_complete: "1",
  });
});

Deno.test("readProjectFolder() treats an empty events.csv as classic and derives missing names", () => {
  withFolder({
    "metadata.csv": MINIMAL_METADATA,
    "events.csv": "event_name,arm_num,unique_event_name\n",
  }, (path) => {
    strictEqual(readProjectFolder(path).longitudinal, false);
  });
  withFolder({
    "metadata.csv": MINIMAL_METADATA,
    "events.csv": "event_name,arm_num\nDeadline to opt out of study,2\nBaseline,1\n",
  }, (path) => {
    const project = readProjectFolder(path);
    strictEqual(project.longitudinal, true);
    deepStrictEqual(project.events.map((e) => [e.unique_event_name, e.event_id]), [
      ["deadline_to_opt_ou_arm_2", 1],
      ["baseline_arm_1", 2],
    ]);
    deepStrictEqual(project.arms, [{ arm_num: 1, name: "Arm 1" }, { arm_num: 2, name: "Arm 2" }]);
    // Without form_event_mapping.csv every form is in every event.
    strictEqual(project.formEventMapping.length, 2);
  });
});

Deno.test("readProjectFolder() names the file and line of bad input", async (t) => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["missing metadata.csv", {}, /metadata\.csv is missing/],
    [
      "unknown dictionary header",
      { "metadata.csv": "field_name,form_name,field_type,colour\nrecord_id,f,text,red\n" },
      /metadata\.csv line 1: unknown column "colour"/,
    ],
    [
      "bad field type",
      { "metadata.csv": "field_name,form_name,field_type\nrecord_id,f,text\nx,f,widget\n" },
      /metadata\.csv line 3: field "x" has unknown field type "widget"/,
    ],
    [
      "line numbers count embedded line breaks",
      {
        "metadata.csv":
          'field_name,form_name,field_type,field_label\nrecord_id,f,text,"two\nlines"\nBad,f,text,x\n',
      },
      /metadata\.csv line 4: field name "Bad"/,
    ],
    [
      "duplicate field",
      { "metadata.csv": "field_name,form_name,field_type\nrecord_id,f,text\nrecord_id,f,text\n" },
      /metadata\.csv line 3: field "record_id" is defined twice/,
    ],
    [
      "unterminated quote",
      { "metadata.csv": 'field_name,form_name,field_type\nrecord_id,"f,text\n' },
      /metadata\.csv line 2/,
    ],
    [
      "event in an undeclared arm",
      {
        "metadata.csv": MINIMAL_METADATA,
        "arms.csv": "arm_num,name\n1,A\n",
        "events.csv": "event_name,arm_num\nOne,1\nTwo,3\n",
      },
      /events\.csv line 3: arm 3 is not in arms\.csv/,
    ],
    [
      "non-integer arm",
      { "metadata.csv": MINIMAL_METADATA, "events.csv": "event_name,arm_num\nOne,first\n" },
      /events\.csv line 2: arm_num "first" is not an integer/,
    ],
    [
      "designation of an unknown form",
      {
        "metadata.csv": MINIMAL_METADATA,
        "events.csv": "event_name,arm_num\nOne,1\n",
        "form_event_mapping.csv": "arm_num,unique_event_name,form\n1,one_arm_1,nope\n",
      },
      /form_event_mapping\.csv line 2: form "nope" is not in metadata\.csv/,
    ],
    [
      "classic project repeating an event",
      {
        "metadata.csv": MINIMAL_METADATA,
        "repeating_forms_events.csv": "form_name,custom_form_label\n,\n",
      },
      /repeating_forms_events\.csv line 2: a classic project can only repeat instruments/,
    ],
    [
      "record without an id",
      { "metadata.csv": MINIMAL_METADATA, "records.csv": "record_id,age\n1,3\n,4\n" },
      /records\.csv line 3: record_id is blank/,
    ],
    [
      "too many cells",
      { "metadata.csv": MINIMAL_METADATA, "records.csv": "record_id,age\n1,3,9\n" },
      /records\.csv line 2: the row has 3 cells but the header has 2/,
    ],
    [
      "project.json that is not an object",
      { "metadata.csv": MINIMAL_METADATA, "project.json": "[1, 2]" },
      /project\.json: expected one object/,
    ],
  ];
  for (const [name, files, message] of cases) {
    await t.step(name, () => {
      withFolder(files, (path) => {
        throws(() => readProjectFolder(path), message);
      });
    });
  }
  await t.step("a path that does not exist", () => {
    throws(() => readProjectFolder("/nonexistent/denocap/folder"), RangeError);
  });
});

Deno.test({
  name: "readProjectFolder() reads the corpus UI dictionaries, with or without a BOM",
  ignore: !hasCorpus,
  fn() {
    const projects = new URL("OuhscBbmc/REDCapR/inst/test-data/projects/", CORPUS);
    let read = 0;
    for (const entry of Deno.readDirSync(projects)) {
      let dictionary: string;
      try {
        dictionary = Deno.readTextFileSync(new URL(`${entry.name}/dictionary.csv`, projects));
      } catch {
        continue;
      }
      withFolder({ "metadata.csv": dictionary }, (path) => {
        const project = readProjectFolder(path);
        const firstLine = dictionary.replace(/^\ufeff/, "").split("\n", 2)[1];
        strictEqual(firstLine.startsWith(project.metadata[0].field_name + ","), true, entry.name);
        strictEqual(project.metadata.every((f) => f.form_name !== ""), true, entry.name);
      });
      read++;
    }
    strictEqual(read >= 20, true, `read only ${read} dictionaries`);
  },
});
