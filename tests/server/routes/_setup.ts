/**
 * Test setup for the structural routes: a store with one project built in code, a token with
 * chosen rights, and a `post()` that calls the handler in-process.
 *
 * @module
 */
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import {
  fieldMetadata,
  fullRights,
  type ProjectDefinition,
  type UserRights,
} from "../../../lib/server/project.ts";
import { RedcapStore } from "../../../lib/server/store.ts";

/** A response read once: status, body text and content type. */
export interface Answer {
  status: number;
  text: string;
  type: string;
  // deno-lint-ignore no-explicit-any
  json(): any;
}

/** A project in a fresh store, with a token. */
export interface Setup {
  store: RedcapStore;
  projectId: number;
  token: string;
  post(params: Record<string, string>): Promise<Answer>;
  /** Adds a second token with the given rights changed from full rights. */
  tokenWith(rights: Partial<UserRights>): string;
}

let counter = 0;
function makeToken(): string {
  counter++;
  return counter.toString(16).toUpperCase().padStart(32, "A");
}

/** Creates the project in a new in-memory store with one full-rights token. */
export function setup(definition: ProjectDefinition): Setup {
  const store = RedcapStore.open();
  const projectId = store.createProject(definition);
  const token = makeToken();
  store.addToken(token, projectId, fullRights("alice"));
  const handler = createRedcapHandler(store);
  return {
    store,
    projectId,
    token,
    async post(params) {
      const response = await handler(
        new Request("http://redcap.test/api/", {
          method: "POST",
          body: new URLSearchParams({ token, ...params }),
        }),
      );
      const text = await response.text();
      return {
        status: response.status,
        text,
        type: response.headers.get("content-type") ?? "",
        json: () => JSON.parse(text),
      };
    },
    tokenWith(rights) {
      const other = makeToken();
      store.addToken(other, projectId, { ...fullRights("bob"), ...rights });
      return other;
    },
  };
}

/** A classic project: two forms, a checkbox, a file, a descriptive and a calc field. */
export function classicProject(): ProjectDefinition {
  return {
    info: { project_title: "Classic", missing_data_codes: "" },
    metadata: [
      fieldMetadata({
        field_name: "record_id",
        form_name: "demographics",
        field_type: "text",
        field_label: "Record ID",
      }),
      fieldMetadata({
        field_name: "intro",
        form_name: "demographics",
        field_type: "descriptive",
        field_label: "Hello",
      }),
      fieldMetadata({
        field_name: "name",
        form_name: "demographics",
        field_type: "text",
        field_label: "Name, full",
        field_note: "line one\r\nline two",
      }),
      fieldMetadata({
        field_name: "race",
        form_name: "demographics",
        field_type: "checkbox",
        field_label: "Race",
        select_choices_or_calculations: "1, White | 2, Black | -99, Unknown",
      }),
      fieldMetadata({
        field_name: "photo",
        form_name: "demographics",
        field_type: "file",
        field_label: "Photo",
      }),
      fieldMetadata({
        field_name: "height",
        form_name: "health",
        field_type: "text",
        field_label: "Height",
      }),
      fieldMetadata({
        field_name: "bmi",
        form_name: "health",
        field_type: "calc",
        field_label: "BMI",
        select_choices_or_calculations: "[height] * 2",
      }),
      fieldMetadata({
        field_name: "pain",
        form_name: "health",
        field_type: "slider",
        field_label: "Pain",
      }),
    ],
    instruments: [
      { instrument_name: "demographics", instrument_label: "Demographics" },
      { instrument_name: "health", instrument_label: 'Health & "Habits"' },
    ],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [{
      data_access_group_name: "Site A",
      unique_group_name: "site_a",
      data_access_group_id: 41,
    }],
    surveys: [],
    users: [{
      ...fullRights("alice"),
      email: "alice@example.org",
      firstname: "Alice",
      lastname: "A",
      data_access_group: "site_a",
    }],
    records: [],
    longitudinal: false,
  };
}

/** A longitudinal project with two arms, three events and a repeating instrument. */
export function longitudinalProject(): ProjectDefinition {
  const event = (
    event_name: string,
    arm_num: number,
    unique_event_name: string,
    event_id: number,
  ) => ({
    event_name,
    arm_num,
    unique_event_name,
    custom_event_label: "",
    event_id,
    day_offset: 0,
    offset_min: 0,
    offset_max: 0,
  });
  return {
    info: { project_title: "Long", purpose: "4", in_production: "0" },
    metadata: [
      fieldMetadata({ field_name: "study_id", form_name: "enrollment", field_type: "text" }),
      fieldMetadata({ field_name: "dob", form_name: "enrollment", field_type: "text" }),
      fieldMetadata({ field_name: "weight", form_name: "visit", field_type: "text" }),
      fieldMetadata({ field_name: "note", form_name: "visit", field_type: "notes" }),
    ],
    instruments: [
      { instrument_name: "enrollment", instrument_label: "Enrollment" },
      { instrument_name: "visit", instrument_label: "Visit" },
    ],
    arms: [{ arm_num: 1, name: "Drug A" }, { arm_num: 2, name: "Drug B" }],
    events: [
      event("Enrollment", 1, "enrollment_arm_1", 10),
      event("Visit 1", 1, "visit_1_arm_1", 11),
      event("Enrollment", 2, "enrollment_arm_2", 12),
    ],
    formEventMapping: [
      { arm_num: 1, unique_event_name: "enrollment_arm_1", form: "enrollment" },
      { arm_num: 1, unique_event_name: "visit_1_arm_1", form: "visit" },
      { arm_num: 2, unique_event_name: "enrollment_arm_2", form: "enrollment" },
      { arm_num: 2, unique_event_name: "enrollment_arm_2", form: "visit" },
    ],
    repeating: [{
      event_name: "visit_1_arm_1",
      form_name: "visit",
      custom_form_label: '[weight] "kg"',
    }],
    dags: [],
    surveys: [],
    users: [],
    records: [],
    longitudinal: true,
  };
}
