/**
 * The built-in demo project: a synthetic two-arm longitudinal clinical study with every field
 * type, common validations, a repeating instrument, a survey, two data access groups and missing
 * data codes. Its records are generated from a seed, so the same options always give the same
 * project.
 *
 * @module
 */
import {
  type DataAccessGroup,
  type EventDefinition,
  type FormEventMapping,
  fullRights,
  type ProjectDefinition,
  type RepeatingFormEvent,
  type StoredFile,
  type UserRights,
} from "../project.ts";
import {
  AE_EVENTS,
  ARMS,
  demoMetadata,
  DESIGNATION,
  EVENT_PLAN,
  INSTRUMENTS,
  MISSING_DATA_CODES,
  SITES,
} from "./_definition.ts";
import { demoRecordCells, demoRecordRows } from "./_generator.ts";
import { demoReports } from "./_reports.ts";

export { demoRecordCells, demoRecordRows };

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
