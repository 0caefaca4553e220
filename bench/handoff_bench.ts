/**
 * The hand-off at scale: `export --format parquet` (the CLI's `runExport`: the dictionary,
 * `readInstruments()`, then `writeDataset()` writing one Parquet file per instrument with
 * key-value metadata through DuckDB) against its baseline, `readRecords()` alone (the same
 * requests, typed and labelled), on the demo design at 10,000 and 100,000 records (76 columns).
 * Goal: the hand-off adds at most 50% to the read's time and peak memory.
 *
 * As in `frames_bench.ts`, every response is produced once by our server (in-process handler)
 * during setup and kept on disk, then replayed byte for byte, so both cases measure the client
 * side. Each case runs in a fresh process (its peak memory is its own `VmHWM`), `BENCH_ROUNDS`
 * times (default 3), interleaved; medians are reported. Stores and bodies are kept in
 * `$TMPDIR/denocap-handoff-<records>/` between runs.
 *
 * Run: `deno run -A bench/handoff_bench.ts [10000 100000]`
 *
 * @module
 */
import { RedcapClient } from "../lib/client.ts";
import { readRecords } from "../lib/read/read_records.ts";
import { runExport } from "../lib/cli/main.ts";
import { DEMO_TOKEN } from "../lib/server/demo/mod.ts";
import { diskFetch, median, peakRssMiB, recordResponses, runRounds } from "./frames_bench.ts";

type Case = "read_records" | "export_parquet";
const CASES: Case[] = ["read_records", "export_parquet"];

function dirOf(n: number): string {
  return `${Deno.env.get("TMPDIR") ?? "/tmp"}/denocap-handoff-${n}`;
}

function clientFor(fetch: ReturnType<typeof diskFetch>): RedcapClient {
  return new RedcapClient("http://redcap.test/api/", DEMO_TOKEN, {
    fetch,
    progressBar: false,
    retry: 1,
  });
}

/** Runs a case; returns rows × columns read (the export: summed over its instruments). */
async function run(kind: Case, n: number, fetch: ReturnType<typeof diskFetch>) {
  const client = clientFor(fetch);
  if (kind === "read_records") {
    const { data } = await readRecords(client);
    return { rows: data.shape.height, columns: data.shape.width };
  }
  const out = `${dirOf(n)}/out-${crypto.randomUUID()}`;
  try {
    const { frames } = await runExport(client, { out, format: "parquet", labels: "label" });
    const all = [...frames.values()];
    return {
      rows: all.reduce((s, f) => s + f.shape.height, 0),
      columns: all.reduce((s, f) => s + f.shape.width, 0),
    };
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

async function runCase(kind: Case, n: number): Promise<void> {
  const fetch = diskFetch(dirOf(n));
  const start = performance.now();
  const shape = await run(kind, n, fetch);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, peakMiB: peakRssMiB(), ...shape }));
}

async function main(sizes: number[]): Promise<void> {
  const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
  const table = [
    "| records | case | rows × cols | seconds | peak MiB | time vs read | peak vs read | goal |",
    "|---:|---|---|---:|---:|---:|---:|---|",
  ];
  for (const n of sizes) {
    await recordResponses(dirOf(n), n, async (fetch) => {
      for (const kind of CASES) await run(kind, n, fetch);
    });
    const results = await runRounds(import.meta.filename!, CASES, n, rounds);
    const summary = Object.fromEntries(CASES.map((kind) => [kind, {
      seconds: median(results[kind].map((r) => r.seconds)),
      peakMiB: median(results[kind].map((r) => r.peakMiB)),
      shape: `${results[kind][0].rows} × ${results[kind][0].columns}`,
    }]));
    const base = summary.read_records;
    for (const kind of CASES) {
      const s = summary[kind];
      table.push(
        `| ${n} | ${kind} | ${s.shape} | ${s.seconds.toFixed(2)} | ${s.peakMiB.toFixed(0)} | ` +
          `${(s.seconds / base.seconds).toFixed(2)}x | ${
            (s.peakMiB / base.peakMiB).toFixed(2)
          }x | ` +
          `${kind === "export_parquet" ? "≤ 1.5x time and peak" : ""} |`,
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
