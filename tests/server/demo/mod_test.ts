import { deepStrictEqual, match, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DEMO_DAG_TOKEN, DEMO_TOKEN, demoProject } from "../../../lib/server/demo/mod.ts";
import { loadProject } from "../../../lib/server/load.ts";
import { ProjectModel } from "../../../lib/server/model.ts";
import { fullRights } from "../../../lib/server/project.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { HEAVY } from "../../_heavy.ts";
import { FIELD_TYPES } from "../../../lib/dictionary/field_types.ts";

/** Every column of the flat raw export, in REDCap's order (without DAG and survey columns). */
function exportColumns(model: ProjectModel): string[] {
  const columns = [model.recordIdField, "redcap_event_name"];
  if (model.hasRepeating) columns.push("redcap_repeat_instrument", "redcap_repeat_instance");
  for (const form of model.forms) {
    for (const field of form.fields) {
      if (field.field_name === model.recordIdField || field.field_type === "descriptive") continue;
      if (field.field_type === "checkbox") {
        columns.push(...model.checkboxColumns(field.field_name).map((c) => c.column));
      } else columns.push(field.field_name);
    }
    columns.push(`${form.name}_complete`);
  }
  return columns;
}

const PATTERNS: Record<string, RegExp> = {
  date_ymd: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  date_dmy: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, // raw values are always Y-M-D
  datetime_ymd: /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/,
  datetime_seconds_ymd: /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/,
  time: /^([01]\d|2[0-3]):[0-5]\d$/,
  integer: /^[-+]?\d+$/,
  number: /^[-+]?(\d+(\.\d*)?|\.\d+)$/,
  number_1dp: /^[-+]?\d+\.\d$/,
  email: /^[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}$/i,
  phone: /^\(([2-9]0[1-9]|[2-9]1[02-9]|[2-9][2-9]\d)\) [2-9][02-9]{2}-\d{4}$/,
  zipcode: /^\d{5}(-\d{4})?$/,
};

Deno.test("demoProject() is deterministic for a seed and differs between seeds", () => {
  const a = demoProject({ records: 50 });
  const b = demoProject({ records: 50 });
  deepStrictEqual(a, b);
  notDeepStrictEqual(demoProject({ records: 50, seed: 2 }).records, a.records);
  // A smaller project is a prefix of a larger one: record 1 does not depend on the count.
  deepStrictEqual(
    demoProject({ records: 5 }).records,
    a.records.filter((r) => Number(r.record_id) <= 5),
  );
});

Deno.test("demoProject() has 300 records by default and exactly the requested count", () => {
  const ids = (n?: number) =>
    new Set(demoProject(n === undefined ? {} : { records: n }).records.map((r) => r.record_id));
  strictEqual(ids().size, 300);
  strictEqual(ids(7).size, 7);
  strictEqual(ids(0).size, 0);
});

Deno.test("demoProject() exports exactly 76 flat raw columns, all of them used", () => {
  const project = demoProject();
  const columns = exportColumns(new ProjectModel(project));
  strictEqual(columns.length, 76);
  strictEqual(new Set(columns).size, 76);
  const used = new Set(project.records.flatMap((r) => Object.keys(r)));
  const extra = ["redcap_data_access_group", "quality_of_life_timestamp"];
  deepStrictEqual([...used].filter((c) => !columns.includes(c) && !extra.includes(c)), []);
  deepStrictEqual(columns.filter((c) => !used.has(c)), []);
  // One checkbox column per missing-data code.
  ok(columns.includes("race___unk") && columns.includes("race___na"));
});

Deno.test("demoProject() uses every field type and the common validations", () => {
  const { metadata } = demoProject({ records: 1 });
  const types = new Set(metadata.map((f) => f.field_type));
  // Every type but `sql` (its choices come from a query on the REDCap server's database).
  for (const type of FIELD_TYPES.filter((t) => t !== "sql")) {
    ok(types.has(type), `no ${type} field`);
  }
  const validations = new Set(metadata.map((f) => f.text_validation_type_or_show_slider_number));
  for (const validation of Object.keys(PATTERNS)) ok(validations.has(validation), validation);
  deepStrictEqual(
    metadata.filter((f) => f.identifier === "y").map((f) => f.field_name).slice(0, 4),
    ["first_name", "last_name", "dob", "email"],
  );
  ok(metadata.some((f) => f.branching_logic !== ""));
  ok(metadata.some((f) => f.required_field === "y"));
  ok(metadata.some((f) => f.field_note !== ""));
  ok(metadata.some((f) => f.matrix_group_name !== ""));
  const race = metadata.find((f) => f.field_name === "race")!;
  match(race.select_choices_or_calculations, /\| OTH, Other$/);
  strictEqual(
    metadata.find((f) => f.field_name === "bmi")!.select_choices_or_calculations,
    "round([weight]*10000/([height]*[height]),1)",
  );
});

Deno.test("demoProject() generates values that pass validation, choices and hard limits", () => {
  const project = demoProject({ records: 2000, seed: 7 });
  const model = new ProjectModel(project);
  const missing = new Set(model.missingDataCodes.map((c) => c.code));
  const usedMissing = new Set<string>();
  for (const row of project.records) {
    for (const [column, value] of Object.entries(row)) {
      if (value === "") continue;
      const where = `record ${row.record_id} ${row.redcap_event_name} ${column}="${value}"`;
      if (column.includes("___")) {
        ok(value === "0" || value === "1", where);
        continue;
      }
      if (model.isFormStatus(column)) {
        ok(["0", "1", "2"].includes(value), where);
        continue;
      }
      const field = model.fieldByName.get(column);
      if (!field) continue;
      if (missing.has(value)) {
        usedMissing.add(column);
        continue;
      }
      const type = field.field_type;
      if (["radio", "dropdown", "yesno", "truefalse"].includes(type)) {
        ok(model.choices(column).some((c) => c.code === value), where);
      }
      if (type === "slider") ok(/^\d+$/.test(value) && Number(value) <= 100, where);
      const validation = field.text_validation_type_or_show_slider_number;
      if (type === "text" && PATTERNS[validation]) match(value, PATTERNS[validation], where);
      const { text_validation_min: min, text_validation_max: max } = field;
      if (type === "text" && /^(integer|number)/.test(validation)) {
        if (min) ok(Number(value) >= Number(min), `${where} < ${min}`);
        if (max) ok(Number(value) <= Number(max), `${where} > ${max}`);
      }
      if (type === "text" && validation.startsWith("date")) {
        if (min) ok(value >= min, `${where} < ${min}`);
        if (max) ok(value.slice(0, 10) <= max, `${where} > ${max}`);
      }
    }
    // Checkbox rows with a missing-data code have nothing else checked.
    if (row.race___unk === "1") {
      deepStrictEqual(["1", "2", "3", "4", "5", "oth"].map((c) => row[`race___${c}`]), [
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
      ]);
    }
  }
  ok(usedMissing.size >= 2, `missing-data codes used in ${[...usedMissing]}`);
});

Deno.test("demoProject() stores the correct BMI for every weight and height", () => {
  let checked = 0;
  for (const row of demoProject({ records: 3000, seed: 11 }).records) {
    if (!row.weight) {
      strictEqual(row.bmi ?? "", "");
      continue;
    }
    const exact = Number(row.weight) * 10000 / (Number(row.height) * Number(row.height));
    strictEqual(row.bmi, String(Math.round(exact * 10) / 10));
    // Never on a rounding tie, so every engine agrees.
    ok(Math.abs((exact * 10) % 1 - 0.5) > 1e-6);
    checked++;
  }
  ok(checked > 5000);
});

Deno.test("demoProject() respects designations, repeating setup and DAGs", () => {
  const project = demoProject({ records: 1000 });
  const model = new ProjectModel(project);
  strictEqual(project.arms.length, 2);
  strictEqual(project.events.length, 10);
  const forms = new Set(project.instruments.map((i) => i.instrument_name));
  for (const event of model.events) {
    ok(event.forms.length < forms.size, `${event.unique_event_name} has every form`);
  }
  const perRecord = new Map<string, number>();
  for (const row of project.records) {
    const event = model.eventByName.get(row.redcap_event_name);
    ok(event, row.redcap_event_name);
    for (const column of Object.keys(row)) {
      const form = model.formOf(column.includes("___") ? column.split("___")[0] : column) ??
        (column.endsWith("_timestamp") ? column.slice(0, -10) : undefined);
      if (!form || column === "record_id") continue;
      ok(event.forms.includes(form), `${form} is not designated for ${event.unique_event_name}`);
      if (row.redcap_repeat_instrument) strictEqual(form, row.redcap_repeat_instrument);
      else ok(!event.repeatingForms.has(form), `${form} should be on a repeating row`);
    }
    if (row.redcap_repeat_instrument) {
      strictEqual(row.redcap_repeat_instrument, "adverse_events");
      ok(event.repeatingForms.has("adverse_events"));
      match(row.redcap_repeat_instance, /^[1-3]$/);
      perRecord.set(row.record_id, (perRecord.get(row.record_id) ?? 0) + 1);
    } else strictEqual(row.redcap_repeat_instance, "");
  }
  ok([...perRecord.values()].every((n) => n >= 1 && n <= 3));
  ok(perRecord.size > 200 && perRecord.size < 800, `${perRecord.size} records with events`);
  // Each record stays in one arm and has one DAG throughout.
  const arms = new Map<string, Set<string>>();
  for (const row of project.records) {
    const arm = row.redcap_event_name.slice(-1);
    arms.set(row.record_id, (arms.get(row.record_id) ?? new Set()).add(arm));
    strictEqual(row.redcap_data_access_group ?? "", project.recordDags?.[row.record_id] ?? "");
  }
  ok([...arms.values()].every((set) => set.size === 1));
  const dagCounts = new Map<string, number>();
  for (const dag of Object.values(project.recordDags ?? {})) {
    dagCounts.set(dag, (dagCounts.get(dag) ?? 0) + 1);
  }
  deepStrictEqual(
    [...dagCounts.keys()].sort(),
    project.dags.map((d) => d.unique_group_name).sort(),
  );
  // Survey timestamps only on completed surveys; some file names; all statuses used.
  for (const row of project.records) {
    if (row.quality_of_life_timestamp) strictEqual(row.quality_of_life_complete, "2");
  }
  ok(project.records.some((r) => r.lab_report));
  const statuses = new Set(project.records.map((r) => r.vitals_complete).filter(Boolean));
  deepStrictEqual([...statuses].sort(), ["0", "1", "2"]);
});

Deno.test("demoProject() declares the demo tokens and users", () => {
  const project = demoProject({ records: 1 });
  match(DEMO_TOKEN, /^[0-9A-F]{32}$/);
  match(DEMO_DAG_TOKEN, /^[0-9A-F]{32}$/);
  deepStrictEqual(project.tokens, [
    { token: DEMO_TOKEN, username: "demo_user" },
    { token: DEMO_DAG_TOKEN, username: "demo_dag_user" },
  ]);
  const [user, dagUser] = project.users;
  deepStrictEqual({ ...user, email: undefined, firstname: undefined, lastname: undefined }, {
    ...fullRights("demo_user"),
    email: undefined,
    firstname: undefined,
    lastname: undefined,
  });
  strictEqual(dagUser.username, "demo_dag_user");
  ok(project.dags.some((d) => d.unique_group_name === dagUser.data_access_group));
  strictEqual(project.info.missing_data_codes, "UNK, Unknown | NA, Not applicable");
  strictEqual(project.surveys[0].form_name, "quality_of_life");
});

// Its speed is measured in bench/demo_bench.ts.
Deno.test({ name: "demoProject() generates 100,000 records", ignore: !HEAVY }, () => {
  const project = demoProject({ records: 100_000 });
  strictEqual(project.records.at(-1)?.record_id, "100000");
});

Deno.test("demoProject() loads through the record import path without a validation error", () => {
  const store = RedcapStore.open();
  const { tokens } = loadProject(store, demoProject({ records: 400, seed: 3 }));
  deepStrictEqual(tokens, [DEMO_TOKEN, DEMO_DAG_TOKEN]);
});
