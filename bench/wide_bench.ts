/**
 * `readRecords()` on the shapes most projects have: wide (3,000 fields, 200 records: 4,507
 * columns) and small (the demo design at 500 records), against the baseline of reading the
 * same flat CSV body with `pl.readCSV` (all strings), in the same run. No target: this tracks
 * the per-chunk cost Polars' CSV reader leaves on small bodies (it cuts every body into 16
 * chunks per thread plus one, 17 as `parseRedcapCsv()` asks, so a 200-row body has about 12
 * rows a chunk), which `castRecords()` merges first.
 * A third group times `castRecords()` reporting a lost value in each of 400 columns against the
 * same cast with nothing to report (each report is one query over every column, not one per
 * column).
 *
 * Every request is answered once by the in-process server during setup and replayed from
 * memory, so the cases measure the client.
 *
 * Run: `deno bench -A bench/wide_bench.ts`
 *
 * @module
 */
import pl from "../lib/deps/polars.ts";
import { RedcapClient } from "../lib/client.ts";
import { readRecords } from "../lib/read/read_records.ts";
import { createRedcapHandler } from "../lib/server/handler.ts";
import { loadProject } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";
import { DEMO_TOKEN, demoProject } from "../lib/server/demo/mod.ts";
import { fieldMetadata, fullRights, type ProjectDefinition } from "../lib/server/project.ts";
import { castRecords } from "../lib/transform/cast.ts";
import { DataDictionary } from "../lib/dictionary/data_dictionary.ts";

/** 3,000 fields on 6 forms (text, radio, 3-option checkbox, integer in turn), 200 records. */
function wideProject(fields: number, records: number): ProjectDefinition {
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "f0", field_type: "text" }),
  ];
  const kinds = ["text", "radio", "checkbox", "text"];
  for (let i = 0; i < fields; i++) {
    metadata.push(fieldMetadata({
      field_name: `v${i}`,
      form_name: `f${Math.floor(i / 500)}`,
      field_type: kinds[i % 4],
      text_validation_type_or_show_slider_number: i % 4 === 3 ? "integer" : "",
      select_choices_or_calculations: i % 4 === 1 || i % 4 === 2 ? "1, A | 2, B | 3, C" : "",
    }));
  }
  const rows = Array.from({ length: records }, (_, r) => {
    const row: Record<string, string> = { record_id: String(r + 1) };
    for (let i = 0; i < fields; i++) {
      if (i % 4 === 0) row[`v${i}`] = `text ${r}`;
      else if (i % 4 === 1) row[`v${i}`] = String(1 + (r + i) % 3);
      else if (i % 4 === 2) row[`v${i}___${1 + (r + i) % 3}`] = "1";
      else row[`v${i}`] = String(r * i);
    }
    return row;
  });
  const forms = [...new Set(metadata.map((m) => m.form_name))];
  return {
    info: { project_title: "Wide", is_longitudinal: 0 },
    metadata,
    instruments: forms.map((f) => ({ instrument_name: f, instrument_label: f })),
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [],
    surveys: [],
    users: [fullRights("bench")],
    records: rows,
    longitudinal: false,
  };
}

/** A client whose requests are answered once by the server, then replayed from memory. */
async function replayingClient(project: ProjectDefinition) {
  const store = RedcapStore.open(":memory:");
  loadProject(store, project, { token: DEMO_TOKEN });
  const handler = createRedcapHandler(store);
  const answers = new Map<string, { bytes: Uint8Array; headers: [string, string][] }>();
  const fetch = async (input: Request | URL | string, init?: RequestInit) => {
    const key = String(init?.body);
    let answer = answers.get(key);
    if (!answer) {
      const response = await handler(new Request(input, init));
      answer = {
        bytes: new Uint8Array(await response.arrayBuffer()),
        headers: [...response.headers],
      };
      answers.set(key, answer);
    }
    return new Response(answer.bytes.slice(), { status: 200, headers: answer.headers });
  };
  const client = new RedcapClient("http://redcap.test/api/", DEMO_TOKEN, {
    fetch,
    progressBar: false,
  });
  await readRecords(client); // records every answer
  const body = new URLSearchParams({
    token: DEMO_TOKEN,
    content: "record",
    format: "csv",
    type: "flat",
  });
  const csv = new Uint8Array(
    await (await fetch("http://redcap.test/api/", { method: "POST", body })).arrayBuffer(),
  );
  return { client, csv };
}

for (
  const [group, project] of [
    ["wide (4,507 columns × 200 rows)", wideProject(3000, 200)],
    ["small (demo, 500 records)", demoProject({ records: 500 })],
  ] as const
) {
  const { client, csv } = await replayingClient(project);
  Deno.bench({
    name: "pl.readCSV (all strings)",
    group,
    baseline: true,
    fn: () => {
      pl.readCSV(Buffer.from(csv.buffer, csv.byteOffset, csv.byteLength), { inferSchemaLength: 0 });
    },
  });
  Deno.bench({
    name: "readRecords (typed, labelled)",
    group,
    fn: async () => {
      await readRecords(client);
    },
  });
}

/**
 * Integer columns of which each holds one invalid value and one missing-data code (`bad`), or
 * none (`clean`): what reporting them costs on top of the cast.
 */
function lostValues(columns: number, rows: number, bad: boolean) {
  const dictionary = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    ...Array.from({ length: columns }, (_, i) => ({
      field_name: `v${i}`,
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "integer",
    })),
  ], { projectInfo: { missing_data_codes: "UNK, Unknown" } });
  const data: Record<string, string[]> = {
    id: Array.from({ length: rows }, (_, r) => String(r + 1)),
  };
  for (let i = 0; i < columns; i++) {
    data[`v${i}`] = Array.from(
      { length: rows },
      (_, r) => bad && r === i % rows ? "x" : bad && r === (i + 1) % rows ? "UNK" : String(r),
    );
  }
  data.f_complete = Array.from({ length: rows }, () => "0");
  return { frame: pl.DataFrame(data), dictionary };
}

{
  const group = "reports (400 integer columns × 2,000 rows)";
  const clean = lostValues(400, 2000, false);
  const bad = lostValues(400, 2000, true);
  Deno.bench({
    name: "castRecords, nothing to report",
    group,
    baseline: true,
    fn: () => {
      castRecords(clean.frame, clean.dictionary);
    },
  });
  Deno.bench({
    name: "castRecords, an invalid value and a missing code in every column",
    group,
    fn: () => {
      castRecords(bad.frame, bad.dictionary);
    },
  });
}
