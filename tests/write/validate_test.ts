import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapApiError } from "../../lib/errors.ts";
import { ImportValidationError } from "../../lib/write/errors.ts";
import { type ImportIssue, validateRecords } from "../../lib/write/validate.ts";
import { writeRecords } from "../../lib/write/write_records.ts";
import { classicProject, dump, longitudinalProject } from "../server/records/_projects.ts";
import { projectClient, stringFrame } from "./_setup.ts";

type Row = Record<string, string>;

interface Case {
  /** The rule. */
  name: string;
  project: "classic" | "longitudinal";
  rows: Row[];
  code: ImportIssue["code"];
  record: string;
  field: string;
  /** Text the server's whole-request message holds (when it answers without value rows). */
  whole?: string;
}

const CASES: Case[] = [
  {
    name: "an unknown field",
    project: "classic",
    rows: [{ record_id: "1", nope: "x" }],
    code: "unknown_field",
    record: "",
    field: "nope",
    whole: "nope",
  },
  {
    name: "a checkbox given by its base name",
    project: "classic",
    rows: [{ record_id: "1", race: "1" }],
    code: "unknown_field",
    record: "",
    field: "race",
    whole: "race",
  },
  {
    name: "a radio value outside the choices",
    project: "classic",
    rows: [{ record_id: "1", sex: "3" }],
    code: "not_a_choice",
    record: "1",
    field: "sex",
  },
  {
    name: "a yesno value other than 0/1",
    project: "classic",
    rows: [{ record_id: "1", smoker: "yes" }],
    code: "not_a_choice",
    record: "1",
    field: "smoker",
  },
  {
    name: "a checkbox value other than 0/1",
    project: "classic",
    rows: [{ record_id: "1", race___1: "2" }],
    code: "bad_checkbox",
    record: "1",
    field: "race___1",
  },
  {
    name: "a form status other than 0/1/2",
    project: "classic",
    rows: [{ record_id: "1", intake_complete: "5" }],
    code: "bad_form_status",
    record: "1",
    field: "intake_complete",
  },
  {
    name: "an integer field holding text",
    project: "classic",
    rows: [{ record_id: "1", age: "forty" }],
    code: "bad_integer",
    record: "1",
    field: "age",
  },
  {
    name: "a missing-data code in a @NOMISSING field",
    project: "classic",
    rows: [{ record_id: "1", strict: "UNK" }],
    code: "bad_integer",
    record: "1",
    field: "strict",
  },
  {
    name: "number_1dp with two decimals",
    project: "classic",
    rows: [{ record_id: "1", weight: "70.25" }],
    code: "bad_number",
    record: "1",
    field: "weight",
  },
  {
    name: "an impossible date",
    project: "classic",
    rows: [{ record_id: "1", dob: "2023-02-30" }],
    code: "bad_date",
    record: "1",
    field: "dob",
  },
  {
    name: "a datetime without a time",
    project: "classic",
    rows: [{ record_id: "1", seen_secs: "2023-02-03 10:00" }],
    code: "bad_datetime",
    record: "1",
    field: "seen_secs",
  },
  {
    name: "a time past 23:59",
    project: "classic",
    rows: [{ record_id: "1", wake: "25:00" }],
    code: "bad_time",
    record: "1",
    field: "wake",
  },
  {
    name: "a malformed email",
    project: "classic",
    rows: [{ record_id: "1", email: "someone@" }],
    code: "bad_format",
    record: "1",
    field: "email",
  },
  {
    name: "a value outside a @FORCE-MINMAX range",
    project: "classic",
    rows: [{ record_id: "1", height: "300" }],
    code: "out_of_range",
    record: "1",
    field: "height",
  },
  {
    name: "a slider value above 100",
    project: "classic",
    rows: [{ record_id: "1", pain: "101" }],
    code: "out_of_range",
    record: "1",
    field: "pain",
  },
  {
    name: "a repeating form's field on a non-repeating row",
    project: "classic",
    rows: [{ record_id: "1", visit_score: "3" }],
    code: "needs_repeat_instrument",
    record: "1",
    field: "visit_score",
  },
  {
    name: "a field of another form on a repeating instrument row",
    project: "classic",
    rows: [{
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      name: "Ann",
    }],
    code: "not_on_repeating_instrument",
    record: "1",
    field: "name",
  },
  {
    name: "redcap_repeat_instrument naming a non-repeating form",
    project: "classic",
    rows: [{
      record_id: "1",
      redcap_repeat_instrument: "intake",
      redcap_repeat_instance: "1",
      name: "Ann",
    }],
    code: "bad_repeat_instrument",
    record: "1",
    field: "redcap_repeat_instrument",
  },
  {
    name: "an instance on a non-repeating row",
    project: "classic",
    rows: [{ record_id: "1", redcap_repeat_instance: "2", name: "Ann" }],
    code: "not_repeating",
    record: "1",
    field: "redcap_repeat_instance",
  },
  {
    name: "an instance above 32767",
    project: "classic",
    rows: [{
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "40000",
      visit_score: "1",
    }],
    code: "bad_instance",
    record: "1",
    field: "redcap_repeat_instance",
  },
  {
    name: "an instance that is not a number",
    project: "classic",
    rows: [{
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "0",
      visit_score: "1",
    }],
    code: "bad_instance",
    record: "1",
    field: "redcap_repeat_instance",
    whole: "redcap_repeat_instance",
  },
  {
    name: "a blank record id",
    project: "classic",
    rows: [{ record_id: "", name: "Ann" }],
    code: "blank_record_id",
    record: "",
    field: "record_id",
  },
  {
    name: "an unknown DAG",
    project: "classic",
    rows: [{ record_id: "1", redcap_data_access_group: "site_z" }],
    code: "unknown_dag",
    record: "1",
    field: "redcap_data_access_group",
    whole: "site_z",
  },
  {
    name: "a form not designated for the event",
    project: "longitudinal",
    rows: [{
      study_id: "1",
      redcap_event_name: "followup_arm_1",
      redcap_repeat_instance: "1",
      dob: "2020-01-01",
    }],
    code: "not_designated",
    record: "1",
    field: "dob",
  },
  {
    name: "a repeat instrument in a repeating event",
    project: "longitudinal",
    rows: [{
      study_id: "1",
      redcap_event_name: "followup_arm_1",
      redcap_repeat_instrument: "vitals",
      redcap_repeat_instance: "1",
      hr: "70",
    }],
    code: "bad_repeat_instrument",
    record: "1",
    field: "redcap_repeat_instrument",
  },
  {
    name: "an unknown event",
    project: "longitudinal",
    rows: [{ study_id: "1", redcap_event_name: "nope_arm_1", dob: "2020-01-01" }],
    code: "unknown_event",
    record: "1",
    field: "redcap_event_name",
    whole: "nope_arm_1",
  },
];

for (const c of CASES) {
  Deno.test(`validateRecords() flags ${c.name} (${c.code}) as the server does`, async () => {
    const { client, store, projectId, dd } = await projectClient(
      c.project === "classic" ? classicProject() : longitudinalProject(),
    );
    const frame = stringFrame(c.rows);
    const issues = validateRecords(frame, dd, { dags: ["site_a", "site_b"] });
    const issue = issues.find((i) => i.code === c.code);
    ok(issue, `no ${c.code} issue in ${JSON.stringify(issues)}`);
    strictEqual(issue.severity, "error");
    strictEqual(issue.record, c.record);
    strictEqual(issue.field, c.field);
    // writeRecords sends nothing while the error stands.
    const before = dump(store, projectId);
    const error = await writeRecords(client, frame, { dictionary: dd }).catch((e) => e);
    ok(error instanceof ImportValidationError, String(error));
    ok(error.issues.some((i: ImportIssue) => i.code === c.code));
    deepStrictEqual(dump(store, projectId), before);
    // The server, sent the same rows without the check, rejects them at the same place.
    const server = await client.importRecords(c.rows).catch((e) => e);
    ok(server instanceof RedcapApiError, `server accepted: ${JSON.stringify(server)}`);
    if (c.whole) {
      ok(server.redcapMessage.includes(c.whole), server.redcapMessage);
      strictEqual(server.rows.length, 0);
    } else {
      const row = server.rows.find((r) => r.field === c.field);
      ok(row, server.redcapMessage);
      strictEqual(row.record, c.record);
      strictEqual(row.message, issue.message, "the client repeats the server's message");
    }
    deepStrictEqual(dump(store, projectId), before);
  });
}

Deno.test("validateRecords() accepts what the server accepts: codes, missing codes, edge values", async () => {
  const { client, dd } = await projectClient(classicProject());
  const rows = [{
    record_id: "1",
    age: "UNK",
    height: "250",
    weight: "70.2",
    weight_comma: "70,25",
    score_comma: "3,5",
    dob: "2023-2-3",
    seen_at: "2023-02-03 09:05",
    seen_secs: "2023-02-03 09:05:59",
    wake: "7:30",
    lap: "59:59",
    email: "a.b@example.org",
    pain: "0",
    sex: "2",
    color: "-9",
    race___1: "1",
    race___2: "0",
    intake_complete: "2",
  }];
  deepStrictEqual(validateRecords(stringFrame(rows), dd), []);
  strictEqual((await client.importRecords(rows)).count, 1);
});

Deno.test("validateRecords() warns on soft min/max, and the server saves the value", async () => {
  const { client, dd } = await projectClient(classicProject());
  const frame = stringFrame([{ record_id: "1", age: "130" }]);
  const issues = validateRecords(frame, dd);
  strictEqual(issues.length, 1);
  strictEqual(issues[0].code, "soft_range");
  strictEqual(issues[0].severity, "warning");
  const result = await writeRecords(client, frame, { dictionary: dd });
  strictEqual(result.warnings[0].code, "soft_range");
  const back = await client.exportRecords({ records: ["1"], fields: ["age"] });
  strictEqual(back.getColumn("age").get(0), "130");
});

Deno.test("validateRecords() leaves read-only columns out with a warning; the server ignores them", async () => {
  const { client, dd } = await projectClient(classicProject());
  const frame = stringFrame([{ record_id: "1", weight: "70.0", bmi: "99" }]);
  const issues = validateRecords(frame, dd);
  deepStrictEqual(issues.map((i) => [i.code, i.field, i.severity]), [
    ["read_only_field", "bmi", "warning"],
  ]);
  // Sent raw, the server ignores the calc value too (and computes its own).
  await client.importRecords([{ record_id: "2", weight: "70.0", bmi: "99" }]);
  await writeRecords(client, frame, { dictionary: dd });
  const back = await client.exportRecords({ fields: ["record_id", "bmi"] });
  ok(!(back.getColumn("bmi").toArray() as unknown[]).includes("99"));
});

Deno.test("validateRecords() flags duplicate keys that the server would silently merge", async () => {
  const { client, dd } = await projectClient(classicProject());
  const rows = [
    { record_id: "1", name: "Ann", age: "30" },
    { record_id: "1", name: "Bea", age: "" },
  ];
  const issues = validateRecords(stringFrame(rows), dd);
  deepStrictEqual(issues.map((i) => [i.code, i.record, i.row]), [["duplicate_key", "1", 1]]);
  // The server merges them: the last non-blank value wins.
  await client.importRecords(rows);
  const back = await client.exportRecords({ records: ["1"], fields: ["name", "age"] });
  deepStrictEqual(back.select("name", "age").toRecords(), [{ name: "Bea", age: "30" }]);
});

Deno.test("validateRecords() reports a missing record-id column", async () => {
  const { client, dd } = await projectClient(classicProject());
  const issues = validateRecords(stringFrame([{ name: "Ann" }]), dd);
  deepStrictEqual(issues.map((i) => i.code), ["missing_record_id"]);
  const server = await client.importRecords([{ name: "Ann" }]).catch((e) => e);
  ok(server instanceof RedcapApiError && server.redcapMessage.includes("record_id"));
});

Deno.test("validateRecords() checks typed frames: list items and labels", async () => {
  const { dd } = await projectClient(classicProject());
  const frame = pl.DataFrame({
    record_id: ["1", "2"],
    sex: ["Male", "Dragon"],
    race: [["White", "-9"], ["Purple"]],
  }).withColumns(pl.col("sex").cast(pl.Categorical));
  const issues = validateRecords(frame, dd);
  deepStrictEqual(
    issues.map((i) => [i.code, i.record, i.field, i.value]),
    [["not_a_choice", "2", "race", "Purple"], ["not_a_choice", "2", "sex", "Dragon"]],
  );
});

Deno.test("writeRecords() with skipValidation sends invalid data and the server's error comes back", async () => {
  const { client, dd } = await projectClient(classicProject());
  const error = await writeRecords(client, stringFrame([{ record_id: "1", sex: "3" }]), {
    dictionary: dd,
    skipValidation: true,
  }).catch((e) => e);
  ok(error.cause instanceof RedcapApiError);
  deepStrictEqual(error.result.failed, ["1"]);
});

Deno.test("writeRecords() rejects bad options", async () => {
  const { client, dd } = await projectClient(classicProject());
  const frame = stringFrame([{ record_id: "1" }]);
  await rejects(writeRecords(client, frame, { batchSize: 0, dictionary: dd }), RangeError);
  await rejects(
    writeRecords(client, frame, { nope: 1 } as never),
    /unknown option "nope"/,
  );
});

Deno.test("validateRecords() agrees with the server's value check on random values of every type", async () => {
  const { checkTextValue } = await import("../../lib/dictionary/validate.ts");
  const { dd } = await projectClient(classicProject());
  const fields = [
    "age",
    "height",
    "weight",
    "weight_comma",
    "score_comma",
    "dob",
    "seen_secs",
    "wake",
    "lap",
    "duration",
    "email",
    "zip",
    "pain",
    "strict",
  ];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = [
    "0",
    "1",
    "9",
    "12",
    "-",
    "+",
    ".",
    ",",
    ":",
    " ",
    "2023",
    "02",
    "30",
    "59",
    "60",
    "24",
    "e5",
    "a",
    "@",
    "x.org",
    "UNK",
    "300",
    "1.5",
    "07",
  ];
  const values: Record<string, string[]> = {};
  for (const field of fields) {
    values[field] = Array.from({ length: 300 }, () => {
      const n = 1 + Math.floor(rand() * 5);
      return Array.from({ length: n }, () => pieces[Math.floor(rand() * pieces.length)]).join("");
    });
  }
  const frame = pl.DataFrame({
    record_id: Array.from({ length: 300 }, (_, i) => String(i + 1)),
    ...values,
  });
  const issues = validateRecords(frame, dd).filter((i) => i.severity === "error");
  const flagged = new Set(issues.map((i) => `${i.record}|${i.field}`));
  const codes = new Set(dd.missingDataCodes.map((m) => m.code));
  let disagreements = 0;
  for (const field of fields) {
    const info = dd.field(field)!;
    values[field].forEach((value, i) => {
      if (value.trim() === "") return;
      const missing = codes.has(value) && !/@NOMISSING/.test(info.annotation);
      const server = missing ? undefined : checkTextValue(
        info.row as never,
        value,
        "YMD",
        new Date(2026, 0, 15),
      ).error;
      if ((server !== undefined) !== flagged.has(`${i + 1}|${field}`)) disagreements++;
    });
  }
  ok(flagged.size > 500, `only ${flagged.size} values flagged`);
  strictEqual(disagreements, 0);
});

Deno.test("validateRecords() checks ranges of typed columns (Int64, Float64, Date)", async () => {
  const { dd } = await projectClient(classicProject());
  const frame = pl.DataFrame({
    record_id: ["1", "2", "3"],
    age: [30, 130, null],
    height: [170.5, 180.0, 300.5],
  }).withColumns(pl.col("age").cast(pl.Int64));
  deepStrictEqual(
    validateRecords(frame, dd).map((i) => [i.code, i.record, i.field, i.value, i.severity]),
    [
      ["soft_range", "2", "age", "130", "warning"],
      ["out_of_range", "3", "height", "300.5", "error"],
    ],
  );
  const dates = pl.DataFrame({ record_id: ["1"], dob: [new Date(Date.UTC(2023, 1, 3))] })
    .withColumns(pl.col("dob").cast(pl.Date));
  deepStrictEqual(validateRecords(dates, dd), []);
});

Deno.test("validateRecords() finds duplicate keys in rows that are not grouped by record", async () => {
  const { dd } = await projectClient(classicProject());
  const frame = stringFrame([
    { record_id: "1", name: "A" },
    { record_id: "2", name: "B" },
    { record_id: "1", name: "C" },
  ]);
  deepStrictEqual(validateRecords(frame, dd).map((i) => [i.code, i.row]), [["duplicate_key", 2]]);
});

Deno.test("validateRecords() treats empty text as blank, as REDCap does", async () => {
  const { dd } = await projectClient(longitudinalProject());
  const frame = pl.DataFrame({
    study_id: ["1", "1"],
    redcap_event_name: ["baseline_arm_1", "followup_arm_1"],
    redcap_repeat_instance: ["", "1"],
    dob: ["", ""],
    hr: ["", "70"],
  });
  deepStrictEqual(validateRecords(frame, dd), []);
});

Deno.test("validateRecords() checks typed (Int64) instances as text ones", async () => {
  const { dd } = await projectClient(classicProject());
  const frame = pl.DataFrame({
    record_id: ["1", "1", "1"],
    redcap_repeat_instrument: [null, "visits", "visits"],
    redcap_repeat_instance: [null, 2, 40000],
    visit_score: [null, "3", "4"],
  }).withColumns(pl.col("redcap_repeat_instance").cast(pl.Int64));
  deepStrictEqual(
    validateRecords(frame, dd).map((i) => [i.code, i.row, i.value]),
    [["bad_instance", 2, "40000"]],
  );
});
