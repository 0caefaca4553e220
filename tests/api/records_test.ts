import assert from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapResponseError } from "../../lib/errors.ts";
import { exportRecordBodies, parseRecordBody } from "../../lib/api/records.ts";
import type { ProgressEvent } from "../../lib/types.ts";
import { fakeClient, json, text } from "./_fake.ts";

const COLUMNS = ["record_id", "name", "notes", "visit_complete"];

/** Rows of a small project: ids with leading zeros, blanks, commas, quotes, newlines. */
function makeRows(n: number): Record<string, string>[] {
  return Array.from({ length: n }, (_, i) => ({
    record_id: String(i + 1).padStart(3, "0"),
    name: i % 3 === 0 ? "" : `Name, ${i} "q"`,
    notes: i % 4 === 1 ? "line one\nline two" : "plain",
    visit_complete: String(i % 3),
  }));
}

function csvCell(v: string): string {
  return /[",\n\r\t ]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function body(rows: Record<string, string>[], columns: string[], format: string): string {
  if (format === "json") {
    return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]]))));
  }
  if (format === "csv") {
    return [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))]
      .join("\n") + "\n";
  }
  const items = rows.map((r) =>
    "<item>" + columns.map((c) =>
      `<${c}>${r[c] === "" ? "" : `<![CDATA[${r[c]}]]>`}</${c}>`
    ).join("") +
    "</item>"
  );
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n${items.join("\n")}\n</records>\n`;
}

/** A fake that answers metadata and record exports over `rows`. */
function recordServer(
  rows: Record<string, string>[],
  options: { drop?: string; delay?: number } = {},
) {
  let inFlight = 0;
  let maxInFlight = 0;
  const server = fakeClient(async (params) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
      if (params.content === "metadata") {
        return json(COLUMNS.slice(0, 3).map((field_name) => ({ field_name, form_name: "visit" })));
      }
      const wanted = Object.entries(params).filter(([k]) => k.startsWith("records[")).map(([, v]) =>
        v
      );
      let selected = wanted.length ? rows.filter((r) => wanted.includes(r.record_id)) : rows;
      if (options.drop) selected = selected.filter((r) => r.record_id !== options.drop);
      const fields = Object.entries(params).filter(([k]) => k.startsWith("fields[")).map(([, v]) =>
        v
      );
      return text(body(selected, fields.length ? fields : COLUMNS, params.format), 200);
    } finally {
      inFlight--;
    }
  });
  return { ...server, maxInFlight: () => maxInFlight };
}

Deno.test("exportRecords() gives the same string frame in csv, json and xml", async () => {
  const rows = makeRows(7);
  const frames: Record<string, pl.DataFrame> = {};
  for (const format of ["csv", "json", "xml"] as const) {
    const { client } = recordServer(rows);
    frames[format] = await client.exportRecords({ format, batchSize: Infinity });
  }
  for (const format of ["json", "xml"]) {
    assert.deepEqual(frames[format].columns, frames.csv.columns);
    assert.deepEqual(frames[format].toRecords(), frames.csv.toRecords(), format);
  }
  const df = frames.csv;
  assert.ok(df.dtypes.every((dtype) => dtype.equals(pl.String)), "every column is a string");
  assert.equal(df.getColumn("record_id").get(0), "001");
  assert.equal(df.getColumn("name").get(0), null, "blank values are null");
  assert.equal(df.getColumn("name").get(1), 'Name, 1 "q"');
  assert.equal(df.getColumn("notes").get(1), "line one\nline two");
});

Deno.test("exportRecords() reads a header-only CSV and a BOM", async () => {
  const headerOnly = fakeClient(() => text("record_id,age\n"));
  const empty = await headerOnly.client.exportRecords({ batchSize: Infinity });
  assert.deepEqual(empty.columns, ["record_id", "age"]);
  assert.equal(empty.height, 0);
  const bom = fakeClient(() => text("\uFEFFrecord_id,age\n1,\n"));
  const df = await bom.client.exportRecords({ batchSize: Infinity });
  assert.deepEqual(df.columns, ["record_id", "age"]);
  assert.deepEqual(df.toRecords(), [{ record_id: "1", age: null }]);
});

Deno.test("exportRecords() retries a truncated CSV body", async (t) => {
  for (
    const [name, cut] of [["mid-line", "record_id,age\n1,2"], [
      "open quote",
      'record_id,age\n1,"2\n',
    ]]
  ) {
    await t.step(name, async () => {
      const { client, seen } = fakeClient((_p, n) =>
        n === 1 ? text(cut) : text("record_id,age\n1,2\n")
      );
      const df = await client.exportRecords({ batchSize: Infinity });
      assert.equal(seen.length, 2);
      assert.deepEqual(df.toRecords(), [{ record_id: "1", age: "2" }]);
      const broken = fakeClient(() => text(cut));
      await assert.rejects(
        broken.client.exportRecords({ batchSize: Infinity }),
        (e: Error) => e instanceof RedcapResponseError && e.problem === "truncated",
      );
    });
  }
});

Deno.test("exportRecords() checks options before sending anything", async (t) => {
  const { client, seen } = fakeClient(() => text("record_id\n"));
  const cases: [string, Record<string, unknown>, RegExp, ErrorConstructor][] = [
    [
      "rawOrLabel both",
      { rawOrLabel: "both" },
      /"rawOrLabel" must be "raw" or "label", got "both"/,
      RangeError,
    ],
    ["type", { type: "wide" }, /"type"/, RangeError],
    [
      "label headers in json",
      { rawOrLabelHeaders: "label", format: "json" },
      /rawOrLabelHeaders/,
      RangeError,
    ],
    [
      "checkbox label without labels",
      { exportCheckboxLabel: true },
      /exportCheckboxLabel/,
      RangeError,
    ],
    [
      "boolean as string",
      { exportSurveyFields: "true" },
      /"exportSurveyFields" must be a boolean/,
      TypeError,
    ],
    ["empty records", { records: [] }, /"records" is empty/, RangeError],
    ["bad date", { dateRangeBegin: "yesterday" }, /"dateRangeBegin"/, RangeError],
    ["typo", { rawOrlabel: "raw" }, /unknown option "rawOrlabel"/, TypeError],
    ["batch size", { batchSize: 0 }, /"batchSize"/, RangeError],
    ["decimal", { decimalCharacter: ";" }, /"decimalCharacter"/, RangeError],
  ];
  for (const [name, options, message, type] of cases) {
    await t.step(name, async () => {
      // deno-lint-ignore no-explicit-any
      await assert.rejects(client.exportRecords(options as any), (e: Error) => {
        assert.ok(e instanceof type, `${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    });
  }
  assert.equal(seen.length, 0);
});

Deno.test("exportRecords() sends Date ranges as REDCap timestamps", async () => {
  const { client, seen } = fakeClient(() => text("record_id\n"));
  await client.exportRecords({
    dateRangeBegin: new Date(2024, 0, 2, 3, 4, 5),
    dateRangeEnd: "2024-02-01 00:00:00",
    batchSize: Infinity,
  });
  assert.equal(seen[0].params.dateRangeBegin, "2024-01-02 03:04:05");
  assert.equal(seen[0].params.dateRangeEnd, "2024-02-01 00:00:00");
});

Deno.test("exportRecords() in batches equals the one-shot export", async () => {
  const rows = makeRows(53);
  const oneShot = await recordServer(rows).client.exportRecords({ batchSize: Infinity });
  for (const format of ["csv", "json", "xml"] as const) {
    const server = recordServer(rows, { delay: 2 });
    const batched = await server.client.exportRecords({ batchSize: 10, format });
    assert.deepEqual(batched.columns, oneShot.columns);
    assert.deepEqual(batched.toRecords(), oneShot.toRecords(), format);
    // metadata + ids + 6 batches, at most 4 at a time
    assert.equal(server.seen.length, 8);
    assert.equal(server.seen[1].params["fields[0]"], "record_id");
    assert.ok(server.maxInFlight() <= 4);
  }
});

Deno.test("exportRecords() runs at most `concurrency` batches at once and reports progress", async () => {
  const events: ProgressEvent[] = [];
  const rows = makeRows(40);
  let inFlight = 0;
  let max = 0;
  const { client, seen } = fakeClient(async (params) => {
    if (params.content === "metadata") return json([{ field_name: "record_id" }]);
    inFlight++;
    max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    const wanted = Object.entries(params).filter(([k]) => k.startsWith("records[")).map(([, v]) =>
      v
    );
    const selected = wanted.length ? rows.filter((r) => wanted.includes(r.record_id)) : rows;
    const fields = params["fields[0]"] ? ["record_id"] : COLUMNS;
    return text(body(selected, fields, "csv"));
  }, { concurrency: 2, onProgress: (e) => events.push(e) });
  const df = await client.exportRecords({ batchSize: 5 });
  assert.equal(df.height, 40);
  assert.equal(max, 2);
  assert.equal(seen.length, 1 + 1 + 8);
  const last = events.at(-1)!;
  const recordEvents = events.filter((e) => e.content === "record");
  assert.deepEqual(
    { done: last.batchesDone, total: last.batchesTotal, records: last.records },
    { done: 9, total: 9, records: 40 },
  );
  assert.ok(recordEvents.every((e, i) => e.batchesDone === i + 1));
  assert.ok(last.bytes > 0);
});

Deno.test("exportRecords() auto mode rejects when the export misses a listed id", async () => {
  const rows = makeRows(6);
  const { client } = fakeClient((params) =>
    params["fields[0]"] === "record_id"
      ? text(body(rows, ["record_id"], "csv"))
      : recordAnswer(params, rows, "004")
  );
  await assert.rejects(client.exportRecords(), /lacks 1 of its 6 records \("004"\)/);
});

Deno.test("exportRecords() rejects when a batch misses a record the id export listed", async () => {
  const rows = makeRows(12);
  const { client } = fakeClient((params) =>
    params["fields[0]"] === "record_id"
      ? text(body(rows, ["record_id"], "csv"))
      : recordAnswer(params, rows, "007")
  );
  await assert.rejects(client.exportRecords({ batchSize: 5 }), (error: Error) => {
    assert.ok(error instanceof RedcapResponseError);
    assert.match(error.message, /batch 2 of 3 lacks 1 of its 5 records \("007"\)/);
    return true;
  });
});

function recordAnswer(
  params: Record<string, string>,
  rows: Record<string, string>[],
  drop?: string,
) {
  if (params.content === "metadata") return json([{ field_name: "record_id" }]);
  const wanted = Object.entries(params).filter(([k]) => k.startsWith("records[")).map(([, v]) => v);
  const selected = (wanted.length ? rows.filter((r) => wanted.includes(r.record_id)) : rows)
    .filter((r) => r.record_id !== drop);
  return text(body(selected, COLUMNS, params.format));
}

Deno.test("exportRecords() with named records batches them without an id export", async () => {
  const rows = makeRows(9);
  const { client, seen } = fakeClient((params) => recordAnswer(params, rows));
  const df = await client.exportRecords({ records: rows.map((r) => r.record_id), batchSize: 4 });
  assert.equal(df.height, 9);
  assert.equal(seen.length, 3);
  assert.ok(seen.every((s) => s.params.content === "record"));
});

Deno.test("exportRecords() auto mode exports ids first, then one request for a small project", async () => {
  const rows = makeRows(5);
  const { client, seen } = fakeClient((params) => recordAnswer(params, rows));
  const df = await client.exportRecords();
  assert.equal(df.height, 5);
  assert.deepEqual(seen.map((s) => s.params.content), ["metadata", "record", "record"]);
  assert.ok(!("records[0]" in seen[2].params), "the one request names no records");
});

Deno.test("exportRecords() of an empty project returns the header", async () => {
  const { client } = fakeClient((params) => recordAnswer(params, []));
  const df = await client.exportRecords();
  assert.deepEqual(df.columns, COLUMNS);
  assert.equal(df.height, 0);
});

Deno.test("exportRecords() type eav asks for JSON and stacks batches with differing keys", async () => {
  const { client, seen } = fakeClient((params) => {
    if (params.content === "metadata") return json([{ field_name: "record_id" }]);
    if (params.type === "flat") return text("record_id\n1\n2\n");
    assert.equal(params.format, "json");
    return params["records[0]"] === "1"
      ? json([{ record: "1", field_name: "age", value: "3" }])
      : json([{
        record: "2",
        redcap_repeat_instrument: "visit",
        redcap_repeat_instance: 2,
        field_name: "w",
        value: "9",
      }]);
  });
  const df = await client.exportRecords({ type: "eav", batchSize: 1 });
  assert.equal(seen.length, 4);
  assert.deepEqual(df.toRecords(), [
    {
      record: "1",
      field_name: "age",
      value: "3",
      redcap_repeat_instrument: null,
      redcap_repeat_instance: null,
    },
    {
      record: "2",
      field_name: "w",
      value: "9",
      redcap_repeat_instrument: "visit",
      redcap_repeat_instance: "2",
    },
  ]);
});

// An empty CSV body read as no records when JSON confirms with []: client_empty_export_test.ts.
Deno.test("exportRecords() rejects an empty CSV body when JSON is empty too", async () => {
  const failing = fakeClient(() => text(""));
  await assert.rejects(
    failing.client.exportRecords({ batchSize: Infinity }),
    (e: Error) => e instanceof RedcapResponseError && e.problem === "empty",
  );
});

Deno.test("exportRecordBodies() yields raw bodies in batch order, each with the ids it must hold", async () => {
  const rows = makeRows(23);
  let inFlight = 0;
  let max = 0;
  const { client } = fakeClient(async (params) => {
    if (params.content === "metadata") return json([{ field_name: "record_id" }]);
    inFlight++;
    max = Math.max(max, inFlight);
    // Later batches answer first.
    const first = params["records[0]"];
    await new Promise((r) => setTimeout(r, first ? 30 - Number(first) : 0));
    inFlight--;
    const wanted = Object.entries(params).filter(([k]) => k.startsWith("records[")).map((
      [, v],
    ) => v);
    const selected = wanted.length ? rows.filter((r) => wanted.includes(r.record_id)) : rows;
    return text(body(selected, params["fields[0]"] ? ["record_id"] : COLUMNS, "csv"));
  }, { concurrency: 2 });
  const parts = [];
  for await (const part of exportRecordBodies(client, { batchSize: 5 })) parts.push(part);
  assert.deepEqual(parts.map((p) => [p.batch, p.batches, p.format]), [
    [0, 5, "csv"],
    [1, 5, "csv"],
    [2, 5, "csv"],
    [3, 5, "csv"],
    [4, 5, "csv"],
  ]);
  assert.equal(max, 2);
  const decoded = parts.map((p) => new TextDecoder().decode(p.body));
  assert.ok(decoded.every((d) => d.startsWith("record_id,name,notes,visit_complete\n")));
  assert.deepEqual(parts[4].expectedIds?.ids(), ["021", "022", "023"]);
  assert.deepEqual(parts.map((p) => p.expectedIds?.index), [0, 1, 2, 3, 4]);
  assert.equal(parseRecordBody(parts[1]).getColumn("record_id").toArray()[0], "006");
});

Deno.test("exportRecordBodies() checks options when called and retries a JSON body cut short", async () => {
  const { client, seen } = fakeClient((_p, n) =>
    n === 1 ? text('[{"record_id":"1"},{"rec') : text('[{"record_id":"1"}]')
  );
  assert.throws(() => exportRecordBodies(client, { batchSize: 0 }), /batchSize/);
  assert.equal(seen.length, 0);
  const parts = [];
  for await (const part of exportRecordBodies(client, { format: "json", batchSize: Infinity })) {
    parts.push(part);
  }
  assert.equal(seen.length, 2);
  assert.equal(parts.length, 1);
  assert.deepEqual(parseRecordBody(parts[0]).toRecords(), [{ record_id: "1" }]);
});
