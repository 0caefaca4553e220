/** Random small projects (definition and valid records) for write round trips. */
import { fieldMetadata, type ProjectDefinition } from "../../lib/server/project.ts";
import { mulberry32 } from "../../lib/_random.ts";

const KINDS = [
  ["text", ""],
  ["text", "integer"],
  ["text", "number"],
  ["text", "number_1dp"],
  ["text", "number_2dp_comma_decimal"],
  ["text", "date_ymd"],
  ["text", "date_dmy"],
  ["text", "datetime_ymd"],
  ["text", "datetime_seconds_mdy"],
  ["text", "time"],
  ["text", "email"],
  ["notes", ""],
  ["radio", ""],
  ["dropdown", ""],
  ["checkbox", ""],
  ["yesno", ""],
  ["truefalse", ""],
  ["slider", ""],
] as const;

const TEXTS = ["plain", "with, comma", 'a "quote"', "two\nlines", " -5 leading", "é ü 中", "=1+1"];
const CODES = ["1", "2", "-99", "aa", "0", "7"];

/** A random project with valid records: classic or longitudinal, maybe repeating. */
export function generateProject(seed: number): ProjectDefinition {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const longitudinal = rand() < 0.5;
  const nForms = 2 + Math.floor(rand() * 2);
  const forms = Array.from({ length: nForms }, (_, i) => `form_${i}`);
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "form_0", field_type: "text" }),
  ];
  const makers: Record<string, () => string> = {};
  const calcs: [string, string][] = [];
  const p2 = (n: number) => String(n).padStart(2, "0");
  const day = () =>
    `${2000 + Math.floor(rand() * 25)}-${p2(1 + Math.floor(rand() * 12))}-${
      p2(1 + Math.floor(rand() * 28))
    }`;
  const time = () => `${p2(Math.floor(rand() * 24))}:${p2(Math.floor(rand() * 60))}`;
  forms.forEach((form, f) => {
    const n = 2 + Math.floor(rand() * 4);
    for (let k = 0; k < n; k++) {
      const [type, validation] = pick(KINDS);
      const name = `f${f}_${k}`;
      const choices = CODES.filter(() => rand() < 0.5);
      if (choices.length === 0) choices.push("1");
      metadata.push(fieldMetadata({
        field_name: name,
        form_name: form,
        field_type: type,
        text_validation_type_or_show_slider_number: validation,
        select_choices_or_calculations: ["radio", "dropdown", "checkbox"].includes(type)
          ? choices.map((c) => `${c}, Label ${c}, with comma`).join(" | ")
          : "",
      }));
      const gen: Record<string, () => string> = {
        "text:": () => pick(TEXTS),
        "text:integer": () => String(Math.floor(rand() * 200) - 50),
        "text:number": () => (rand() * 200 - 50).toFixed(Math.floor(rand() * 4)),
        "text:number_1dp": () => (rand() * 100).toFixed(1),
        "text:number_2dp_comma_decimal": () => (rand() * 100).toFixed(2).replace(".", ","),
        "text:date_ymd": day,
        "text:date_dmy": day,
        "text:datetime_ymd": () => `${day()} ${time()}`,
        "text:datetime_seconds_mdy": () => `${day()} ${time()}:${p2(Math.floor(rand() * 60))}`,
        "text:time": time,
        "text:email": () => `user${Math.floor(rand() * 100)}@example.org`,
        "notes:": () => pick(TEXTS) + "\n" + pick(TEXTS),
        "radio:": () => pick(choices),
        "dropdown:": () => pick(choices),
        "yesno:": () => pick(["0", "1"]),
        "truefalse:": () => pick(["0", "1"]),
        "slider:": () => String(Math.floor(rand() * 101)),
      };
      if (type === "checkbox") {
        for (const c of choices) {
          makers[`${name}___${c.replace("-", "_")}`] = () => pick(["0", "1"]);
        }
      } else makers[name] = gen[`${type}:${validation}`];
    }
    if (rand() < 0.3) {
      const source = metadata.find((m) =>
        m.form_name === form && m.text_validation_type_or_show_slider_number === "integer"
      );
      if (source) {
        calcs.push([`calc_${f}`, source.field_name]);
        metadata.push(fieldMetadata({
          field_name: `calc_${f}`,
          form_name: form,
          field_type: "calc",
          select_choices_or_calculations: `[${source.field_name}] * 2`,
        }));
      }
    }
  });
  const repeatForm = rand() < 0.6 ? forms[forms.length - 1] : undefined;
  const events = longitudinal
    ? [1, 2].map((i) => ({
      event_name: `Event ${i}`,
      arm_num: 1,
      unique_event_name: `event_${i}_arm_1`,
      custom_event_label: "",
      event_id: 100 + i,
      day_offset: i,
      offset_min: 0,
      offset_max: 0,
    }))
    : [];
  const designation: Record<string, string[]> = longitudinal
    ? { event_1_arm_1: forms, event_2_arm_1: forms.slice(1) }
    : { "": forms };
  const formOf = (column: string) => {
    const base = column.split("___")[0];
    return metadata.find((m) => m.field_name === base)!.form_name;
  };
  const records: Record<string, string>[] = [];
  const nRecords = 3 + Math.floor(rand() * 8);
  for (let r = 1; r <= nRecords; r++) {
    for (const [event, designated] of Object.entries(designation)) {
      const contexts: { forms: string[]; instrument: string; instance: string }[] = [];
      const base = designated.filter((f) => f !== repeatForm || event === "event_1_arm_1");
      contexts.push({ forms: base, instrument: "", instance: "" });
      if (repeatForm && designated.includes(repeatForm) && event !== "event_1_arm_1") {
        const k = Math.floor(rand() * 3);
        for (let i = 1; i <= k; i++) {
          contexts.push({ forms: [repeatForm], instrument: repeatForm, instance: String(i) });
        }
      }
      for (const ctx of contexts) {
        const row: Record<string, string> = { record_id: String(r) };
        if (longitudinal) row.redcap_event_name = event;
        if (ctx.instrument) {
          row.redcap_repeat_instrument = ctx.instrument;
          row.redcap_repeat_instance = ctx.instance;
        }
        let any = false;
        for (const [column, make] of Object.entries(makers)) {
          if (!ctx.forms.includes(formOf(column))) continue;
          if (rand() < 0.25) continue;
          row[column] = make();
          any = true;
        }
        // Loading keeps calculated values as given: give the server's own.
        for (const [calc, source] of calcs) {
          if (row[source] !== undefined) row[calc] = String(Number(row[source]) * 2);
        }
        for (const form of ctx.forms) {
          if (rand() < 0.7) row[`${form}_complete`] = pick(["0", "1", "2"]);
        }
        if (any || ctx.instrument === "") records.push(row);
      }
    }
  }
  return {
    info: { project_title: `Generated ${seed}` },
    metadata,
    instruments: forms.map((f) => ({ instrument_name: f, instrument_label: f })),
    arms: longitudinal ? [{ arm_num: 1, name: "Arm 1" }] : [],
    events,
    formEventMapping: longitudinal
      ? Object.entries(designation).flatMap(([e, fs]) =>
        fs.map((form) => ({ arm_num: 1, unique_event_name: e, form }))
      )
      : [],
    repeating: repeatForm
      ? [{
        event_name: longitudinal ? "event_2_arm_1" : "",
        form_name: repeatForm,
        custom_form_label: "",
      }]
      : [],
    dags: [],
    surveys: [],
    users: [],
    records,
    longitudinal,
  };
}

/** The same project without records. */
export function emptyCopy(definition: ProjectDefinition): ProjectDefinition {
  return { ...definition, records: [], files: [], recordDags: {} };
}
