/**
 * Random server projects for property tests: every field type, classic or longitudinal (two
 * arms), repeating instruments and events, missing-data codes, and valid data, as a
 * `ProjectDefinition` that `loadProject()` accepts. Adapted from `tests/transform/_generate.ts`.
 *
 * @module
 */
import {
  type Arm,
  type EventDefinition,
  type FieldMetadata,
  fieldMetadata,
  type FormEventMapping,
  type ProjectDefinition,
  type RepeatingFormEvent,
} from "../lib/server/project.ts";
import { mulberry32 } from "../lib/_random.ts";

/** A generated project and what the generator knows about its data. */
export interface GeneratedProject {
  definition: ProjectDefinition;
  /** How many missing-data codes the records hold (checked options of missing-code columns
   * included). */
  missingCodes: number;
  /** Whether the project has events. */
  longitudinal: boolean;
}

const TYPES = [
  "text",
  "text",
  "notes",
  "radio",
  "dropdown",
  "checkbox",
  "yesno",
  "truefalse",
  "calc",
  "slider",
  "file",
  "descriptive",
];

/** Text validations and a few valid raw values of each. */
const VALIDATIONS: Record<string, string[]> = {
  "": [
    "x",
    "with, comma",
    'quote "q"',
    "ünïcode",
    "Привет, мир",
    "0012",
    "line\nbreak",
    "<b>tag</b> & amp",
  ],
  integer: ["0", "-3", "42", "0012"],
  number: ["3.25", "-0.5", "1e3", "7"],
  number_1dp_comma_decimal: ["1,5", "-2,0", "10,1"],
  date_ymd: ["2020-01-02", "1999-12-31"],
  date_dmy: ["2021-06-30"],
  datetime_ymd: ["2021-03-04 05:06", "2024-02-29 23:59"],
  datetime_seconds_ymd: ["2021-03-04 05:06:07"],
  time: ["13:45", "00:00"],
  email: ["a.b@example.org"],
};

/** Generates a random project with valid data (same seed, same project). */
export function generateProject(seed: number): GeneratedProject {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const nForms = 1 + Math.floor(rand() * 3);
  const metadata: FieldMetadata[] = [fieldMetadata({
    field_name: "record_id",
    form_name: "form_0",
    field_type: "text",
    field_label: "Record ID",
  })];
  const codes = ["1", "2", "-99", "aa", "ABC", "0", "7"];
  for (let f = 0; f < nForms; f++) {
    const nFields = 1 + Math.floor(rand() * 5);
    for (let k = 0; k < nFields; k++) {
      const type = pick(TYPES);
      const choices = codes.filter(() => rand() < 0.5);
      if (choices.length === 0) choices.push("1");
      metadata.push(fieldMetadata({
        field_name: `f${f}_${k}`,
        form_name: `form_${f}`,
        field_type: type,
        field_label: `Field ${f}.${k} <${type}>`,
        select_choices_or_calculations: ["radio", "dropdown", "checkbox"].includes(type)
          ? choices.map((c) => `${c}, Label ${c}, with comma`).join(" | ")
          : type === "calc"
          ? "1 + 1"
          : "",
        text_validation_type_or_show_slider_number: type === "text"
          ? pick(Object.keys(VALIDATIONS))
          : "",
        field_annotation: rand() < 0.2 ? "@NOMISSING" : "",
      }));
    }
  }
  const forms = [...new Set(metadata.map((m) => m.form_name))];
  const missingDataCodes = rand() < 0.5 ? "UNK, Unknown | NA-1, Not asked" : "";
  const longitudinal = rand() < 0.6;
  const arms: Arm[] = [];
  const events: EventDefinition[] = [];
  const formEventMapping: FormEventMapping[] = [];
  const repeating: RepeatingFormEvent[] = [];
  if (longitudinal) {
    arms.push({ arm_num: 1, name: "Arm 1" }, { arm_num: 2, name: "Arm 2" });
    const plan = [
      { event_name: "E1", arm_num: 1, unique_event_name: "e1_arm_1" },
      { event_name: "E2", arm_num: 1, unique_event_name: "e2_arm_1" },
      { event_name: "E1", arm_num: 2, unique_event_name: "e1_arm_2" },
    ];
    plan.forEach((e, i) => {
      events.push({
        ...e,
        custom_event_label: "",
        event_id: i + 1,
        day_offset: i,
        offset_min: 0,
        offset_max: 0,
      });
      for (const [j, form] of forms.entries()) {
        if (j === 0 || i === 1 || rand() < 0.6) {
          formEventMapping.push({
            arm_num: e.arm_num,
            unique_event_name: e.unique_event_name,
            form,
          });
        }
      }
    });
    if (rand() < 0.5) {
      repeating.push({ event_name: "e2_arm_1", form_name: "", custom_form_label: "" });
    } else if (forms.length > 1) {
      repeating.push({
        event_name: "e2_arm_1",
        form_name: forms[forms.length - 1],
        custom_form_label: "",
      });
    }
    const inE1 = formEventMapping.some((m) =>
      m.unique_event_name === "e1_arm_1" && m.form === forms[1]
    );
    if (forms.length > 1 && inE1 && rand() < 0.5) {
      repeating.push({ event_name: "e1_arm_1", form_name: forms[1], custom_form_label: "" });
    }
  } else if (forms.length > 1 && rand() < 0.7) {
    repeating.push({ event_name: "", form_name: forms[1], custom_form_label: "" });
  }

  const designated = (event: string | null) =>
    event === null
      ? forms
      : formEventMapping.filter((m) => m.unique_event_name === event).map((m) => m.form);
  const repeatingEvent = (event: string | null) =>
    repeating.some((r) => r.event_name === (event ?? "") && r.form_name === "");
  const repeatingForm = (event: string | null, form: string) =>
    repeating.some((r) => r.event_name === (event ?? "") && r.form_name === form);
  const missing = missingDataCodes ? ["UNK", "NA-1"] : [];
  let missingCodes = 0;

  const fill = (row: Record<string, string>, form: string) => {
    for (const field of metadata) {
      if (field.form_name !== form || field.field_name === "record_id") continue;
      const type = field.field_type;
      const noMissing = /@NOMISSING/.test(field.field_annotation);
      const choices = field.select_choices_or_calculations.split("|").map((c) =>
        c.split(",")[0].trim()
      );
      if (type === "descriptive") continue;
      if (type === "checkbox") {
        for (const code of choices) {
          row[`${field.field_name}___${code.replace(/-/g, "_").toLowerCase()}`] = rand() < 0.4
            ? "1"
            : "0";
        }
        if (!noMissing && missing.length > 0 && rand() < 0.15) {
          row[`${field.field_name}___${pick(missing).replace(/-/g, "_").toLowerCase()}`] = "1";
          missingCodes++;
        }
        continue;
      }
      if (rand() < 0.3) continue; // blank
      if (!noMissing && type !== "file" && missing.length > 0 && rand() < 0.1) {
        row[field.field_name] = pick(missing);
        missingCodes++;
        continue;
      }
      if (type === "radio" || type === "dropdown") row[field.field_name] = pick(choices);
      else if (type === "yesno" || type === "truefalse") row[field.field_name] = pick(["0", "1"]);
      else if (type === "calc") row[field.field_name] = pick(["2", "2.5", "-1"]);
      else if (type === "slider") row[field.field_name] = String(Math.floor(rand() * 101));
      else if (type === "file") row[field.field_name] = `doc_${Math.floor(rand() * 100)}.pdf`;
      else if (type === "notes") row[field.field_name] = pick(VALIDATIONS[""]);
      else {
        row[field.field_name] = pick(VALIDATIONS[field.text_validation_type_or_show_slider_number]);
      }
    }
    if (rand() < 0.8) row[`${form}_complete`] = pick(["0", "1", "2"]);
  };

  const records: Record<string, string>[] = [];
  const ids = ["1", "007", "10", "A-2", "2"].slice(0, 1 + Math.floor(rand() * 5));
  for (const id of ids) {
    const arm = longitudinal ? pick([1, 2]) : 1;
    const recordEvents: (string | null)[] = longitudinal
      ? events.filter((e) => e.arm_num === arm && rand() < 0.85).map((e) => e.unique_event_name)
      : [null];
    if (recordEvents.length === 0) recordEvents.push(longitudinal ? `e1_arm_${arm}` : null);
    for (const event of recordEvents) {
      const base = (): Record<string, string> => {
        const row: Record<string, string> = { record_id: id };
        if (event !== null) row.redcap_event_name = event;
        return row;
      };
      const here = designated(event);
      if (repeatingEvent(event)) {
        const n = 1 + Math.floor(rand() * 3);
        for (let i = 1; i <= n; i++) {
          const row = { ...base(), redcap_repeat_instance: String(i) };
          for (const form of here) fill(row, form);
          records.push(row);
        }
        continue;
      }
      const row = base();
      for (const form of here.filter((f) => !repeatingForm(event, f))) {
        if (rand() < 0.85) fill(row, form);
      }
      records.push(row);
      for (const form of here.filter((f) => repeatingForm(event, f))) {
        const n = Math.floor(rand() * 3);
        for (let i = 1; i <= n; i++) {
          const instance = {
            ...base(),
            redcap_repeat_instrument: form,
            redcap_repeat_instance: String(i),
          };
          fill(instance, form);
          records.push(instance);
        }
      }
    }
  }
  return {
    definition: {
      info: {
        project_title: `Generated ${seed}`,
        missing_data_codes: missingDataCodes,
        is_longitudinal: longitudinal ? 1 : 0,
        has_repeating_instruments_or_events: repeating.length > 0 ? 1 : 0,
      },
      metadata,
      instruments: forms.map((f) => ({ instrument_name: f, instrument_label: `Form ${f}` })),
      arms,
      events,
      formEventMapping,
      repeating,
      dags: [],
      surveys: [],
      users: [],
      records,
      longitudinal,
    },
    missingCodes,
    longitudinal,
  };
}
