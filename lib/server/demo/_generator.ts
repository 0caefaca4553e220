/**
 * The demo's records, generated from a seed as they are read.
 *
 * @module
 */
import type { StoredFile } from "../project.ts";
import { mulberry32 } from "../../_random.ts";
import { DESIGNATION, EVENT_PLAN, QOL_ITEMS, SITES } from "./_definition.ts";

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
/** The race most often picked (several codes weighted). */
const MAIN_RACE = ["1", "2", "3", "4", "5", "5", "5", "3", "2", "oth"];
const COMMENTS = [
  "No concerns.",
  "Participant reports feeling well.",
  "Sample slightly hemolysed; repeat not required.",
  "Results reviewed with the investigator.",
  "Participant asked about the study schedule.",
];

/** Day number 0 = 2023-01-01; dates come from a table built on first use. */
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
 * The columns the generator fills, in the order it fills them: a row's values, read in this
 * order, come in the order it sets them (so {@linkcode demoRecordRows}' objects keep their keys'
 * order). Each constant below is a column's place in this list.
 */
const GENERATED: string[] = [];
const column = (name: string) => GENERATED.push(name) - 1;
const RECORD_ID = column("record_id");
const EVENT_NAME = column("redcap_event_name");
const REPEAT_INSTRUMENT = column("redcap_repeat_instrument");
const REPEAT_INSTANCE = column("redcap_repeat_instance");
// An adverse event's row names its DAG last; every other row right after the four above.
const AE_TERM = column("ae_term");
const AE_ONSET = column("ae_onset");
const AE_SEVERITY = column("ae_severity");
const AE_SERIOUS = column("ae_serious");
const AE_RELATED = column("ae_related");
const AE_RESOLVED = column("ae_resolved");
const AE_RESOLUTION_DATE = column("ae_resolution_date");
const ADVERSE_EVENTS_COMPLETE = column("adverse_events_complete");
const AE_ACTION_CODES = ["1", "2", "3", "4"];
const AE_ACTIONS = AE_ACTION_CODES.map((code) => column(`ae_actions___${code}`));
const AE_ACTIONS_UNK = column("ae_actions___unk");
const AE_ACTIONS_NA = column("ae_actions___na");
const DAG = column("redcap_data_access_group");
const ENROLL_DATE = column("enroll_date");
const FIRST_NAME = column("first_name");
const LAST_NAME = column("last_name");
const DOB = column("dob");
const EMAIL = column("email");
const PHONE = column("phone");
const ADDRESS = column("address");
const ZIPCODE = column("zipcode");
const SEX = column("sex");
const RACE_CODES = ["1", "2", "3", "4", "5", "oth"];
const RACE = RACE_CODES.map((code) => column(`race___${code}`));
const RACE_UNK = column("race___unk");
const RACE_NA = column("race___na");
const ETHNICITY = column("ethnicity");
const HISTORY_CODES = ["htn", "dm", "copd", "cad"] as const;
const HISTORY = HISTORY_CODES.map((code) => column(`medical_history___${code}`));
const HISTORY_UNK = column("medical_history___unk");
const HISTORY_NA = column("medical_history___na");
const CONSENT = column("consent");
const CONSENT_DATETIME = column("consent_datetime");
const ENROLLMENT_COMPLETE = column("enrollment_complete");
const VISIT_DATETIME = column("visit_datetime");
const HEIGHT = column("height");
const WEIGHT = column("weight");
const BMI = column("bmi");
const SBP = column("sbp");
const DBP = column("dbp");
const HEART_RATE = column("heart_rate");
const O2_SAT = column("o2_sat");
const TEMPERATURE = column("temperature");
const SMOKER = column("smoker");
const VITALS_COMPLETE = column("vitals_complete");
const LAB_DATE = column("lab_date");
const FASTING_TIME = column("fasting_time");
const GLUCOSE = column("glucose");
const HEMOGLOBIN = column("hemoglobin");
const CREATININE = column("creatinine");
const LAB_REPORT = column("lab_report");
const LAB_COMMENTS = column("lab_comments");
const LABS_COMPLETE = column("labs_complete");
const QOL_OVERALL = column("qol_overall");
const QOL = QOL_ITEMS.map((item) => column(`qol_${item}`));
const QOL_COMMENTS = column("qol_comments");
const QOL_COMPLETE = column("quality_of_life_complete");
const QOL_TIMESTAMP = column("quality_of_life_timestamp");
const COMPLETED_STUDY = column("completed_study");
const COMPLETION_DATE = column("completion_date");
const WITHDRAWAL_REASON = column("withdrawal_reason");
const STUDY_COMMENTS = column("study_comments");
const COMPLETION_COMPLETE = column("completion_complete");

/** Each event's unique name by arm (`[arm][event]`, arms 1 and 2). */
const EVENT_NAMES = [1, 2].map((arm) => EVENT_PLAN.map((plan) => `${plan.slug}_arm_${arm}`));
/** Which forms each event holds, by event. */
const PLAN_FORMS = EVENT_PLAN.map((plan) => {
  const forms = DESIGNATION[plan.slug];
  return {
    labs: forms.includes("labs"),
    qol: forms.includes("quality_of_life"),
    completion: forms.includes("completion"),
    ae: forms.includes("adverse_events"),
  };
});

/** The demo's flat rows, made as they are read; fills `recordDags` and `files` as it goes. */
export function* demoRecordRows(
  count: number,
  seed: number,
  recordDags: Record<string, string>,
  files: StoredFile[],
): Generator<Record<string, string>> {
  for (const cells of demoRecordCells(count, seed, recordDags, files, GENERATED)) {
    const row: Record<string, string> = {};
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i];
      if (value !== undefined) row[GENERATED[i]] = value;
    }
    yield row;
  }
}

/**
 * The demo's flat rows as {@linkcode demoRecordRows} makes them, each as its cells under
 * `header` (`undefined` where the row has no value): no object per row, no name looked up per
 * value. `header` must name every column the generator fills (the project's flat columns do).
 */
export function* demoRecordCells(
  count: number,
  seed: number,
  recordDags: Record<string, string>,
  files: StoredFile[],
  header: readonly string[],
): Generator<(string | undefined)[]> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Cannot build demo project: records must be a whole number, got ${count}`);
  }
  // Where each generated column goes in the header.
  const p = new Int32Array(GENERATED.length);
  const positions = new Map(header.map((name, index) => [name, index]));
  GENERATED.forEach((name, i) => {
    const index = positions.get(name);
    if (index === undefined) throw new RangeError(`Demo rows: no column "${name}" in the header`);
    p[i] = index;
  });
  const width = header.length;
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const chance = (probability: number) => rand() < probability;
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
    const eventNames = EVENT_NAMES[arm - 1];
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
    const baseRow = (e: number): (string | undefined)[] => {
      const row = new Array<string | undefined>(width);
      row[p[RECORD_ID]] = id;
      row[p[EVENT_NAME]] = eventNames[e];
      row[p[REPEAT_INSTRUMENT]] = "";
      row[p[REPEAT_INSTANCE]] = "";
      if (dag) row[p[DAG]] = dag;
      return row;
    };

    // Screening: enrollment form.
    const enrollment = baseRow(0);
    enrollment[p[ENROLL_DATE]] = dayString(enrollDay);
    enrollment[p[FIRST_NAME]] = first;
    enrollment[p[LAST_NAME]] = last;
    enrollment[p[DOB]] = dob;
    enrollment[p[EMAIL]] = chance(0.9)
      ? `${first}.${last}${n}@example.com`.toLowerCase().replace(/'/g, "")
      : "";
    enrollment[p[PHONE]] = chance(0.93)
      ? `(${pick(siteInfo.area)}) ${int(2, 9)}${pick(EXCHANGE_DIGITS)}${pick(EXCHANGE_DIGITS)}-${
        String(int(0, 9999)).padStart(4, "0")
      }`
      : "";
    enrollment[p[ADDRESS]] = chance(0.85)
      ? `${int(1, 999)} ${pick(STREETS)}\n${siteInfo.city} ${siteInfo.zip}${PAD[int(1, 39)]}`
      : "";
    enrollment[p[ZIPCODE]] = `${siteInfo.zip}${PAD[int(1, 39)]}`;
    enrollment[p[SEX]] = female ? "1" : chance(0.98) ? "2" : "3";
    const raceUnknown = chance(0.03);
    const mainRace = pick(MAIN_RACE);
    for (let i = 0; i < RACE_CODES.length; i++) {
      enrollment[p[RACE[i]]] = !raceUnknown && (RACE_CODES[i] === mainRace || chance(0.03))
        ? "1"
        : "0";
    }
    enrollment[p[RACE_UNK]] = raceUnknown ? "1" : "0";
    enrollment[p[RACE_NA]] = "0";
    enrollment[p[ETHNICITY]] = chance(0.04) ? "UNK" : chance(0.18) ? "1" : "2";
    const ageFactor = ageYears / 88;
    const htn = chance(0.15 + 0.4 * ageFactor);
    const dm = chance(0.1 + 0.2 * ageFactor);
    const copd = chance(0.04 + 0.08 * ageFactor);
    const cad = chance(0.03 + 0.15 * ageFactor);
    enrollment[p[HISTORY[0]]] = htn ? "1" : "0";
    enrollment[p[HISTORY[1]]] = dm ? "1" : "0";
    enrollment[p[HISTORY[2]]] = copd ? "1" : "0";
    enrollment[p[HISTORY[3]]] = cad ? "1" : "0";
    enrollment[p[HISTORY_UNK]] = "0";
    enrollment[p[HISTORY_NA]] = "0";
    enrollment[p[CONSENT]] = consent ? "1" : "0";
    enrollment[p[CONSENT_DATETIME]] = consent ? `${dayString(enrollDay)} ${time()}` : "";
    enrollment[p[ENROLLMENT_COMPLETE]] = status();
    yield enrollment;
    if (progress === 1) continue;

    const heightCm = Math.round(clamp(normal(female ? 163 : 177, 7), 140, 205));
    let weightKg = clamp(normal(female ? 72 : 86, 14), 42, 180);
    const smoker = chance(0.18);
    const baseSbp = normal(126 + 15 * ageFactor + (htn ? 10 : 0), 12);
    let aeLeft = (() => {
      const r = rand();
      return r < 0.5 ? 0 : r < 0.75 ? 1 : r < 0.9 ? 2 : 3;
    })();
    for (let e = 1; e < progress; e++) {
      const plan = EVENT_PLAN[e];
      const eventDay = Math.min(enrollDay + plan.day + int(-plan.min, plan.max), DAY_2025_END);
      const row = baseRow(e);
      const forms = PLAN_FORMS[e];
      // Vitals.
      if (arm === 2) weightKg -= rand() * 0.8;
      if (chance(0.96)) {
        row[p[VISIT_DATETIME]] = `${dayString(eventDay)} ${time()}:${PAD[int(0, 59)]}`;
        row[p[HEIGHT]] = num(heightCm);
        let w = Math.round(clamp(weightKg + normal(0, 0.6), 35, 240) * 10) / 10;
        // Keep the BMI away from a rounding tie so every engine agrees on it.
        let weight = w.toFixed(1);
        while (tie(Number(weight), heightCm)) weight = (w += 0.1).toFixed(1);
        row[p[WEIGHT]] = weight;
        row[p[BMI]] = num(bmiOf(Number(weight), heightCm));
        const sbp = Math.round(clamp(baseSbp + normal(0, 8) - (arm === 2 ? e * 1.5 : 0), 85, 220));
        row[p[SBP]] = num(sbp);
        row[p[DBP]] = num(Math.round(clamp(sbp * 0.62 + normal(0, 6), 45, 130)));
        row[p[HEART_RATE]] = num(Math.round(clamp(normal(72, 10), 45, 140)));
        row[p[O2_SAT]] = num(int(93, 100));
        row[p[TEMPERATURE]] = clamp(normal(36.8, 0.3), 35.5, 39.5).toFixed(1);
        row[p[SMOKER]] = smoker ? "1" : "0";
        row[p[VITALS_COMPLETE]] = status();
      } else {
        row[p[VITALS_COMPLETE]] = "0";
      }
      // Labs.
      if (forms.labs && chance(0.93)) {
        row[p[LAB_DATE]] = dayString(eventDay);
        row[p[FASTING_TIME]] = `${PAD[int(7, 10)]}:${PAD[int(0, 59)]}`;
        row[p[GLUCOSE]] = num(Math.round(clamp(normal(dm ? 150 : 95, 18), 60, 400)));
        row[p[HEMOGLOBIN]] = chance(0.03)
          ? "NA"
          : clamp(normal(female ? 13.2 : 14.8, 1.1), 8, 19).toFixed(1);
        row[p[CREATININE]] = clamp(normal(0.95, 0.2), 0.4, 3.5).toFixed(2);
        if (filesLeft > 0 && n % 7 === 3) {
          const name = `lab_report_${id}_${plan.slug}.pdf`;
          row[p[LAB_REPORT]] = name;
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
        row[p[LAB_COMMENTS]] = chance(0.25) ? pick(COMMENTS) : "";
        row[p[LABS_COMPLETE]] = status();
      }
      // Quality of life survey.
      if (forms.qol && chance(0.85)) {
        const done = chance(0.9);
        row[p[QOL_OVERALL]] = num(
          Math.round(clamp(normal(72 + (arm === 2 ? e * 2 : 0), 15), 0, 100)),
        );
        for (let i = 0; i < QOL.length; i++) {
          row[p[QOL[i]]] = done || chance(0.5) ? num(int(1, ageFactor > 0.6 ? 4 : 3)) : "";
        }
        row[p[QOL_COMMENTS]] = chance(0.1) ? "Feeling better than last time." : "";
        row[p[QOL_COMPLETE]] = done ? "2" : "0";
        if (done) {
          row[p[QOL_TIMESTAMP]] = `${dayString(eventDay)} ${time()}:${PAD[int(0, 59)]}`;
        }
      }
      // Completion.
      if (forms.completion) {
        const completed = chance(0.92);
        row[p[COMPLETED_STUDY]] = completed ? "1" : "0";
        row[p[COMPLETION_DATE]] = dayString(eventDay);
        row[p[WITHDRAWAL_REASON]] = completed ? "" : num(int(1, 5));
        row[p[STUDY_COMMENTS]] = chance(0.15) ? pick(COMMENTS) : "";
        row[p[COMPLETION_COMPLETE]] = status();
      }
      yield row;
      // Adverse events, repeating within week 4 and week 12.
      if (forms.ae && aeLeft > 0) {
        const here = plan.slug === "week_12" || progress <= 3 ? aeLeft : int(0, aeLeft);
        aeLeft -= here;
        for (let k = 1; k <= here; k++) {
          const onset = eventDay - int(1, 25);
          const resolved = chance(0.7);
          const ae = new Array<string | undefined>(width);
          ae[p[RECORD_ID]] = id;
          ae[p[EVENT_NAME]] = eventNames[e];
          ae[p[REPEAT_INSTRUMENT]] = "adverse_events";
          ae[p[REPEAT_INSTANCE]] = num(k);
          ae[p[AE_TERM]] = pick(AE_TERMS);
          ae[p[AE_ONSET]] = dayString(onset);
          ae[p[AE_SEVERITY]] = num(chance(0.6) ? 1 : chance(0.8) ? 2 : 3);
          ae[p[AE_SERIOUS]] = chance(0.05) ? "1" : "0";
          ae[p[AE_RELATED]] = num(int(1, 4));
          ae[p[AE_RESOLVED]] = resolved ? "1" : "0";
          ae[p[AE_RESOLUTION_DATE]] = resolved
            ? dayString(Math.min(onset + int(1, 20), eventDay))
            : "";
          ae[p[ADVERSE_EVENTS_COMPLETE]] = status();
          const action = int(1, 4);
          for (let i = 0; i < AE_ACTIONS.length; i++) {
            ae[p[AE_ACTIONS[i]]] = AE_ACTION_CODES[i] === num(action) ? "1" : "0";
          }
          ae[p[AE_ACTIONS_UNK]] = "0";
          ae[p[AE_ACTIONS_NA]] = "0";
          if (dag) ae[p[DAG]] = dag;
          yield ae;
        }
      }
    }
  }
}

const TABLE_START = (Date.UTC(1925, 0, 1) - EPOCH) / DAY_MS;
const TABLE_END = (Date.UTC(2027, 0, 1) - EPOCH) / DAY_MS;
let dateTable: string[] | undefined;

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

/** Decimal texts of 0 to 999. */
const NUMBERS = Array.from({ length: 1000 }, (_, i) => String(i));

/** Decimal text of a number; a small whole number's is shared rather than allocated. */
function num(n: number): string {
  // (A fraction is never an index: looking one up would make and hash its text first.)
  return (n | 0) === n && n >= 0 && n < 1000 ? NUMBERS[n] : String(n);
}
