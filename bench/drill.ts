/**
 * Concurrency and crash drill of the local server (issue 21, "Done when"), against real
 * `serve` processes on a database file:
 *
 * 1. **Concurrency**: 8 importers send 1,000 records each at the same time (10 requests of 100
 *    records apiece, one after another per importer); then every acknowledged record must be
 *    stored, and nothing else.
 * 2. **kill -9**: 10 trials of one 20,000-record import killed with SIGKILL at a random moment
 *    (uniform over 5% to 150% of the time a full import took in a calibration run). After each
 *    kill the database file is opened again: the import must be stored whole or not at all, and
 *    whole whenever it was acknowledged.
 *
 * Prints one table per drill: records acknowledged vs stored, and whether each trial was
 * all-or-nothing. Exits 1 when any trial lost acknowledged records or stored part of an import.
 *
 * Run: `deno run -A bench/drill.ts` (`DRILL_SEED=n` picks the kill moments; `DRILL_TRIALS`,
 * `DRILL_RECORDS` shrink it for a quick run).
 *
 * @module
 */
import { mulberry32 } from "../lib/_random.ts";
import { RedcapStore } from "../lib/server/store.ts";

const TOKEN = "D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1";
const IMPORTERS = 8;
const PER_IMPORTER = 1_000;
const PER_REQUEST = 100;
const KILL_RECORDS = Number(Deno.env.get("DRILL_RECORDS") ?? 20_000);
const TRIALS = Number(Deno.env.get("DRILL_TRIALS") ?? 10);
const SEED = Number(Deno.env.get("DRILL_SEED") ?? Date.now() % 1_000_000);
const SERVE = new URL("../lib/server/serve.ts", import.meta.url).pathname;

interface Server {
  url: string;
  process: Deno.ChildProcess;
}

/** Starts `serve` on a database file (an empty demo project) and waits until it listens. */
async function startServer(db: string): Promise<Server> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--db", db, "--token", TOKEN, "--records", "0"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/listening on (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Cannot start the server: it exited (${text.trim()})`);
    text += value;
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* killed */ }
  })();
  return { url: /listening on (\S+)/.exec(text)![1], process };
}

async function post(url: string, params: Record<string, string>): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, ...params }),
  });
}

/** The demo's first event holding the record ID's form (records are created there). */
async function firstEvent(url: string): Promise<string> {
  const mapping = await (await post(url, { content: "formEventMapping", format: "json" })).json();
  return mapping.find((m: { form: string }) => m.form === "enrollment").unique_event_name;
}

function rows(prefix: string, from: number, count: number, event: string): string {
  const lines = ["record_id,redcap_event_name,enrollment_complete"];
  for (let i = from; i < from + count; i++) lines.push(`${prefix}${i},${event},0`);
  return lines.join("\n") + "\n";
}

/** Records stored under a prefix, read from the database file itself. */
function storedRecords(db: string, prefix: string): { records: number; withData: number } {
  const store = RedcapStore.open(db);
  try {
    const like = `${prefix}%`;
    const records = Number(
      store.sql("SELECT COUNT(*) AS n FROM records WHERE record LIKE ?").get(like)!.n,
    );
    const withData = Number(
      store.sql("SELECT COUNT(DISTINCT record) AS n FROM data WHERE record LIKE ?").get(like)!.n,
    );
    return { records, withData };
  } finally {
    store.close();
  }
}

async function kill(server: Server): Promise<void> {
  try {
    server.process.kill("SIGKILL");
  } catch { /* already gone */ }
  await server.process.status;
}

async function concurrencyDrill(dir: string): Promise<boolean> {
  const db = `${dir}/concurrency.db`;
  const server = await startServer(db);
  const event = await firstEvent(server.url);
  const started = performance.now();
  const acknowledged = await Promise.all(
    Array.from({ length: IMPORTERS }, async (_, importer) => {
      let acked = 0;
      for (let from = 0; from < PER_IMPORTER; from += PER_REQUEST) {
        const response = await post(server.url, {
          content: "record",
          format: "csv",
          data: rows(`c${importer}-`, from, PER_REQUEST, event),
        });
        const body = await response.text();
        if (response.status === 200) acked += Number(body.trim());
        else console.error(`importer ${importer}: ${response.status} ${body.slice(0, 200)}`);
      }
      return acked;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await kill(server);
  console.log(
    `\nConcurrency: ${IMPORTERS} importers x ${PER_IMPORTER} records ` +
      `(${PER_REQUEST} per request), ${seconds.toFixed(1)} s\n`,
  );
  console.log("| importer | acknowledged | stored | all stored |");
  console.log("| --- | ---: | ---: | --- |");
  let good = true;
  for (let i = 0; i < IMPORTERS; i++) {
    const { records, withData } = storedRecords(db, `c${i}-`);
    const whole = records === acknowledged[i] && withData === records &&
      acknowledged[i] === PER_IMPORTER;
    good &&= whole;
    console.log(`| ${i} | ${acknowledged[i]} | ${records} | ${whole ? "yes" : "NO"} |`);
  }
  return good;
}

async function importAll(url: string, event: string, prefix: string): Promise<number> {
  const response = await post(url, {
    content: "record",
    format: "csv",
    data: rows(prefix, 0, KILL_RECORDS, event),
  });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`import answered ${response.status}: ${body}`);
  return Number(body.trim());
}

async function killDrill(dir: string): Promise<boolean> {
  const random = mulberry32(SEED);
  // Calibration: how long one full import takes here and now.
  const calibration = await startServer(`${dir}/calibration.db`);
  const event = await firstEvent(calibration.url);
  let started = performance.now();
  await importAll(calibration.url, event, "cal-");
  const fullMs = performance.now() - started;
  await kill(calibration);
  console.log(
    `\nkill -9: ${TRIALS} trials of one ${KILL_RECORDS}-record import; a full import took ` +
      `${Math.round(fullMs)} ms; seed ${SEED}\n`,
  );
  console.log("| trial | killed at (ms) | acknowledged | stored | all-or-nothing |");
  console.log("| ---: | ---: | ---: | ---: | --- |");
  let good = true;
  let whole = 0, none = 0;
  for (let trial = 1; trial <= TRIALS; trial++) {
    const db = `${dir}/kill-${trial}.db`;
    const server = await startServer(db);
    const at = Math.round(fullMs * (0.05 + 1.45 * random()));
    let acknowledged = 0;
    started = performance.now();
    const request = importAll(server.url, event, "k-").then(
      (count) => acknowledged = count,
      () => {/* the connection died with the server */},
    );
    await new Promise((resolve) => setTimeout(resolve, at));
    await kill(server);
    await request;
    const killedAt = Math.round(performance.now() - started);
    const { records, withData } = storedRecords(db, "k-");
    const allOrNothing = (records === 0 || records === KILL_RECORDS) && withData === records &&
      records >= acknowledged;
    if (records === KILL_RECORDS) whole++;
    else if (records === 0) none++;
    good &&= allOrNothing;
    console.log(
      `| ${trial} | ${killedAt} | ${acknowledged} | ${records} | ${allOrNothing ? "yes" : "NO"} |`,
    );
  }
  console.log(`\n${whole} trials stored the import whole, ${none} stored none of it.`);
  return good;
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "denocap-drill-" });
  try {
    const concurrent = await concurrencyDrill(dir);
    const killed = await killDrill(dir);
    console.log(
      `\nResult: concurrency ${concurrent ? "nothing lost" : "FAILED"}, kill -9 ` +
        `${killed ? "all-or-nothing every time" : "FAILED"}`,
    );
    if (!concurrent || !killed) Deno.exitCode = 1;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
