/**
 * Analysis-ready frames at scale, on the demo design at 10,000 and 100,000 records:
 *
 * - `readRecords()` (flat CSV, typed and labelled) in one request (`batchSize: Infinity`) and
 *   with its default batches (ids first, then 10,000 records a request);
 * - `readEavRecords()` with its defaults (EAV CSV in batches of 2,500 records, each turned
 *   into flat rows on a worker and typed on the main thread as it arrives);
 *
 * against the baseline: fetch the same flat CSV body and read it with `pl.readCSV` (all
 * strings). Targets: readRecords in one request ≤ 1.3x the baseline's time and ≤ 1.2x its peak
 * memory; readRecords with its default batches ≤ 1.3x the one-request read's time (the
 * `vs one request` column) and ≤ 1.2x the baseline's peak; EAV ≤ 5x the time and < 1 GiB peak
 * at 100,000 records.
 *
 * Every response is produced once by our server (in-process handler) during setup and kept on
 * disk, then replayed byte for byte, so the cases measure the client side rather than the
 * server's export time. Each case runs once in a fresh process, as a script would (so its time
 * includes first-call costs, and its peak memory is its own `VmHWM` from `/proc/self/status`);
 * each is run `BENCH_ROUNDS` times (default 3), interleaved, and the median time and the median
 * peak are reported. Stores and bodies are kept in
 * `$TMPDIR/denocap-frames-<records>/` between runs.
 *
 * Run: `deno run -A bench/frames_bench.ts [10000 100000]`
 *
 * @module
 */
import { createHash } from "node:crypto";
import pl from "../lib/deps/polars.ts";
import { RedcapClient } from "../lib/client.ts";
import { readEavRecords } from "../lib/read/eav_records.ts";
import { readRecords } from "../lib/read/read_records.ts";
import { createRedcapHandler } from "../lib/server/handler.ts";
import { loadProject } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";
import { DEMO_TOKEN, demoProject } from "../lib/server/demo/mod.ts";
import { frameColumns, frameHeight } from "../lib/frame.ts";

type Case = "baseline" | "read_records" | "read_records_batched" | "read_eav";
const CASES: Case[] = ["baseline", "read_records", "read_records_batched", "read_eav"];
const URL_ = "http://redcap.test/api/";

export function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

function dirOf(n: number): string {
  return `${Deno.env.get("TMPDIR") ?? "/tmp"}/denocap-frames-${n}`;
}

function keyOf(body: string): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 32);
}

/**
 * A fetch that answers from `dir` (recorded bodies), or records the handler's answer there.
 * A replayed answer is ready at once, as the bytes of a real answer are read off the socket
 * while the main thread works: the request needs no turn of the event loop (a replay that
 * awaited a digest and a file read would only start when the main thread is idle, which no
 * real request waits for).
 */
export function diskFetch(dir: string, handler?: (request: Request) => Promise<Response>) {
  return (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (!(body instanceof URLSearchParams)) throw new TypeError("expected a form body");
    const path = `${dir}/${keyOf(body.toString())}`;
    try {
      const headers = JSON.parse(Deno.readTextFileSync(`${path}.headers`));
      return Promise.resolve(
        new Response(Deno.readFileSync(`${path}.body`), { status: 200, headers }),
      );
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || !handler) throw error;
    }
    return record(path, handler, new Request(input, init));
  };
}

async function record(
  path: string,
  handler: (request: Request) => Promise<Response>,
  request: Request,
): Promise<Response> {
  const response = await handler(request);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) {
    throw new Error(`setup request failed: ${response.status} ${new TextDecoder().decode(bytes)}`);
  }
  Deno.writeFileSync(`${path}.body`, bytes);
  Deno.writeTextFileSync(`${path}.headers`, JSON.stringify([...response.headers]));
  return new Response(bytes, { status: 200, headers: response.headers });
}

function clientFor(fetch: ReturnType<typeof diskFetch>): RedcapClient {
  return new RedcapClient(URL_, DEMO_TOKEN, { fetch, progressBar: false, retry: 1 });
}

/** The baseline: the same flat CSV body, read by Polars as all strings. */
async function baseline(fetch: ReturnType<typeof diskFetch>): Promise<pl.DataFrame> {
  const body = new URLSearchParams({
    token: DEMO_TOKEN,
    content: "record",
    format: "csv",
    type: "flat",
    rawOrLabel: "raw",
    returnFormat: "json",
  });
  const response = await fetch(URL_, { method: "POST", body });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return pl.readCSV(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    inferSchemaLength: 0,
  });
}

function run(kind: Case, fetch: ReturnType<typeof diskFetch>): Promise<pl.DataFrame> {
  if (kind === "baseline") return baseline(fetch);
  const client = clientFor(fetch);
  if (kind === "read_records") {
    return readRecords(client, { batchSize: Infinity }).then((r) => r.data);
  }
  // Default batching: ids first, then batches of records (readRecords joins their bodies and
  // parses them once; readEavRecords converts and types each batch as it arrives).
  const read = kind === "read_records_batched" ? readRecords : readEavRecords;
  return read(client).then((r) => r.data);
}

/** One case in this process: prints `{seconds, peakMiB, rows, columns}` as JSON. */
async function runCase(kind: Case, n: number): Promise<void> {
  const fetch = diskFetch(dirOf(n));
  const start = performance.now();
  const df = await run(kind, fetch);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({
    seconds,
    peakMiB: peakRssMiB(),
    rows: frameHeight(df),
    columns: frameColumns(df).length,
  }));
}

/** What a case run in its own process prints last: time, peak memory, the frame's shape. */
export interface CaseResult {
  seconds: number;
  peakMiB: number;
  rows: number;
  columns: number;
}

/** Runs `script --case kind n` in a fresh process (nothing cached or warm) and reads its result. */
export async function runCaseProcess(script: string, kind: string, n: number): Promise<CaseResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, "--case", kind, String(n)],
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`case ${kind} at ${n} records failed`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/**
 * Opens (building it the first time) the store of `n` demo records in `dir`, and has `record`
 * run every case once against it through {@linkcode diskFetch}, which keeps each response on
 * disk: the timed runs then replay them, with no server in the process.
 */
export async function recordResponses(
  dir: string,
  n: number,
  record: (fetch: ReturnType<typeof diskFetch>) => Promise<void>,
): Promise<void> {
  Deno.mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const store = RedcapStore.open(`${dir}/store.sqlite`);
  if (!store.token(DEMO_TOKEN)) {
    loadProject(store, demoProject({ records: n }), { token: DEMO_TOKEN });
  }
  await record(diskFetch(dir, createRedcapHandler(store)));
  store.close();
  console.error(
    `set up ${n} records in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`,
  );
}

/** Runs every case `rounds` times, interleaved, each in a fresh process. */
export async function runRounds(
  script: string,
  cases: readonly string[],
  n: number,
  rounds: number,
): Promise<Record<string, CaseResult[]>> {
  const results: Record<string, CaseResult[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const kind of cases) (results[kind] ??= []).push(await runCaseProcess(script, kind, n));
  }
  return results;
}

/** The median of the values. */
export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(sizes: number[]): Promise<void> {
  const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
  const table = [
    "| records | rows × cols | case | seconds | peak MiB | time vs baseline | peak vs baseline | time vs one request | target |",
    "|---:|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const n of sizes) {
    await recordResponses(dirOf(n), n, async (fetch) => {
      for (const kind of CASES) await run(kind, fetch);
    });
    const results = await runRounds(import.meta.filename!, CASES, n, rounds);
    const summary = Object.fromEntries(
      CASES.map((kind) => [kind, {
        seconds: median(results[kind].map((r) => r.seconds)),
        peakMiB: median(results[kind].map((r) => r.peakMiB)),
        shape: `${results[kind][0].rows} × ${results[kind][0].columns}`,
      }]),
    );
    const base = summary.baseline;
    const targets: Record<Case, string> = {
      baseline: "",
      read_records: "≤ 1.3x time, ≤ 1.2x peak",
      read_records_batched: "≤ 1.3x one request, ≤ 1.2x peak",
      read_eav: n >= 100_000 ? "≤ 5x time, < 1024 MiB" : "(at 100,000)",
    };
    const oneRequest = summary.read_records.seconds;
    for (const kind of CASES) {
      const s = summary[kind];
      const vsOne = kind.startsWith("read_records")
        ? `${(s.seconds / oneRequest).toFixed(2)}x`
        : "";
      table.push(
        `| ${n} | ${s.shape} | ${kind} | ${s.seconds.toFixed(2)} | ${s.peakMiB.toFixed(0)} | ` +
          `${(s.seconds / base.seconds).toFixed(2)}x | ${
            (s.peakMiB / base.peakMiB).toFixed(2)
          }x | ${vsOne} | ` +
          `${targets[kind]} |`,
      );
    }
    console.error(table.slice(-CASES.length).join("\n"));
  }
  console.log(table.join("\n"));
}

if (import.meta.main) {
  if (Deno.args[0] === "--case") {
    await runCase(Deno.args[1] as Case, Number(Deno.args[2]));
  } else {
    await main(Deno.args.length ? Deno.args.map(Number) : [10_000, 100_000]);
  }
}
