import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapClient } from "../../lib/client.ts";
import { readDictionary } from "../../lib/read/dictionary.ts";
import { readEavRecords } from "../../lib/read/eav_records.ts";
import {
  readInstruments,
  readRecords,
  type ReadRecordsOptions,
} from "../../lib/read/read_records.ts";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { loadProject } from "../../lib/server/load.ts";
import { RedcapStore } from "../../lib/server/store.ts";
import { createDemoClient } from "../../lib/demo/client.ts";
import { labelRecords, levels } from "../../lib/transform/label.ts";
import { castRecords } from "../../lib/transform/cast.ts";
import { columnLabels } from "../../lib/transform/label.ts";
import { createTestServer } from "../_helpers.ts";
import { frameColumns, frameHeight as nrow } from "../../lib/frame.ts";
import { generateProject } from "../_generate_project.ts";
import { HEAVY } from "../_heavy.ts";

function clientOf(server: { fetch: typeof fetch; token: string }): RedcapClient {
  return new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: server.fetch,
    progressBar: false,
  });
}

/** A client for a generated project, and the project. */
function generatedClient(seed: number) {
  const generated = generateProject(seed);
  const store = RedcapStore.open();
  const { tokens } = loadProject(store, generated.definition);
  const handler = createRedcapHandler(store);
  const client = new RedcapClient("http://redcap.test/api/", tokens[0], {
    fetch: (input, init) => handler(new Request(input, init)),
    progressBar: false,
  });
  return { client, generated, store };
}

function dtype(df: pl.DataFrame, column: string): string {
  return String(df.getColumn(column).dtype);
}

/** Asserts two typed frames are equal (columns, dtypes, values); `files`: compare presence only. */
function assertSameFrame(
  actual: pl.DataFrame,
  expected: pl.DataFrame,
  files: string[],
  what: string,
) {
  deepStrictEqual(frameColumns(actual), frameColumns(expected), `${what}: columns`);
  deepStrictEqual(
    actual.getColumns().map((c) => String(c.dtype)),
    expected.getColumns().map((c) => String(c.dtype)),
    `${what}: dtypes`,
  );
  strictEqual(nrow(actual), nrow(expected), `${what}: rows`);
  const present = files.filter((c) => frameColumns(actual).includes(c));
  for (const c of present) {
    deepStrictEqual(
      actual.getColumn(c).isNull().toArray(),
      expected.getColumn(c).isNull().toArray(),
      `${what}: file column ${c} blanks`,
    );
  }
  const rest = frameColumns(actual).filter((c) => !present.includes(c));
  deepStrictEqual(
    actual.select(...rest).toRecords(),
    expected.select(...rest).toRecords(),
    `${what}: values`,
  );
}

const FORMATS = ["csv", "json", "xml"] as const;

Deno.test("readRecords() from a flat export equals readEavRecords() from the EAV export, in every format (random projects)", async () => {
  // 30 random projects as a heavy test (DENOCAP_HEAVY_TESTS=1), 8 otherwise.
  for (let seed = 1; seed <= (HEAVY ? 30 : 8); seed++) {
    const { client, generated } = generatedClient(seed);
    const dd = await readDictionary(client);
    const files = dd.fields.filter((f) => f.type === "file").map((f) => f.name);
    const modes: ReadRecordsOptions[] = [
      {},
      { labels: "code" },
      { labels: "both", checkboxes: "list" },
    ];
    // A subset of fields and forms: the record id is added back.
    const some = dd.fields.filter((f, i) => !f.implicit && f.type !== "descriptive" && i % 2 === 1)
      .map((f) => f.name);
    if (some.length > 0) modes.push({ fields: some });
    if (dd.forms.length > 1) modes.push({ forms: [dd.forms[dd.forms.length - 1].name] });
    for (const mode of modes) {
      for (const format of FORMATS) {
        const what = `seed ${seed}, ${JSON.stringify(mode)}, ${format}`;
        const flat = await readRecords(client, { ...mode, format });
        const eav = await readEavRecords(client, { ...mode, format });
        assertSameFrame(eav.data, flat.data, files, what);
        strictEqual(frameColumns(flat.data)[0], "record_id", `${what}: record id first`);
        strictEqual(nrow(flat.invalid), 0, `${what}: every generated value casts`);
        if (mode.fields === undefined && mode.forms === undefined) {
          strictEqual(nrow(flat.missing), generated.missingCodes, `${what}: missing codes`);
          strictEqual(nrow(eav.missing), generated.missingCodes, `${what}: EAV missing codes`);
        }
      }
    }
  }
});

Deno.test("readRecords() types every field of random projects by its field type", async () => {
  const expected: Record<string, string> = {
    integer: "Int64",
    number: "Float64",
    number_1dp_comma_decimal: "Float64",
    date_ymd: "Date",
    date_dmy: "Date",
    datetime_ymd: "Datetime(ms,)",
    datetime_seconds_ymd: "Datetime(ms,)",
    time: "String",
    email: "String",
    "": "String",
  };
  for (let seed = 1; seed <= 15; seed++) {
    const { client } = generatedClient(seed);
    const { data, dictionary: dd } = await readRecords(client, { labels: "code" });
    for (const field of dd.fields) {
      if (field.type === "descriptive") continue;
      for (const column of field.columns) {
        const got = dtype(data, column).replace(/^DataType\((.*)\)$/, "$1");
        const want = field.type === "text" ? expected[field.validation] : {
          notes: "String",
          file: "String",
          radio: "Categorical",
          dropdown: "Categorical",
          form_status: "Categorical",
          checkbox: "Bool",
          yesno: "Bool",
          truefalse: "Bool",
          calc: "Float64",
          slider: "Int64",
        }[field.type];
        strictEqual(got, want, `seed ${seed}: ${column} (${field.type} ${field.validation})`);
      }
    }
  }
});

Deno.test("readRecords() gives the demo's fields their types: ids strings, Int64, Float64, Date, Datetime, Boolean, Categorical", async () => {
  const { data, dictionary } = await readRecords(clientOf(createTestServer()));
  const types = Object.fromEntries(
    frameColumns(data).map((c) => [c, dtype(data, c).replace(/^DataType\((.*)\)$/, "$1")]),
  );
  strictEqual(types.record_id, "String");
  strictEqual(types.redcap_event_name, "String");
  strictEqual(types.redcap_repeat_instrument, "String");
  strictEqual(types.redcap_repeat_instance, "Int64");
  for (const c of ["sbp", "dbp", "heart_rate", "o2_sat", "glucose", "qol_overall"]) {
    strictEqual(types[c], "Int64", c);
  }
  for (const c of ["height", "weight", "bmi", "temperature", "hemoglobin", "creatinine"]) {
    strictEqual(types[c], "Float64", c);
  }
  for (const c of ["enroll_date", "dob", "lab_date", "ae_onset", "completion_date"]) {
    strictEqual(types[c], "Date", c);
  }
  strictEqual(types.visit_datetime, "Datetime(ms,)");
  strictEqual(types.consent_datetime, "Datetime(ms,)");
  for (const c of ["first_name", "email", "zipcode", "fasting_time", "lab_report"]) {
    strictEqual(types[c], "String", c);
  }
  for (const c of dictionary.checkboxColumns("race").map((c) => c.column)) {
    strictEqual(types[c], "Bool", c);
  }
  for (const c of ["sex", "ethnicity", "consent", "smoker", "qol_pain", "enrollment_complete"]) {
    strictEqual(types[c], "Categorical", c);
  }
  // Leading zeros and ids stay as sent: the ids are exactly the raw export's.
  const raw = await clientOf(createTestServer()).exportRecords();
  deepStrictEqual(data.getColumn("record_id").toArray(), raw.getColumn("record_id").toArray());
  // Column labels travel with the frame.
  strictEqual(columnLabels(data).sbp, "Systolic blood pressure");
});

Deno.test("readRecords() leaves checkbox options null where their form is not designated", async () => {
  const { data, dictionary } = await readRecords(clientOf(createTestServer()));
  const events = data.getColumn("redcap_event_name").toArray() as string[];
  const instruments = data.getColumn("redcap_repeat_instrument").toArray() as (string | null)[];
  const race = data.getColumn("race___5").toArray() as (boolean | null)[];
  const actions = data.getColumn("ae_actions___1").toArray() as (boolean | null)[];
  let checked = 0;
  for (let i = 0; i < nrow(data); i++) {
    const enrollment = dictionary.designatedForms(events[i]).includes("enrollment") &&
      instruments[i] === null;
    strictEqual(race[i] === null, !enrollment, `row ${i} (${events[i]})`);
    strictEqual(actions[i] === null, instruments[i] !== "adverse_events", `row ${i}`);
    if (race[i] === true) checked++;
  }
  ok(checked > 0 && checked < nrow(data), "some but not all are checked");
});

Deno.test("readRecords() gives Categorical labels in the dictionary's levels, or codes, or both", async () => {
  const client = clientOf(createTestServer());
  const raw = await client.exportRecords({ fields: ["record_id", "sex", "qol_pain"] });
  const labelled = await readRecords(client, { fields: ["sex", "qol_pain"] });
  const dd = labelled.dictionary;
  deepStrictEqual(levels(dd, "sex"), ["Female", "Male", "Intersex"]);
  const toLabel = (field: string, code: string | null) =>
    code === null ? null : dd.choices(field).find((c) => c.code === code)!.label;
  for (const field of ["sex", "qol_pain"]) {
    const values = labelled.data.getColumn(field).toArray();
    deepStrictEqual(
      values,
      (raw.getColumn(field).toArray() as (string | null)[]).map((c) => toLabel(field, c)),
    );
    ok(values.every((v) => v === null || levels(dd, field).includes(v as string)));
  }
  const codes = await readRecords(client, { fields: ["sex"], labels: "code" });
  deepStrictEqual(codes.data.getColumn("sex").toArray(), raw.getColumn("sex").toArray());
  strictEqual(dtype(codes.data, "sex"), String(pl.Categorical));
  const both = await readRecords(client, { fields: ["sex", "consent"], labels: "both" });
  ok(
    frameColumns(both.data).includes("sex__label") &&
      frameColumns(both.data).includes("consent__label"),
  );
  deepStrictEqual(both.data.getColumn("sex").toArray(), raw.getColumn("sex").toArray());
  deepStrictEqual(
    both.data.getColumn("sex__label").toArray(),
    labelled.data.getColumn("sex").toArray(),
  );
  // yesno: codes are Booleans, labels Yes/No.
  strictEqual(dtype(both.data, "consent"), String(pl.Bool));
  ok((both.data.getColumn("consent__label").toArray() as (string | null)[]).includes("Yes"));
});

Deno.test("readRecords() with checkboxes 'list' gives one list of checked labels per field", async () => {
  const client = clientOf(createTestServer());
  const raw = await client.exportRecords({ fields: ["record_id", "medical_history"] });
  const { data, dictionary } = await readRecords(client, {
    fields: ["medical_history"],
    checkboxes: "list",
  });
  ok(frameColumns(data).includes("medical_history"));
  ok(!frameColumns(data).some((c) => c.startsWith("medical_history___")));
  const options = dictionary.checkboxColumns("medical_history");
  const lists = data.getColumn("medical_history").toArray() as unknown as (string[] | null)[];
  const rows = raw.toRecords();
  rows.forEach((row, i) => {
    const blank = options.every((o) => row[o.column] === null);
    if (blank) strictEqual(lists[i], null);
    else {deepStrictEqual(
        lists[i],
        options.filter((o) => row[o.column] === "1").map((o) => o.label),
      );}
  });
});

Deno.test("readRecords() reports values that do not cast and keeps them out of the data", async () => {
  const server = createTestServer();
  // A value stored before the field got its validation (REDCap keeps such values).
  const target = server.store.db.prepare(
    "SELECT record, event_id, instance FROM data WHERE project_id = ? AND field_name = 'sbp' LIMIT 1",
  ).get(server.projectId) as { record: string; event_id: number; instance: number };
  server.store.setValues(server.projectId, target.record, target.event_id, target.instance, "sbp", [
    "about 120",
  ]);
  const { data, invalid } = await readRecords(clientOf(server));
  strictEqual(nrow(invalid), 1);
  const row = invalid.toRecords()[0];
  strictEqual(row.record, target.record);
  strictEqual(row.field, "sbp");
  strictEqual(row.form, "vitals");
  strictEqual(row.value, "about 120");
  strictEqual(row.reason, "not an integer");
  const bad = data.filter(
    pl.col("record_id").eq(pl.lit(target.record)).and(
      pl.col("redcap_event_name").eq(pl.lit(row.event as string)),
    ).and(pl.col("redcap_repeat_instrument").isNull()),
  );
  strictEqual(nrow(bad), 1);
  strictEqual(bad.getColumn("sbp").toArray()[0], null);
  // The report renders as an escaped table in Jupyter.
  const display = (invalid as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ];
  const html = display()["text/html"];
  ok(html.includes("about 120") && html.includes("1 value did not cast"));
});

Deno.test("readRecords() turns missing-data codes into nulls listed in 'missing'", async () => {
  const client = clientOf(createTestServer());
  const raw = await client.exportRecords();
  const { data, missing } = await readRecords(client);
  const count = (column: string, code: string) => nrow(raw.filter(pl.col(column).eq(pl.lit(code))));
  const expected = count("ethnicity", "UNK") + count("hemoglobin", "NA") +
    count("race___unk", "1") + count("race___na", "1");
  ok(expected > 0, "the demo holds missing-data codes");
  strictEqual(nrow(missing), expected);
  for (const { record, event, field, code } of missing.toRecords()) {
    if (field === "race___unk") {
      strictEqual(code, "UNK");
      continue;
    }
    const rows = data.filter(
      pl.col("record_id").eq(pl.lit(record as string))
        .and(pl.col("redcap_event_name").eq(pl.lit(event as string)))
        .and(pl.col("redcap_repeat_instrument").isNull()),
    );
    strictEqual(rows.getColumn(field as string).toArray()[0], null, `${record} ${field}`);
  }
  // The checkbox option for a code stays a Boolean: checked means "Unknown" was chosen.
  strictEqual(nrow(data.filter(pl.col("race___unk").eq(pl.lit(true)))), count("race___unk", "1"));
});

Deno.test("readRecords() adds the record id when fields or forms leave it out", async () => {
  const client = createDemoClient({ records: 8 });
  const byField = await readRecords(client, { fields: ["sbp"] });
  deepStrictEqual(frameColumns(byField.data), [
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "sbp",
  ]);
  const byForm = await readRecords(client, { forms: ["completion"] });
  deepStrictEqual(frameColumns(byForm.data).slice(0, 2), ["record_id", "redcap_event_name"]);
  ok(frameColumns(byForm.data).includes("completion_complete"));
  ok(!frameColumns(byForm.data).includes("sex"));
});

Deno.test("readRecords() gives typed empty frames when nothing matches, in every format", async () => {
  const client = createDemoClient({ records: 3 });
  for (const format of FORMATS) {
    const { data, invalid } = await readRecords(client, { records: ["nobody"], format });
    strictEqual(nrow(data), 0, format);
    ok(frameColumns(data).includes("sbp"), format);
    strictEqual(dtype(data, "sbp"), String(pl.Int64), format);
    strictEqual(nrow(invalid), 0);
    const eav = await readEavRecords(client, { records: ["nobody"], format });
    deepStrictEqual(frameColumns(eav.data), frameColumns(data), format);
  }
});

Deno.test("readRecords() passes records, events and batches to the export", async () => {
  const client = createDemoClient({ records: 12 });
  const all = await readRecords(client);
  const some = await readRecords(client, {
    records: ["2", "5"],
    events: ["screening_arm_1", "screening_arm_2"],
  });
  deepStrictEqual(
    [...new Set(some.data.getColumn("record_id").toArray())].sort(),
    ["2", "5"],
  );
  ok(
    (some.data.getColumn("redcap_event_name").toArray() as string[]).every((e) =>
      e.startsWith("screening")
    ),
  );
  const batched = await readRecords(client, { batchSize: 5 });
  deepStrictEqual(batched.data.toRecords(), all.data.toRecords());
  deepStrictEqual(batched.missing.toRecords(), all.missing.toRecords());
  const eavBatched = await readEavRecords(client, { batchSize: 5 });
  assertSameFrame(eavBatched.data, all.data, ["lab_report"], "EAV in batches of 5");
  const named = await readRecords(client, { records: ["3", "1", "12", "7"], batchSize: 2 });
  deepStrictEqual(
    [...new Set(named.data.getColumn("record_id").toArray() as string[])].sort(),
    ["1", "12", "3", "7"],
  );
});

Deno.test("readRecords() rejects unknown options and modes", async () => {
  const client = createDemoClient({ records: 1 });
  await rejects(readRecords(client, { batchSize: 0 }), /"batchSize" must be/);
  await rejects(readEavRecords(client, { batchSize: 1.5 }), /"batchSize" must be "auto", Infinity/);
  await rejects(
    readRecords(client, { label: "code" } as unknown as ReadRecordsOptions),
    /Cannot read records: unknown option "label"/,
  );
  await rejects(
    readRecords(client, { labels: "raw" } as unknown as ReadRecordsOptions),
    /"labels" must be "code", "label" or "both"/,
  );
  await rejects(
    readEavRecords(client, { checkboxes: "wide" } as unknown as ReadRecordsOptions),
    /Cannot read EAV records: "checkboxes" must be "boolean" or "list"/,
  );
});

Deno.test("readDictionary() reads a classic project without asking for events", async () => {
  for (let seed = 1; seed <= 30; seed++) {
    const { client, generated } = generatedClient(seed);
    if (generated.longitudinal) continue;
    const dd = await readDictionary(client);
    strictEqual(dd.longitudinal, false);
    strictEqual(dd.events.length, 0);
    strictEqual(dd.hasRepeating, generated.definition.repeating.length > 0);
    return;
  }
  throw new Error("no classic project among the seeds");
});

Deno.test("readDictionary() asks for the structure in two rounds of concurrent requests", async () => {
  const store = RedcapStore.open();
  const { tokens } = loadProject(store, "demo");
  const handler = createRedcapHandler(store);
  // Each answer waits for the next macrotask: requests sent in the same round overlap.
  const rounds: string[][] = [];
  let open = 0;
  const client = new RedcapClient("http://redcap.test/api/", tokens[0], {
    fetch: async (input, init) => {
      const content = new URLSearchParams(String(init?.body)).get("content")!;
      if (open++ === 0) rounds.push([]);
      rounds[rounds.length - 1].push(content);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const response = await handler(new Request(input, init));
      open--;
      return response;
    },
    progressBar: false,
  });
  const dd = await readDictionary(client);
  ok(dd.longitudinal && dd.hasRepeating);
  deepStrictEqual(rounds.map((r) => [...r].sort()), [
    ["exportFieldNames", "instrument", "metadata", "project"],
    ["arm", "event", "formEventMapping", "repeatingFormsEvents"],
  ]);
  // exportMetadata() shares the dictionary's answer (read as rows, framed when asked for),
  // and each call gets its own frame.
  const metadata = await client.exportMetadata();
  strictEqual(rounds.length, 2);
  deepStrictEqual(metadata.getColumn("field_name").toArray(), dd.metadata.map((m) => m.field_name));
  strictEqual(frameColumns(metadata).length, 18);
  ok(metadata !== await client.exportMetadata());
});

Deno.test("readInstruments() gives one frame per instrument at its own grain", async () => {
  const client = clientOf(createTestServer());
  const raw = await client.exportRecords();
  const forms = await readInstruments(client);
  deepStrictEqual([...forms.keys()], [
    "enrollment",
    "vitals",
    "labs",
    "quality_of_life",
    "adverse_events",
    "completion",
  ]);
  const ae = forms.get("adverse_events")!;
  deepStrictEqual(frameColumns(ae).slice(0, 3), [
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instance",
  ]);
  strictEqual(
    nrow(ae),
    nrow(raw.filter(pl.col("redcap_repeat_instrument").eq(pl.lit("adverse_events")))),
  );
  strictEqual(dtype(ae, "redcap_repeat_instance"), String(pl.Int64));
  const enrollment = forms.get("enrollment")!;
  strictEqual(nrow(enrollment), raw.getColumn("record_id").unique().length);
  ok(!frameColumns(enrollment).includes("redcap_repeat_instance"));
  // Only forms with exported fields come back.
  const two = await readInstruments(client, { fields: ["sbp", "glucose"] });
  deepStrictEqual([...two.keys()], ["vitals", "labs"]);
});

Deno.test("readRecords() labels as labelRecords(castRecords(raw)) does, in every mode", async () => {
  const client = clientOf(createTestServer());
  const dd = await readDictionary(client);
  const raw = await client.exportRecords();
  const modes = [
    { labels: "label", checkboxes: "boolean" },
    { labels: "label", checkboxes: "list" },
    { labels: "code", checkboxes: "list" },
    { labels: "both", checkboxes: "boolean" },
  ] as const;
  for (const mode of modes) {
    const expected = labelRecords(castRecords(raw, dd).data, dd, mode);
    const { data } = await readRecords(client, mode);
    assertSameFrame(data, expected, [], JSON.stringify(mode));
    deepStrictEqual(columnLabels(data), columnLabels(expected), JSON.stringify(mode));
  }
});

Deno.test("readRecords() joins batched CSV bodies into one frame, checks each batch, and falls back when a batch comes back as JSON", async () => {
  const server = createTestServer();
  const all = await readRecords(clientOf(server), { batchSize: Infinity });
  // The second record batch answers with an empty CSV body (REDCap under load): the client
  // asks it again in JSON, and readRecords reads the export as exportRecords does.
  let recordCsv = 0;
  const requests: string[] = [];
  const flaky = ((input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(String(init?.body));
    requests.push(`${params.get("content")}/${params.get("format")}`);
    if (
      params.get("content") === "record" && params.get("format") === "csv" &&
      params.has("records[0]")
    ) {
      if (++recordCsv === 2) return Promise.resolve(new Response("", { status: 200 }));
    }
    return server.fetch(input, init);
  }) as typeof fetch;
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: flaky,
    progressBar: false,
    retry: 1,
  });
  const batched = await readRecords(client, { batchSize: 7 });
  deepStrictEqual(batched.data.toRecords(), all.data.toRecords());
  ok(requests.includes("record/json"), "the empty batch was asked again in JSON");
  // Without the flaky batch: one parse of the joined bodies, same frame.
  const joined = await readRecords(clientOf(server), { batchSize: 7 });
  deepStrictEqual(joined.data.toRecords(), all.data.toRecords());
  deepStrictEqual(joined.invalid.toRecords(), all.invalid.toRecords());
});

Deno.test("readRecords() checks joined batches for every record each asked for, naming the batch", async () => {
  const server = createTestServer();
  const all = await readRecords(clientOf(server), { batchSize: Infinity });
  const ids = [...new Set(all.data.getColumn("record_id").toArray() as string[])];
  ok(ids.length > 7, "the test project has more than one batch of 7");
  // Record 9 is deleted between the id export and the data export: batch 2 comes back without it.
  const missing = ids[8];
  const answer = ((input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(String(init?.body));
    if (params.get("content") === "record" && params.has("records[0]")) {
      for (const [key, value] of [...params]) {
        if (key.startsWith("records[") && value === missing) params.set(key, "no-such-record");
      }
      return server.fetch(input, { ...init, body: params });
    }
    return server.fetch(input, init);
  }) as typeof fetch;
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: answer,
    progressBar: false,
    retry: 1,
  });
  const batches = Math.ceil(ids.length / 7);
  await rejects(
    readRecords(client, { batchSize: 7 }),
    new RegExp(`batch 2 of ${batches} lacks 1 of its 7 records \\("${missing}"\\)`),
  );
});

Deno.test("readRecords() reads a single request's body once, checks it against the id export, and takes its JSON retry as is", async () => {
  const server = createTestServer();
  const all = await readRecords(clientOf(server), { batchSize: Infinity });
  const requests: string[] = [];
  let emptyCsv = false;
  let dropLast = false;
  const answer = ((input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(String(init?.body));
    const dataExport = params.get("content") === "record" && !params.has("fields[0]");
    if (dataExport) requests.push(`${params.get("format")}`);
    if (dataExport && emptyCsv && params.get("format") === "csv") {
      return Promise.resolve(new Response("", { status: 200 }));
    }
    if (dataExport && dropLast) {
      // A record deleted between the id export and the data export.
      params.set(
        "filterLogic",
        `[record_id] <> "${all.data.getColumn("record_id").toArray().at(-1)}"`,
      );
      return server.fetch(input, { ...init, body: params });
    }
    return server.fetch(input, init);
  }) as typeof fetch;
  const client = () =>
    new RedcapClient("http://redcap.test/api/", server.token, {
      fetch: answer,
      progressBar: false,
      retry: 1,
    });
  // Default batching, few records: ids first, then one request whose frame is the result.
  const few = await readRecords(client());
  deepStrictEqual(few.data.toRecords(), all.data.toRecords());
  deepStrictEqual(requests, ["csv"]);
  // The same request answered by an empty CSV body, then in JSON: that frame, not a re-export.
  requests.length = 0;
  emptyCsv = true;
  const retried = await readRecords(client(), { batchSize: Infinity });
  deepStrictEqual(retried.data.toRecords(), all.data.toRecords());
  deepStrictEqual(requests, ["csv", "json"]);
  // The single request is still checked against the id export.
  emptyCsv = false;
  dropLast = true;
  const last = String(all.data.getColumn("record_id").toArray().at(-1));
  await rejects(readRecords(client()), new RegExp(`batch 1 of 1 lacks 1 of .*"${last}"`));
});

Deno.test("readEavRecords() keeps a JSON retry's values as they are (only EAV CSV is TAB-escaped)", async () => {
  const server = createTestServer();
  const direct = clientOf(server);
  await direct.importRecords([
    { record_id: "1", redcap_event_name: "screening_arm_1", first_name: "\t=Ann" },
  ]);
  const options = { records: ["1"], fields: ["first_name"] };
  const json = await readEavRecords(direct, { ...options, format: "json" });
  ok(json.data.getColumn("first_name").toArray().includes("\t=Ann"));
  // The EAV CSV answer is an empty body: the client asks again in JSON.
  const emptyCsv = ((input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(String(init?.body));
    if (params.get("type") === "eav" && params.get("format") === "csv") {
      return Promise.resolve(new Response("", { status: 200 }));
    }
    return server.fetch(input, init);
  }) as typeof fetch;
  const retried = await readEavRecords(
    new RedcapClient("http://redcap.test/api/", server.token, {
      fetch: emptyCsv,
      progressBar: false,
      retry: 1,
    }),
    options,
  );
  deepStrictEqual(retried.data.toRecords(), json.data.toRecords());
});

Deno.test("readEavRecords() names the records a batch lacks (deleted or renamed during the read)", async () => {
  const server = createTestServer();
  let eavBatches = 0;
  const dropping = ((input: RequestInfo | URL, init?: RequestInit) => {
    const params = new URLSearchParams(String(init?.body));
    if (params.get("type") === "eav" && params.has("records[0]") && ++eavBatches === 2) {
      // The server no longer has the batch's last record.
      const last = [...params.keys()].filter((k) => k.startsWith("records[")).pop()!;
      params.delete(last);
      return server.fetch(input, { ...init, body: params });
    }
    return server.fetch(input, init);
  }) as typeof fetch;
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: dropping,
    progressBar: false,
  });
  await rejects(
    readEavRecords(client, { batchSize: 5 }),
    /batch 2 of 6 lacks 1 of its 5 records \("10"\)/,
  );
});

Deno.test("readRecords() prints a warning once per process and keeps it in every read's notes", async () => {
  const client = createDemoClient();
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.join(" "));
  let first, second;
  try {
    first = await readRecords(client, { forms: ["vitals"] });
    const before = seen.length;
    second = await readRecords(client, { forms: ["vitals"] });
    strictEqual(seen.length, before, "the second read prints nothing");
  } finally {
    console.warn = original;
  }
  // The demo's vitals have a `height` column, which shadows DataFrame.height.
  ok(seen.length <= 1);
  for (const result of [first, second]) {
    ok(result.notes.some((note) => note.startsWith("Column height shadows")), result.notes.join());
  }
});
