/**
 * `content=report` on the local server: reports loaded from a definition (or Project XML) get
 * numeric ids; their fields, order, filters and output options shape the rows; the caller's
 * rights apply; REDCap's errors for missing, malformed and unknown ids; project_xml round trip.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { type LoadedProject, loadProject } from "../../../lib/server/load.ts";
import { declareToken } from "../../../lib/server/load.ts";
import { readProjectXml } from "../../../lib/server/odm/project_xml.ts";
import { reportProject } from "../_reports_fixture.ts";
import { serveRedcap, startupLines } from "../../../lib/server/serve.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { CORPUS_DIR, NO_CORPUS } from "../../_helpers.ts";

function start(): LoadedProject & { store: RedcapStore; post: typeof post } {
  const store = RedcapStore.open();
  const loaded = loadProject(store, reportProject());
  const handler = createRedcapHandler(store);
  async function post(params: Record<string, string>, token = loaded.tokens[0]) {
    const response = await handler(
      new Request("http://redcap.test/api/", {
        method: "POST",
        body: new URLSearchParams({ token, content: "report", ...params }),
      }),
    );
    return { status: response.status, text: await response.text() };
  }
  return { ...loaded, store, post };
}

Deno.test("reports get numeric ids unique across the server's projects", () => {
  const store = RedcapStore.open();
  const first = loadProject(store, reportProject());
  const second = loadProject(store, reportProject());
  deepStrictEqual(first.definition.reports!.map((r) => r.report_id), [1, 2, 3]);
  deepStrictEqual(second.definition.reports!.map((r) => r.report_id), [4, 5, 6]);
  store.close();
});

Deno.test("the server prints one line per report after the token lines", async () => {
  const server = await serveRedcap({ projects: [reportProject()] });
  try {
    const lines = startupLines(server);
    ok(lines[1].startsWith("token "));
    deepStrictEqual(lines.slice(2), [
      "report 1 project 1 R-AGES000001 Ages, oldest first",
      "report 2 project 1 R-ADULTS0002 Adults combined",
      "report 3 project 1 R-SOUTH00003 South only",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("a report's columns: record id first, then its fields in its order, sorted", async () => {
  const { post } = start();
  const answer = await post({ report_id: "1", format: "csv" });
  strictEqual(answer.status, 200);
  strictEqual(
    answer.text,
    "record_id,age,note,color___1,color___2,color___3\n" +
      "3,45,c,0,0,0\n" +
      '1,30,"a  b",1,0,1\n' +
      "2,9,,0,1,0\n",
  );
});

Deno.test("a report's logic, combined checkboxes and DAG column; labels", async () => {
  const { post } = start();
  const raw = await post({ report_id: "2", format: "json" });
  deepStrictEqual(JSON.parse(raw.text), [
    { record_id: "1", redcap_data_access_group: "", color: "1,3" },
    { record_id: "3", redcap_data_access_group: "south", color: "" },
  ]);
  const labelled = await post({ report_id: "2", format: "json", rawOrLabel: "label" });
  deepStrictEqual(JSON.parse(labelled.text)[0].color, "Red, Green");
});

Deno.test("a report's DAG filter; a caller in a DAG sees only that DAG's records", async () => {
  const { post, store, projectId } = start();
  strictEqual((await post({ report_id: "3", format: "csv" })).text, "record_id,age\n3,45\n");
  const north = declareToken(store, projectId, { username: "n", data_access_group: "north" });
  const answer = await post({ report_id: "1", format: "csv", csvDelimiter: ";" }, north);
  strictEqual(answer.text, "record_id;age;note;color___1;color___2;color___3\n2;9;;0;1;0\n");
  // No record matches: an empty body, as REDCap 14 answers an empty flat export.
  strictEqual((await post({ report_id: "3", format: "csv" }, north)).text, "");
});

Deno.test("label headers, checkbox labels and XML", async () => {
  const { post } = start();
  const answer = await post({
    report_id: "1",
    format: "csv",
    rawOrLabel: "label",
    rawOrLabelHeaders: "label",
    exportCheckboxLabel: "true",
  });
  const [header, first] = answer.text.split("\n");
  strictEqual(
    header,
    '"Record ID",Age,Note,"Colors (choice=Red)","Colors (choice=Blue)","Colors (choice=Green)"',
  );
  strictEqual(first, "3,45,c,,,");
  const xml = await post({ report_id: "3", format: "xml" });
  ok(xml.text.includes("<item><record_id><![CDATA[3]]></record_id><age><![CDATA[45]]></age>"));
});

Deno.test("no API export right, or no form export access, is a 403", async () => {
  const { post, store, projectId } = start();
  const none = declareToken(store, projectId, { username: "x", api_export: 0 });
  strictEqual((await post({ report_id: "1" }, none)).status, 403);
  const deid = declareToken(store, projectId, { username: "d", forms_export: { main: 0 } });
  const answer = await post({ report_id: "1", format: "csv" }, deid);
  strictEqual(answer.status, 403);
});

Deno.test("REDCap's errors for a missing, malformed or unknown report id", async () => {
  const { post } = start();
  const missing = await post({ format: "json" });
  strictEqual(missing.status, 400);
  ok(JSON.parse(missing.text).error.includes("report_id"));
  const malformed = await post({ format: "json", report_id: "abc" });
  strictEqual(malformed.status, 400);
  ok(JSON.parse(malformed.text).error.includes("'abc'"));
  const unknown = await post({ format: "json", report_id: "99" });
  strictEqual(unknown.status, 403);
  strictEqual(
    JSON.parse(unknown.text).error,
    "The API request cannot complete because report_id=99 does not belong to this project.",
  );
});

Deno.test("reports round-trip through content=project_xml", async () => {
  const { post, definition } = start();
  const xml = await post({ content: "project_xml" });
  strictEqual(xml.status, 200);
  const back = readProjectXml(xml.text).reports!;
  deepStrictEqual(
    back.map((r) => r.attributes),
    definition.reports!.map((r) => r.attributes),
  );
  const store = RedcapStore.open();
  const again = loadProject(store, readProjectXml(xml.text));
  const handler = createRedcapHandler(store);
  const response = await handler(
    new Request("http://redcap.test/api/", {
      method: "POST",
      body: new URLSearchParams({
        token: again.tokens[0],
        content: "report",
        report_id: "1",
        format: "csv",
      }),
    }),
  );
  strictEqual(
    await response.text(),
    (await post({ report_id: "1", format: "csv" })).text,
  );
});

Deno.test({
  name: "corpus: REDCapR's report of the simple project (fields in report order, line breaks)",
  ignore: NO_CORPUS,
  async fn() {
    const base = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/`;
    const store = RedcapStore.open();
    const loaded = loadProject(store, `${base}projects/simple/project.xml`);
    const expected = JSON.parse(
      Deno.readTextFileSync(`${base}specific-redcapr/report/raw.R.json`),
    ) as { columns: { name: string; values: (string | number)[] }[] };
    const handler = createRedcapHandler(store);
    const response = await handler(
      new Request("http://redcap.test/api/", {
        method: "POST",
        body: new URLSearchParams({
          token: loaded.tokens[0],
          content: "report",
          report_id: String(loaded.definition.reports![0].report_id),
          format: "json",
        }),
      }),
    );
    const rows = JSON.parse(await response.text()) as Record<string, string>[];
    deepStrictEqual(Object.keys(rows[0]), expected.columns.map((c) => c.name));
    for (const column of expected.columns) {
      deepStrictEqual(rows.map((r) => r[column.name]), column.values.map(String));
    }
    store.close();
  },
});

Deno.test("a report export is logged once, with its report id", async () => {
  const { post, store, projectId } = start();
  const before = store.logEntries(projectId).length;
  await post({ report_id: "2", format: "csv", rawOrLabel: "label" });
  const added = store.logEntries(projectId).slice(before);
  strictEqual(added.length, 1);
  strictEqual(added[0].description, "Export data (API)");
  strictEqual(JSON.parse(added[0].details).report_id, "2");
});

Deno.test("the demo's reports: an event filter; logic and a descending sort", async () => {
  const store = RedcapStore.open();
  const { tokens } = loadProject(store, "demo", { demoRecords: 30 });
  const handler = createRedcapHandler(store);
  const post = async (params: Record<string, string>, token = tokens[0]) => {
    const response = await handler(
      new Request("http://redcap.test/api/", {
        method: "POST",
        body: new URLSearchParams({ token, content: "report", format: "json", ...params }),
      }),
    );
    return JSON.parse(await response.text());
  };
  const enrolled = await post({ report_id: "1" });
  strictEqual(enrolled.length, 30);
  ok(enrolled.every((r: Record<string, string>) => r.redcap_event_name.startsWith("screening_")));
  // REDCap's structural columns (the demo has repeating instruments), then the report's fields.
  deepStrictEqual(Object.keys(enrolled[0]).slice(0, 6), [
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "enroll_date",
    "sex",
  ]);
  const high = await post({ report_id: "2" });
  const sbp = high.map((r: Record<string, string>) => Number(r.sbp));
  ok(sbp.length > 0 && sbp.every((v: number) => v >= 140));
  deepStrictEqual(sbp, [...sbp].sort((a, b) => b - a));
  // Form export rights: without access to vitals, report 2 keeps the record id and events only.
  const noVitals = declareToken(store, 1, {
    username: "novitals",
    forms_export: { enrollment: 1, vitals: 0, labs: 1 },
  });
  const limited = await post({ report_id: "2" }, noVitals);
  ok(limited.length > 0);
  ok(!("sbp" in limited[0]) && !("dbp" in limited[0]));
  store.close();
});
