import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { fieldMetadata } from "../../../lib/server/project.ts";
import { classicProject, dump, longitudinalProject, serve } from "../records/_projects.ts";

const USER = { username: "tester" };

function seedClassic() {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [
    { record_id: "1", name: "A" },
    { record_id: "2", name: "B", redcap_data_access_group: "site_a" },
    { record_id: "3", name: "C" },
    {
      record_id: "3",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      visit_score: "1",
    },
    {
      record_id: "3",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "2",
      visit_score: "2",
    },
  ], USER);
  return s;
}

Deno.test("action=delete deletes whole records and answers their number", async () => {
  const s = seedClassic();
  const response = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    "records[1]": "3",
    returnFormat: "json",
  });
  strictEqual(response.status, 200);
  strictEqual(await response.text(), "2");
  deepStrictEqual(s.store.records(s.projectId).map((r) => r.record), ["2"]);
  deepStrictEqual(dump(s.store, s.projectId), ["2|1|1|name=B", "2|1|1|record_id=2"]);
  const log = s.store.logEntries(s.projectId).filter((e) => e.action === "DELETE");
  deepStrictEqual(log.map((e) => [e.record, e.description]), [["1", "Delete record (API)"], [
    "3",
    "Delete record (API)",
  ]]);
});

Deno.test("action=delete needs records as an array and every record to exist", async () => {
  const s = seedClassic();
  const before = dump(s.store, s.projectId);
  let response = await s.post({
    content: "record",
    action: "delete",
    records: "1",
    returnFormat: "csv",
  });
  strictEqual(response.status, 400);
  ok((await response.text()).includes("'records'"));
  response = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    "records[1]": "99",
    returnFormat: "csv",
  });
  strictEqual(response.status, 400);
  strictEqual(
    await response.text(),
    "ERROR: One or more of the records provided cannot be deleted because they do not exist in " +
      "the project. The following records do not exist: 99",
  );
  deepStrictEqual(dump(s.store, s.projectId), before);
});

Deno.test("action=delete needs import and delete rights, and a DAG user sees only the DAG's records", async () => {
  const s = seedClassic();
  const noDelete = s.tokenFor({ username: "nodel", record_delete: 0 });
  let response = await s.post(
    { content: "record", action: "delete", "records[0]": "1" },
    undefined,
    noDelete,
  );
  strictEqual(response.status, 403);
  const noImport = s.tokenFor({ username: "noimp", api_import: 0 });
  response = await s.post(
    { content: "record", action: "delete", "records[0]": "1", returnFormat: "json" },
    undefined,
    noImport,
  );
  strictEqual(await response.text(), '{"error":"You do not have API Import/Update privileges"}');
  const dagUser = s.tokenFor({ username: "site", data_access_group: "site_a" });
  response = await s.post(
    { content: "record", action: "delete", "records[0]": "1" },
    undefined,
    dagUser,
  );
  strictEqual(response.status, 400);
  response = await s.post(
    { content: "record", action: "delete", "records[0]": "2", returnFormat: "csv" },
    undefined,
    dagUser,
  );
  strictEqual(await response.text(), "1");
  strictEqual(s.store.records(s.projectId).length, 2);
});

Deno.test("action=delete with instrument and repeat_instance deletes only that instance", async () => {
  const s = seedClassic();
  const response = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "3",
    instrument: "visits",
    repeat_instance: "2",
    returnFormat: "csv",
  });
  strictEqual(await response.text(), "1");
  deepStrictEqual(s.store.values(s.projectId, "3", 1, 2, "visit_score"), []);
  deepStrictEqual(s.store.values(s.projectId, "3", 1, 1, "visit_score"), ["1"]);
  deepStrictEqual(s.store.values(s.projectId, "3", 1, 1, "name"), ["C"]);
});

Deno.test("action=delete in a longitudinal project deletes one arm, or one event's form", async () => {
  const s = serve(longitudinalProject());
  importFlatRows(s.store, s.projectId, [
    { study_id: "1", dob: "2000-01-01", hr: "50" },
    { study_id: "1", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "1", hr: "60" },
    { study_id: "1", redcap_event_name: "baseline_arm_2", dob: "2000-01-02" },
  ], USER);
  let response = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    instrument: "vitals",
    returnFormat: "json",
  });
  strictEqual(response.status, 400);
  ok((await response.text()).includes("parameter 'event' is required"));
  response = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    instrument: "vitals",
    event: "baseline_arm_1",
    returnFormat: "csv",
  });
  strictEqual(await response.text(), "1");
  deepStrictEqual(s.store.values(s.projectId, "1", 41, 1, "hr"), []);
  deepStrictEqual(s.store.values(s.projectId, "1", 41, 1, "dob"), ["2000-01-01"]);
  deepStrictEqual(s.store.values(s.projectId, "1", 42, 1, "hr"), ["60"]);
  response = await s.post({
    content: "record",
    action: "delete",
    "records[0]": "1",
    arm: "2",
    returnFormat: "csv",
  });
  strictEqual(await response.text(), "1");
  deepStrictEqual(s.store.recordArms(s.projectId, "1"), [1]);
  deepStrictEqual(s.store.values(s.projectId, "1", 43, 1, "dob"), []);
  deepStrictEqual(s.store.values(s.projectId, "1", 41, 1, "dob"), ["2000-01-01"]);
});

Deno.test("action=rename renames a record with its data and answers 1", async () => {
  const s = seedClassic();
  let response = await s.post({
    content: "record",
    action: "rename",
    record: "3",
    new_record_name: "30",
  });
  strictEqual(response.status, 200);
  strictEqual(await response.text(), "1");
  deepStrictEqual(s.store.values(s.projectId, "30", 1, 2, "visit_score"), ["2"]);
  deepStrictEqual(s.store.values(s.projectId, "30", 1, 1, "record_id"), ["30"]);
  deepStrictEqual(s.store.recordArms(s.projectId, "3"), []);
  response = await s.post({
    content: "record",
    action: "rename",
    record: "30",
    new_record_name: "1",
    returnFormat: "json",
  });
  strictEqual(response.status, 400);
  ok((await response.text()).includes("already exists"));
  response = await s.post({
    content: "record",
    action: "rename",
    record: "nope",
    new_record_name: "5",
    returnFormat: "json",
  });
  strictEqual(await response.text(), `{"error":"The record 'nope' does not exist"}`);
});

Deno.test("action=rename with arm renames the record in that arm only", async () => {
  const s = serve(longitudinalProject());
  importFlatRows(s.store, s.projectId, [
    { study_id: "1", dob: "2000-01-01" },
    { study_id: "1", redcap_event_name: "baseline_arm_2", dob: "2000-01-02" },
  ], USER);
  const response = await s.post({
    content: "record",
    action: "rename",
    record: "1",
    new_record_name: "b1",
    arm: "2",
  });
  strictEqual(await response.text(), "1");
  deepStrictEqual(s.store.recordArms(s.projectId, "1"), [1]);
  deepStrictEqual(s.store.recordArms(s.projectId, "b1"), [2]);
  deepStrictEqual(s.store.values(s.projectId, "b1", 43, 1, "study_id"), ["b1"]);
  deepStrictEqual(s.store.values(s.projectId, "1", 41, 1, "dob"), ["2000-01-01"]);
});

Deno.test("generateNextRecordName answers the largest numeric name plus one, DAG-prefixed for DAG users", async () => {
  const s = serve(classicProject());
  let response = await s.post({ content: "generateNextRecordName" });
  strictEqual(await response.text(), "1");
  importFlatRows(s.store, s.projectId, [{ record_id: "5" }, { record_id: "abc" }, {
    record_id: "12",
  }, { record_id: "20-7" }], USER);
  response = await s.post({ content: "generateNextRecordName", format: "csv" });
  strictEqual(await response.text(), "13");
  const dagUser = s.tokenFor({ username: "site", data_access_group: "site_a" });
  response = await s.post({ content: "generateNextRecordName" }, undefined, dagUser);
  strictEqual(await response.text(), "20-8");
  const otherDag = s.tokenFor({ username: "site_b_user", data_access_group: "site_b" });
  response = await s.post({ content: "generateNextRecordName" }, undefined, otherDag);
  strictEqual(await response.text(), "21-1");
});

Deno.test("generateNextRecordName answers 1 when no record name is a number", async () => {
  const definition = classicProject();
  definition.metadata = [fieldMetadata({ field_name: "id", form_name: "f", field_type: "text" })];
  definition.instruments = [{ instrument_name: "f", instrument_label: "F" }];
  definition.repeating = [];
  const s = serve(definition);
  importFlatRows(s.store, s.projectId, [{ id: "a" }, { id: "b" }, { id: "c" }], USER);
  const response = await s.post({ content: "generateNextRecordName" });
  strictEqual(await response.text(), "1");
});
