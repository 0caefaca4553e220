/**
 * `exportRecords()` on the demo project scaled to 100,000 records (76 columns, ~526,000 flat
 * rows), flat CSV to an all-string frame:
 *
 * - client one-shot vs fetching the same body and calling `pl.readCSV` directly (target ≤ 1.3x);
 * - client with default settings (ids first, batches of 10,000, 4 at a time) vs one-shot
 *   (target ≤ 1.5x).
 *
 * The local server needs about two minutes per 100,000-record export, which would drown the
 * client's own cost, so every distinct request is answered once by the real handler during
 * setup and then replayed byte for byte: the benchmark measures the client. The store is kept
 * in `$TMPDIR/denocap-bench-<records>.sqlite` between runs (building it takes ~2 minutes), and
 * the recorded answers beside it (delete `<store>.answers/` after changing the server).
 *
 * Run: `deno bench -A --v8-flags=--expose-gc bench/client_bench.ts` (set
 * `BENCH_RECORDS=10000` for a quick run). Without `--expose-gc`, V8 does not see the native
 * memory of dropped frames and a 100,000-record run can grow past 15 GB.
 *
 * @module
 */
import pl from "../lib/deps/polars.ts";
import { RedcapClient } from "../lib/client.ts";
import { createRedcapHandler } from "../lib/server/handler.ts";
import { loadProject } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";
import { DEMO_TOKEN, demoProject } from "../lib/server/demo/mod.ts";

/** Frees the previous frame's native memory (V8 does not see it); needs --expose-gc. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** Collects garbage and lets the native finalizers of dropped frames run. */
async function gc(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const RECORDS = Number(Deno.env.get("BENCH_RECORDS") ?? 100_000);
const URL_ = "http://redcap.test/api/";
const path = `${Deno.env.get("TMPDIR") ?? "/tmp"}/denocap-bench-${RECORDS}.sqlite`;

function openStore(): RedcapStore {
  let exists = false;
  try {
    exists = Deno.statSync(path).isFile;
  } catch { /* build it */ }
  const store = RedcapStore.open(path);
  if (!exists || !store.token(DEMO_TOKEN)) {
    const started = performance.now();
    loadProject(store, demoProject({ records: RECORDS }), { token: DEMO_TOKEN });
    console.error(`built ${path} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return store;
}

const handler = createRedcapHandler(openStore());

/**
 * Answers each distinct request body once through the handler, then replays it. Answers are
 * also kept in `<store>.answers/` so later runs skip the slow live exports.
 */
const answers = new Map<string, { body: Uint8Array; headers: [string, string][] }>();
let live = 0;
async function replayFetch(input: Request | URL | string, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const key = await request.clone().text();
  let answer = answers.get(key);
  if (!answer) {
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)),
    );
    const file = `${path}.answers/${
      Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")
    }`;
    try {
      answer = {
        body: Deno.readFileSync(file),
        headers: JSON.parse(Deno.readTextFileSync(`${file}.json`)),
      };
    } catch {
      live++;
      const response = await handler(request);
      answer = {
        body: new Uint8Array(await response.arrayBuffer()),
        headers: [...response.headers],
      };
      if (response.status === 200) {
        Deno.mkdirSync(`${path}.answers`, { recursive: true });
        Deno.writeFileSync(file, answer.body);
        Deno.writeTextFileSync(`${file}.json`, JSON.stringify(answer.headers));
      }
    }
    answers.set(key, answer!);
  }
  return new Response(answer.body as BodyInit, { status: 200, headers: answer.headers });
}

const client = () =>
  new RedcapClient(URL_, DEMO_TOKEN, { fetch: replayFetch, progressBar: false, retry: 1 });
const rawBody = () =>
  new URLSearchParams({
    token: DEMO_TOKEN,
    content: "record",
    format: "csv",
    type: "flat",
    returnFormat: "json",
  });

// Warm the replay cache with every request the benchmarks send (the real server's time).
{
  let t = performance.now();
  const one = await client().exportRecords({ batchSize: Infinity });
  const oneShotLive = performance.now() - t;
  t = performance.now();
  const auto = await client().exportRecords();
  const autoLive = performance.now() - t;
  if (one.getColumns()[0].len() !== auto.getColumns()[0].len()) {
    throw new Error("batched and one-shot exports differ in rows");
  }
  console.error(
    `${live > 0 ? "live server" : "recorded answers"} (setup): one-shot ${
      (oneShotLive / 1000).toFixed(1)
    } s, default ` +
      `${(autoLive / 1000).toFixed(1)} s (${(autoLive / oneShotLive).toFixed(2)}x); ` +
      `${
        one.getColumns()[0].len()
      } rows x ${one.getColumns().length} columns; ${live} live requests`,
  );
  await fetchAndRead();
}

/**
 * The load of a shared machine swings single timings by 2x, so the ratios are also measured
 * interleaved: each round runs every variant once, and the medians are compared.
 */
if (Deno.env.get("BENCH_INTERLEAVED") !== "0") {
  const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
  const variants: Record<string, () => Promise<unknown>> = {
    "direct (text)": fetchAndRead,
    "direct (bytes)": fetchAndReadBytes,
    "client one-shot": () => client().exportRecords({ batchSize: Infinity }),
    "client default": () => client().exportRecords(),
  };
  const times: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      await gc();
      const started = performance.now();
      await run();
      (times[name] ??= []).push(performance.now() - started);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  for (const [name, value] of Object.entries(m)) {
    console.error(`interleaved median over ${rounds} rounds: ${name} ${value.toFixed(0)} ms`);
  }
  console.error(
    `ratios: client one-shot / direct (text) ${
      (m["client one-shot"] / m["direct (text)"]).toFixed(2)
    }x, ` +
      `/ direct (bytes) ${(m["client one-shot"] / m["direct (bytes)"]).toFixed(2)}x; ` +
      `client default / client one-shot ${
        (m["client default"] / m["client one-shot"]).toFixed(2)
      }x`,
  );
}

async function fetchAndReadBytes(): Promise<pl.DataFrame> {
  const response = await replayFetch(URL_, { method: "POST", body: rawBody() });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return pl.readCSV(Buffer.from(bytes.buffer), { inferSchemaLength: 0 });
}

async function fetchAndRead(): Promise<pl.DataFrame> {
  const response = await replayFetch(URL_, { method: "POST", body: rawBody() });
  return pl.readCSV(await response.text(), { inferSchemaLength: 0 });
}

Deno.bench({
  name: "fetch + pl.readCSV(text) directly",
  group: "client vs direct",
  baseline: true,
  n: 6,
  warmup: 1,
  fn: async (b) => {
    await gc();
    b.start();
    await fetchAndRead();
    b.end();
  },
});

Deno.bench({
  name: "fetch + pl.readCSV(bytes) directly",
  group: "client vs direct",
  n: 6,
  warmup: 1,
  fn: async (b) => {
    await gc();
    b.start();
    await fetchAndReadBytes();
    b.end();
  },
});

Deno.bench({
  name: "exportRecords({ batchSize: Infinity }) one-shot",
  group: "client vs direct",
  n: 6,
  warmup: 1,
  fn: async (b) => {
    await gc();
    b.start();
    await client().exportRecords({ batchSize: Infinity });
    b.end();
  },
});

Deno.bench({
  name: "exportRecords({ batchSize: Infinity }) one-shot ",
  group: "batched vs one-shot",
  baseline: true,
  n: 6,
  warmup: 1,
  fn: async (b) => {
    await gc();
    b.start();
    await client().exportRecords({ batchSize: Infinity });
    b.end();
  },
});

Deno.bench({
  name: "exportRecords() default (ids, batches of 10,000, concurrency 4)",
  group: "batched vs one-shot",
  n: 6,
  warmup: 1,
  fn: async (b) => {
    await gc();
    b.start();
    await client().exportRecords();
    b.end();
  },
});
