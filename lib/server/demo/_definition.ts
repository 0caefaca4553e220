/**
 * The demo project's structure: arms, events, instruments and their fields, and its two sites.
 * Shared by the project builder (`mod.ts`) and the record generator (`_generator.ts`).
 *
 * @module
 */
import { type Arm, type FieldMetadata, fieldMetadata, type Instrument } from "../project.ts";

export const MISSING_DATA_CODES = "UNK, Unknown | NA, Not applicable";
export const ARMS: Arm[] = [{ arm_num: 1, name: "Standard care" }, {
  arm_num: 2,
  name: "Intervention",
}];
export const EVENT_PLAN = [
  { name: "Screening", slug: "screening", day: 0, min: 0, max: 0 },
  { name: "Baseline", slug: "baseline", day: 7, min: 2, max: 5 },
  { name: "Week 4", slug: "week_4", day: 35, min: 3, max: 7 },
  { name: "Week 12", slug: "week_12", day: 91, min: 7, max: 14 },
  { name: "Follow-up", slug: "followup", day: 180, min: 14, max: 28 },
] as const;
export const DESIGNATION: Record<string, string[]> = {
  screening: ["enrollment"],
  baseline: ["vitals", "labs", "quality_of_life"],
  week_4: ["vitals", "adverse_events"],
  week_12: ["vitals", "labs", "quality_of_life", "adverse_events"],
  followup: ["vitals", "quality_of_life", "completion"],
};
export const AE_EVENTS = ["week_4", "week_12"];

export const INSTRUMENTS: Instrument[] = [
  { instrument_name: "enrollment", instrument_label: "Enrollment" },
  { instrument_name: "vitals", instrument_label: "Vital Signs" },
  { instrument_name: "labs", instrument_label: "Laboratory Results" },
  { instrument_name: "quality_of_life", instrument_label: "Quality of Life Survey" },
  { instrument_name: "adverse_events", instrument_label: "Adverse Events" },
  { instrument_name: "completion", instrument_label: "Study Completion" },
];

export const QOL_ITEMS = ["mobility", "selfcare", "pain", "anxiety"];
export const QOL_CHOICES = "1, No problems | 2, Slight problems | 3, Moderate problems | " +
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

/** The demo's data dictionary, in form order. */
export function demoMetadata(): FieldMetadata[] {
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

export const SITES = [
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
