/**
 * The record export route reads only the data points a `fields`/`forms` subset needs: its
 * bodies must equal those of an export over every stored point (the writers filtering
 * afterwards), with the same rows, on the demo and on a project with repeating events and
 * instruments.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { demoProject } from "../../../lib/server/demo/mod.ts";
import { loadProject } from "../../../lib/server/load.ts";
import { fieldMetadata, type ProjectDefinition } from "../../../lib/server/project.ts";
import { planExport, pointSelection } from "../../../lib/server/records/export_plan.ts";
import {
  exportRecordChunks,
  type ExportRecordInput,
  type RecordExportOptions,
} from "../../../lib/server/records/export.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { classicProject, longitudinalProject } from "../records/_projects.ts";

interface Served {
  store: RedcapStore;
  projectId: number;
  post(params: Record<string, string>): Promise<Response>;
}

function serveProject(definition: ProjectDefinition): Served {
  const store = RedcapStore.open(":memory:", { now: () => new Date(2026, 0, 15, 10, 30, 0) });
  const { projectId, tokens } = loadProject(store, definition);
  const handler = createRedcapHandler(store);
  return {
    store,
    projectId,
    post: (params) =>
      handler(
        new Request("http://redcap.test/api/", {
          method: "POST",
          body: new URLSearchParams({ token: tokens[0], content: "record", ...params }),
        }),
      ),
  };
}

/** Every record with all its stored points, in the route's order. */
function fullInputs(s: Served): ExportRecordInput[] {
  const dags = new Map<string, string>();
  for (const entry of s.store.records(s.projectId)) {
    if (!dags.has(entry.record)) dags.set(entry.record, entry.dag);
  }
  return [...s.store.readRecords(s.projectId, [...dags.keys()], 500)].map((r) => ({
    record: r.record,
    dag: dags.get(r.record)!,
    points: r.points,
  }));
}

/** The request's export options as the route builds them (full-rights token). */
function optionsOf(s: Served, params: Record<string, string>): RecordExportOptions {
  const list = (name: string) => params[name]?.split(",");
  const type = params.type === "eav" ? "eav" : "flat";
  const labels = params.rawOrLabel === "label";
  return {
    format: (params.format ?? "xml") as "csv" | "json" | "xml",
    type,
    fields: list("fields"),
    forms: list("forms"),
    events: list("events"),
    labels,
    labelHeaders: false,
    checkboxLabels: labels && params.exportCheckboxLabel === "true",
    surveyFields: params.exportSurveyFields === "true",
    dataAccessGroups: params.exportDataAccessGroups === "true",
    blankForGrayFormStatus: params.exportBlankForGrayFormStatus === "true",
    csvDelimiter: ",",
    decimalCharacter: "",
    exportLevel: 1,
    fileNames: type === "flat" ? s.store.fileNames(s.projectId) : undefined,
  };
}

/**
 * Asserts the route's body equals an export of every stored point, and that the route's read
 * leaves points out (so the narrow read is what was compared).
 */
async function assertSameAsFullRead(s: Served, params: Record<string, string>): Promise<void> {
  const label = JSON.stringify(params);
  const project = s.store.project(s.projectId);
  const options = optionsOf(s, params);
  const inputs = fullInputs(s);
  const expected = [...exportRecordChunks(project, inputs, options)].join("");
  const response = await s.post(params);
  strictEqual(response.status, 200, label);
  strictEqual(await response.text(), expected, label);

  const needed = pointSelection(planExport(project, options));
  ok(needed, `${label}: the route reads every point`);
  const names = inputs.map((i) => i.record);
  const narrow = [...s.store.readRecords(s.projectId, names, 500, needed)];
  const fullCount = inputs.reduce((n, i) => n + i.points.length, 0);
  const narrowCount = narrow.reduce((n, r) => n + r.points.length, 0);
  ok(narrowCount < fullCount, `${label}: ${narrowCount} of ${fullCount} points read`);
  // The narrow read is the full read filtered, in the same order.
  const wanted = new Set(needed.fields);
  const events = new Set(needed.events);
  deepStrictEqual(
    narrow.map((r) => r.points),
    inputs.map((i) => i.points.filter((p) => wanted.has(p.field_name) && events.has(p.event_id))),
    label,
  );
}

const SELECTIONS: Record<string, string>[] = [
  { fields: "record_id" },
  { fields: "sex" },
  { fields: "record_id,race" },
  { fields: "ae_term,ae_actions" },
  { fields: "adverse_events_complete" },
  { fields: "record_id,quality_of_life_complete", exportSurveyFields: "true" },
  { forms: "adverse_events" },
  { forms: "quality_of_life", exportSurveyFields: "true" },
  { forms: "vitals,completion", events: "baseline_arm_1,week_4_arm_2" },
  { fields: "record_id", forms: "labs", exportDataAccessGroups: "true" },
  { fields: "race,medical_history", rawOrLabel: "label", exportCheckboxLabel: "true" },
  { fields: "ae_severity", exportBlankForGrayFormStatus: "true" },
];

Deno.test("exportRecordsRoute() gives the full read's body with fields/forms subsets (demo)", async () => {
  const s = serveProject(demoProject({ records: 40 }));
  for (const selection of SELECTIONS) {
    for (const type of ["flat", "eav"]) {
      for (const format of ["csv", "json", "xml"]) {
        await assertSameAsFullRead(s, { ...selection, type, format });
      }
    }
  }
});

Deno.test("exportRecordsRoute() keeps repeating rows with fields/forms subsets", async () => {
  const s = serveProject(longitudinalProject());
  const data = [
    { study_id: "1", redcap_event_name: "baseline_arm_1", dob: "2000-01-02", hr: "60" },
    { study_id: "1", redcap_event_name: "baseline_arm_1", demo_complete: "2" },
    ...[1, 2, 3].map((i) => ({
      study_id: "1",
      redcap_event_name: "followup_arm_1",
      redcap_repeat_instance: String(i),
      hr: i === 2 ? "" : String(70 + i),
      vitals_complete: i === 2 ? "1" : "",
    })),
    { study_id: "2", redcap_event_name: "baseline_arm_2", dob: "1990-05-06" },
    ...[1, 2, 4].map((i) => ({
      study_id: "2",
      redcap_event_name: "baseline_arm_2",
      redcap_repeat_instrument: "vitals",
      redcap_repeat_instance: String(i),
      hr: i === 4 ? "" : String(80 + i),
      vitals_complete: i === 4 ? "2" : "",
    })),
    // Only repeating data in the event: no base row for either record.
    { study_id: "3", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "2", hr: "55" },
    {
      study_id: "4",
      redcap_event_name: "baseline_arm_2",
      redcap_repeat_instrument: "vitals",
      redcap_repeat_instance: "3",
      hr: "66",
    },
  ];
  const imported = await s.post({
    format: "json",
    type: "flat",
    data: JSON.stringify(data),
    returnContent: "count",
  });
  strictEqual(await imported.text(), '{"count": 4}');
  const selections: Record<string, string>[] = [
    { fields: "study_id" },
    { fields: "dob" },
    { fields: "hr" },
    { fields: "study_id,hr" },
    { fields: "vitals_complete" },
    { fields: "study_id,demo_complete" },
    { forms: "vitals" },
    { forms: "demo" },
    { forms: "vitals", events: "baseline_arm_2" },
  ];
  for (const selection of selections) {
    for (const type of ["flat", "eav"]) {
      for (const format of ["csv", "json"]) {
        await assertSameAsFullRead(s, { ...selection, type, format });
      }
    }
  }
  // The repeating rows with a value are there (the full read's body is compared above).
  const flat = await (await s.post({ fields: "study_id,hr", format: "csv", type: "flat" })).text();
  for (
    const line of [
      "1,followup_arm_1,,1,71",
      "1,followup_arm_1,,3,73",
      "2,baseline_arm_2,vitals,1,81",
      "2,baseline_arm_2,vitals,2,82",
      "3,followup_arm_1,,2,55",
      "4,baseline_arm_2,vitals,3,66",
    ]
  ) ok(flat.split("\n").includes(line), `${line} in ${flat}`);
});

Deno.test("exportRecordsRoute() keeps repeating instrument rows of a classic project", async () => {
  const s = serveProject(classicProject());
  const data = [
    { record_id: "1", age: "40", race___1: "1", intake_complete: "2" },
    ...[1, 2, 3].map((i) => ({
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: String(i),
      visit_score: i === 2 ? "" : String(i),
      visits_complete: i === 2 ? "1" : "",
    })),
    { record_id: "2", redcap_repeat_instrument: "visits", redcap_repeat_instance: "1" },
    { record_id: "2", redcap_repeat_instrument: "visits", redcap_repeat_instance: "2" },
    { record_id: "3", name: "Ann" },
  ].map((row) => ({ ...row, visit_date: "" }));
  data[4] = { ...data[4], visit_date: "2026-01-02" };
  data[5] = { ...data[5], visit_date: "2026-01-03" };
  const imported = await s.post({
    format: "json",
    type: "flat",
    data: JSON.stringify(data),
    returnContent: "count",
  });
  strictEqual(await imported.text(), '{"count": 3}');
  const selections: Record<string, string>[] = [
    { fields: "record_id" },
    { fields: "age" },
    { fields: "visit_score" },
    { fields: "record_id,race" },
    { fields: "visits_complete" },
    { forms: "visits" },
    { fields: "name", forms: "visits" },
  ];
  for (const selection of selections) {
    for (const type of ["flat", "eav"]) {
      for (const format of ["csv", "json", "xml"]) {
        await assertSameAsFullRead(s, { ...selection, type, format });
      }
    }
  }
});

Deno.test("pointSelection() reads every point without a subset or with filterLogic", () => {
  const store = RedcapStore.open(":memory:");
  const { projectId } = loadProject(store, longitudinalProject());
  const project = store.project(projectId);
  strictEqual(pointSelection(planExport(project, {})), undefined);
  const plan = planExport(project, { fields: ["hr"], filter: () => true });
  strictEqual(pointSelection(plan), undefined);
  const only = pointSelection(planExport(project, { fields: ["hr"], events: ["baseline_arm_2"] }));
  deepStrictEqual(only?.fields.sort(), ["hr", "study_id"]);
  deepStrictEqual(only?.events, [43]);
});

Deno.test("an EAV export lists a checkbox's codes in dictionary order, not sorted by value", async () => {
  // The data index sorts a field's values ("1" < "10" < "9" < "b"); the importer stores a
  // checkbox's codes in dictionary order, and REDCap's EAV export keeps that storage order.
  const base = classicProject();
  const definition: ProjectDefinition = {
    ...base,
    metadata: [
      ...base.metadata,
      fieldMetadata({
        field_name: "picks",
        form_name: base.metadata[0].form_name,
        field_type: "checkbox",
        select_choices_or_calculations: "b, Bee | 9, Nine | 10, Ten | 1, One",
      }),
    ],
    records: [],
  };
  const s = serveProject(definition);
  const id = definition.metadata[0].field_name;
  const imported = await s.post({
    content: "record",
    format: "json",
    data: JSON.stringify([
      { [id]: "1", picks___b: "1", picks___9: "1", picks___10: "1", picks___1: "1" },
    ]),
  });
  strictEqual(imported.status, 200, await imported.text());
  const response = await s.post({ format: "json", type: "eav", fields: `${id},picks` });
  const rows: { field_name: string; value: string }[] = await response.json();
  deepStrictEqual(
    rows.filter((r) => r.field_name === "picks").map((r) => r.value),
    ["b", "9", "10", "1"],
  );
  s.store.close();
});
