/** ProjectModel: the lookups a classic project's definition yields (forms, choices, events). */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { CLASSIC_EVENT_ID, parseMissingDataCodes, ProjectModel } from "../../lib/server/model.ts";
import { fieldMetadata, type ProjectDefinition } from "../../lib/server/project.ts";

function definition(overrides: Partial<ProjectDefinition> = {}): ProjectDefinition {
  return {
    info: { project_title: "Model", missing_data_codes: "UNK, Unknown | NA, Not applicable" },
    metadata: [
      fieldMetadata({ field_name: "record_id", form_name: "enrollment", field_type: "text" }),
      fieldMetadata({ field_name: "consent", form_name: "enrollment", field_type: "yesno" }),
      fieldMetadata({
        field_name: "race",
        form_name: "enrollment",
        field_type: "checkbox",
        select_choices_or_calculations: "1, White | 2, Asian",
      }),
      fieldMetadata({
        field_name: "symptoms",
        form_name: "visit",
        field_type: "checkbox",
        select_choices_or_calculations: "a, Cough | b, Fever",
        field_annotation: "@NOMISSING",
      }),
      fieldMetadata({
        field_name: "bmi",
        form_name: "visit",
        field_type: "calc",
        select_choices_or_calculations: "1",
      }),
    ],
    instruments: [
      { instrument_name: "enrollment", instrument_label: "Enrollment" },
      { instrument_name: "visit", instrument_label: "Visit" },
    ],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [{ event_name: "", form_name: "visit", custom_form_label: "" }],
    dags: [],
    surveys: [{ form_name: "enrollment", title: "Enrollment survey" }],
    users: [],
    records: [],
    longitudinal: false,
    ...overrides,
  };
}

Deno.test("forms in dictionary order with labels and survey flags; the record id first", () => {
  const model = new ProjectModel(definition());
  strictEqual(model.recordIdField, "record_id");
  deepStrictEqual(model.forms.map((f) => [f.name, f.label, f.survey, f.fields.length]), [
    ["enrollment", "Enrollment", true, 3],
    ["visit", "Visit", false, 2],
  ]);
  strictEqual(model.formOf("visit_complete"), "visit");
  strictEqual(model.formOf("bmi"), "visit");
  strictEqual(model.isCalculated("bmi"), true);
  strictEqual(model.isCalculated("consent"), false);
});

Deno.test("choices: implicit for yesno and {form}_complete; checkboxes add missing codes", () => {
  const model = new ProjectModel(definition());
  deepStrictEqual(model.choices("consent").map((c) => c.code), ["1", "0"]);
  deepStrictEqual(model.choices("enrollment_complete").map((c) => c.code), ["0", "1", "2"]);
  deepStrictEqual(model.checkboxColumns("race").map((c) => c.column), [
    "race___1",
    "race___2",
    "race___unk",
    "race___na",
  ]);
  // @NOMISSING: no missing-data code columns.
  deepStrictEqual(model.checkboxColumns("symptoms").map((c) => c.code), ["a", "b"]);
  deepStrictEqual(model.checkboxColumns("consent"), []);
});

Deno.test("a classic project has one implicit event holding every form; visit repeats", () => {
  const model = new ProjectModel(definition());
  strictEqual(model.events.length, 1);
  const [event] = model.events;
  strictEqual(event.event_id, CLASSIC_EVENT_ID);
  strictEqual(model.isDesignated(event, "visit"), true);
  strictEqual(model.repeats(event, "visit"), "instrument");
  strictEqual(model.repeats(event, "enrollment"), false);
  strictEqual(model.hasRepeating, true);
});

Deno.test("parseMissingDataCodes() reads REDCap's code list; a model needs a field", () => {
  deepStrictEqual(parseMissingDataCodes("UNK, Unknown | NA, Not applicable").map((c) => c.code), [
    "UNK",
    "NA",
  ]);
  deepStrictEqual(parseMissingDataCodes(undefined), []);
  throws(() => new ProjectModel(definition({ metadata: [] })), /no fields/);
});
