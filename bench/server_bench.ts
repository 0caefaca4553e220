/**
 * Local server throughput: flat CSV export, EAV export and flat CSV import of the demo design at
 * 10,000 and 100,000 records, each beside its floor (a bare SQLite read, or insert, of the same
 * stored rows), measured in the same run. Every case runs in its own process so its peak memory
 * (VmHWM) is its own.
 *
 * - Response bodies are read as streams, counting bytes (an EAV JSON body is about 1.4 GB).
 * - The import's body is form-encoded at set-up and streamed from a file with its length, as a
 *   socket delivers it; the import and the insert floor write to database files (an in-memory
 *   database would count the whole database as the process's memory).
 * - The insert floor streams the source rows (`iterate()`, rows as arrays) into a fresh
 *   database in one transaction with one prepared statement.
 * - Wall-clock and CPU seconds (user + system) are both reported: on a busy shared machine the
 *   CPU ratio is the steadier one.
 *
 * Targets (the issue's): exports within 3x of the read floor, import within 5x of the insert
 * floor, peak memory under 1 GiB at 100,000 records.
 *
 * Run: `deno run -A bench/server_bench.ts [10000 100000]` (or `deno run -A bench/main.ts --only
 * server`).
 *
 * @module
 */
import process from "node:process";
import { createRedcapHandler } from "../lib/server/handler.ts";
import { demoProject } from "../lib/server/demo/mod.ts";
import { loadProject } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";

type Case = "export_flat" | "export_eav" | "read_floor" | "import_flat" | "insert_floor";

/** CPU seconds (user + system) this process has used: robust to a busy shared machine. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function post(
  store: RedcapStore,
  token: string,
  params: Record<string, string>,
): Promise<Response> {
  const handler = createRedcapHandler(store);
  const response = await handler(
    new Request("http://bench/api/", {
      method: "POST",
      body: new URLSearchParams({ token, ...params }),
    }),
  );
  if (response.status !== 200) {
    throw new Error(`${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  return response;
}

/** Reads a response body as a stream, counting its bytes (an EAV body is well over 1 GB). */
async function drain(response: Response): Promise<number> {
  let bytes = 0;
  for await (const chunk of response.body!) bytes += chunk.byteLength;
  return bytes;
}

/** Deletes a SQLite database file and its WAL files, if there. */
function removeDatabase(path: string): void {
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      Deno.removeSync(path + suffix);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

/** Runs one case in this process and prints `{seconds, cpu, peakMiB, rows}` as JSON. */
async function runCase(kind: Case, dbPath: string, n: number): Promise<void> {
  const store = RedcapStore.open(dbPath);
  const token = store.tokens()[0].token;
  const projectId = store.projectIds()[0];
  let rows = 0;
  const start = performance.now();
  const cpu0 = cpuSeconds();
  if (kind === "export_flat") {
    rows = await drain(
      await post(store, token, { content: "record", format: "csv", type: "flat" }),
    );
  } else if (kind === "export_eav") {
    rows = await drain(
      await post(store, token, { content: "record", format: "json", type: "eav" }),
    );
  } else if (kind === "read_floor") {
    let bytes = 0;
    for (
      const row of store.db.prepare(
        "SELECT rec_id, event_id, instance, field_id, value FROM data_values WHERE project_id = ?",
      ).iterate(projectId)
    ) {
      bytes += (row.value as string).length;
      rows++;
    }
    if (bytes < 0) throw new Error("unreachable");
  } else if (kind === "import_flat") {
    const definition = demoProject({ records: 0 });
    // A database file beside the source, like the insert floor's: an in-memory target would
    // count the whole database (about 850 MB at 100,000 records) as the import's memory.
    removeDatabase(`${dbPath}.import.db`);
    const target = RedcapStore.open(`${dbPath}.import.db`);
    const loaded = loadProject(target, { ...definition, records: [] });
    // The request body as a client sends it: form-encoded (written by the parent at set-up)
    // and streamed from a file with its length, as a socket would deliver it, so no client
    // copy counts as the server's memory.
    const bodyPath = `${dbPath}.body`;
    const prefix = new TextEncoder().encode(`token=${loaded.tokens[0]}&`);
    const file = await Deno.open(bodyPath);
    const stream = ReadableStream.from((async function* () {
      yield prefix;
      yield* file.readable;
    })());
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const response = await createRedcapHandler(target)(
      new Request("http://bench/api/", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(prefix.length + Deno.statSync(bodyPath).size),
        },
        body: stream,
      }),
    );
    const answer = await response.text();
    if (response.status !== 200) throw new Error(`${response.status}: ${answer.slice(0, 300)}`);
    if (answer !== String(n)) throw new Error(`import answered ${answer}, expected ${n}`);
    console.log(
      JSON.stringify({
        seconds: (performance.now() - t0) / 1000,
        cpu: cpuSeconds() - c0,
        peakMiB: peakRssMiB(),
        n,
      }),
    );
    return;
  } else if (kind === "insert_floor") {
    // Stream the source rows (arrays, not objects) into a fresh database: one transaction,
    // one prepared statement, never the 9M rows in memory at once.
    const source = store.db.prepare(
      "SELECT rec_id, event_id, instance, field_id, value FROM data_values WHERE project_id = ?",
    );
    // (missing from the node:sqlite type declarations, present at run time)
    (source as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
    removeDatabase(`${dbPath}.floor.db`);
    const target = RedcapStore.open(`${dbPath}.floor.db`);
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const insert = target.db.prepare(
      "INSERT INTO data_values (project_id, rec_id, event_id, instance, field_id, value) " +
        "VALUES (?,?,?,?,?,?)",
    );
    target.db.exec("BEGIN");
    for (const r of source.iterate(projectId) as Iterable<unknown[]>) {
      insert.run(1, r[0] as number, r[1] as number, r[2] as number, r[3] as number, r[4] as string);
    }
    target.db.exec("COMMIT");
    console.log(
      JSON.stringify({
        seconds: (performance.now() - t0) / 1000,
        cpu: cpuSeconds() - c0,
        peakMiB: peakRssMiB(),
        n,
      }),
    );
    return;
  }
  console.log(
    JSON.stringify({
      seconds: (performance.now() - start) / 1000,
      cpu: cpuSeconds() - cpu0,
      peakMiB: peakRssMiB(),
      rows,
      n,
    }),
  );
}

async function child(kind: Case, dbPath: string, n: number) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--case", kind, dbPath, String(n)],
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`case ${kind} failed`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as { seconds: number; cpu: number; peakMiB: number };
}

async function main(sizes: number[]) {
  const table: string[] = [
    "| records | operation | seconds | records/s | floor seconds | ratio to floor | " +
    "CPU s | floor CPU s | CPU ratio | peak MiB |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const n of sizes) {
    const dir = Deno.makeTempDirSync();
    const dbPath = `${dir}/bench.db`;
    const setupStart = performance.now();
    const store = RedcapStore.open(dbPath);
    const { tokens } = loadProject(store, demoProject({ records: n }));
    const csv = await post(store, tokens[0], { content: "record", format: "csv", type: "flat" });
    await csv.body!.pipeTo(
      (await Deno.open(`${dbPath}.csv`, { write: true, create: true })).writable,
    );
    store.close();
    Deno.writeTextFileSync(
      `${dbPath}.body`,
      new URLSearchParams({
        content: "record",
        format: "csv",
        data: Deno.readTextFileSync(`${dbPath}.csv`),
      }).toString(),
    );
    console.error(
      `set up ${n} records in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`,
    );
    const readFloor = await child("read_floor", dbPath, n);
    const insertFloor = await child("insert_floor", dbPath, n);
    for (
      const [kind, floor] of [
        ["export_flat", readFloor],
        ["export_eav", readFloor],
        ["import_flat", insertFloor],
      ] as const
    ) {
      const result = await child(kind, dbPath, n);
      table.push(
        `| ${n} | ${kind} | ${result.seconds.toFixed(2)} | ${Math.round(n / result.seconds)} | ` +
          `${floor.seconds.toFixed(2)} | ${(result.seconds / floor.seconds).toFixed(2)}x | ` +
          `${result.cpu.toFixed(2)} | ${floor.cpu.toFixed(2)} | ` +
          `${(result.cpu / floor.cpu).toFixed(2)}x | ${result.peakMiB.toFixed(0)} |`,
      );
      console.error(table[table.length - 1]);
    }
    Deno.removeSync(dir, { recursive: true });
  }
  console.log(table.join("\n"));
}

if (import.meta.main) {
  if (Deno.args[0] === "--case") {
    await runCase(Deno.args[1] as Case, Deno.args[2], Number(Deno.args[3]));
  } else {
    await main(Deno.args.length ? Deno.args.map(Number) : [10_000, 100_000]);
  }
}
