/** Random small projects and flat exports for property tests. */
import pl from "../../lib/deps/polars.ts";
import { DataDictionary, type DictionaryStructure } from "../../lib/dictionary/data_dictionary.ts";
import { mulberry32 } from "../../lib/_random.ts";

/** A random project and a flat export of it that follows REDCap's rules. */
export interface Generated {
  dd: DataDictionary;
  flat: pl.DataFrame;
}

const TYPES = [
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

/** Generates a small random project (every field type, maybe longitudinal/repeating) and data. */
export function generate(seed: number): Generated {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const nForms = 1 + Math.floor(rand() * 3);
  const metadata: Record<string, string>[] = [{
    field_name: "record_id",
    form_name: "form_0",
    field_type: "text",
  }];
  const codes = ["1", "2", "-99", "aa", "ABC", "0", "1.5"];
  for (let f = 0; f < nForms; f++) {
    const nFields = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < nFields; k++) {
      const type = pick(TYPES);
      const choices = codes.filter(() => rand() < 0.5);
      if (choices.length === 0) choices.push("1");
      metadata.push({
        field_name: `f${f}_${k}`,
        form_name: `form_${f}`,
        field_type: type,
        select_choices_or_calculations: ["radio", "dropdown", "checkbox"].includes(type)
          ? choices.map((c) => `${c}, Label ${c}, with comma`).join(" | ")
          : "",
        text_validation_type_or_show_slider_number: type === "text"
          ? pick(["", "integer", "date_ymd", "number_1dp_comma_decimal"])
          : "",
        field_annotation: type === "checkbox" && rand() < 0.3 ? "@NOMISSING" : "",
      });
    }
  }
  const forms = [...new Set(metadata.map((m) => m.form_name))];
  const longitudinal = rand() < 0.6;
  const structure: DictionaryStructure = {
    projectInfo: { missing_data_codes: rand() < 0.5 ? "UNK, Unknown | NA-1, Not asked" : "" },
  };
  const repeating: { event_name: string; form_name: string }[] = [];
  if (longitudinal) {
    const events = [
      { event_name: "E1", arm_num: 1, unique_event_name: "e1_arm_1" },
      { event_name: "E2", arm_num: 1, unique_event_name: "e2_arm_1" },
      { event_name: "E1", arm_num: 2, unique_event_name: "e1_arm_2" },
    ];
    structure.events = events;
    structure.formEventMapping = events.flatMap((e, i) =>
      forms.filter((_f, j) => j === 0 || rand() < 0.6 || i === 1).map((form) => ({
        unique_event_name: e.unique_event_name,
        form,
      }))
    );
    if (rand() < 0.5) repeating.push({ event_name: "e2_arm_1", form_name: "" });
    else if (forms.length > 1) {
      repeating.push({ event_name: "e2_arm_1", form_name: forms[forms.length - 1] });
    }
    if (forms.length > 1 && rand() < 0.5) {
      repeating.push({ event_name: "e1_arm_1", form_name: forms[1] });
    }
  } else if (forms.length > 1 && rand() < 0.7) {
    repeating.push({ event_name: "", form_name: forms[1] });
  }
  if (repeating.length > 0) structure.repeating = repeating;
  const dd = DataDictionary.fromMetadata(metadata, structure);

  const columns = dd.columns();
  const out: Record<string, string | null>[] = [];
  const value = (column: string): string | null => {
    const info = dd.columnInfo(column)!;
    if (info.role === "checkbox") return rand() < 0.4 ? "1" : "0";
    if (info.role === "form_status") return pick(["0", "1", "2"]);
    if (rand() < 0.35) return null;
    const field = dd.field(info.field!)!;
    if (field.choices.length > 0) return pick(field.choices).code;
    return pick([
      "x",
      "1,5",
      "2020-01-02",
      "with, comma",
      'quote "q"',
      "ünïcode",
      "Привет, мир",
      "0012",
      "line\nbreak",
    ]);
  };
  const nRecords = 1 + Math.floor(rand() * 4);
  for (let r = 1; r <= nRecords; r++) {
    const record = `${r}`;
    const events: (string | null)[] = longitudinal
      ? dd.events.map((e) => e.uniqueName).filter(() => rand() < 0.8)
      : [null];
    for (const event of events) {
      const rowKinds: { instrument: string | null; instance: string | null; forms: string[] }[] =
        [];
      const designated = dd.designatedForms(event);
      if (dd.isRepeatingEvent(event)) {
        const n = 1 + Math.floor(rand() * 3);
        for (let i = 1; i <= n; i++) {
          rowKinds.push({ instrument: null, instance: `${i}`, forms: [...designated] });
        }
      } else {
        rowKinds.push({
          instrument: null,
          instance: null,
          forms: designated.filter((f) => !dd.isRepeatingForm(f, event)),
        });
        for (const form of designated.filter((f) => dd.isRepeatingForm(f, event))) {
          const n = Math.floor(rand() * 3);
          for (let i = 1; i <= n; i++) {
            rowKinds.push({ instrument: form, instance: `${i}`, forms: [form] });
          }
        }
      }
      for (const kind of rowKinds) {
        const row: Record<string, string | null> = {};
        for (const column of columns) {
          const info = dd.columnInfo(column)!;
          if (column === "record_id") row[column] = record;
          else if (column === "redcap_event_name") row[column] = event;
          else if (column === "redcap_repeat_instrument") row[column] = kind.instrument;
          else if (column === "redcap_repeat_instance") row[column] = kind.instance;
          else row[column] = kind.forms.includes(info.form!) ? value(column) : null;
        }
        out.push(row);
      }
    }
  }
  const schema = Object.fromEntries(columns.map((c) => [c, pl.String]));
  return { dd, flat: pl.DataFrame(out, { schema }) };
}
