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
