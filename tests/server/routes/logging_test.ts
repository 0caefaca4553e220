import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import type { RedcapStore } from "../../../lib/server/store.ts";
import {
  logAction,
  NO_EXPORT_ACCESS,
  NO_LOGGING_RIGHT,
} from "../../../lib/server/routes/logging.ts";
import { classicProject, setup } from "./_setup.ts";

function seedLog(store: RedcapStore, projectId: number): void {
  const base = { project_id: projectId, event_id: null, description: "" };
  store.log({
    ...base,
    ts: "2024-10-11 10:06:10",
    username: "alice",
    action: "INSERT",
    record: "1",
    details: "record_id = '1', name = 'A'",
    description: "Create record",
  });
  store.log({
    ...base,
    ts: "2024-10-11 10:07:00",
    username: "bob",
    action: "UPDATE",
    record: "1",
    details: "name = 'B'",
  });
  store.log({
    ...base,
    ts: "2024-10-11 10:40:59",
    username: "alice",
    action: "MANAGE",
    record: "",
    details: "",
    description: "Export instruments (API)",
  });
  store.log({
    ...base,
    ts: "2024-10-12 09:00:00",
    username: "bob",
    action: "DELETE",
    record: "2",
    details: "record_id = '2'",
  });
}

Deno.test("exportLog() answers newest first with REDCap's action texts", async () => {
  const s = setup(classicProject());
  seedLog(s.store, s.projectId);
  const answer = await s.post({ content: "log", format: "json" });
  deepStrictEqual(answer.json(), [
    {
      timestamp: "2024-10-12 09:00",
      username: "bob",
      action: "Delete record (API) 2",
      details: "record_id = '2'",
      record: "2",
    },
    {
      timestamp: "2024-10-11 10:40",
      username: "alice",
      action: "Manage/Design ",
      details: "Export instruments (API)",
      record: "",
    },
    {
      timestamp: "2024-10-11 10:07",
      username: "bob",
      action: "Update record (API) 1",
      details: "name = 'B'",
      record: "1",
    },
    {
      timestamp: "2024-10-11 10:06",
      username: "alice",
      action: "Create record 1",
      details: "record_id = '1', name = 'A'",
      record: "1",
    },
  ]);
});

Deno.test("exportLog() filters by logtype, user, record and time", async () => {
  const s = setup(classicProject());
  seedLog(s.store, s.projectId);
  const actions = async (params: Record<string, string>) =>
    (await s.post({ content: "log", format: "json", ...params })).json().map((
      r: { action: string },
    ) => r.action);
  deepStrictEqual(await actions({ logtype: "record_edit" }), ["Update record (API) 1"]);
  deepStrictEqual(await actions({ logtype: "manage" }), ["Manage/Design "]);
  deepStrictEqual(await actions({ user: "bob" }), [
    "Delete record (API) 2",
    "Update record (API) 1",
  ]);
  deepStrictEqual(await actions({ record: "1", logtype: "record" }), [
    "Update record (API) 1",
    "Create record 1",
  ]);
  deepStrictEqual(await actions({ beginTime: "2024-10-11 10:07", endTime: "2024-10-11 10:40" }), [
    "Manage/Design ",
    "Update record (API) 1",
  ]);
  const bad = await s.post({ content: "log", format: "json", beginTime: "yesterday" });
  strictEqual(bad.status, 400);
  const badType = await s.post({ content: "log", format: "json", logtype: "everything" });
  strictEqual(badType.status, 400);
});

Deno.test("exportLog() needs the Logging right and writes csv", async () => {
  const s = setup(classicProject());
  seedLog(s.store, s.projectId);
  const denied = await s.post({
    token: s.tokenWith({ logging: 0 }),
    content: "log",
    format: "json",
  });
  strictEqual(denied.status, 403);
  strictEqual(denied.json().error, NO_LOGGING_RIGHT);
  match(NO_LOGGING_RIGHT, /you do not have 'Logging' privileges/);
  const noExport = await s.post({
    token: s.tokenWith({ data_export: 0 }),
    content: "log",
    format: "csv",
  });
  strictEqual(noExport.status, 403);
  strictEqual(noExport.text, `ERROR: ${NO_EXPORT_ACCESS}`);
  const none = await s.post({ content: "log", format: "csv", user: "nobody" });
  strictEqual(none.text, "timestamp,username,action,details,record");
  const xml = await s.post({ content: "log", format: "xml", record: "2" });
  strictEqual(
    xml.text,
    '<?xml version="1.0" encoding="UTF-8" ?>\n<logs>\n<log><timestamp><![CDATA[2024-10-12 09:00]]>' +
      "</timestamp><username><![CDATA[bob]]></username><action><![CDATA[Delete record (API) 2]]>" +
      "</action><details><![CDATA[record_id = '2']]></details><record><![CDATA[2]]></record></log>\n" +
      "</logs>\n",
  );
  const csv = await s.post({ content: "log", format: "csv", record: "2" });
  strictEqual(
    csv.text,
    'timestamp,username,action,details,record\n"2024-10-12 09:00",bob,"Delete record (API) 2","record_id = \'2\'",2\n',
  );
});

Deno.test("logAction() uses the stored description for record changes", () => {
  strictEqual(
    logAction({
      log_id: 1,
      project_id: 1,
      ts: "",
      username: "u",
      action: "UPDATE",
      record: "5",
      event_id: null,
      details: "",
      description: "Update record (import)",
    }),
    "Update record (import) 5",
  );
});
