/** Projects built in code for the record import, delete, rename and file tests. */
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { declareToken, loadProject, type TokenRights } from "../../../lib/server/load.ts";
import { fieldMetadata, type ProjectDefinition } from "../../../lib/server/project.ts";
import { RedcapStore } from "../../../lib/server/store.ts";

const text = (field_name: string, form_name: string, validation = "", extra = {}) =>
  fieldMetadata({
    field_name,
    form_name,
    field_type: "text",
    text_validation_type_or_show_slider_number: validation,
    ...extra,
  });

/**
 * A classic project with every validation type, coded fields, a checkbox, a calc, a file and
 * a signature field, a repeating instrument `visits`, missing-data codes and two DAGs.
 */
export function classicProject(): ProjectDefinition {
  return {
    info: {
      project_title: "Classic",
      missing_data_codes: "NA, Not applicable | UNK, Unknown",
      record_autonumbering_enabled: 1,
    },
    metadata: [
      text("record_id", "intake"),
      text("name", "intake"),
      text("age", "intake", "integer", { text_validation_min: "0", text_validation_max: "120" }),
      text("height", "intake", "number", {
        text_validation_min: "50",
        text_validation_max: "250",
        field_annotation: "@FORCE-MINMAX",
      }),
      text("weight", "intake", "number_1dp"),
      text("weight_comma", "intake", "number_2dp_comma_decimal"),
      text("score_comma", "intake", "number_comma_decimal"),
      text("dob", "intake", "date_ymd"),
      text("dob_mdy", "intake", "date_mdy"),
      text("seen_at", "intake", "datetime_dmy"),
      text("seen_secs", "intake", "datetime_seconds_ymd"),
      text("wake", "intake", "time"),
      text("lap", "intake", "time_mm_ss"),
      text("duration", "intake", "time_hh_mm_ss"),
      text("email", "intake", "email"),
      text("phone", "intake", "phone"),
      text("zip", "intake", "zipcode"),
      text("postcode_ca", "intake", "postalcode_canada"),
      text("letters", "intake", "alpha_only"),
      text("mrn", "intake", "mrn_10d"),
      text("ssn", "intake", "ssn"),
      text("vmrn", "intake", "vmrn"),
      text("custom", "intake", "my_custom_type"),
      text("strict", "intake", "integer", { field_annotation: "@NOMISSING" }),
      fieldMetadata({
        field_name: "sex",
        form_name: "intake",
        field_type: "radio",
        select_choices_or_calculations: "1, Female | 2, Male",
      }),
      fieldMetadata({
        field_name: "color",
        form_name: "intake",
        field_type: "dropdown",
        select_choices_or_calculations: "r, Red | g, Green | -9, None",
      }),
      fieldMetadata({ field_name: "smoker", form_name: "intake", field_type: "yesno" }),
      fieldMetadata({ field_name: "truth", form_name: "intake", field_type: "truefalse" }),
      fieldMetadata({
        field_name: "race",
        form_name: "intake",
        field_type: "checkbox",
        select_choices_or_calculations: "1, White | 2, Black | -9, Other",
      }),
      fieldMetadata({ field_name: "pain", form_name: "intake", field_type: "slider" }),
      fieldMetadata({
        field_name: "bmi",
        form_name: "intake",
        field_type: "calc",
        select_choices_or_calculations: "[weight]",
      }),
      fieldMetadata({ field_name: "notes", form_name: "intake", field_type: "notes" }),
      fieldMetadata({ field_name: "photo", form_name: "intake", field_type: "file" }),
      fieldMetadata({
        field_name: "sig",
        form_name: "intake",
        field_type: "file",
        text_validation_type_or_show_slider_number: "signature",
      }),
      fieldMetadata({ field_name: "info", form_name: "intake", field_type: "descriptive" }),
      text("visit_date", "visits", "date_ymd"),
      text("visit_score", "visits", "integer"),
      fieldMetadata({ field_name: "visit_file", form_name: "visits", field_type: "file" }),
    ],
    instruments: [
      { instrument_name: "intake", instrument_label: "Intake" },
      { instrument_name: "visits", instrument_label: "Visits" },
    ],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [{ event_name: "", form_name: "visits", custom_form_label: "" }],
    dags: [
      { data_access_group_name: "Site A", unique_group_name: "site_a", data_access_group_id: 20 },
      { data_access_group_name: "Site B", unique_group_name: "site_b", data_access_group_id: 21 },
    ],
    surveys: [],
    users: [],
    records: [],
    longitudinal: false,
  };
}

/**
 * A two-arm longitudinal project: arm 1 has `baseline_arm_1` (demo + vitals) and the repeating
 * event `followup_arm_1` (vitals); arm 2 has `baseline_arm_2` (demo + vitals, where `vitals` is
 * a repeating instrument).
 */
export function longitudinalProject(): ProjectDefinition {
  const event = (name: string, arm: number, id: number) => ({
    event_name: name,
    arm_num: arm,
    unique_event_name: `${name.toLowerCase()}_arm_${arm}`,
    custom_event_label: "",
    event_id: id,
    day_offset: 0,
    offset_min: 0,
    offset_max: 0,
  });
  return {
    info: { project_title: "Longitudinal" },
    metadata: [
      text("study_id", "demo"),
      text("dob", "demo", "date_ymd"),
      text("hr", "vitals", "integer"),
      fieldMetadata({ field_name: "scan", form_name: "vitals", field_type: "file" }),
    ],
    instruments: [
      { instrument_name: "demo", instrument_label: "Demo" },
      { instrument_name: "vitals", instrument_label: "Vitals" },
    ],
    arms: [{ arm_num: 1, name: "A" }, { arm_num: 2, name: "B" }],
    events: [event("Baseline", 1, 41), event("Followup", 1, 42), event("Baseline", 2, 43)],
    formEventMapping: [
      { arm_num: 1, unique_event_name: "baseline_arm_1", form: "demo" },
      { arm_num: 1, unique_event_name: "baseline_arm_1", form: "vitals" },
      { arm_num: 1, unique_event_name: "followup_arm_1", form: "vitals" },
      { arm_num: 2, unique_event_name: "baseline_arm_2", form: "demo" },
      { arm_num: 2, unique_event_name: "baseline_arm_2", form: "vitals" },
    ],
    repeating: [
      { event_name: "followup_arm_1", form_name: "", custom_form_label: "" },
      { event_name: "baseline_arm_2", form_name: "vitals", custom_form_label: "" },
    ],
    dags: [],
    surveys: [],
    users: [],
    records: [],
    longitudinal: true,
  };
}

/** An in-process server over a fresh store holding one project. */
export interface Server {
  store: RedcapStore;
  projectId: number;
  token: string;
  /** POSTs form fields (and optionally a file as multipart) with the full-rights token. */
  post(params: Record<string, string>, file?: File, token?: string): Promise<Response>;
  /** Declares another token with narrower rights. */
  tokenFor(rights: TokenRights): string;
}

/** Creates a store with the project and a handler over it. */
export function serve(definition: ProjectDefinition): Server {
  const store = RedcapStore.open(":memory:", { now: () => new Date(2026, 0, 15, 10, 30, 0) });
  const { projectId, tokens } = loadProject(store, definition);
  const handler = createRedcapHandler(store);
  return {
    store,
    projectId,
    token: tokens[0],
    post(params, file, token = tokens[0]) {
      let body: BodyInit;
      if (file) {
        const form = new FormData();
        form.set("token", token);
        for (const [k, v] of Object.entries(params)) form.set(k, v);
        form.set("file", file);
        body = form;
      } else body = new URLSearchParams({ token, ...params });
      return handler(new Request("http://redcap.test/api/", { method: "POST", body }));
    },
    tokenFor: (rights) => declareToken(store, projectId, rights),
  };
}

/** Every data row of a project, sorted, for "store unchanged" checks. */
export function dump(store: RedcapStore, projectId: number): string[] {
  return store.sql(
    "SELECT record, event_id, instance, field_name, value FROM data WHERE project_id = ?",
  ).all(projectId).map((r) => `${r.record}|${r.event_id}|${r.instance}|${r.field_name}=${r.value}`)
    .sort();
}
