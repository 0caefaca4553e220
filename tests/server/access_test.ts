/**
 * Access control of the local server: the DAG Switcher, logging isolation, and every route's DAG
 * isolation and form-level rights (the table below).
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { DEMO_DAG_TOKEN, DEMO_TOKEN, demoProject } from "../../lib/server/demo/mod.ts";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { declareToken, loadProject } from "../../lib/server/load.ts";
import type { ProjectDefinition } from "../../lib/server/project.ts";
import { RedcapStore } from "../../lib/server/store.ts";
import { createHash } from "node:crypto";

/** The demo (boston_general / denver_clinic records) in a fresh store, with a `post()`. */
function demo(records = 12, change?: (definition: ProjectDefinition) => void) {
  const store = RedcapStore.open();
  const definition = demoProject({ records });
  change?.(definition);
  const { projectId } = loadProject(store, definition);
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
      `assign it to the user 'demo_dag_user' (assigned: 'boston_general')`,
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
  // Deleting a group removes it from every switcher.
  await s.post(DEMO_TOKEN, { content: "dag", action: "delete", "dags[0]": "denver_clinic" });
  const switcher = s.store.project(s.projectId).definition.dagSwitcher!;
  deepStrictEqual(switcher.monitor, ["boston_general"]);
  deepStrictEqual(switcher.demo_user, ["", "boston_general"]);
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

Deno.test("content=log hashes record names where a de-identified export would", async () => {
  const s = demo(3, (definition) => {
    definition.metadata.find((f) => f.field_name === "record_id")!.identifier = "y";
  });
  const token = declareToken(s.store, s.projectId, { username: "deid", data_export: 2 });
  const rows = (await s.post(token, { content: "log", format: "json" })).json() as {
    action: string;
    details: string;
    record: string;
  }[];
  const md5 = (name: string) => createHash("md5").update(name).digest("hex");
  const named = rows.filter((r) => r.record !== "");
  ok(named.length > 0);
  for (const row of named) {
    ok(s.boston.concat(s.denver).some((r) => md5(r) === row.record), row.record);
    ok(row.action.endsWith(row.record), row.action);
    ok(!/record_id = '\d+'/.test(row.details), row.details);
  }
  // The records' real names are there for a full export right.
  const full = (await s.post(DEMO_TOKEN, { content: "log", format: "json" })).json() as {
    record: string;
  }[];
  ok(full.some((r) => r.record === s.boston[0]));
});

/** A lab report file of a record: its record, event's unique name and instance. */
function labReport(s: ReturnType<typeof demo>, records: readonly string[]) {
  const row = s.store.sql(
    "SELECT record, event_id, instance FROM data WHERE project_id = ? AND field_name = 'lab_report'",
  ).all(s.projectId).find((r) => records.includes(String(r.record)))!;
  const event = s.store.project(s.projectId).eventById.get(Number(row.event_id))!;
  return {
    record: String(row.record),
    event: event.unique_event_name,
    repeat_instance: String(row.instance),
  };
}

/**
 * Every route of the server, and what it enforces for a user in a data access group (DAG: the
 * demo's `demo_dag_user`, in boston_general) and for form-level rights (FORMS: a token with no
 * access to `labs` and `quality_of_life`, `enrollment` de-identified). Each row's check asserts
 * the behaviour against the other group's records or the hidden forms.
 */
const ROUTES: {
  route: string;
  dag: string;
  forms: string;
  check(s: ReturnType<typeof demo>, forms: string): Promise<void>;
}[] = [
  {
    route: "record export (flat)",
    dag: "only the group's records; records[] of another group give nothing",
    forms:
      "forms without export rights left out; identifiers and dates of de-identified forms left out",
    async check(s, forms) {
      const rows = (await s.post(DEMO_DAG_TOKEN, { content: "record", format: "json" })).json();
      ok(rows.every((r: { record_id: string }) => s.boston.includes(r.record_id)));
      const other = await s.post(DEMO_DAG_TOKEN, {
        content: "record",
        format: "json",
        "records[0]": s.denver[0],
      });
      deepStrictEqual(other.json(), []);
      const text = (await s.post(forms, { content: "record", format: "json" })).text;
      ok(!text.includes('"glucose"') && !text.includes('"first_name"') && text.includes('"sbp"'));
    },
  },
  {
    route: "record export (EAV)",
    dag: "only the group's records",
    forms: "as the flat export",
    async check(s, forms) {
      const rows =
        (await s.post(DEMO_DAG_TOKEN, { content: "record", format: "json", type: "eav" }))
          .json() as { record: string }[];
      ok(rows.length > 0 && rows.every((r) => s.boston.includes(r.record)));
      const fields = new Set(
        ((await s.post(forms, { content: "record", format: "json", type: "eav" })).json() as {
          field_name: string;
        }[]).map((r) => r.field_name),
      );
      ok(!fields.has("glucose") && !fields.has("first_name") && fields.has("sbp"));
    },
  },
  {
    route: "record import",
    dag: "records of another group cannot be written (REDCap's DAG error)",
    forms: "fields of read-only or no-access forms cannot be written",
    async check(s, forms) {
      const other = await s.post(DEMO_DAG_TOKEN, {
        content: "record",
        format: "json",
        data: JSON.stringify([{
          record_id: s.denver[0],
          redcap_event_name: "screening_arm_1",
          first_name: "X",
        }]),
      });
      strictEqual(other.status, 400);
      const labs = await s.post(forms, {
        content: "record",
        format: "json",
        data: JSON.stringify([{
          record_id: s.boston[0],
          redcap_event_name: "baseline_arm_1",
          glucose: "90",
        }]),
      });
      strictEqual(labs.status, 403);
    },
  },
  {
    route: "record delete / rename / randomize",
    dag: "a record of another group does not exist for the user",
    forms: "not form-level (record-level rights)",
    async check(s) {
      const attempts: Record<string, string>[] = [
        { content: "record", action: "delete", "records[0]": s.denver[0] },
        { content: "record", action: "rename", record: s.denver[0], new_record_name: "z9" },
      ];
      for (const params of attempts) {
        strictEqual((await s.post(DEMO_DAG_TOKEN, params)).status, 400);
      }
      ok(s.store.recordDag(s.projectId, s.denver[0]) === "denver_clinic", "still there");
    },
  },
  {
    route: "generateNextRecordName",
    dag: "names in the group's `<id>-` range",
    forms: "not form-level",
    async check(s) {
      match((await s.post(DEMO_DAG_TOKEN, { content: "generateNextRecordName" })).text, /^1-\d+$/);
    },
  },
  {
    route: "project_xml",
    dag: "only the group's records",
    forms: "as the record export",
    async check(s, forms) {
      const xml = (await s.post(DEMO_DAG_TOKEN, { content: "project_xml" })).text;
      const subjects = [...xml.matchAll(/SubjectKey="([^"]*)"/g)].map((m) => m[1]);
      ok(subjects.length > 0 && subjects.every((r) => s.boston.includes(r)));
      const clinical = (await s.post(forms, { content: "project_xml" })).text.split(
        "<ClinicalData",
      )[1];
      ok(!/ItemOID="(glucose|first_name)"/.test(clinical) && /ItemOID="sbp"/.test(clinical));
    },
  },
  {
    route: "file export / import / delete",
    dag: "a record of another group does not exist for the user",
    forms: "export needs access to the form and its data; import and delete need edit rights",
    async check(s, forms) {
      const other = labReport(s, s.denver);
      const params = { content: "file", field: "lab_report", ...other };
      strictEqual((await s.post(DEMO_DAG_TOKEN, { ...params, action: "export" })).status, 400);
      strictEqual((await s.post(DEMO_DAG_TOKEN, { ...params, action: "delete" })).status, 400);
      const mine = { content: "file", field: "lab_report", ...labReport(s, s.boston) };
      strictEqual((await s.post(DEMO_TOKEN, { ...mine, action: "export" })).status, 200);
      const refused = await s.post(forms, { ...mine, action: "export", returnFormat: "json" });
      strictEqual(refused.status, 403);
      match(refused.json().error, /permission to export the field 'lab_report'/);
      strictEqual((await s.post(forms, { ...mine, action: "delete" })).status, 403);
    },
  },
  {
    route: "file repository",
    dag:
      "folders restricted to another group, and folders inside them, are neither listed nor opened",
    forms: "not form-level (File Repository right)",
    async check(s) {
      const denver = String(
        s.store.project(s.projectId).dags.find((d) => d.unique_group_name === "denver_clinic")!
          .data_access_group_id,
      );
      const folder = (await s.post(DEMO_TOKEN, {
        content: "fileRepository",
        action: "createFolder",
        name: "Denver only",
        dag_id: denver,
        format: "json",
      })).json()[0].folder_id;
      const inner = (await s.post(DEMO_TOKEN, {
        content: "fileRepository",
        action: "createFolder",
        name: "Inside",
        folder_id: String(folder),
        format: "json",
      })).json()[0].folder_id;
      const top = (await s.post(DEMO_DAG_TOKEN, {
        content: "fileRepository",
        action: "list",
        format: "json",
      })).json() as { folder_id: number }[];
      ok(!top.some((r) => r.folder_id === folder));
      for (const id of [folder, inner]) {
        const listed = await s.post(DEMO_DAG_TOKEN, {
          content: "fileRepository",
          action: "list",
          folder_id: String(id),
          format: "json",
        });
        strictEqual(listed.status, 400, `folder ${id}`);
      }
    },
  },
  {
    route: "pdf",
    dag: "a record of another group does not exist; allRecords holds only the group's",
    forms: "forms without export rights or with no access left out; hidden values left out",
    async check(s, forms) {
      strictEqual(
        (await s.post(DEMO_DAG_TOKEN, { content: "pdf", record: s.denver[0] })).status,
        400,
      );
      strictEqual(
        (await s.post(forms, { content: "pdf", record: s.boston[0], instrument: "labs" })).status,
        403,
      );
      // No access to labs on screen, though its export right is full.
      const viewless = declareToken(s.store, s.projectId, {
        username: "viewless",
        forms: { labs: 128 },
      });
      strictEqual(
        (await s.post(viewless, { content: "pdf", record: s.boston[0], instrument: "labs" }))
          .status,
        403,
      );
      await s.post(DEMO_TOKEN, {
        content: "record",
        format: "json",
        data: JSON.stringify([{
          record_id: s.boston[0],
          redcap_event_name: "screening_arm_1",
          enroll_date: "2024-01-09",
        }]),
      });
      const params = { content: "pdf", record: s.boston[0], instrument: "enrollment" };
      ok((await s.post(DEMO_TOKEN, params)).text.includes("2024-01-09"));
      // enrollment is de-identified for this token: its dates are left out.
      ok(!(await s.post(forms, params)).text.includes("2024-01-09"));
    },
  },
  {
    route: "surveyLink / surveyAccessCode / surveyReturnCode / surveyQueueLink / participantList",
    dag: "a record of another group does not exist; the participant list holds the group's",
    forms: "refused for an instrument the user has no access to",
    async check(s, forms) {
      const event = "baseline_arm_1";
      for (const content of ["surveyLink", "surveyAccessCode", "surveyReturnCode"]) {
        const params = { content, record: s.denver[0], instrument: "quality_of_life", event };
        strictEqual((await s.post(DEMO_DAG_TOKEN, params)).status, 400, content);
        const own = { ...params, record: s.boston[0] };
        strictEqual((await s.post(forms, own)).status, 403, content);
        strictEqual((await s.post(DEMO_TOKEN, own)).status, 200, content);
      }
      strictEqual(
        (await s.post(DEMO_DAG_TOKEN, { content: "surveyQueueLink", record: s.denver[0] })).status,
        400,
      );
      const list = (await s.post(DEMO_DAG_TOKEN, {
        content: "participantList",
        instrument: "quality_of_life",
        event,
        format: "json",
      })).json() as { record: string }[];
      ok(list.every((r) => s.boston.includes(r.record)));
      strictEqual(
        (await s.post(forms, { content: "participantList", instrument: "quality_of_life", event }))
          .status,
        403,
      );
    },
  },
  {
    route: "log",
    dag: "only the group's records and entries naming none; `dag` cannot widen it",
    forms: "changes of hidden or de-identified fields left out of details",
    async check(s, forms) {
      const rows = (await s.post(DEMO_DAG_TOKEN, { content: "log", format: "json" })).json() as {
        record: string;
      }[];
      ok(rows.every((r) => r.record === "" || s.boston.includes(r.record)));
      const text = (await s.post(forms, { content: "log", format: "json" })).text;
      ok(!text.includes("glucose =") && !text.includes("first_name ="));
    },
  },
  {
    route: "user / userRoleMapping / userDagMapping export",
    dag: "only the users of the group (and the rights each needs)",
    forms: "not form-level (User Rights / DAG rights)",
    async check(s) {
      declareToken(s.store, s.projectId, {
        username: "denver_nurse",
        data_access_group: "denver_clinic",
      });
      const lead = declareToken(s.store, s.projectId, {
        username: "boston_lead",
        data_access_group: "boston_general",
      });
      for (const content of ["user", "userRoleMapping", "userDagMapping"]) {
        const rows = (await s.post(lead, { content, format: "json" })).json() as {
          username: string;
        }[];
        const names = rows.map((r) => r.username).sort();
        deepStrictEqual(names, ["boston_lead", "demo_dag_user"], content);
      }
      const all = (await s.post(DEMO_TOKEN, { content: "user", format: "json" })).json();
      ok(all.some((u: { username: string }) => u.username === "denver_nurse"));
    },
  },
  {
    route: "dag export / import / delete / switch",
    dag: "needs the DAG right; switch only into groups the DAG Switcher assigns",
    forms: "not form-level",
    async check(s) {
      strictEqual((await s.post(DEMO_DAG_TOKEN, { content: "dag", format: "json" })).status, 400);
      strictEqual(
        (await s.post(DEMO_DAG_TOKEN, { content: "dag", action: "switch", dag: "denver_clinic" }))
          .status,
        400,
      );
    },
  },
  {
    route: "reports",
    dag: "only the group's records (as the record export the report runs on)",
    forms: "as the flat export: dates of a de-identified form left out",
    async check(s, forms) {
      const report = (token: string) =>
        s.post(token, { content: "report", report_id: "1", format: "json" });
      const mine = (await report(DEMO_DAG_TOKEN)).json() as { record_id: string }[];
      ok(mine.length > 0 && mine.every((r) => s.boston.includes(r.record_id)));
      const all = (await report(DEMO_TOKEN)).json() as { record_id: string }[];
      ok(all.some((r) => s.denver.includes(r.record_id)));
      const text = (await report(forms)).text;
      ok(text.includes('"sex"') && !text.includes('"enroll_date"'), text.slice(0, 200));
    },
  },
];

Deno.test("every route keeps to the user's DAG and form-level rights (the table above)", async (t) => {
  for (const row of ROUTES) {
    await t.step(row.route, async () => {
      const s = demo();
      const forms = declareToken(s.store, s.projectId, {
        username: "forms_limited",
        forms: { labs: 128, quality_of_life: 128 },
        forms_export: {
          enrollment: 2,
          vitals: 1,
          labs: 0,
          quality_of_life: 0,
          adverse_events: 1,
          completion: 1,
        },
      });
      await row.check(s, forms);
    });
  }
});
