import { match, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { loadProject } from "../../../lib/server/load.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { longitudinalProject, setup } from "./_setup.ts";

const LONG_XML = new URL(
  "../../../../shared/redcap-corpus/redcap-tools/PyCap/tests/data/test_long_project.xml",
  import.meta.url,
);
let corpusPresent = true;
try {
  Deno.statSync(LONG_XML);
} catch {
  corpusPresent = false;
  console.log("surveys_test: the REDCap corpus is absent; skipping PyCap's survey assertions");
}

function surveyProject() {
  const project = longitudinalProject();
  project.surveys = [{ form_name: "visit", title: "Visit" }];
  const s = setup(project);
  s.store.ensureRecord(s.projectId, "1", 1);
  s.store.setValues(s.projectId, "1", 11, 1, "study_id", ["1"]);
  s.store.setValues(s.projectId, "1", 11, 1, "weight", ["70"]);
  s.store.ensureRecord(s.projectId, "2", 1);
  s.store.setValues(s.projectId, "2", 11, 1, "visit_complete", ["2"]);
  return s;
}

Deno.test("surveyLink, surveyAccessCode and surveyReturnCode answer stable plain-text codes", async () => {
  const s = surveyProject();
  const params = { record: "1", instrument: "visit", event: "visit_1_arm_1" };
  const link = await s.post({ content: "surveyLink", ...params });
  strictEqual(link.status, 200);
  match(link.text, /^http:\/\/redcap\.test\/surveys\/\?s=[A-Za-z0-9]{10}$/);
  strictEqual((await s.post({ content: "surveyLink", ...params })).text, link.text, "stable");
  const code = await s.post({ content: "surveyAccessCode", ...params });
  match(code.text, /^[A-Z0-9]{9}$/);
  const returnCode = await s.post({ content: "surveyReturnCode", ...params });
  match(returnCode.text, /^[A-Z0-9]{8}$/);
  const other = await s.post({ content: "surveyLink", ...params, repeat_instance: "2" });
  strictEqual(other.text === link.text, false, "each repeat instance has its own link");
  const queue = await s.post({ content: "surveyQueueLink", record: "1" });
  match(queue.text, /^http:\/\/redcap\.test\/surveys\/\?sq=[A-Za-z0-9]{10}$/);
});

Deno.test("survey endpoints refuse unknown records, non-survey instruments and bad events", async () => {
  const s = surveyProject();
  const cases: [Record<string, string>, string][] = [
    [
      { record: "-1", instrument: "visit", event: "visit_1_arm_1" },
      "ERROR: The record '-1' does not exist",
    ],
    [
      { record: "1", instrument: "enrollment", event: "enrollment_arm_1" },
      "ERROR: The instrument 'enrollment' has not been enabled as a survey",
    ],
    [
      { record: "1", instrument: "visit", event: "enrollment_arm_1" },
      "ERROR: The instrument 'visit' is not designated for the event 'enrollment_arm_1'",
    ],
    [
      { record: "1", instrument: "visit" },
      "ERROR: The parameter 'event' is required in a longitudinal project",
    ],
  ];
  for (const [params, body] of cases) {
    const answer = await s.post({ content: "surveyLink", returnFormat: "csv", ...params });
    strictEqual(answer.status, 400);
    strictEqual(answer.text, body);
  }
  const dagUser = s.tokenWith({ data_access_group: "x" });
  const hidden = await s.post({
    token: dagUser,
    content: "surveyAccessCode",
    record: "1",
    instrument: "visit",
    event: "visit_1_arm_1",
    returnFormat: "json",
  });
  strictEqual(
    hidden.json().error,
    "The record '1' does not exist",
    "records of other DAGs are hidden",
  );
});

Deno.test("participantList answers one row per record with its response status", async () => {
  const s = surveyProject();
  const json = await s.post({
    content: "participantList",
    instrument: "visit",
    event: "visit_1_arm_1",
    format: "json",
  });
  const rows = json.json();
  strictEqual(rows.length, 2);
  strictEqual(rows[0].record, "1");
  strictEqual(rows[0].response_status, 1);
  strictEqual(rows[1].response_status, 2);
  match(rows[0].survey_access_code, /^[A-Z0-9]{9}$/);
  const code = await s.post({
    content: "surveyAccessCode",
    record: "1",
    instrument: "visit",
    event: "visit_1_arm_1",
  });
  strictEqual(rows[0].survey_access_code, code.text, "the list shows the same codes");
  const csv = await s.post({
    content: "participantList",
    instrument: "visit",
    event: "visit_1_arm_1",
    format: "csv",
  });
  strictEqual(parseCsvObjects(csv.text)[1].email, "");
  const xml = await s.post({
    content: "participantList",
    instrument: "visit",
    event: "visit_1_arm_1",
    format: "xml",
  });
  match(xml.text, /<record><!\[CDATA\[2\]\]><\/record>/);
  const denied = await s.post({
    token: s.tokenWith({ manage_survey_participants: 0 }),
    content: "participantList",
    instrument: "visit",
    event: "visit_1_arm_1",
    format: "json",
  });
  strictEqual(denied.status, 403);
});

Deno.test({
  name: "survey endpoints satisfy PyCap's integration assertions on its long project",
  ignore: !corpusPresent,
  fn: async () => {
    const store = RedcapStore.open();
    const { tokens } = loadProject(store, LONG_XML.pathname);
    const handler = createRedcapHandler(store);
    const post = async (params: Record<string, string>) => {
      const body = new URLSearchParams({ token: tokens[0], ...params });
      const response = await handler(
        new Request("http://redcap.test/api/", { method: "POST", body }),
      );
      return { status: response.status, text: await response.text() };
    };
    const params = {
      record: "1",
      instrument: "contact_info",
      event: "enrollment_arm_1",
      returnFormat: "csv",
    };
    match(
      (await post({ content: "surveyLink", ...params })).text,
      /^http:\/\/redcap\.test\/surveys\/\?s=/,
    );
    match(
      (await post({ content: "surveyQueueLink", record: "1", returnFormat: "csv" })).text,
      /\?sq=/,
    );
    strictEqual((await post({ content: "surveyAccessCode", ...params })).text.length, 9);
    strictEqual((await post({ content: "surveyReturnCode", ...params })).text.length, 8);
    const list = await post({
      content: "participantList",
      instrument: "contact_info",
      event: "enrollment_arm_1",
      format: "json",
    });
    strictEqual(JSON.parse(list.text).every((r: Record<string, unknown>) => "email" in r), true);
    store.close();
  },
});
