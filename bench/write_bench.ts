/**
 * `writeRecords()` of the demo project scaled to 100,000 records (76 columns, ~526,000 flat
 * rows) as a typed frame (Int64, Float64, Date, Datetime, Boolean, Categorical labels):
 *
 * - client-side work (serialise to raw text + validate against the dictionary + encode the
 *   CSV batches) vs Polars `writeCSV` of the same typed frame (target ≤ 2x), as wall time and
 *   as process CPU time (steadier on a busy machine);
 * - one real import into the local server (empty demo copy), its time reported apart from the
 *   client's.
 *
 * The client-side benchmark sends to a null server (a `fetch` that answers at once), so it
 * measures only the client. The module first runs the real import once and prints the report.
 *
 * Run: `deno bench -A bench/write_bench.ts` (set `BENCH_RECORDS=10000` for a quick run), or
 * `deno run -A bench/write_bench.ts` for the report alone.
 *
 * @module
 */
import pl from "../lib/deps/polars.ts";
import { RedcapClient } from "../lib/client.ts";
import type { DataDictionary } from "../lib/dictionary/data_dictionary.ts";
import { readDictionary } from "../lib/read/dictionary.ts";
import { createRedcapHandler } from "../lib/server/handler.ts";
import { loadProject } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";
import { DEMO_TOKEN, demoProject } from "../lib/server/demo/mod.ts";
import { castRecords } from "../lib/transform/cast.ts";
import { writeRecords } from "../lib/write/write_records.ts";

const RECORDS = Number(Deno.env.get("BENCH_RECORDS") ?? 100_000);
const BATCH = 10_000;

function emptyDemoClient(): RedcapClient {
  const store = RedcapStore.open();
  loadProject(store, demoProject({ records: 0 }), { token: DEMO_TOKEN });
  const handler = createRedcapHandler(store);
  return new RedcapClient("http://redcap.test/api/", DEMO_TOKEN, {
    fetch: (input, init) => handler(new Request(input, init)),
    progressBar: false,
  });
}

/** A client whose server accepts every import at once (measures the client alone). */
const nullClient = new RedcapClient("http://redcap.test/api/", DEMO_TOKEN, {
  fetch: () =>
    Promise.resolve(new Response("[]", { headers: { "content-type": "application/json" } })),
  progressBar: false,
});

// --- the typed frame --------------------------------------------------------------------------
let started = performance.now();
const definition = demoProject({ records: RECORDS });
const dd: DataDictionary = await readDictionary(emptyDemoClient());
const columns = dd.columns().filter((c) => definition.records.some((r, i) => i < 2000 && c in r));
const data: Record<string, (string | null)[]> = {};
for (const c of columns) data[c] = definition.records.map((r) => r[c] ?? null);
const raw = pl.DataFrame(data, { schema: Object.fromEntries(columns.map((c) => [c, pl.String])) });
definition.records = [];
const typed = castRecords(raw, dd, { labels: "label" }).data;
const shape = `${typed.getColumns()[0].len()} rows x ${typed.getColumns().length} columns`;
console.error(
  `built the typed frame (${shape}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

/**
 * CPU time of this process in ms (user + system, all threads) from `/proc/self/stat`, or NaN
 * where there is none. Less sensitive than wall time to other processes on a busy machine.
 */
function cpuMs(): number {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// --- the report: Polars writeCSV vs client-side work, then one real import --------------------
const polarsRuns: number[] = [];
const clientRuns: number[] = [];
const polarsCpu: number[] = [];
const clientCpu: number[] = [];
for (let i = 0; i < 5; i++) {
  let cpu = cpuMs();
  started = performance.now();
  typed.writeCSV();
  polarsRuns.push(performance.now() - started);
  polarsCpu.push(cpuMs() - cpu);
  cpu = cpuMs();
  const result = await writeRecords(nullClient, typed, { dictionary: dd, batchSize: BATCH });
  clientCpu.push(cpuMs() - cpu);
  const t = result.timings!;
  clientRuns.push(t.serialize + t.validate + t.encode);
}
const polarsMs = median(polarsRuns);
const clientMs = median(clientRuns);
const cpuRatio = median(clientCpu) / median(polarsCpu);
const target = emptyDemoClient();
started = performance.now();
const real = await writeRecords(target, typed, { dictionary: dd, batchSize: BATCH });
const totalMs = performance.now() - started;
const t = real.timings!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  [
    `writeRecords, demo design, ${RECORDS} records (${shape}), batches of ${BATCH}:`,
    `  Polars writeCSV of the typed frame (median of 5):      ${fmt(polarsMs)}` +
    ` (CPU ${fmt(median(polarsCpu))})`,
    `  client-side work (median of 5, null server):           ${fmt(clientMs)}` +
    ` (CPU ${fmt(median(clientCpu))})`,
    `  ratio client / Polars writeCSV (target <= 2x):         wall ${
      (clientMs / polarsMs).toFixed(2)
    }x, CPU ${cpuRatio.toFixed(2)}x`,
    `  real import into the local server, total:              ${fmt(totalMs)}`,
    `    serialise ${fmt(t.serialize)}, validate ${fmt(t.validate)}, encode ${fmt(t.encode)}` +
    ` (client: ${fmt(t.serialize + t.validate + t.encode)})`,
    `    requests incl. the server's import:                  ${fmt(t.send)}` +
    ` (${real.count} records in ${real.batches.length} batches)`,
  ].join("\n"),
);

Deno.bench({
  name: "Polars writeCSV of the typed frame",
  group: "write",
  baseline: true,
  n: 3,
  warmup: 0,
  fn: () => {
    typed.writeCSV();
  },
});
Deno.bench({
  name: "writeRecords client-side (serialise + validate + encode; null server)",
  group: "write",
  n: 3,
  warmup: 0,
  async fn() {
    await writeRecords(nullClient, typed, { dictionary: dd, batchSize: BATCH });
  },
});
