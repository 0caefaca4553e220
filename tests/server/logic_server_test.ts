/**
 * `filterLogic` and calculated fields on the server, on small projects built in code:
 * longitudinal references, repeating instances, checkboxes, smart variables, `@CALCTEXT`,
 * `@CALCDATE`, calculations feeding calculations, and recomputation on import.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { RedcapStore } from "../../lib/server/store.ts";
import { fieldMetadata, fullRights, type ProjectDefinition } from "../../lib/server/project.ts";
import { importFlatRows } from "../../lib/server/records/import.ts";
import { ApiError } from "../../lib/server/_http.ts";
import { compileFilterLogic } from "../../lib/server/_filter_logic.ts";
import { actionTagArgument, recomputeCalculations } from "../../lib/server/_calc.ts";

function definition(overrides: Partial<ProjectDefinition>): ProjectDefinition {
  return {
    info: { project_title: "Logic", missing_data_codes: "NA, Not available | UNK, Unknown" },
    metadata: [],
    instruments: [],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [],
    surveys: [],
    users: [fullRights("alice")],
    records: [],
    longitudinal: false,
    ...overrides,
  };
}

const LONGITUDINAL = definition({
  metadata: [
    fieldMetadata({ field_name: "study_id", form_name: "enrol", field_type: "text" }),
    fieldMetadata({
      field_name: "sex",
      form_name: "enrol",
      field_type: "radio",
      select_choices_or_calculations: "0, Female | 1, Male",
    }),
    fieldMetadata({
      field_name: "symptoms",
      form_name: "enrol",
      field_type: "checkbox",
      select_choices_or_calculations: "1, Fever | 2, Cough | -99, Other",
    }),
    fieldMetadata({ field_name: "weight", form_name: "visit", field_type: "text" }),
    fieldMetadata({
      field_name: "gain",
      form_name: "visit",
      field_type: "calc",
      select_choices_or_calculations: "[weight] - [enrol_arm_1][weight]",
    }),
    fieldMetadata({ field_name: "bp", form_name: "vitals", field_type: "text" }),
    fieldMetadata({
      field_name: "bp_label",
      form_name: "vitals",
      field_type: "text",
      field_annotation: "@CALCTEXT(if([bp] > 140, 'high', concat('ok #', [current-instance])))",
    }),
  ],
  instruments: [
    { instrument_name: "enrol", instrument_label: "Enrolment" },
    { instrument_name: "visit", instrument_label: "Visit" },
    { instrument_name: "vitals", instrument_label: "Vitals" },
  ],
  arms: [{ arm_num: 1, name: "Arm 1" }],
  events: [
    {
      event_name: "Enrolment",
      arm_num: 1,
      unique_event_name: "enrol_arm_1",
      custom_event_label: "",
      event_id: 11,
      day_offset: 0,
      offset_min: 0,
      offset_max: 0,
    },
    {
      event_name: "Visit 1",
      arm_num: 1,
      unique_event_name: "visit_1_arm_1",
      custom_event_label: "",
      event_id: 12,
      day_offset: 7,
      offset_min: 0,
      offset_max: 0,
    },
  ],
  formEventMapping: [
    { arm_num: 1, unique_event_name: "enrol_arm_1", form: "enrol" },
    { arm_num: 1, unique_event_name: "enrol_arm_1", form: "visit" },
    { arm_num: 1, unique_event_name: "visit_1_arm_1", form: "visit" },
    { arm_num: 1, unique_event_name: "visit_1_arm_1", form: "vitals" },
  ],
  repeating: [{ event_name: "visit_1_arm_1", form_name: "vitals", custom_form_label: "" }],
  longitudinal: true,
});

function load(def: ProjectDefinition, rows: Record<string, string>[]) {
  const store = RedcapStore.open();
  const projectId = store.createProject(def);
  store.transaction(() => importFlatRows(store, projectId, rows, { username: "alice" }));
  return { store, projectId, project: store.project(projectId) };
}

const ROWS: Record<string, string>[] = [
  {
    study_id: "1",
    redcap_event_name: "enrol_arm_1",
    sex: "0",
    symptoms___1: "1",
    symptoms____99: "1",
    weight: "70",
  },
  { study_id: "1", redcap_event_name: "visit_1_arm_1", weight: "74" },
  {
    study_id: "1",
    redcap_event_name: "visit_1_arm_1",
    redcap_repeat_instrument: "vitals",
    redcap_repeat_instance: "1",
    bp: "120",
  },
  {
    study_id: "1",
    redcap_event_name: "visit_1_arm_1",
    redcap_repeat_instrument: "vitals",
    redcap_repeat_instance: "2",
    bp: "150",
  },
  { study_id: "2", redcap_event_name: "enrol_arm_1", sex: "1", symptoms___2: "1", weight: "90" },
  { study_id: "2", redcap_event_name: "visit_1_arm_1", weight: "85" },
];

function passing(logic: string): string[] {
  const { store, projectId, project } = load(LONGITUDINAL, ROWS);
  const filter = compileFilterLogic(project, logic);
  const result: string[] = [];
  for (const { record, points } of store.readRecords(projectId, ["1", "2"])) {
    for (const event of project.events) {
      if (points.some((p) => p.event_id === event.event_id) && filter(record, points, event)) {
        result.push(`${record}|${event.unique_event_name}`);
      }
    }
  }
  return result;
}

Deno.test("compileFilterLogic() keeps the record-events where the logic holds", async (t) => {
  const cases: [string, string[]][] = [
    ["[sex] = '0'", ["1|enrol_arm_1"]],
    ["[enrol_arm_1][sex] = '0'", ["1|enrol_arm_1", "1|visit_1_arm_1"]],
    ["[weight] > 72", ["1|visit_1_arm_1", "2|enrol_arm_1", "2|visit_1_arm_1"]],
    ["[weight] > [enrol_arm_1][weight]", ["1|visit_1_arm_1"]],
    ["[symptoms(1)] = '1'", ["1|enrol_arm_1"]],
    ["[symptoms(-99)] = '1' or [symptoms(2)] = '1'", ["1|enrol_arm_1", "2|enrol_arm_1"]],
    ["[symptoms(2)] = '0'", ["1|enrol_arm_1", "1|visit_1_arm_1", "2|visit_1_arm_1"]],
    ["[bp] > 140", ["1|visit_1_arm_1"]],
    ["[bp][1] > 140", []],
    ["[bp][last-instance] = 150", ["1|visit_1_arm_1"]],
    ["[event-name] = 'visit_1_arm_1' and [record-name] = '2'", ["2|visit_1_arm_1"]],
    ["[study_id] = 2", ["2|enrol_arm_1", "2|visit_1_arm_1"]],
    ["[gain] = 4", ["1|visit_1_arm_1"]],
    ["[weight] = ''", []],
    ["datediff('2024-01-01', '2024-01-31', 'd') = 30 and [sex] <> ''", [
      "1|enrol_arm_1",
      "2|enrol_arm_1",
    ]],
  ];
  for (const [logic, expected] of cases) {
    await t.step(logic, () => deepStrictEqual(passing(logic), expected));
  }
});

Deno.test("compileFilterLogic() reads one instance when the caller names it", () => {
  const { store, projectId, project } = load(LONGITUDINAL, ROWS);
  const filter = compileFilterLogic(project, "[bp] > 140");
  const [{ record, points }] = [...store.readRecords(projectId, ["1"])];
  const visit = project.eventByName.get("visit_1_arm_1")!;
  strictEqual(filter(record, points, visit, 1), false);
  strictEqual(filter(record, points, visit, 2), true);
});

Deno.test("compileFilterLogic() rejects bad logic with ApiError 400", () => {
  const { project } = load(LONGITUDINAL, ROWS);
  for (
    const logic of [
      "[sex] =",
      "[sex] = 1 &&",
      "[nosuch] = 1",
      "[nosuch_arm_1][sex] = 1",
      "median()",
    ]
  ) {
    throws(() => compileFilterLogic(project, logic), (e: unknown) => {
      ok(e instanceof ApiError, String(e));
      strictEqual(e.status, 400);
      ok(e.message.startsWith("The filterLogic parameter is not valid: "), e.message);
      ok(/at character \d+$/.test(e.message), e.message);
      return true;
    });
  }
});

Deno.test("importFlatRows() stores calc and @CALCTEXT results per event and instance", () => {
  const { store, projectId } = load(LONGITUDINAL, ROWS);
  deepStrictEqual(store.values(projectId, "1", 12, 1, "gain"), ["4"]);
  deepStrictEqual(store.values(projectId, "1", 11, 1, "gain"), ["0"]);
  deepStrictEqual(store.values(projectId, "2", 12, 1, "gain"), ["-5"]);
  deepStrictEqual(store.values(projectId, "1", 12, 1, "bp_label"), ["ok #1"]);
  deepStrictEqual(store.values(projectId, "1", 12, 2, "bp_label"), ["high"]);
  // Record 2 has no vitals instance: nothing is created for it.
  deepStrictEqual(store.values(projectId, "2", 12, 1, "bp_label"), []);
  // Updating an input recomputes; blanking it blanks the result.
  store.transaction(() =>
    importFlatRows(store, projectId, [{
      study_id: "1",
      redcap_event_name: "enrol_arm_1",
      weight: "71.5",
    }], {
      username: "alice",
    })
  );
  deepStrictEqual(store.values(projectId, "1", 12, 1, "gain"), ["2.5"]);
  store.transaction(() =>
    importFlatRows(store, projectId, [{
      study_id: "1",
      redcap_event_name: "visit_1_arm_1",
      weight: "",
    }], {
      username: "alice",
      overwriteBehavior: "overwrite",
    })
  );
  deepStrictEqual(store.values(projectId, "1", 12, 1, "gain"), []);
});

const CLASSIC = definition({
  metadata: [
    fieldMetadata({ field_name: "record_id", form_name: "main", field_type: "text" }),
    fieldMetadata({
      field_name: "start",
      form_name: "main",
      field_type: "text",
      text_validation_type_or_show_slider_number: "date_ymd",
    }),
    fieldMetadata({ field_name: "height", form_name: "main", field_type: "text" }),
    fieldMetadata({ field_name: "weight", form_name: "main", field_type: "text" }),
    fieldMetadata({
      field_name: "bmi",
      form_name: "main",
      field_type: "calc",
      select_choices_or_calculations: "round([weight] * 10000 / [height] ^ 2, 1)",
    }),
    fieldMetadata({
      field_name: "obese",
      form_name: "main",
      field_type: "calc",
      select_choices_or_calculations: "if([bmi] >= 30, 1, 0)",
    }),
    fieldMetadata({
      field_name: "ratio",
      form_name: "main",
      field_type: "calc",
      select_choices_or_calculations: "[weight] / 3",
    }),
    fieldMetadata({
      field_name: "due",
      form_name: "main",
      field_type: "text",
      text_validation_type_or_show_slider_number: "date_ymd",
      field_annotation: "@HIDDEN @CALCDATE([start], 14, 'd')",
    }),
    fieldMetadata({
      field_name: "due_time",
      form_name: "main",
      field_type: "text",
      text_validation_type_or_show_slider_number: "datetime_ymd",
      field_annotation: "@CALCDATE([start], 1.5, 'h')",
    }),
    fieldMetadata({
      field_name: "summary",
      form_name: "main",
      field_type: "text",
      field_annotation: "@CALCTEXT(concat('BMI ', [bmi], if([obese] = 1, ' (obese)', '')))",
    }),
  ],
  instruments: [{ instrument_name: "main", instrument_label: "Main" }],
});

Deno.test("recomputeCalculations() chains calculations, formats numbers and dates", () => {
  const { store, projectId } = load(CLASSIC, [
    { record_id: "1", start: "2024-02-20", height: "160", weight: "80" },
    { record_id: "2", height: "180", weight: "" },
  ]);
  const get = (record: string, field: string) => store.values(projectId, record, 1, 1, field);
  deepStrictEqual(get("1", "bmi"), ["31.3"]);
  deepStrictEqual(get("1", "obese"), ["1"]);
  deepStrictEqual(get("1", "ratio"), ["26.666666666667"]);
  deepStrictEqual(get("1", "due"), ["2024-03-05"]);
  deepStrictEqual(get("1", "due_time"), ["2024-02-20 01:30"]);
  deepStrictEqual(get("1", "summary"), ["BMI 31.3 (obese)"]);
  deepStrictEqual(get("2", "bmi"), []);
  deepStrictEqual(get("2", "obese"), ["0"]);
  deepStrictEqual(get("2", "due"), []);
  deepStrictEqual(get("2", "summary"), ["BMI "]);
  // A stale value is corrected when recomputed.
  store.transaction(() => {
    store.setValues(projectId, "1", 1, 1, "bmi", ["12"]);
    recomputeCalculations(store, projectId, ["1"]);
  });
  deepStrictEqual(get("1", "bmi"), ["31.3"]);
});

Deno.test("actionTagArgument() respects nested parentheses and quotes", () => {
  strictEqual(
    actionTagArgument("@CALCTEXT(if([a] = ')', 'x', 'y')) @HIDDEN", "@CALCTEXT"),
    "if([a] = ')', 'x', 'y')",
  );
  strictEqual(actionTagArgument("@calcdate([d], 1, 'd')", "@CALCDATE"), "[d], 1, 'd'");
  strictEqual(actionTagArgument("@CALCTEXT(unclosed", "@CALCTEXT"), undefined);
  strictEqual(actionTagArgument("@HIDDEN", "@CALCTEXT"), undefined);
});
