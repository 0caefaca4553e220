import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { ApiError } from "../../../lib/server/_http.ts";
import { importFlatRows, type ImportOptions } from "../../../lib/server/records/import.ts";
import { INVALID_FORMAT } from "../../../lib/dictionary/validate.ts";
import { classicProject, dump, longitudinalProject, serve } from "./_projects.ts";

const USER: ImportOptions = { username: "tester" };

function failure(fn: () => unknown): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  ok(caught instanceof ApiError, `expected an ApiError, got ${caught}`);
  strictEqual(caught.status, 400);
  return caught;
}

function values(
  s: ReturnType<typeof serve>,
  record: string,
  field: string,
  event = 1,
  instance = 1,
) {
  return s.store.values(s.projectId, record, event, instance, field);
}

Deno.test("importFlatRows() rejects each invalid value with a REDCap error line and writes nothing", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "kept" }], USER);
  const before = dump(s.store, s.projectId);
  const cases: [string, string, string][] = [
    ["age", "12.5", INVALID_FORMAT],
    ["age", "abc", INVALID_FORMAT],
    ["height", "tall", INVALID_FORMAT],
    ["height", "300", "outside the allowed range (50 - 250)"],
    ["weight", "70", INVALID_FORMAT],
    ["weight", "70.25", INVALID_FORMAT],
    ["weight_comma", "1.54", INVALID_FORMAT],
    ["score_comma", "1.5", INVALID_FORMAT],
    ["dob", "2020-02-30", INVALID_FORMAT],
    ["dob", "01/02/2020", INVALID_FORMAT],
    ["dob_mdy", "13-01-2020", INVALID_FORMAT],
    ["seen_at", "2020-01-31", INVALID_FORMAT],
    ["seen_secs", "2020-01-31 10:00", INVALID_FORMAT],
    ["wake", "24:00", INVALID_FORMAT],
    ["lap", "61:00", INVALID_FORMAT],
    ["duration", "10:00", INVALID_FORMAT],
    ["email", "joe@", INVALID_FORMAT],
    ["phone", "12345", INVALID_FORMAT],
    ["zip", "1234", INVALID_FORMAT],
    ["postcode_ca", "12345", INVALID_FORMAT],
    ["letters", "ab1", INVALID_FORMAT],
    ["mrn", "123", INVALID_FORMAT],
    ["ssn", "123456789", INVALID_FORMAT],
    ["vmrn", "12", INVALID_FORMAT],
    ["strict", "NA", INVALID_FORMAT],
    ["sex", "3", "The value is not a valid category for sex"],
    ["color", "R", "The value is not a valid category for color"],
    ["smoker", "yes", "The value is not a valid category for smoker"],
    ["truth", "2", "The value is not a valid category for truth"],
    ["race___1", "2", "must be 0 (unchecked) or 1 (checked)"],
    ["intake_complete", "3", "The value is not a valid category for intake_complete"],
    ["pain", "101", "between 0 and 100"],
    ["pain", "5.5", INVALID_FORMAT],
  ];
  for (const [field, value, message] of cases) {
    const error = failure(() =>
      importFlatRows(
        s.store,
        s.projectId,
        [{ record_id: "1", name: "changed", [field]: value }],
        USER,
      )
    );
    const prefix = `"1","${field}","${value}","`;
    ok(error.message.startsWith(prefix), `${field}=${value}: ${error.message}`);
    ok(error.message.includes(message), `${field}=${value}: ${error.message}`);
    deepStrictEqual(dump(s.store, s.projectId), before, `${field}=${value} changed the store`);
  }
});

Deno.test("importFlatRows() collects every error of every row before failing", () => {
  const s = serve(classicProject());
  const error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      { record_id: "1", age: "x", sex: "9" },
      { record_id: "2", age: "40" },
      { record_id: "3", smoker: "2" },
    ], USER)
  );
  deepStrictEqual(error.message.split("\n").map((l) => l.split(",").slice(0, 3).join(",")), [
    '"1","age","x"',
    '"1","sex","9"',
    '"3","smoker","2"',
  ]);
  deepStrictEqual(dump(s.store, s.projectId), []);
  deepStrictEqual(s.store.records(s.projectId), []);
});

Deno.test("importFlatRows() accepts every validation type and stores dates as ISO", () => {
  const s = serve(classicProject());
  const row = {
    record_id: "1",
    age: "-3",
    height: "180",
    weight: "70.5",
    weight_comma: "1,54",
    score_comma: "2,5",
    dob: "2020-01-31",
    dob_mdy: "2020-12-01",
    seen_at: "2021-03-04 07:05",
    seen_secs: "2021-03-04 07:05:09",
    wake: "7:30",
    lap: "59:59",
    duration: "23:59:59",
    email: "joe@example.org",
    phone: "(615) 555-1212",
    zip: "37212-1234",
    postcode_ca: "K1A 0B1",
    letters: "abcXYZ",
    mrn: "0123456789",
    ssn: "123-45-6789",
    vmrn: "12345",
    custom: "anything at all",
    sex: "2",
    color: "-9",
    smoker: "0",
    truth: "1",
    race___1: "1",
    race____9: "1",
    pain: "100",
    notes: "line 1\nline 2",
    intake_complete: "2",
  };
  const result = importFlatRows(s.store, s.projectId, [row], USER);
  deepStrictEqual(result, { count: 1, ids: ["1"], autoIds: [] });
  for (const [field, value] of Object.entries(row)) {
    if (field.startsWith("race")) continue;
    deepStrictEqual(values(s, "1", field), [value], field);
  }
  // Checked codes, read back in key order (sorted as text).
  deepStrictEqual(values(s, "1", "race"), ["-9", "1"]);
});

Deno.test("importFlatRows() reads dates in dateFormat MDY and DMY and stores them as ISO", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{
    record_id: "1",
    dob: "12/31/2020",
    seen_at: "1/2/2021 7:05",
  }], {
    ...USER,
    dateFormat: "MDY",
  });
  deepStrictEqual(values(s, "1", "dob"), ["2020-12-31"]);
  deepStrictEqual(values(s, "1", "seen_at"), ["2021-01-02 07:05"]);
  importFlatRows(s.store, s.projectId, [{ record_id: "2", dob: "31/12/2020" }], {
    ...USER,
    dateFormat: "DMY",
  });
  deepStrictEqual(values(s, "2", "dob"), ["2020-12-31"]);
  failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: "3", dob: "31/12/2020" }], {
      ...USER,
      dateFormat: "MDY",
    })
  );
});

Deno.test("importFlatRows() accepts missing-data codes in any field unless @NOMISSING", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{
    record_id: "1",
    age: "NA",
    dob: "UNK",
    sex: "NA",
    race___na: "1",
  }], USER);
  deepStrictEqual(values(s, "1", "age"), ["NA"]);
  deepStrictEqual(values(s, "1", "dob"), ["UNK"]);
  deepStrictEqual(values(s, "1", "sex"), ["NA"]);
  deepStrictEqual(values(s, "1", "race"), ["NA"]);
});

Deno.test("importFlatRows() saves values outside min/max unless the field has @FORCE-MINMAX", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1", age: "500" }], USER);
  deepStrictEqual(values(s, "1", "age"), ["500"]);
  const error = failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: "1", height: "10" }], USER)
  );
  ok(error.message.startsWith('"1","height","10",'));
});

Deno.test("importFlatRows() names every unknown field, a checkbox's base name and descriptive fields in one message", () => {
  const s = serve(classicProject());
  const error = failure(() =>
    importFlatRows(s.store, s.projectId, [{
      record_id: "1",
      foo: "1",
      race: "1",
      info: "",
      race___7: "1",
    }], USER)
  );
  strictEqual(
    error.message,
    "The following fields were not found in the project as real data fields: foo, race, info, race___7",
  );
});

Deno.test("importFlatRows() ignores calc, file, timestamp and survey identifier columns unless seeding", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{
    record_id: "1",
    bmi: "99",
    photo: "a.png",
    intake_timestamp: "2020-01-01 10:00:00",
    redcap_survey_identifier: "x",
    name: "A",
  }], USER);
  deepStrictEqual(dump(s.store, s.projectId), ["1|1|1|name=A", "1|1|1|record_id=1"]);
  importFlatRows(s.store, s.projectId, [{
    record_id: "2",
    bmi: "99",
    photo: "a.png",
    intake_timestamp: "2020-01-01 10:00:00",
  }], { ...USER, seed: true });
  deepStrictEqual(values(s, "2", "bmi"), ["99"]);
  deepStrictEqual(values(s, "2", "intake_timestamp"), ["2020-01-01 10:00:00"]);
  const [docId] = values(s, "2", "photo");
  const file = s.store.file(s.projectId, Number(docId));
  strictEqual(file?.name, "a.png");
  strictEqual(file?.mime_type, "image/png");
  strictEqual(file?.content.length, 0);
  // Seeding still checks values strictly.
  failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: "3", age: "x" }], { ...USER, seed: true })
  );
});

Deno.test("importFlatRows() ignores blanks in normal mode and erases with them in overwrite mode", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{
    record_id: "1",
    name: "A",
    age: "5",
    race___1: "1",
    race___2: "1",
  }], USER);
  importFlatRows(s.store, s.projectId, [{
    record_id: "1",
    name: "",
    age: "6",
    race___1: "",
    race___2: "0",
  }], USER);
  deepStrictEqual(values(s, "1", "name"), ["A"]);
  deepStrictEqual(values(s, "1", "age"), ["6"]);
  deepStrictEqual(values(s, "1", "race"), ["1"]);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "", race___1: "" }], {
    ...USER,
    overwriteBehavior: "overwrite",
  });
  deepStrictEqual(values(s, "1", "name"), []);
  deepStrictEqual(values(s, "1", "age"), ["6"]);
  deepStrictEqual(values(s, "1", "race"), []);
});

Deno.test("importFlatRows() with forceAutoNumber numbers records after the largest numeric name and groups rows", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "7" }, { record_id: "abc" }, {
    record_id: "20-3",
  }], USER);
  const result = importFlatRows(s.store, s.projectId, [
    { record_id: "x", name: "first" },
    { record_id: "y", name: "second" },
    {
      record_id: "x",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      visit_score: "4",
    },
  ], { ...USER, forceAutoNumber: true });
  deepStrictEqual(result, { count: 2, ids: ["8", "9"], autoIds: [["8", "x"], ["9", "y"]] });
  deepStrictEqual(values(s, "8", "name"), ["first"]);
  deepStrictEqual(values(s, "8", "visit_score"), ["4"]);
  deepStrictEqual(values(s, "9", "record_id"), ["9"]);
  const dagged = importFlatRows(s.store, s.projectId, [{ record_id: "new" }], {
    ...USER,
    forceAutoNumber: true,
    dag: "site_a",
  });
  deepStrictEqual(dagged.autoIds, [["20-4", "new"]]);
  strictEqual(s.store.recordDag(s.projectId, "20-4"), "site_a");
});

Deno.test("importFlatRows() numbers instances 'new' after the stored and imported ones", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "2",
      visit_score: "2",
    },
  ], USER);
  importFlatRows(s.store, s.projectId, [
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "new",
      visit_score: "3",
    },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "NEW",
      visit_score: "4",
    },
    {
      record_id: "2",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "new",
      visit_score: "1",
    },
  ], USER);
  deepStrictEqual(values(s, "1", "visit_score", 1, 3), ["3"]);
  deepStrictEqual(values(s, "1", "visit_score", 1, 4), ["4"]);
  deepStrictEqual(values(s, "2", "visit_score", 1, 1), ["1"]);
});

Deno.test("importFlatRows() enforces the repeating rules", () => {
  const s = serve(classicProject());
  let error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      {
        record_id: "1",
        redcap_repeat_instrument: "intake",
        redcap_repeat_instance: "1",
        name: "x",
      },
    ], USER)
  );
  ok(
    error.message.startsWith(
      '"1","redcap_repeat_instrument","intake","redcap_repeat_instrument must be',
    ),
  );
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [{
      record_id: "1",
      redcap_repeat_instance: "2",
      name: "x",
    }], USER)
  );
  ok(
    error.message.startsWith(
      '"1","redcap_repeat_instance","2","redcap_repeat_instance cannot have a value',
    ),
  );
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      { record_id: "1", redcap_repeat_instrument: "visits", redcap_repeat_instance: "0" },
    ], USER)
  );
  strictEqual(
    error.message,
    "The record name (1) has an invalid value for 'redcap_repeat_instance'. The value must either be a positive integer or the value 'new'. Value provided: 0",
  );
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      { record_id: "1", redcap_repeat_instrument: "visits", redcap_repeat_instance: "32768" },
    ], USER)
  );
  ok(error.message.includes("from 1 to 32767"));
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      {
        record_id: "1",
        redcap_repeat_instrument: "visits",
        redcap_repeat_instance: "1",
        name: "x",
      },
    ], USER)
  );
  ok(
    error.message.startsWith(
      '"1","name","x","This field (\'name\') is not on the Repeating Instrument',
    ),
  );
  // Blank cells of other instruments, as exports have them, are fine.
  importFlatRows(s.store, s.projectId, [
    {
      record_id: "1",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "",
      name: "A",
      visit_score: "",
    },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      name: "",
      race___1: "0",
      visit_score: "3",
    },
  ], { ...USER, overwriteBehavior: "overwrite" });
  deepStrictEqual(values(s, "1", "name"), ["A"]);
  deepStrictEqual(values(s, "1", "visit_score"), ["3"]);
  deepStrictEqual(dump(s.store, s.projectId).length, 3);
});

Deno.test("importFlatRows() checks events in a longitudinal project and creates records per arm", () => {
  const s = serve(longitudinalProject());
  let error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      { study_id: "1", redcap_event_name: "visit_11_arm_1" },
      { study_id: "2", redcap_event_name: "visit_12_arm_1" },
    ], USER)
  );
  strictEqual(
    error.message,
    "The following values of redcap_event_name are invalid: visit_11_arm_1, visit_12_arm_1",
  );
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [{
      study_id: "1",
      redcap_event_name: "followup_arm_1",
      dob: "2020-01-01",
    }], USER)
  );
  ok(
    error.message.startsWith(
      '"1","dob","2020-01-01","The field \'dob\' is on the instrument \'demo\', which is not designated',
    ),
  );
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      {
        study_id: "1",
        redcap_event_name: "followup_arm_1",
        redcap_repeat_instrument: "vitals",
        redcap_repeat_instance: "1",
        hr: "1",
      },
    ], USER)
  );
  ok(error.message.includes("is a repeating event"));
  const result = importFlatRows(s.store, s.projectId, [
    { study_id: "1", dob: "2001-02-03" },
    { study_id: "1", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "2", hr: "70" },
    {
      study_id: "1",
      redcap_event_name: "baseline_arm_2",
      redcap_repeat_instrument: "vitals",
      redcap_repeat_instance: "new",
      hr: "80",
    },
  ], USER);
  strictEqual(result.count, 1);
  deepStrictEqual(values(s, "1", "dob", 41), ["2001-02-03"]);
  deepStrictEqual(values(s, "1", "hr", 42, 2), ["70"]);
  deepStrictEqual(values(s, "1", "hr", 43, 1), ["80"]);
  deepStrictEqual(values(s, "1", "study_id", 42), ["1"]);
  deepStrictEqual(values(s, "1", "study_id", 43), ["1"]);
  deepStrictEqual(s.store.recordArms(s.projectId, "1"), [1, 2]);
});

Deno.test("importFlatRows() merges duplicate rows of one record, event and instance (last non-blank wins)", () => {
  const s = serve(classicProject());
  const result = importFlatRows(s.store, s.projectId, [
    { record_id: "1", name: "first", age: "1" },
    { record_id: "1", name: "second", age: "" },
  ], USER);
  strictEqual(result.count, 1);
  deepStrictEqual(values(s, "1", "name"), ["second"]);
  deepStrictEqual(values(s, "1", "age"), ["1"]);
});

Deno.test("importFlatRows() assigns DAGs and keeps DAG users inside their group", () => {
  const s = serve(classicProject());
  importFlatRows(
    s.store,
    s.projectId,
    [{ record_id: "1", redcap_data_access_group: "site_b" }],
    USER,
  );
  strictEqual(s.store.recordDag(s.projectId, "1"), "site_b");
  importFlatRows(
    s.store,
    s.projectId,
    [{ record_id: "1", redcap_data_access_group: "site_a" }],
    USER,
  );
  strictEqual(s.store.recordDag(s.projectId, "1"), "site_a");
  let error = failure(() =>
    importFlatRows(
      s.store,
      s.projectId,
      [{ record_id: "1", redcap_data_access_group: "nowhere" }],
      USER,
    )
  );
  ok(error.message.includes("redcap_data_access_group") && error.message.includes("nowhere"));
  const dagUser = { ...USER, dag: "site_b" };
  importFlatRows(s.store, s.projectId, [{ record_id: "2", name: "mine" }], dagUser);
  strictEqual(s.store.recordDag(s.projectId, "2"), "site_b");
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "theirs" }], dagUser)
  );
  ok(
    error.message.startsWith(
      '"1","record_id","1","The record \\"1\\" belongs to a different Data Access Group',
    ) ||
      error.message.startsWith(
        '"1","record_id","1","The record ""1"" belongs to a different Data Access Group',
      ),
  );
  error = failure(() =>
    importFlatRows(
      s.store,
      s.projectId,
      [{ record_id: "2", redcap_data_access_group: "site_a" }],
      dagUser,
    )
  );
  ok(error.message.startsWith('"2","redcap_data_access_group","site_a",'));
  strictEqual(s.store.recordDag(s.projectId, "2"), "site_b");
});

Deno.test("importFlatRows() refuses new records without record_create but updates existing ones", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1" }], USER);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "B" }], {
    ...USER,
    allowCreate: false,
  });
  deepStrictEqual(values(s, "1", "name"), ["B"]);
  let caught: unknown;
  try {
    importFlatRows(s.store, s.projectId, [{ record_id: "2" }], { ...USER, allowCreate: false });
  } catch (error) {
    caught = error;
  }
  ok(caught instanceof ApiError && caught.status === 403);
  deepStrictEqual(s.store.recordArms(s.projectId, "2"), []);
});

Deno.test("importFlatRows() requires the record ID column and non-blank record names", () => {
  const s = serve(classicProject());
  throws(
    () => importFlatRows(s.store, s.projectId, [{ name: "x" }], USER),
    /record ID field "record_id"/,
  );
  const error = failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: " ", name: "x" }], USER)
  );
  ok(error.message.includes("The record ID cannot be blank"));
});

Deno.test("importFlatRows() logs created and updated records with the changed values", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "A", race___2: "1" }], USER);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "B", age: "" }], USER);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "B" }], USER);
  const log = s.store.logEntries(s.projectId).filter((e) => e.record === "1");
  deepStrictEqual(log.map((e) => [e.action, e.description, e.details, e.username]), [
    ["INSERT", "Create record", "record_id = '1', name = 'A', race(2) = checked", "tester"],
    ["UPDATE", "Update record", "name = 'B'", "tester"],
  ]);
});

Deno.test("importFlatRows() with acceptInvalid keeps values that fail validation or choices", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{
    record_id: "1",
    dob: "55:02",
    dob_mdy: "12/31/2020",
    sex: "7",
    age: "x",
  }], {
    ...USER,
    seed: true,
    acceptInvalid: true,
  });
  deepStrictEqual(values(s, "1", "dob"), ["55:02"]);
  deepStrictEqual(values(s, "1", "sex"), ["7"]);
  deepStrictEqual(values(s, "1", "dob_mdy"), ["12/31/2020"]);
  failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: "1", race___1: "x" }], {
      ...USER,
      acceptInvalid: true,
    })
  );
});

Deno.test("importFlatRows() keeps the secondary unique field unique across records", () => {
  const definition = classicProject();
  definition.info.secondary_unique_field = "mrn";
  const s = serve(definition);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", mrn: "0000000001" }], USER);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", mrn: "0000000001", name: "same" }], USER);
  let error = failure(() =>
    importFlatRows(s.store, s.projectId, [{ record_id: "2", mrn: "0000000001" }], USER)
  );
  ok(error.message.startsWith('"2","mrn","0000000001","The value is already used by record'));
  error = failure(() =>
    importFlatRows(s.store, s.projectId, [
      { record_id: "3", mrn: "0000000003" },
      { record_id: "4", mrn: "0000000003" },
    ], USER)
  );
  ok(error.message.startsWith('"4","mrn","0000000003"'));
  deepStrictEqual(s.store.recordArms(s.projectId, "3"), []);
});
