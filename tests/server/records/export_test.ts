import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseCsv } from "../../../lib/parse/csv_rows.ts";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { ProjectModel } from "../../../lib/server/model.ts";
import {
  fieldMetadata,
  fullRights,
  type ProjectDefinition,
  type UserRights,
} from "../../../lib/server/project.ts";
import { exportRecords } from "../../../lib/server/records/export.ts";
import { RedcapStore } from "../../../lib/server/store.ts";

const TOKEN = "0123456789ABCDEF0123456789ABCDEF";

function classicProject(): ProjectDefinition {
  return {
    info: { project_title: "Classic", missing_data_codes: "NA, Not applicable" },
    metadata: [
      fieldMetadata({
        field_name: "record_id",
        form_name: "enrol",
        field_type: "text",
        field_label: "<b>Study</b> ID",
      }),
      fieldMetadata({
        field_name: "name",
        form_name: "enrol",
        field_type: "text",
        field_label: "Name",
        identifier: "y",
      }),
      fieldMetadata({
        field_name: "dob",
        form_name: "enrol",
        field_type: "text",
        field_label: "Birth date",
        text_validation_type_or_show_slider_number: "date_ymd",
      }),
      fieldMetadata({ field_name: "intro", form_name: "enrol", field_type: "descriptive" }),
      fieldMetadata({
        field_name: "sex",
        form_name: "enrol",
        field_type: "radio",
        field_label: "Sex",
        select_choices_or_calculations: '1, Male | 2, Female "F"',
      }),
      fieldMetadata({
        field_name: "consent",
        form_name: "enrol",
        field_type: "yesno",
        field_label: "Consent",
      }),
      fieldMetadata({
        field_name: "weight",
        form_name: "visit",
        field_type: "text",
        field_label: "Weight",
        text_validation_type_or_show_slider_number: "number",
      }),
      fieldMetadata({
        field_name: "symptoms",
        form_name: "visit",
        field_type: "checkbox",
        field_label: "Symptoms",
        select_choices_or_calculations: "1, Cough | 2, Fever | -9, Unknown",
      }),
      fieldMetadata({ field_name: "scan", form_name: "visit", field_type: "file" }),
      fieldMetadata({ field_name: "remark", form_name: "visit", field_type: "notes" }),
    ],
    instruments: [
      { instrument_name: "enrol", instrument_label: "Enrolment" },
      { instrument_name: "visit", instrument_label: "Visit" },
    ],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [
      { data_access_group_name: "Site A", unique_group_name: "site_a", data_access_group_id: 1 },
      { data_access_group_name: "Site B", unique_group_name: "site_b", data_access_group_id: 2 },
    ],
    surveys: [{ form_name: "visit", title: "Visit survey" }],
    users: [],
    records: [],
    longitudinal: false,
  };
}

/**
 * Two arms; `baseline_arm_1` has enrol, visit and the repeating instrument `lab`;
 * `followup_arm_1` (visit) repeats as a whole; `baseline_arm_2` has only enrol.
 */
function longitudinalProject(): ProjectDefinition {
  const base = classicProject();
  const event = (name: string, arm: number, id: number, label: string) => ({
    event_name: label,
    arm_num: arm,
    unique_event_name: name,
    custom_event_label: "",
    event_id: id,
    day_offset: id,
    offset_min: 0,
    offset_max: 0,
  });
  return {
    ...base,
    info: { project_title: "Long" },
    metadata: [
      ...base.metadata,
      fieldMetadata({ field_name: "hb", form_name: "lab", field_type: "text", field_label: "Hb" }),
    ],
    instruments: [...base.instruments, { instrument_name: "lab", instrument_label: "Lab Test" }],
    arms: [{ arm_num: 1, name: "Drug A" }, { arm_num: 2, name: "Drug B" }],
    events: [
      event("baseline_arm_1", 1, 10, "Baseline"),
      event("followup_arm_1", 1, 11, "Follow-up"),
      event("baseline_arm_2", 2, 20, "Baseline"),
    ],
    formEventMapping: [
      { arm_num: 1, unique_event_name: "baseline_arm_1", form: "enrol" },
      { arm_num: 1, unique_event_name: "baseline_arm_1", form: "visit" },
      { arm_num: 1, unique_event_name: "baseline_arm_1", form: "lab" },
      { arm_num: 1, unique_event_name: "followup_arm_1", form: "visit" },
      { arm_num: 2, unique_event_name: "baseline_arm_2", form: "enrol" },
    ],
    repeating: [
      { event_name: "baseline_arm_1", form_name: "lab", custom_form_label: "" },
      { event_name: "followup_arm_1", form_name: "", custom_form_label: "" },
    ],
    surveys: [],
    longitudinal: true,
  };
}

interface Fixture {
  store: RedcapStore;
  projectId: number;
  /** Sets values of a record in an event/instance; creates the record and its id row. */
  put(
    record: string,
    values: Record<string, string | string[]>,
    options?: { event?: number; instance?: number; arm?: number; dag?: string },
  ): void;
  /** POSTs an export with a token (full rights unless `rights` is given) and returns it. */
  post(params: Record<string, string>, rights?: Partial<UserRights>): Promise<Response>;
}

function fixture(definition: ProjectDefinition): Fixture {
  const store = RedcapStore.open();
  const projectId = store.createProject(definition);
  const model = store.project(projectId);
  const handler = createRedcapHandler(store);
  let tokens = 0;
  return {
    store,
    projectId,
    put(record, values, options = {}) {
      const event = options.event ?? 1;
      store.ensureRecord(projectId, record, options.arm ?? 1, options.dag ?? "");
      store.setValues(projectId, record, event, 1, model.recordIdField, [record]);
      for (const [field, value] of Object.entries(values)) {
        const list = Array.isArray(value) ? value : [value];
        store.setValues(projectId, record, event, options.instance ?? 1, field, list);
      }
    },
    post(params, rights) {
      let token = TOKEN;
      if (rights) {
        token = String(++tokens).padStart(32, "0");
        store.addToken(token, projectId, { ...fullRights("someone"), ...rights });
      } else store.addToken(TOKEN, projectId, fullRights("owner"));
      const body = new URLSearchParams({ token, content: "record", ...params });
      return handler(new Request("http://localhost/api/", { method: "POST", body }));
    },
  };
}

async function text(response: Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const body = await r.text();
  strictEqual(r.status, status, body);
  return body;
}

/** A classic project with two records (one in site_a) and a file. */
function classicFixture(): Fixture {
  const f = fixture(classicProject());
  const docId = f.store.addFile(f.projectId, "scan one.png", "image/png", new Uint8Array([1]));
  f.put("1", {
    name: "Ann Lee",
    dob: "1980-02-03",
    sex: "2",
    consent: "1",
    enrol_complete: "2",
    weight: "70.5",
    symptoms: ["1", "-9"],
    scan: String(docId),
    remark: "=SUM(A1)",
  }, { dag: "site_a" });
  f.put("2", { name: "Bob", sex: "1", consent: "0", weight: "-3" });
  return f;
}

Deno.test("content=record exports a classic project as flat CSV in REDCap's layout", async () => {
  const f = classicFixture();
  const body = await text(f.post({ format: "csv" }));
  strictEqual(
    body,
    "record_id,name,dob,sex,consent,enrol_complete,weight,symptoms___1,symptoms___2," +
      "symptoms____9,symptoms___na,scan,remark,visit_complete\n" +
      '1,"Ann Lee",1980-02-03,2,1,2,70.5,1,0,1,0,"scan one.png",=SUM(A1),0\n' +
      "2,Bob,,1,0,0,-3,0,0,0,0,,,0\n",
  );
});

Deno.test("content=record CSV export of no records is an empty body (REDCap 14+)", async () => {
  const f = fixture(classicProject());
  const body = await text(f.post({ format: "csv", fields: "record_id,weight" }));
  strictEqual(body, "");
});

Deno.test("content=record JSON export keeps every value a string", async () => {
  const f = classicFixture();
  const rows = JSON.parse(await text(f.post({ format: "json", records: "2" })));
  deepStrictEqual(rows, [{
    record_id: "2",
    name: "Bob",
    dob: "",
    sex: "1",
    consent: "0",
    enrol_complete: "0",
    weight: "-3",
    symptoms___1: "0",
    symptoms___2: "0",
    symptoms____9: "0",
    symptoms___na: "0",
    scan: "",
    remark: "",
    visit_complete: "0",
  }]);
});

Deno.test("content=record defaults to XML with CDATA values and empty elements", async () => {
  const f = classicFixture();
  const body = await text(f.post({ fields: "record_id,dob", records: "2" }));
  strictEqual(
    body,
    '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n' +
      "<item><record_id><![CDATA[2]]></record_id><dob></dob></item>\n</records>\n",
  );
  const empty = await text(f.post({ format: "xml", records: "99" }));
  strictEqual(empty, '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n</records>\n');
});

Deno.test("content=record keeps dictionary order, ignoring the order of fields[]", async () => {
  const f = classicFixture();
  const body = await text(f.post({
    format: "csv",
    "fields[0]": "weight",
    "fields[1]": "visit_complete",
    "fields[2]": "record_id",
    "fields[3]": "intro",
  }));
  strictEqual(body.split("\n")[0], "record_id,weight,visit_complete");
});

Deno.test("content=record leaves the id and event columns out when fields omit the id", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { weight: "60" }, { event: 10 });
  const body = await text(f.post({ format: "csv", fields: "weight" }));
  strictEqual(body, "weight\n60\n");
  // The record's base row stays (rows are never dropped), blank in a repeating form's columns.
  const forms = await text(f.post({ format: "csv", forms: "lab" }));
  strictEqual(forms, "hb,lab_complete\n,\n");
});

Deno.test("content=record forms select their fields and form status", async () => {
  const f = classicFixture();
  const body = await text(f.post({ format: "csv", forms: "enrol", records: "2" }));
  strictEqual(body, "record_id,name,dob,sex,consent,enrol_complete\n2,Bob,,1,0,0\n");
});

Deno.test("content=record rejects unknown fields, forms and events with REDCap's messages", async () => {
  const f = fixture(longitudinalProject());
  strictEqual(
    await text(f.post({ format: "csv", fields: "age,record_id,'bmi'" }), 400),
    `ERROR: The following values in the parameter 'fields' are not valid: 'age', 'bmi'`,
  );
  strictEqual(
    await text(f.post({ format: "json", "forms[0]": "nope" }), 400),
    JSON.stringify({
      error: `The following values in the parameter 'forms' are not valid: 'nope'`,
    }),
  );
  strictEqual(
    await text(f.post({ format: "csv", events: "baseline_arm_1,visit_9" }), 400),
    `ERROR: The following values in the parameter 'events' are not valid: 'visit_9'`,
  );
  match(
    await text(f.post({ format: "csv", fields: "intro" }), 400),
    /only provided variables for Descriptive fields/,
  );
});

Deno.test("content=record longitudinal rows blank undesignated and other-context forms", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { name: "Ann", weight: "60", symptoms: ["2"] }, { event: 10 });
  f.put("1", { hb: "12", lab_complete: "2" }, { event: 10, instance: 1 });
  f.put("1", { hb: "13" }, { event: 10, instance: 2 });
  f.put("1", { weight: "61" }, { event: 11, instance: 1 });
  f.put("1", { weight: "62", visit_complete: "1" }, { event: 11, instance: 3 });
  f.put("7", { name: "Zed" }, { event: 20, arm: 2 });
  const rows = parseCsv(
    await text(f.post({
      format: "csv",
      fields: "record_id,name,enrol_complete,weight,symptoms,visit_complete,hb,lab_complete",
    })),
  );
  deepStrictEqual(rows, [
    [
      "record_id",
      "redcap_event_name",
      "redcap_repeat_instrument",
      "redcap_repeat_instance",
      "name",
      "enrol_complete",
      "weight",
      "symptoms___1",
      "symptoms___2",
      "symptoms____9",
      "visit_complete",
      "hb",
      "lab_complete",
    ],
    ["1", "baseline_arm_1", "", "", "Ann", "0", "60", "0", "1", "0", "0", "", ""],
    ["1", "baseline_arm_1", "lab", "1", "", "", "", "", "", "", "", "12", "2"],
    ["1", "baseline_arm_1", "lab", "2", "", "", "", "", "", "", "", "13", "0"],
    ["1", "followup_arm_1", "", "1", "", "", "61", "0", "0", "0", "0", "", ""],
    ["1", "followup_arm_1", "", "3", "", "", "62", "0", "0", "0", "1", "", ""],
    ["7", "baseline_arm_2", "", "", "Zed", "0", "", "", "", "", "", "", ""],
  ]);
});

Deno.test("content=record JSON gives redcap_repeat_instance as a number on repeating rows", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { name: "Ann" }, { event: 10 });
  f.put("1", { hb: "12" }, { event: 10, instance: 2 });
  const rows = JSON.parse(await text(f.post({ format: "json", fields: "record_id,name,hb" })));
  deepStrictEqual(rows, [
    {
      record_id: "1",
      redcap_event_name: "baseline_arm_1",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "",
      name: "Ann",
      hb: "",
    },
    {
      record_id: "1",
      redcap_event_name: "baseline_arm_1",
      redcap_repeat_instrument: "lab",
      redcap_repeat_instance: 2,
      name: "",
      hb: "12",
    },
  ]);
});

Deno.test("content=record drops a base row holding only the id when instances follow", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { name: "Ann" }, { event: 10 });
  f.put("1", { hb: "12" }, { event: 10, instance: 2 });
  f.put("2", {}, { event: 10 });
  // Record 1's base row has no exported value and its event has a lab instance: left out.
  // Record 2 has nothing but its id: its row stays.
  const body = await text(f.post({ format: "csv", fields: "record_id,hb" }));
  strictEqual(
    body,
    "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,hb\n" +
      "1,baseline_arm_1,lab,2,12\n2,baseline_arm_1,,,\n",
  );
});

Deno.test("content=record events[] keeps only the rows of those events", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { name: "Ann" }, { event: 10 });
  f.put("1", { weight: "61" }, { event: 11 });
  const body = await text(
    f.post({ format: "csv", fields: "record_id,weight", "events[0]": "followup_arm_1" }),
  );
  strictEqual(
    body,
    "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,weight\n" +
      "1,followup_arm_1,,1,61\n",
  );
});

Deno.test("content=record records accepts arrays and comma strings, quotes stripped", async () => {
  const f = classicFixture();
  f.put("10", { name: "Ten" });
  const ids = async (params: Record<string, string>) =>
    parseCsv(await text(f.post({ format: "csv", fields: "record_id", ...params })))
      .slice(1).map((r) => r[0]);
  deepStrictEqual(await ids({ records: "10, '2'" }), ["2", "10"]);
  deepStrictEqual(await ids({ "records[0]": "1", "records[1]": "10" }), ["1", "10"]);
  deepStrictEqual(await ids({}), ["1", "2", "10"]);
});

Deno.test("content=record label mode exports choice, yes/no, checkbox, event and DAG labels", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { sex: "2", consent: "1", symptoms: ["1"] }, { event: 10, dag: "site_b" });
  f.put("1", { hb: "9" }, { event: 10, instance: 1 });
  const [header, base, lab] = parseCsv(
    await text(f.post({
      format: "csv",
      rawOrLabel: "label",
      exportDataAccessGroups: "true",
      fields: "record_id,sex,consent,symptoms,hb",
    })),
  );
  deepStrictEqual(header.slice(0, 5), [
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
  ]);
  deepStrictEqual(base, [
    "1",
    "Baseline (Arm 1: Drug A)",
    "",
    "",
    "Site B",
    "Female 'F'",
    "Yes",
    "Checked",
    "Unchecked",
    "Unchecked",
    "",
  ]);
  deepStrictEqual(lab.slice(0, 5), ["1", "Baseline (Arm 1: Drug A)", "Lab Test", "1", "Site B"]);
  const checkboxLabels = parseCsv(
    await text(f.post({
      format: "csv",
      rawOrLabel: "label",
      exportCheckboxLabel: "true",
      fields: "record_id,symptoms,visit_complete",
      events: "baseline_arm_1",
    })),
  );
  deepStrictEqual(checkboxLabels[1].slice(4), ["Cough", "", "", "Incomplete"]);
});

Deno.test("content=record label headers name columns by label (CSV flat only)", async () => {
  const f = classicFixture();
  const [header] = parseCsv(
    await text(f.post({
      format: "csv",
      rawOrLabelHeaders: "label",
      exportSurveyFields: "true",
      exportDataAccessGroups: "true",
      fields: "record_id,name,symptoms,visit_complete",
    })),
  );
  deepStrictEqual(header, [
    "Study ID",
    "Data Access Group",
    "Survey Identifier",
    "Name",
    "Survey Timestamp",
    "Symptoms (choice=Cough)",
    "Symptoms (choice=Fever)",
    "Symptoms (choice=Unknown)",
    "Symptoms (choice=Not applicable)",
    "Complete?",
  ]);
  const json = JSON.parse(
    await text(f.post({
      format: "json",
      rawOrLabelHeaders: "label",
      fields: "record_id",
    })),
  );
  deepStrictEqual(Object.keys(json[0]), ["record_id"]);
});

Deno.test("content=record exportSurveyFields adds the identifier and form timestamps", async () => {
  const f = classicFixture();
  f.put("2", { visit_timestamp: "2024-01-02 03:04:05" });
  const rows = parseCsv(
    await text(f.post({
      format: "csv",
      exportSurveyFields: "true",
      fields: "record_id,name,weight",
    })),
  );
  deepStrictEqual(rows, [
    ["record_id", "redcap_survey_identifier", "name", "visit_timestamp", "weight"],
    ["1", "", "Ann Lee", "", "70.5"],
    ["2", "", "Bob", "2024-01-02 03:04:05", "-3"],
  ]);
});

Deno.test("content=record DAG users see only their group and no DAG column", async () => {
  const f = classicFixture();
  const all = await text(
    f.post({ format: "csv", fields: "record_id", exportDataAccessGroups: "true" }),
  );
  strictEqual(all, "record_id,redcap_data_access_group\n1,site_a\n2,\n");
  const mine = await text(f.post(
    { format: "csv", fields: "record_id", exportDataAccessGroups: "true" },
    { data_access_group: "site_a" },
  ));
  strictEqual(mine, "record_id\n1\n");
});

Deno.test("content=record exportBlankForGrayFormStatus blanks never-saved form status", async () => {
  const f = classicFixture();
  const body = await text(f.post({
    format: "csv",
    fields: "record_id,enrol_complete,visit_complete",
    exportBlankForGrayFormStatus: "true",
  }));
  strictEqual(body, "record_id,enrol_complete,visit_complete\n1,2,\n2,,\n");
});

Deno.test("content=record csvDelimiter and decimalCharacter reformat CSV", async () => {
  const f = classicFixture();
  const tab = await text(f.post({
    format: "csv",
    fields: "record_id,name,weight",
    csvDelimiter: "tab",
    decimalCharacter: ",",
  }));
  strictEqual(tab, 'record_id\tname\tweight\n1\t"Ann Lee"\t70,5\n2\tBob\t-3\n');
  const semicolon = await text(
    f.post({ format: "csv", fields: "record_id,weight", csvDelimiter: ";", decimalCharacter: "," }),
  );
  strictEqual(semicolon, "record_id;weight\n1;70,5\n2;-3\n");
});

Deno.test("content=record dateRangeBegin/End keep records changed in the span", async () => {
  const f = classicFixture();
  const log = (record: string, ts: string) =>
    f.store.log({
      project_id: f.projectId,
      ts,
      username: "owner",
      action: "UPDATE",
      record,
      event_id: 1,
      details: "",
      description: "Update record",
    });
  log("1", "2024-01-01 10:00:00");
  log("2", "2024-03-01 10:00:00");
  const ids = async (params: Record<string, string>) =>
    parseCsv(await text(f.post({ format: "csv", fields: "record_id", ...params })))
      .slice(1).map((r) => r[0]);
  deepStrictEqual(await ids({ dateRangeBegin: "2024-02-01 00:00:00" }), ["2"]);
  deepStrictEqual(await ids({ dateRangeEnd: "2024-01-01" }), ["1"]);
  deepStrictEqual(await ids({ dateRangeBegin: "2025-01-01 00:00" }), []);
});

Deno.test("content=record refuses tokens without API export or with No Access export", async () => {
  const f = classicFixture();
  strictEqual(
    await text(f.post({ format: "csv" }, { api_export: 0 }), 403),
    "ERROR: You do not have API Export privileges",
  );
  strictEqual(
    await text(f.post({ format: "json" }, { data_export: 0 }), 403),
    JSON.stringify({
      error: "The API request cannot complete because currently you have 'No Access' data " +
        "export rights. Higher level data export rights are required for this operation.",
    }),
  );
});

Deno.test("content=record de-identified rights drop fields and hash an identifier id", async () => {
  const definition = classicProject();
  definition.metadata[0].identifier = "y";
  const f = fixture(definition);
  f.put("1", { name: "Ann", dob: "1980-01-01", sex: "1", weight: "70", remark: "x" });
  const deidentified = parseCsv(await text(f.post({ format: "csv" }, { data_export: 2 })));
  strictEqual(
    deidentified[0].join(","),
    [
      "record_id",
      "sex",
      "consent",
      "enrol_complete",
      "weight",
      "symptoms___1",
      "symptoms___2",
      "symptoms____9",
      "symptoms___na",
      "scan",
      "visit_complete",
    ].join(","),
  );
  strictEqual(deidentified[1][0], createHash("md5").update("1").digest("hex"));
  const noIdentifiers = parseCsv(await text(f.post({ format: "csv" }, { data_export: 3 })));
  ok(!noIdentifiers[0].includes("name"));
  ok(noIdentifiers[0].includes("dob") && noIdentifiers[0].includes("remark"));
  match(
    await text(f.post({ format: "csv", fields: "name" }, { data_export: 2 }), 400),
    /all the fields you have specified in your request are fields that will be removed/,
  );
});

Deno.test("content=record EAV CSV has one row per stored value, TAB-guarding formulas", async () => {
  const f = classicFixture();
  const body = await text(
    f.post({
      format: "csv",
      type: "eav",
      records: "1,2",
      fields: "record_id,symptoms,scan,remark,weight",
    }),
  );
  strictEqual(
    body,
    "record,field_name,value\n" +
      "1,record_id,1\n1,symptoms,1\n" +
      '1,symptoms,"\t-9"\n1,scan,1\n' +
      '1,remark,"\t=SUM(A1)"\n' +
      "1,weight,70.5\n" + // the order of the fields parameter, as REDCap's EAV gives it
      "2,record_id,2\n" +
      '2,weight,"\t-3"\n',
  );
});

Deno.test("content=record EAV in a longitudinal project names events and repeat instances", async () => {
  const f = fixture(longitudinalProject());
  f.put("1", { name: "Ann" }, { event: 10 });
  f.put("1", { hb: "12" }, { event: 10, instance: 2 });
  const rows = JSON.parse(await text(f.post({ format: "json", type: "eav", rawOrLabel: "label" })));
  deepStrictEqual(rows, [
    {
      record: "1",
      redcap_event_name: "Baseline (Arm 1: Drug A)",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "",
      field_name: "record_id",
      value: "1",
    },
    {
      record: "1",
      redcap_event_name: "Baseline (Arm 1: Drug A)",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "",
      field_name: "name",
      value: "Ann",
    },
    {
      record: "1",
      redcap_event_name: "Baseline (Arm 1: Drug A)",
      redcap_repeat_instrument: "Lab Test",
      redcap_repeat_instance: 2,
      field_name: "hb",
      value: "12",
    },
  ]);
  const csv = await text(f.post({ format: "csv", type: "eav", fields: "record_id" }));
  strictEqual(csv, "record,field_name,value,redcap_event_name\n1,record_id,1,baseline_arm_1\n");
  const xml = await text(f.post({ format: "xml", type: "eav", fields: "record_id" }));
  strictEqual(
    xml,
    '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n<item><record>1</record>' +
      "<redcap_event_name>baseline_arm_1</redcap_event_name><field_name>record_id</field_name>" +
      "<value><![CDATA[1]]></value></item>\n</records>\n",
  );
});

Deno.test("content=record logs each export as REDCap's 'Data export (API)'", async () => {
  const f = classicFixture();
  await text(f.post({ format: "csv", exportDataAccessGroups: "true" }));
  const entry = f.store.logEntries(f.projectId).at(-1)!;
  strictEqual(entry.action, "EXPORT");
  strictEqual(entry.description, "Data export (API)");
  deepStrictEqual(JSON.parse(entry.details), {
    export_format: "CSV",
    rawOrLabel: "raw",
    export_data_access_group: "Yes",
  });
});

Deno.test("content=record blank filterLogic is ignored; non-blank goes to the logic engine", async () => {
  const f = classicFixture();
  const body = await text(f.post({ format: "csv", fields: "record_id", filterLogic: "  " }));
  strictEqual(body, "record_id\n1\n2\n");
});

Deno.test("exportRecords() applies a filter per record-event", () => {
  const model = new ProjectModel(longitudinalProject());
  const points = [
    { record: "1", event_id: 10, instance: 1, field_name: "record_id", value: "1" },
    { record: "1", event_id: 11, instance: 1, field_name: "record_id", value: "1" },
    { record: "1", event_id: 11, instance: 1, field_name: "weight", value: "80" },
  ];
  const body = exportRecords(model, [{ record: "1", dag: "", points }], {
    format: "csv",
    fields: ["record_id", "weight"],
    filter: (_record, _points, event) => event.unique_event_name === "followup_arm_1",
  });
  strictEqual(
    body,
    "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,weight\n" +
      "1,followup_arm_1,,1,80\n",
  );
});

Deno.test("exportRecords() EAV gives the same body whether repeat columns are known or found", () => {
  const model = new ProjectModel(longitudinalProject());
  const point = (event_id: number, instance: number, field_name: string, value: string) => ({
    record: "1",
    event_id,
    instance,
    field_name,
    value,
  });
  const withRepeats = [
    point(10, 1, "record_id", "1"),
    point(10, 1, "name", "=Ann"),
    point(10, 2, "hb", "12"),
    point(11, 3, "weight", "61"),
  ];
  const withoutRepeats = withRepeats.slice(0, 2);
  for (const points of [withRepeats, withoutRepeats]) {
    for (const format of ["csv", "json", "xml"] as const) {
      const input = [{ record: "1", dag: "", points }];
      const found = exportRecords(model, input, { format, type: "eav" });
      const known = exportRecords(model, input, {
        format,
        type: "eav",
        eavRepeated: points === withRepeats,
      });
      strictEqual(known, found);
      if (format === "csv" && points === withRepeats) {
        strictEqual(
          found,
          "record,field_name,value,redcap_repeat_instrument,redcap_repeat_instance," +
            "redcap_event_name\n1,record_id,1,,,baseline_arm_1\n" +
            '1,name,"\t=Ann",,,baseline_arm_1\n1,hb,12,lab,2,baseline_arm_1\n' +
            "1,weight,61,,3,followup_arm_1\n",
        );
      }
    }
  }
});
