/**
 * The local server as `deno task serve --records N` runs it (issue 21, "Big exports hold
 * everyone else"): start-up until the banner, the flat CSV export of every record over HTTP,
 * and `content=version` requests sent while that export streams. The server is a child process
 * (its own event loop, its own memory), read through `/proc`.
 *
 * Printed per record count:
 * - start-up: wall and CPU seconds (user + system, steadier on a busy machine) until the server
 *   is listening, and its peak resident memory (VmHWM) then;
 * - export: body size, wall and CPU seconds, MB/s (wall and per CPU second), peak memory after;
 * - interleaving: `content=version` latencies while the export streams against the same
 *   requests on the idle server, measured in the same run (median, max, ratio of medians).
 *
 * Targets (the issue's): ready within 15 s at 100,000 records, flat CSV at 20 MB/s or more, a
 * small request answered within about 100 ms while an export streams.
 *
 * Run: `deno run -A bench/serve_bench.ts [100000 ...]` (or `deno run -A bench/main.ts --only
 * serve 100000`).
 *
 * @module
 */
import { DEMO_TOKEN } from "../lib/server/demo/mod.ts";

const SERVE = new URL("../lib/server/serve.ts", import.meta.url).pathname;
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from `/proc/PID/stat`. */
function cpuOf(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Peak resident memory of a process in MiB (VmHWM). */
function peakMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return match ? Number(match[1]) / 1024 : NaN;
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function version(url: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ token: DEMO_TOKEN, content: "version" }),
  });
  await response.text();
  if (response.status !== 200) throw new Error(`content=version answered ${response.status}`);
  return performance.now() - start;
}

interface Result {
  n: number;
  startSeconds: number;
  startCpu: number;
  startPeakMiB: number;
  bytes: number;
  exportSeconds: number;
  exportCpu: number;
  exportPeakMiB: number;
  idle: number[];
  busy: number[];
}

async function measure(n: number): Promise<Result> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--records", String(n), "--token", DEMO_TOKEN],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let banner = "";
    while (!/\ntoken [^\n]+\n/.test(banner)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server exited before it was ready: ${banner}`);
      banner += value;
    }
    const startSeconds = (performance.now() - started) / 1000;
    const startCpu = cpuOf(child.pid);
    const startPeakMiB = peakMiB(child.pid);
    const url = /listening on (\S+)/.exec(banner)![1];

    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push(await version(url));

    const cpu0 = cpuOf(child.pid);
    const t0 = performance.now();
    const response = await fetch(url, {
      method: "POST",
      body: new URLSearchParams({
        token: DEMO_TOKEN,
        content: "record",
        format: "csv",
        type: "flat",
      }),
    });
    let bytes = 0;
    let streaming = true;
    const drained = (async () => {
      for await (const chunk of response.body!) bytes += chunk.byteLength;
      streaming = false;
    })();
    const busy: number[] = [];
    while (streaming) {
      const latency = await version(url);
      if (streaming) busy.push(latency);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await drained;
    const exportSeconds = (performance.now() - t0) / 1000;
    const exportCpu = cpuOf(child.pid) - cpu0;
    return {
      n,
      startSeconds,
      startCpu,
      startPeakMiB,
      bytes,
      exportSeconds,
      exportCpu,
      exportPeakMiB: peakMiB(child.pid),
      idle,
      busy,
    };
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
  }
}

if (import.meta.main) {
  const sizes = Deno.args.length ? Deno.args.map(Number) : [100_000];
  const table = [
    "| records | ready s | ready CPU s | ready peak MiB | CSV MB | export s | export CPU s | " +
    "MB/s | MB per CPU s | peak MiB after | version ms idle (median) | " +
    "version ms during export (median / max, n) | busy/idle |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const n of sizes) {
    const r = await measure(n);
    const mb = r.bytes / 1e6;
    const idle = median(r.idle), busy = median(r.busy);
    table.push(
      `| ${n} | ${r.startSeconds.toFixed(1)} | ${r.startCpu.toFixed(1)} | ` +
        `${r.startPeakMiB.toFixed(0)} | ${mb.toFixed(1)} | ${r.exportSeconds.toFixed(1)} | ` +
        `${r.exportCpu.toFixed(1)} | ${(mb / r.exportSeconds).toFixed(1)} | ` +
        `${(mb / r.exportCpu).toFixed(1)} | ${r.exportPeakMiB.toFixed(0)} | ` +
        `${idle.toFixed(1)} | ${busy.toFixed(0)} / ${Math.max(...r.busy).toFixed(0)}, ` +
        `${r.busy.length} | ${(busy / idle).toFixed(1)}x |`,
    );
    console.error(table[table.length - 1]);
  }
  console.log(table.join("\n"));
}
