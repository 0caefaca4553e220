/**
 * The built-in demo project: a synthetic two-arm longitudinal clinical study with every field
 * type, common validations, a repeating instrument, a survey, two data access groups and missing
 * data codes. Its records are generated from a seed, so the same options always give the same
 * project.
 *
 * @module
 */
import {
  type Arm,
  type DataAccessGroup,
  type EventDefinition,
  type FieldMetadata,
  fieldMetadata,
  type FormEventMapping,
  fullRights,
  type Instrument,
  type ProjectDefinition,
  type RepeatingFormEvent,
  type ReportDefinition,
  type StoredFile,
  type UserRights,
} from "./project.ts";
import { mulberry32 } from "../_random.ts";

/**
 * The demo's full-rights API token (user `demo_user`). Fixed, so notebooks and examples can use
 * it against a local demo server.
 *
 * @example The demo project declares it first
 * ```ts
 * import { DEMO_TOKEN, demoProject } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(demoProject({ records: 1 }).tokens?.[0].token, DEMO_TOKEN);
 * ```
 */
export const DEMO_TOKEN = "A1B2C3D4E5F60718293A4B5C6D7E8F90";

/**
 * The demo's token for `demo_dag_user`, who is in the `boston_general` data access group and so
 * sees only that site's records.
 *
 * @example The DAG user's token
 * ```ts
 * import { DEMO_DAG_TOKEN, demoProject } from "denocap/server";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const project = demoProject({ records: 1 });
 * deepStrictEqual(project.tokens?.[1], { token: DEMO_DAG_TOKEN, username: "demo_dag_user" });
 * deepStrictEqual(project.users[1].data_access_group, "boston_general");
 * ```
 */
export const DEMO_DAG_TOKEN = "0F1E2D3C4B5A69788796A5B4C3D2E1F0";

/** Options for {@linkcode demoProject}. */
export interface DemoProjectOptions {
  /** Number of records.
   * @default {300}
   */
  records?: number;
  /** Seed of the pseudo-random generator.
   * @default {1}
   */
  seed?: number;
}

const MISSING_DATA_CODES = "UNK, Unknown | NA, Not applicable";
const ARMS: Arm[] = [{ arm_num: 1, name: "Standard care" }, { arm_num: 2, name: "Intervention" }];
const EVENT_PLAN = [
  { name: "Screening", slug: "screening", day: 0, min: 0, max: 0 },
  { name: "Baseline", slug: "baseline", day: 7, min: 2, max: 5 },
  { name: "Week 4", slug: "week_4", day: 35, min: 3, max: 7 },
  { name: "Week 12", slug: "week_12", day: 91, min: 7, max: 14 },
  { name: "Follow-up", slug: "followup", day: 180, min: 14, max: 28 },
] as const;
const DESIGNATION: Record<string, string[]> = {
  screening: ["enrollment"],
  baseline: ["vitals", "labs", "quality_of_life"],
  week_4: ["vitals", "adverse_events"],
  week_12: ["vitals", "labs", "quality_of_life", "adverse_events"],
  followup: ["vitals", "quality_of_life", "completion"],
};
const AE_EVENTS = ["week_4", "week_12"];

const INSTRUMENTS: Instrument[] = [
  { instrument_name: "enrollment", instrument_label: "Enrollment" },
  { instrument_name: "vitals", instrument_label: "Vital Signs" },
  { instrument_name: "labs", instrument_label: "Laboratory Results" },
  { instrument_name: "quality_of_life", instrument_label: "Quality of Life Survey" },
  { instrument_name: "adverse_events", instrument_label: "Adverse Events" },
  { instrument_name: "completion", instrument_label: "Study Completion" },
];

const QOL_ITEMS = ["mobility", "selfcare", "pain", "anxiety"];
const QOL_CHOICES = "1, No problems | 2, Slight problems | 3, Moderate problems | " +
  "4, Severe problems | 5, Unable / extreme problems";

function f(
  field_name: string,
  form_name: string,
  field_type: string,
  field_label: string,
  extra: Partial<FieldMetadata> = {},
): FieldMetadata {
  return fieldMetadata({ field_name, form_name, field_type, field_label, ...extra });
}

function demoMetadata(): FieldMetadata[] {
  const e = "enrollment";
  const v = "vitals";
  const l = "labs";
  const q = "quality_of_life";
  const a = "adverse_events";
  const c = "completion";
  return [
    f("record_id", e, "text", "Participant ID"),
    f("enrollment_intro", e, "descriptive", "<b>Screening visit.</b> Confirm eligibility first.", {
      section_header: "Screening",
    }),
    f("enroll_date", e, "text", "Date of enrollment", {
      text_validation_type_or_show_slider_number: "date_ymd",
      text_validation_min: "2024-01-01",
      text_validation_max: "2025-12-31",
      required_field: "y",
      field_annotation: "@TODAY",
    }),
    f("first_name", e, "text", "First name", {
      identifier: "y",
      required_field: "y",
      section_header: "Contact information",
    }),
    f("last_name", e, "text", "Last name", { identifier: "y" }),
    f("dob", e, "text", "Date of birth", {
      text_validation_type_or_show_slider_number: "date_dmy",
      text_validation_min: "1930-01-01",
      text_validation_max: "2006-12-31",
      identifier: "y",
      field_note: "DD-MM-YYYY",
    }),
    f("email", e, "text", "E-mail", {
      text_validation_type_or_show_slider_number: "email",
      identifier: "y",
    }),
    f("phone", e, "text", "Phone number", {
      text_validation_type_or_show_slider_number: "phone",
      identifier: "y",
      field_note: "Include area code",
    }),
    f("address", e, "notes", "Street address", { identifier: "y" }),
    f("zipcode", e, "text", "ZIP code", { text_validation_type_or_show_slider_number: "zipcode" }),
    f("sex", e, "radio", "Sex", {
      select_choices_or_calculations: "1, Female | 2, Male | 3, Intersex",
      section_header: "Demographics",
      custom_alignment: "LH",
    }),
    f("race", e, "checkbox", "Race (select all that apply)", {
      select_choices_or_calculations: "1, American Indian or Alaska Native | 2, Asian | " +
        "3, Black or African American | 4, Native Hawaiian or Other Pacific Islander | " +
        "5, White | OTH, Other",
    }),
    f("ethnicity", e, "dropdown", "Ethnicity", {
      select_choices_or_calculations: "1, Hispanic or Latino | 2, Not Hispanic or Latino",
    }),
    f("medical_history", e, "checkbox", "Medical history", {
      select_choices_or_calculations:
        "htn, Hypertension | dm, Diabetes mellitus | copd, COPD | cad, Coronary artery disease",
    }),
    f("consent", e, "yesno", "Has the participant signed the consent form?", {
      required_field: "y",
      section_header: "Consent",
    }),
    f("consent_datetime", e, "text", "Date and time of consent", {
      text_validation_type_or_show_slider_number: "datetime_ymd",
      branching_logic: "[consent] = '1'",
    }),
    f("visit_datetime", v, "text", "Date and time of measurement", {
      text_validation_type_or_show_slider_number: "datetime_seconds_ymd",
    }),
    f("height", v, "text", "Height", {
      text_validation_type_or_show_slider_number: "number",
      text_validation_min: "120",
      text_validation_max: "220",
      field_note: "cm",
    }),
    f("weight", v, "text", "Weight", {
      text_validation_type_or_show_slider_number: "number_1dp",
      text_validation_min: "30",
      text_validation_max: "250",
      field_note: "kg",
      field_annotation: "@FORCE-MINMAX",
    }),
    f("bmi", v, "calc", "Body mass index", {
      select_choices_or_calculations: "round([weight]*10000/([height]*[height]),1)",
      field_note: "kg/m²",
    }),
    f("sbp", v, "text", "Systolic blood pressure", {
      text_validation_type_or_show_slider_number: "integer",
      text_validation_min: "60",
      text_validation_max: "260",
      field_note: "mmHg",
      field_annotation: "@FORCE-MINMAX",
      section_header: "Blood pressure and pulse",
    }),
    f("dbp", v, "text", "Diastolic blood pressure", {
      text_validation_type_or_show_slider_number: "integer",
      text_validation_min: "30",
      text_validation_max: "160",
      field_note: "mmHg",
    }),
    f("heart_rate", v, "text", "Heart rate", {
      text_validation_type_or_show_slider_number: "integer",
      text_validation_min: "30",
      text_validation_max: "220",
      field_note: "beats per minute",
    }),
    f("o2_sat", v, "text", "Oxygen saturation", {
      text_validation_type_or_show_slider_number: "integer",
      text_validation_min: "70",
      text_validation_max: "100",
      field_note: "%",
    }),
    f("temperature", v, "text", "Body temperature", {
      text_validation_type_or_show_slider_number: "number_1dp",
      text_validation_min: "34",
      text_validation_max: "42",
      field_note: "°C",
    }),
    f("smoker", v, "truefalse", "The participant currently smokes"),
    f("lab_date", l, "text", "Date of blood draw", {
      text_validation_type_or_show_slider_number: "date_dmy",
    }),
    f("fasting_time", l, "text", "Time of blood draw", {
      text_validation_type_or_show_slider_number: "time",
      field_note: "HH:MM, 24-hour clock",
    }),
    f("glucose", l, "text", "Fasting glucose", {
      text_validation_type_or_show_slider_number: "integer",
      text_validation_min: "40",
      text_validation_max: "600",
      field_note: "mg/dL",
    }),
    f("hemoglobin", l, "text", "Hemoglobin", {
      text_validation_type_or_show_slider_number: "number_1dp",
      text_validation_min: "5",
      text_validation_max: "20",
      field_note: "g/dL",
    }),
    f("creatinine", l, "text", "Creatinine", {
      text_validation_type_or_show_slider_number: "number",
      text_validation_min: "0.2",
      text_validation_max: "15",
      field_note: "mg/dL",
    }),
    f("lab_report", l, "file", "Laboratory report (PDF)"),
    f("lab_comments", l, "notes", "Comments on the results"),
    f("qol_intro", q, "descriptive", "Please answer the questions below about your health today."),
    f("qol_overall", q, "slider", "How good is your health today?", {
      select_choices_or_calculations: "Worst imaginable | Moderate | Best imaginable",
      text_validation_type_or_show_slider_number: "number",
      text_validation_min: "0",
      text_validation_max: "100",
      custom_alignment: "RV",
      question_number: "1",
    }),
    ...QOL_ITEMS.map((item, i) =>
      f(
        `qol_${item}`,
        q,
        "radio",
        {
          mobility: "Mobility",
          selfcare: "Self-care",
          pain: "Pain / discomfort",
          anxiety: "Anxiety / depression",
        }[item]!,
        {
          select_choices_or_calculations: QOL_CHOICES,
          matrix_group_name: "qol_dimensions",
          section_header: i === 0 ? "Your health today" : "",
          question_number: String(i + 2),
        },
      )
    ),
    f("qol_comments", q, "notes", "Anything else you would like to tell us?"),
    f("ae_term", a, "text", "Adverse event", { required_field: "y" }),
    f("ae_onset", a, "text", "Date of onset", {
      text_validation_type_or_show_slider_number: "date_ymd",
    }),
    f("ae_severity", a, "radio", "Severity", {
      select_choices_or_calculations: "1, Mild | 2, Moderate | 3, Severe",
    }),
    f("ae_serious", a, "yesno", "Serious adverse event?"),
    f("ae_related", a, "dropdown", "Relationship to study treatment", {
      select_choices_or_calculations:
        "1, Not related | 2, Possibly related | 3, Probably related | 4, Definitely related",
    }),
    f("ae_actions", a, "checkbox", "Actions taken", {
      select_choices_or_calculations:
        "1, None | 2, Dose reduced | 3, Treatment interrupted | 4, Concomitant medication given",
    }),
    f("ae_resolved", a, "yesno", "Has the event resolved?"),
    f("ae_resolution_date", a, "text", "Date of resolution", {
      text_validation_type_or_show_slider_number: "date_ymd",
      branching_logic: "[ae_resolved] = '1'",
    }),
    f("completed_study", c, "yesno", "Did the participant complete the study?", {
      required_field: "y",
    }),
    f("completion_date", c, "text", "Date of completion or withdrawal", {
      text_validation_type_or_show_slider_number: "date_ymd",
    }),
    f("withdrawal_reason", c, "dropdown", "Reason for withdrawal", {
      select_choices_or_calculations:
        "1, Adverse event | 2, Withdrew consent | 3, Lost to follow-up | 4, Investigator decision | 5, Other",
      branching_logic: "[completed_study] = '0'",
    }),
    f("study_comments", c, "notes", "Comments"),
  ];
}

const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Amelia",
  "Oliver",
  "Sophia",
  "Elijah",
  "Charlotte",
  "James",
  "Mia",
  "Lucas",
  "Harper",
  "Mateo",
  "Evelyn",
  "Benjamin",
  "Aisha",
  "Wei",
  "Priya",
  "Diego",
  "Fatima",
  "Hiroshi",
  "Ngozi",
  "Sofia",
  "Mohammed",
  "Elena",
  "Kwame",
  "Ingrid",
  "Rafael",
  "Mei",
];
const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Nguyen",
  "Kim",
  "Patel",
  "Okafor",
  "Chen",
  "Schmidt",
  "Rossi",
  "Kowalski",
  "Haddad",
  "Tanaka",
  "O'Brien",
  "Silva",
  "Mensah",
  "Larsen",
  "Dubois",
  "Cohen",
];
/** Digits allowed in the 2nd and 3rd place of a North American exchange code. */
const EXCHANGE_DIGITS = ["0", "2", "3", "4", "5", "6", "7", "8"];
const STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Rd", "Elm St", "Pine Ct"];
const SITES = [
  {
    dag: "boston_general",
    name: "Boston General",
    city: "Boston, MA",
    zip: "021",
    area: ["617", "857"],
  },
  {
    dag: "denver_clinic",
    name: "Denver Clinic",
    city: "Denver, CO",
    zip: "802",
    area: ["303", "720"],
  },
];
const AE_TERMS = [
  "Headache",
  "Nausea",
  "Fatigue",
  "Dizziness",
  "Rash",
  "Cough",
  "Diarrhea",
  "Insomnia",
  "Back pain",
  "Upper respiratory infection",
];
const COMMENTS = [
  "No concerns.",
  "Participant reports feeling well.",
  "Sample slightly hemolysed; repeat not required.",
  "Results reviewed with the investigator.",
  "Participant asked about the study schedule.",
];

/** Day number 0 = 2023-01-01; dates and small numbers are formatted from lazily built tables. */
const EPOCH = Date.UTC(2023, 0, 1);
const DAY_MS = 86_400_000;
const PAD = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const DAY_2024 = 365; // 2024-01-01
const DAY_2025_END = 365 + 366 + 364; // 2025-12-31
const DAY_1930 = (Date.UTC(1930, 0, 1) - EPOCH) / DAY_MS;
const DAY_2006_END = (Date.UTC(2006, 11, 31) - EPOCH) / DAY_MS;

function bmiOf(weight: number, height: number): number {
  return Math.round((weight * 10000 / (height * height)) * 10) / 10;
}

/** Whether the BMI sits on a rounding tie, where engines may disagree. */
function tie(weight: number, height: number): boolean {
  const scaled = (weight * 10000 / (height * height)) * 10;
  return Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6;
}

/**
 * Builds the demo project: a two-arm longitudinal study (Standard care / Intervention) with five
 * events per arm, six instruments (one repeating, one a survey), two data access groups, missing
 * data codes and every field type. Its flat raw export has exactly 76 columns. Records are
 * generated deterministically from the seed; users `demo_user` ({@linkcode DEMO_TOKEN}, full
 * rights) and `demo_dag_user` ({@linkcode DEMO_DAG_TOKEN}, in `boston_general`) come with it.
 *
 * @example Ten records, always the same
 * ```ts
 * import { demoProject } from "denocap/server";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 *
 * const project = demoProject({ records: 10 });
 * assertEquals(project.longitudinal, true);
 * assertEquals(project.arms.map((a) => a.name), ["Standard care", "Intervention"]);
 * assertEquals(demoProject({ records: 10 }).records, project.records);
 * ```
 *
 * @param options How many records, and the seed.
 * @returns The project definition.
 */
export function demoProject(options: DemoProjectOptions = {}): ProjectDefinition {
  const { records: count = 300, seed = 1 } = options;
  const recordDags: Record<string, string> = {};
  const files: StoredFile[] = [];
  const records = [...demoRecordRows(count, seed, recordDags, files)];
  const metadata = demoMetadata();
  const events: EventDefinition[] = [];
  const formEventMapping: FormEventMapping[] = [];
  const repeating: RepeatingFormEvent[] = [];
  for (const arm of ARMS) {
    for (const plan of EVENT_PLAN) {
      const unique = `${plan.slug}_arm_${arm.arm_num}`;
      events.push({
        event_name: plan.name,
        arm_num: arm.arm_num,
        unique_event_name: unique,
        custom_event_label: "",
        event_id: events.length + 1,
        day_offset: plan.day,
        offset_min: plan.min,
        offset_max: plan.max,
      });
      for (const form of DESIGNATION[plan.slug]) {
        formEventMapping.push({ arm_num: arm.arm_num, unique_event_name: unique, form });
      }
      if (AE_EVENTS.includes(plan.slug)) {
        repeating.push({
          event_name: unique,
          form_name: "adverse_events",
          custom_form_label: "[ae_term]",
        });
      }
    }
  }
  const dags: DataAccessGroup[] = SITES.map((s, i) => ({
    data_access_group_name: s.name,
    unique_group_name: s.dag,
    data_access_group_id: i + 1,
  }));
  const users: UserRights[] = [
    {
      ...fullRights("demo_user"),
      email: "demo.user@example.org",
      firstname: "Demo",
      lastname: "User",
    },
    {
      ...fullRights("demo_dag_user"),
      email: "site.coordinator@example.org",
      firstname: "Site",
      lastname: "Coordinator",
      data_access_group: SITES[0].dag,
      design: 0,
      user_rights: 0,
      data_access_groups: 0,
    },
  ];

  return {
    info: {
      project_title: "denocap demo: Cardiometabolic Outcomes Study",
      creation_time: "2024-01-02 09:00:00",
      production_time: "",
      in_production: 0,
      project_language: "English",
      purpose: 2,
      purpose_other: "",
      project_notes: "Synthetic data generated by denocap. Not real participants.",
      custom_record_label: "[last_name], [first_name]",
      secondary_unique_field: "",
      is_longitudinal: 1,
      has_repeating_instruments_or_events: 1,
      surveys_enabled: 1,
      scheduling_enabled: 0,
      record_autonumbering_enabled: 1,
      randomization_enabled: 0,
      ddp_enabled: 0,
      project_irb_number: "DEMO-2024-001",
      project_grant_number: "",
      project_pi_firstname: "Ada",
      project_pi_lastname: "Okonkwo",
      display_today_now_button: 1,
      missing_data_codes: MISSING_DATA_CODES,
      external_modules: "",
      bypass_branching_erase_field_prompt: 0,
    },
    metadata,
    instruments: INSTRUMENTS.map((i) => ({ ...i })),
    arms: ARMS.map((a) => ({ ...a })),
    events,
    formEventMapping,
    repeating,
    dags,
    surveys: [{ form_name: "quality_of_life", title: "Quality of Life Survey" }],
    users,
    dagSwitcher: { demo_user: ["", ...dags.map((d) => d.unique_group_name)] },
    records,
    recordDags,
    files,
    tokens: [
      { token: DEMO_TOKEN, username: "demo_user" },
      { token: DEMO_DAG_TOKEN, username: "demo_dag_user" },
    ],
    longitudinal: true,
    reports: demoReports(),
  };
}

/** Two saved reports, with the settings REDCap's report builder writes to a Project XML. */
function demoReports(): ReportDefinition[] {
  const report = (attributes: Record<string, string>): ReportDefinition => ({
    report_id: 0,
    attributes: {
      description: "",
      combine_checkbox_values: "0",
      output_dags: "0",
      output_survey_fields: "0",
      output_missing_data_codes: "0",
      remove_line_breaks_in_values: "1",
      orderby_field1: "record_id",
      orderby_sort1: "ASC",
      orderby_field2: "",
      orderby_sort2: "",
      orderby_field3: "",
      orderby_sort3: "",
      advanced_logic: "",
      filter_type: "EVENT",
      redcap_reports_filter_dags: "",
      redcap_reports_filter_events: "",
      ...attributes,
    },
  });
  return [
    report({
      title: "Enrolled participants",
      unique_report_name: "R-DEMOENROLL",
      report_order: "1",
      redcap_reports_fields: "record_id,enroll_date,sex,race,consent",
      redcap_reports_filter_events: "screening_arm_1,screening_arm_2",
    }),
    report({
      title: "High blood pressure, highest first",
      unique_report_name: "R-DEMOHIGHBP",
      report_order: "2",
      redcap_reports_fields: "record_id,visit_datetime,sbp,dbp",
      orderby_field1: "sbp",
      orderby_sort1: "DESC",
      advanced_logic: "[sbp] >= 140",
    }),
  ];
}

/** The demo's flat rows, made as they are read; fills `recordDags` and `files` as it goes. */
export function* demoRecordRows(
  count: number,
  seed: number,
  recordDags: Record<string, string>,
  files: StoredFile[],
): Generator<Record<string, string>> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Cannot build demo project: records must be a whole number, got ${count}`);
  }
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const chance = (p: number) => rand() < p;
  const normal = (mean: number, sd: number) => {
    const u = 1 - rand();
    const v = rand();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  const status = () => {
    const r = rand();
    return r < 0.8 ? "2" : r < 0.92 ? "1" : "0";
  };
  const time = () => `${PAD[int(7, 17)]}:${PAD[int(0, 59)]}`;

  let filesLeft = 3;

  for (let n = 1; n <= count; n++) {
    const id = String(n);
    const arm = chance(0.5) ? 1 : 2;
    const siteRoll = rand();
    const site = siteRoll < 0.45 ? SITES[0] : siteRoll < 0.9 ? SITES[1] : undefined;
    const siteInfo = site ?? SITES[1];
    const dag = site?.dag ?? "";
    if (dag) recordDags[id] = dag;
    const enrollDay = int(DAY_2024, DAY_2025_END - 200);
    const female = chance(0.52);
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const ageYears = int(18, 88);
    const birthDay = enrollDay - ageYears * 365 - int(0, 364);
    const dob = dayString(Math.min(Math.max(birthDay, DAY_1930), DAY_2006_END));
    const consent = chance(0.97);
    // How far the participant got: screening only, ..., follow-up.
    const progress = consent ? (chance(0.8) ? 5 : int(2, 4)) : 1;
    const baseRow = (event: string): Record<string, string> => {
      const row: Record<string, string> = {
        record_id: id,
        redcap_event_name: `${event}_arm_${arm}`,
        redcap_repeat_instrument: "",
        redcap_repeat_instance: "",
      };
      if (dag) row.redcap_data_access_group = dag;
      return row;
    };

    // Screening: enrollment form.
    const enrollment = baseRow("screening");
    enrollment.enroll_date = dayString(enrollDay);
    enrollment.first_name = first;
    enrollment.last_name = last;
    enrollment.dob = dob;
    enrollment.email = chance(0.9)
      ? `${first}.${last}${n}@example.com`.toLowerCase().replace(/'/g, "")
      : "";
    enrollment.phone = chance(0.93)
      ? `(${pick(siteInfo.area)}) ${int(2, 9)}${pick(EXCHANGE_DIGITS)}${pick(EXCHANGE_DIGITS)}-${
        String(int(0, 9999)).padStart(4, "0")
      }`
      : "";
    enrollment.address = chance(0.85)
      ? `${int(1, 999)} ${pick(STREETS)}\n${siteInfo.city} ${siteInfo.zip}${PAD[int(1, 39)]}`
      : "";
    enrollment.zipcode = `${siteInfo.zip}${PAD[int(1, 39)]}`;
    enrollment.sex = female ? "1" : chance(0.98) ? "2" : "3";
    const raceUnknown = chance(0.03);
    const mainRace = pick(["1", "2", "3", "4", "5", "5", "5", "3", "2", "oth"]);
    for (const code of ["1", "2", "3", "4", "5", "oth"]) {
      enrollment[`race___${code}`] = !raceUnknown && (code === mainRace || chance(0.03))
        ? "1"
        : "0";
    }
    enrollment.race___unk = raceUnknown ? "1" : "0";
    enrollment.race___na = "0";
    enrollment.ethnicity = chance(0.04) ? "UNK" : chance(0.18) ? "1" : "2";
    const ageFactor = ageYears / 88;
    const history = {
      htn: chance(0.15 + 0.4 * ageFactor),
      dm: chance(0.1 + 0.2 * ageFactor),
      copd: chance(0.04 + 0.08 * ageFactor),
      cad: chance(0.03 + 0.15 * ageFactor),
    };
    for (const [code, has] of Object.entries(history)) {
      enrollment[`medical_history___${code}`] = has ? "1" : "0";
    }
    enrollment.medical_history___unk = "0";
    enrollment.medical_history___na = "0";
    enrollment.consent = consent ? "1" : "0";
    enrollment.consent_datetime = consent ? `${dayString(enrollDay)} ${time()}` : "";
    enrollment.enrollment_complete = status();
    yield enrollment;
    if (progress === 1) continue;

    const heightCm = Math.round(clamp(normal(female ? 163 : 177, 7), 140, 205));
    let weightKg = clamp(normal(female ? 72 : 86, 14), 42, 180);
    const smoker = chance(0.18);
    const baseSbp = normal(126 + 15 * ageFactor + (history.htn ? 10 : 0), 12);
    let aeLeft = (() => {
      const r = rand();
      return r < 0.5 ? 0 : r < 0.75 ? 1 : r < 0.9 ? 2 : 3;
    })();
    for (let e = 1; e < progress; e++) {
      const plan = EVENT_PLAN[e];
      const eventDay = Math.min(enrollDay + plan.day + int(-plan.min, plan.max), DAY_2025_END);
      const row = baseRow(plan.slug);
      const forms = DESIGNATION[plan.slug];
      // Vitals.
      if (arm === 2) weightKg -= rand() * 0.8;
      if (chance(0.96)) {
        row.visit_datetime = `${dayString(eventDay)} ${time()}:${PAD[int(0, 59)]}`;
        row.height = num(heightCm);
        let w = Math.round(clamp(weightKg + normal(0, 0.6), 35, 240) * 10) / 10;
        // Keep the BMI away from a rounding tie so every engine agrees on it.
        while (tie(Number(w.toFixed(1)), heightCm)) w += 0.1;
        row.weight = w.toFixed(1);
        row.bmi = num(bmiOf(Number(row.weight), heightCm));
        const sbp = Math.round(clamp(baseSbp + normal(0, 8) - (arm === 2 ? e * 1.5 : 0), 85, 220));
        row.sbp = num(sbp);
        row.dbp = num(Math.round(clamp(sbp * 0.62 + normal(0, 6), 45, 130)));
        row.heart_rate = num(Math.round(clamp(normal(72, 10), 45, 140)));
        row.o2_sat = num(int(93, 100));
        row.temperature = clamp(normal(36.8, 0.3), 35.5, 39.5).toFixed(1);
        row.smoker = smoker ? "1" : "0";
        row.vitals_complete = status();
      } else {
        row.vitals_complete = "0";
      }
      // Labs.
      if (forms.includes("labs") && chance(0.93)) {
        row.lab_date = dayString(eventDay);
        row.fasting_time = `${PAD[int(7, 10)]}:${PAD[int(0, 59)]}`;
        row.glucose = num(Math.round(clamp(normal(history.dm ? 150 : 95, 18), 60, 400)));
        row.hemoglobin = chance(0.03)
          ? "NA"
          : clamp(normal(female ? 13.2 : 14.8, 1.1), 8, 19).toFixed(1);
        row.creatinine = clamp(normal(0.95, 0.2), 0.4, 3.5).toFixed(2);
        if (filesLeft > 0 && n % 7 === 3) {
          const name = `lab_report_${id}_${plan.slug}.pdf`;
          row.lab_report = name;
          files.push({
            record: id,
            event_id: (arm - 1) * EVENT_PLAN.length + e + 1,
            instance: 1,
            field_name: "lab_report",
            name,
            mime_type: "application/pdf",
            content: new TextEncoder().encode(`%PDF-1.4\n% denocap demo report ${id}\n%%EOF\n`),
          });
          filesLeft--;
        }
        row.lab_comments = chance(0.25) ? pick(COMMENTS) : "";
        row.labs_complete = status();
      }
      // Quality of life survey.
      if (forms.includes("quality_of_life") && chance(0.85)) {
        const done = chance(0.9);
        row.qol_overall = num(Math.round(clamp(normal(72 + (arm === 2 ? e * 2 : 0), 15), 0, 100)));
        for (const item of QOL_ITEMS) {
          row[`qol_${item}`] = done || chance(0.5) ? num(int(1, ageFactor > 0.6 ? 4 : 3)) : "";
        }
        row.qol_comments = chance(0.1) ? "Feeling better than last time." : "";
        row.quality_of_life_complete = done ? "2" : "0";
        if (done) {
          row.quality_of_life_timestamp = `${dayString(eventDay)} ${time()}:${PAD[int(0, 59)]}`;
        }
      }
      // Completion.
      if (forms.includes("completion")) {
        const completed = chance(0.92);
        row.completed_study = completed ? "1" : "0";
        row.completion_date = dayString(eventDay);
        row.withdrawal_reason = completed ? "" : num(int(1, 5));
        row.study_comments = chance(0.15) ? pick(COMMENTS) : "";
        row.completion_complete = status();
      }
      yield row;
      // Adverse events, repeating within week 4 and week 12.
      if (forms.includes("adverse_events") && aeLeft > 0) {
        const here = plan.slug === "week_12" || progress <= 3 ? aeLeft : int(0, aeLeft);
        aeLeft -= here;
        for (let k = 1; k <= here; k++) {
          const onset = eventDay - int(1, 25);
          const resolved = chance(0.7);
          const ae: Record<string, string> = {
            record_id: id,
            redcap_event_name: `${plan.slug}_arm_${arm}`,
            redcap_repeat_instrument: "adverse_events",
            redcap_repeat_instance: num(k),
            ae_term: pick(AE_TERMS),
            ae_onset: dayString(onset),
            ae_severity: num(chance(0.6) ? 1 : chance(0.8) ? 2 : 3),
            ae_serious: chance(0.05) ? "1" : "0",
            ae_related: num(int(1, 4)),
            ae_resolved: resolved ? "1" : "0",
            ae_resolution_date: resolved ? dayString(Math.min(onset + int(1, 20), eventDay)) : "",
            adverse_events_complete: status(),
          };
          const action = int(1, 4);
          for (const code of ["1", "2", "3", "4"]) {
            ae[`ae_actions___${code}`] = code === num(action) ? "1" : "0";
          }
          ae.ae_actions___unk = "0";
          ae.ae_actions___na = "0";
          if (dag) ae.redcap_data_access_group = dag;
          yield ae;
        }
      }
    }
  }
}

const TABLE_START = (Date.UTC(1925, 0, 1) - EPOCH) / DAY_MS;
const TABLE_END = (Date.UTC(2027, 0, 1) - EPOCH) / DAY_MS;
let dateTable: string[] | undefined;
let numberTable: string[] | undefined;

/** `YYYY-MM-DD` of a day number. */
function dayString(day: number): string {
  if (!dateTable) {
    dateTable = [];
    for (let d = TABLE_START; d < TABLE_END; d++) {
      dateTable.push(new Date(EPOCH + d * DAY_MS).toISOString().slice(0, 10));
    }
  }
  return dateTable[day - TABLE_START] ?? new Date(EPOCH + day * DAY_MS).toISOString().slice(0, 10);
}

/** Decimal text of a small whole number, shared rather than allocated each time. */
function num(n: number): string {
  if (!numberTable) numberTable = Array.from({ length: 1000 }, (_, i) => String(i));
  return numberTable[n] ?? String(n);
}
