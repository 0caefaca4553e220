import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import { eventNameSlug, uniqueEventNames } from "../../../lib/server/routes/events.ts";
import { classicProject, longitudinalProject, setup } from "./_setup.ts";

Deno.test("exportArms() answers arm_num as a JSON integer, filtered by arms", async () => {
  const s = setup(longitudinalProject());
  const all = await s.post({ content: "arm", format: "json" });
  deepStrictEqual(all.json(), [{ arm_num: 1, name: "Drug A" }, { arm_num: 2, name: "Drug B" }]);
  const csv = await s.post({ content: "arm", format: "csv", "arms[0]": "2" });
  strictEqual(csv.text, 'arm_num,name\n2,"Drug B"\n');
  const xml = await s.post({ content: "arm", format: "xml", arms: "1" });
  match(
    xml.text,
    /<item><arm_num><!\[CDATA\[1\]\]><\/arm_num><name><!\[CDATA\[Drug A\]\]><\/name><\/item>/,
  );
});

Deno.test("exportArms(), exportEvents(), exportFormEventMapping() refuse classic projects", async () => {
  const s = setup(classicProject());
  for (
    const [content, message] of [
      ["arm", "You cannot export arms for classic projects"],
      ["event", "You cannot export events for classic projects"],
      ["formEventMapping", "You cannot export form/event mappings for classic projects"],
    ]
  ) {
    const answer = await s.post({ content, format: "csv" });
    strictEqual(answer.status, 400);
    strictEqual(answer.text, `ERROR: ${message}`);
  }
});

Deno.test("exportEvents() answers REDCap's five columns; csv is fputcsv without a final newline", async () => {
  const s = setup(longitudinalProject());
  const json = await s.post({ content: "event", format: "json" });
  deepStrictEqual(json.json()[0], {
    event_name: "Enrollment",
    arm_num: 1,
    unique_event_name: "enrollment_arm_1",
    custom_event_label: "",
    event_id: 10,
  });
  const csv = await s.post({ content: "event", format: "csv", arms: "2" });
  strictEqual(
    csv.text,
    "event_name,arm_num,unique_event_name,custom_event_label,event_id\nEnrollment,2,enrollment_arm_2,,12",
  );
});

Deno.test("exportEvents() adds the scheduling offsets when scheduling is enabled", async () => {
  const definition = longitudinalProject();
  definition.info.scheduling_enabled = 1;
  definition.events[1].day_offset = 7;
  const s = setup(definition);
  const json = await s.post({ content: "event", format: "json" });
  deepStrictEqual(Object.keys(json.json()[0]), [
    "event_name",
    "arm_num",
    "day_offset",
    "offset_min",
    "offset_max",
    "unique_event_name",
    "custom_event_label",
    "event_id",
  ]);
  strictEqual(json.json()[1].day_offset, 7);
  const xml = await s.post({ content: "event", format: "xml", arms: "2" });
  match(xml.text, /^<\?xml version="1.0" encoding="UTF-8" \?>\n<events>\n<item><event_name>/);
});

Deno.test("exportFormEventMapping() lists designations in event then form order", async () => {
  const s = setup(longitudinalProject());
  const json = await s.post({ content: "formEventMapping", format: "json" });
  deepStrictEqual(json.json(), [
    { arm_num: 1, unique_event_name: "enrollment_arm_1", form: "enrollment" },
    { arm_num: 1, unique_event_name: "visit_1_arm_1", form: "visit" },
    { arm_num: 2, unique_event_name: "enrollment_arm_2", form: "enrollment" },
    { arm_num: 2, unique_event_name: "enrollment_arm_2", form: "visit" },
  ]);
  const none = await s.post({ content: "formEventMapping", format: "csv", arms: "3" });
  strictEqual(none.text, "arm_num,unique_event_name,form");
  const blank = await s.post({ content: "formEventMapping", format: "json", arms: "3" });
  deepStrictEqual(blank.json(), [{ arm_num: "", unique_event_name: "", form: "" }]);
});

Deno.test("uniqueEventNames() slugs, truncates to 18 characters and letters clashes", () => {
  deepStrictEqual(
    uniqueEventNames([
      { event_name: "Deadline to return feedback", arm_num: 2 },
      { event_name: " Visit 1 - (baseline)", arm_num: 1 },
      { event_name: "Visit", arm_num: 1 },
      { event_name: "visit", arm_num: 1 },
      { event_name: "Visit", arm_num: 1 },
      { event_name: "Visit", arm_num: 2 },
    ]),
    [
      "deadline_to_return_arm_2",
      "visit_1__baseline_arm_1",
      "visit_arm_1",
      "visit_arm_1b",
      "visit_arm_1c",
      "visit_arm_2",
    ],
  );
  strictEqual(eventNameSlug("__a b__"), "a_b");
  strictEqual(eventNameSlug("Ünïcödé?"), "ncd");
  strictEqual(eventNameSlug(" 日本 "), createHash("md5").update("日本").digest("hex").slice(0, 10));
});

Deno.test("importArms() adds and renames arms; an arm without events is not exported", async () => {
  const s = setup(longitudinalProject());
  const answer = await s.post({
    content: "arm",
    action: "import",
    format: "json",
    data: JSON.stringify([{ arm_num: 2, name: "Placebo" }, { arm_num: 3, name: "Drug C" }]),
  });
  strictEqual(answer.status, 200);
  strictEqual(answer.text, "2");
  deepStrictEqual(s.store.project(s.projectId).arms.map((a) => [a.arm_num, a.name]), [
    [1, "Drug A"],
    [2, "Placebo"],
    [3, "Drug C"],
  ]);
  const exported = await s.post({ content: "arm", format: "json" });
  deepStrictEqual(exported.json().map((a: { arm_num: number }) => a.arm_num), [1, 2]);
  const event = await s.post({
    content: "event",
    action: "import",
    format: "csv",
    data: "event_name,arm_num\nBaseline,3\n",
  });
  strictEqual(event.text, "1");
  const after = await s.post({ content: "event", format: "json", arms: "3" });
  deepStrictEqual(after.json(), [{
    event_name: "Baseline",
    arm_num: 3,
    unique_event_name: "baseline_arm_3",
    custom_event_label: "",
    event_id: 13,
  }]);
});

Deno.test("importArms() with override=1 deletes every event, designation and their data", async () => {
  const s = setup(longitudinalProject());
  s.store.ensureRecord(s.projectId, "1", 1);
  s.store.setValues(s.projectId, "1", 10, 1, "study_id", ["1"]);
  const answer = await s.post({
    content: "arm",
    action: "import",
    override: "1",
    format: "xml",
    data: "<arms><item><arm_num>1</arm_num><name>Only</name></item></arms>",
  });
  strictEqual(answer.text, "1");
  const model = s.store.project(s.projectId);
  deepStrictEqual(model.arms, [{ arm_num: 1, name: "Only" }]);
  strictEqual(model.events.length, 0);
  strictEqual(model.definition.formEventMapping.length, 0);
  strictEqual(model.definition.repeating.length, 0);
  deepStrictEqual(s.store.records(s.projectId), []);
  strictEqual(s.store.values(s.projectId, "1", 10, 1, "study_id").length, 0);
});

Deno.test("importArms() validates rows and needs development status", async () => {
  const s = setup(longitudinalProject());
  const bad = await s.post({
    content: "arm",
    action: "import",
    format: "json",
    data: JSON.stringify([
      { arm_num: "x", name: "" },
      { arm_num: 1, name: "A" },
      { arm_num: 1, name: "B" },
      { arm_num: 100, name: "C" },
      { arm_num: 4, name: "D".repeat(51) },
    ]),
  });
  strictEqual(bad.status, 400);
  strictEqual(
    bad.json().error,
    "Cannot import arms: row 1: arm_num 'x' must be a positive integer\n" +
      "row 3: arm 1 is given more than once\n" +
      "row 4: arm_num '100' must be 99 or less\n" +
      `row 5: the arm name '${"D".repeat(51)}' is longer than 50`,
  );
  const columns = await s.post({
    content: "arm",
    action: "import",
    format: "csv",
    data: "arm,name\n1,A\n",
  });
  strictEqual(
    columns.text,
    "ERROR: Cannot import arms: the data must have the columns arm_num, name",
  );
  const blankName = await s.post({
    content: "arm",
    action: "import",
    format: "json",
    data: '[{"arm_num":"3","name":""}]',
  });
  strictEqual(blankName.text, "1");
  strictEqual(s.store.project(s.projectId).definition.arms[2].name, "Arm 3");
  const prod = longitudinalProject();
  prod.info.in_production = "1";
  const p = setup(prod);
  const denied = await p.post({
    content: "arm",
    action: "import",
    format: "json",
    data: '[{"arm_num":1,"name":"A"}]',
  });
  strictEqual(denied.status, 400);
  match(denied.json().error, /Development status/);
  const classic = setup(classicProject());
  const refused = await classic.post({
    content: "arm",
    action: "import",
    format: "json",
    data: '[{"arm_num":1,"name":"A"}]',
  });
  strictEqual(refused.status, 400);
});

Deno.test("deleteArms() removes the arm, its events, designations and records", async () => {
  const s = setup(longitudinalProject());
  s.store.ensureRecord(s.projectId, "7", 2);
  s.store.setValues(s.projectId, "7", 12, 1, "study_id", ["7"]);
  s.store.ensureRecord(s.projectId, "8", 1);
  s.store.setValues(s.projectId, "8", 10, 1, "study_id", ["8"]);
  const answer = await s.post({ content: "arm", action: "delete", format: "json", "arms[0]": "2" });
  strictEqual(answer.text, "1");
  const model = s.store.project(s.projectId);
  deepStrictEqual(model.events.map((e) => e.unique_event_name), [
    "enrollment_arm_1",
    "visit_1_arm_1",
  ]);
  deepStrictEqual(s.store.records(s.projectId).map((r) => r.record), ["8"]);
  const bad = await s.post({ content: "arm", action: "delete", format: "json", "arms[0]": "9" });
  strictEqual(bad.status, 400);
  strictEqual(bad.json().error, "Cannot delete arms: these arms do not exist: 9");
});

Deno.test("importEvents() updates an event named by unique_event_name and renames it", async () => {
  const s = setup(longitudinalProject());
  const update = await s.post({
    content: "event",
    action: "import",
    format: "json",
    data: JSON.stringify([{
      event_name: "Visit One",
      arm_num: "1",
      unique_event_name: "visit_1_arm_1",
      custom_event_label: "[dob]",
    }]),
  });
  strictEqual(update.text, "1");
  const model = s.store.project(s.projectId);
  const event = model.eventByName.get("visit_one_arm_1")!;
  strictEqual(event.event_name, "Visit One");
  strictEqual(event.custom_event_label, "[dob]");
  strictEqual(event.event_id, 11);
  strictEqual(event.day_offset, 1, "a missing day_offset is the row's position");
  deepStrictEqual(model.definition.repeating, [
    { event_name: "visit_one_arm_1", form_name: "visit", custom_form_label: '[weight] "kg"' },
  ]);
  deepStrictEqual(event.forms, ["visit"]);
});

Deno.test("importEvents() reports every bad row and needs event_name and arm_num", async () => {
  const s = setup(longitudinalProject());
  const bad = await s.post({
    content: "event",
    action: "import",
    format: "json",
    data: JSON.stringify([
      { event_name: "", arm_num: "1" },
      { event_name: "X", arm_num: "5" },
      { event_name: "Y", arm_num: "1", offset_min: "-1" },
      { event_name: "Z".repeat(31), arm_num: "1" },
      { event_name: "W", arm_num: "1", day_offset: "soon" },
    ]),
  });
  strictEqual(bad.status, 400);
  strictEqual(
    bad.json().error,
    "Cannot import events: row 1: the event name is blank\n" +
      "row 2: arm 5 does not exist\n" +
      "row 3: offset_min '-1' must be a number of at least 0\n" +
      `row 4: the event name '${"Z".repeat(31)}' is longer than 30 characters\n` +
      "row 5: day_offset 'soon' must be a number",
  );
  const columns = await s.post({
    content: "event",
    action: "import",
    format: "csv",
    data: "name,arm\nA,1\n",
  });
  strictEqual(columns.status, 400);
  strictEqual(
    columns.text,
    "ERROR: Cannot import events: the data must have the columns event_name,arm_num,unique_event_name",
  );
});

Deno.test("importEvents() with override=1 replaces every event with new event ids", async () => {
  const s = setup(longitudinalProject());
  s.store.ensureRecord(s.projectId, "1", 1);
  s.store.setValues(s.projectId, "1", 11, 1, "weight", ["80"]);
  const answer = await s.post({
    content: "event",
    action: "import",
    override: "1",
    format: "json",
    data: JSON.stringify([{ event_name: "Visit 1", arm_num: 1 }]),
  });
  strictEqual(answer.text, "1");
  const events = s.store.project(s.projectId).events;
  deepStrictEqual(events.map((e) => [e.unique_event_name, e.event_id]), [["visit_1_arm_1", 13]]);
  strictEqual(s.store.values(s.projectId, "1", 11, 1, "weight").length, 0);
});

Deno.test("deleteEvents() deletes events with their data and rejects unknown names", async () => {
  const s = setup(longitudinalProject());
  s.store.ensureRecord(s.projectId, "1", 1);
  s.store.setValues(s.projectId, "1", 10, 1, "study_id", ["1"]);
  s.store.setValues(s.projectId, "1", 11, 1, "weight", ["80"]);
  const answer = await s.post({
    content: "event",
    action: "delete",
    format: "json",
    "events[0]": "visit_1_arm_1",
  });
  strictEqual(answer.text, "1");
  strictEqual(s.store.values(s.projectId, "1", 11, 1, "weight").length, 0);
  deepStrictEqual(s.store.values(s.projectId, "1", 10, 1, "study_id"), ["1"]);
  deepStrictEqual(s.store.records(s.projectId).map((r) => r.record), ["1"]);
  strictEqual(s.store.project(s.projectId).definition.repeating.length, 0);
  const bad = await s.post({
    content: "event",
    action: "delete",
    format: "csv",
    "events[0]": "nope",
  });
  strictEqual(bad.text, "ERROR: Cannot delete events: these events do not exist: nope");
});

Deno.test("importFormEventMapping() replaces every designation of the project", async () => {
  const s = setup(longitudinalProject());
  const answer = await s.post({
    content: "formEventMapping",
    format: "csv",
    data:
      "arm_num,unique_event_name,form\n1,enrollment_arm_1,enrollment\n1,enrollment_arm_1,visit\n",
  });
  strictEqual(answer.status, 200);
  strictEqual(answer.text, "2");
  const exported = await s.post({ content: "formEventMapping", format: "json" });
  deepStrictEqual(exported.json(), [
    { arm_num: 1, unique_event_name: "enrollment_arm_1", form: "enrollment" },
    { arm_num: 1, unique_event_name: "enrollment_arm_1", form: "visit" },
  ]);
  strictEqual(
    s.store.project(s.projectId).definition.repeating.length,
    0,
    "visit no longer in visit_1_arm_1",
  );
  const bad = await s.post({
    content: "formEventMapping",
    format: "json",
    data: JSON.stringify([{ arm_num: 7, unique_event_name: "nope_arm_1", form: "ghost" }]),
  });
  strictEqual(bad.status, 400);
  strictEqual(
    bad.json().error,
    "Cannot import form/event mappings: row 1: arm 7 does not exist\n" +
      "row 1: the event 'nope_arm_1' does not exist\nrow 1: the form 'ghost' does not exist",
  );
  const columns = await s.post({
    content: "formEventMapping",
    format: "json",
    data: '[{"event":"x"}]',
  });
  strictEqual(
    columns.json().error,
    "Cannot import form/event mappings: the data must have the columns arm_num,unique_event_name,form",
  );
});
