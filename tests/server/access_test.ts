/**
 * Access control of the local server: the DAG Switcher, logging isolation, and every route's DAG
 * isolation and form-level rights (the table below).
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DEMO_DAG_TOKEN, DEMO_TOKEN, demoProject } from "../../lib/server/demo.ts";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { declareToken, loadProject } from "../../lib/server/load.ts";
import { RedcapStore } from "../../lib/server/store.ts";

/** The demo (boston_general / denver_clinic records) in a fresh store, with a `post()`. */
function demo(records = 12) {
  const store = RedcapStore.open();
  const { projectId } = loadProject(store, demoProject({ records }));
  const handler = createRedcapHandler(store);
  const post = async (token: string, params: Record<string, string>) => {
    const response = await handler(
      new Request("http://redcap.test/api/", {
        method: "POST",
        body: new URLSearchParams({ token, ...params }),
      }),
    );
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
  const entries = store.records(projectId);
  const boston = entries.filter((e) => e.dag === "boston_general").map((e) => e.record);
  const denver = entries.filter((e) => e.dag === "denver_clinic").map((e) => e.record);
  return { store, projectId, post, boston, denver };
}

const dagOf = (s: ReturnType<typeof demo>, token: string) =>
  s.store.token(token)?.rights.data_access_group ?? "";

Deno.test("switchDag() refuses a group the DAG Switcher does not assign and leaves the user's group", async () => {
  const s = demo();
  const answer = await s.post(DEMO_DAG_TOKEN, {
    content: "dag",
    action: "switch",
    dag: "denver_clinic",
    returnFormat: "json",
  });
  strictEqual(answer.status, 400);
  strictEqual(
    answer.json().error,
    `You cannot switch to the data access group 'denver_clinic': the DAG Switcher does not ` +
      `assign it to the user "demo_dag_user" (assigned: 'boston_general')`,
  );
  strictEqual(dagOf(s, DEMO_DAG_TOKEN), "boston_general");
  // Still only its own group's records.
  const rows = (await s.post(DEMO_DAG_TOKEN, {
    content: "record",
    format: "json",
    fields: "record_id",
  })).json() as { record_id: string }[];
  deepStrictEqual([...new Set(rows.map((r) => r.record_id))].sort(), [...s.boston].sort());
  // "[No Assignment]" is not assigned either: leaving the group would show every record.
  const none = await s.post(DEMO_DAG_TOKEN, { content: "dag", action: "switch", dag: "" });
  strictEqual(none.status, 400);
  strictEqual(dagOf(s, DEMO_DAG_TOKEN), "boston_general");
});

Deno.test("switchDag() needs API Import/Update rights, as REDCap's Switch DAG method does", async () => {
  const s = demo();
  const token = declareToken(s.store, s.projectId, {
    username: "reader",
    api_import: 0,
    api_export: 0,
    data_access_group: "boston_general",
    dagSwitcher: ["boston_general", "denver_clinic"],
  });
  const answer = await s.post(token, {
    content: "dag",
    action: "switch",
    dag: "denver_clinic",
    returnFormat: "json",
  });
  strictEqual(answer.status, 403);
  strictEqual(answer.json().error, "You do not have API Import/Update privileges");
  strictEqual(dagOf(s, token), "boston_general");
});

Deno.test("switchDag() moves a user between assigned groups, and to none only where assigned", async () => {
  const s = demo();
  const token = declareToken(s.store, s.projectId, {
    username: "monitor",
    data_access_group: "boston_general",
    dagSwitcher: ["boston_general", "denver_clinic"],
  });
  const moved = await s.post(token, { content: "dag", action: "switch", dag: "denver_clinic" });
  strictEqual(moved.status, 200);
  strictEqual(moved.text, "1");
  strictEqual(dagOf(s, token), "denver_clinic");
  const rows = (await s.post(token, { content: "record", format: "json", fields: "record_id" }))
    .json() as { record_id: string }[];
  deepStrictEqual([...new Set(rows.map((r) => r.record_id))].sort(), [...s.denver].sort());
  strictEqual((await s.post(token, { content: "dag", action: "switch", dag: "" })).status, 400);
  strictEqual(dagOf(s, token), "denver_clinic");
  // demo_user's switcher holds "[No Assignment]" and every group.
  strictEqual(
    (await s.post(DEMO_TOKEN, { content: "dag", action: "switch", dag: "boston_general" })).text,
    "1",
  );
  strictEqual(
    (await s.post(DEMO_TOKEN, { content: "dag", action: "switch", dag: "" })).text,
    "1",
  );
  strictEqual(dagOf(s, DEMO_TOKEN), "");
});

Deno.test("the user-DAG mapping import assigns the group in the DAG Switcher", async () => {
  const s = demo();
  const token = declareToken(s.store, s.projectId, {
    username: "monitor",
    data_access_group: "boston_general",
  });
  strictEqual(
    (await s.post(token, { content: "dag", action: "switch", dag: "denver_clinic" })).status,
    400,
  );
  const mapped = await s.post(DEMO_TOKEN, {
    content: "userDagMapping",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "monitor", redcap_data_access_group: "denver_clinic" }]),
  });
  strictEqual(mapped.text, "1");
  // Back to boston_general by the admin; denver_clinic stays assigned in the switcher.
  await s.post(DEMO_TOKEN, {
    content: "userDagMapping",
    action: "import",
    format: "json",
    data: JSON.stringify([{ username: "monitor", redcap_data_access_group: "boston_general" }]),
  });
  strictEqual(dagOf(s, token), "boston_general");
  strictEqual(
    (await s.post(token, { content: "dag", action: "switch", dag: "denver_clinic" })).text,
    "1",
  );
  strictEqual(dagOf(s, token), "denver_clinic");
  ok(s.store.project(s.projectId).definition.dagSwitcher?.monitor?.includes("denver_clinic"));
});

Deno.test("content=log gives a DAG user only its group's records and entries naming none", async () => {
  const s = demo();
  await s.post(DEMO_TOKEN, { content: "record", format: "json" }); // logged, naming no record
  const rows = (await s.post(DEMO_DAG_TOKEN, { content: "log", format: "json" })).json() as {
    record: string;
  }[];
  const named = new Set(rows.map((r) => r.record).filter((r) => r !== ""));
  ok(named.size > 0);
  for (const record of named) ok(s.boston.includes(record), `record ${record} leaked`);
  ok(rows.some((r) => r.record === ""));
  // The dag filter cannot widen it to another group.
  const other = await s.post(DEMO_DAG_TOKEN, {
    content: "log",
    format: "json",
    dag: "denver_clinic",
    returnFormat: "json",
  });
  strictEqual(other.status, 400);
  ok(!other.text.includes(s.denver[0] + "'"));
  const own =
    (await s.post(DEMO_DAG_TOKEN, { content: "log", format: "json", dag: "boston_general" }))
      .json() as { record: string }[];
  ok(own.length > 0 && own.every((r) => s.boston.includes(r.record)));
  // A user in no group still sees everything.
  const all = (await s.post(DEMO_TOKEN, { content: "log", format: "json" })).json() as {
    record: string;
  }[];
  ok(all.some((r) => s.denver.includes(r.record)));
});

Deno.test("content=log details leave out values the token's form rights hide or de-identify", async () => {
  const s = demo(3);
  await s.post(DEMO_TOKEN, {
    content: "record",
    format: "json",
    data: JSON.stringify([{
      record_id: s.boston[0],
      redcap_event_name: "screening_arm_1",
      first_name: "Zelda, glucose = '1'",
      last_name: "Quorra",
      enroll_date: "2024-01-09",
    }]),
  });
  const token = declareToken(s.store, s.projectId, {
    username: "deid",
    // enrollment de-identified (names, dates and free text go); labs no access at all.
    forms_export: {
      enrollment: 2,
      vitals: 1,
      labs: 0,
      quality_of_life: 1,
      adverse_events: 1,
      completion: 1,
    },
  });
  const text = (await s.post(token, { content: "log", format: "json" })).text;
  for (const secret of ["Zelda", "Quorra", "2024-01-09", "glucose =", "hemoglobin ="]) {
    ok(!text.includes(secret), `${secret} leaked into the log details`);
  }
  ok(text.includes("heart_rate = "), "visible fields stay");
  ok(text.includes("record_id = "));
  const full = (await s.post(DEMO_TOKEN, { content: "log", format: "json" })).text;
  ok(full.includes("Zelda") && full.includes("glucose = "));
});
