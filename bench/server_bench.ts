/**
 * Local server throughput: flat CSV export, EAV export and flat CSV import of the demo design at
 * 10,000 and 100,000 records, each beside its floor (a bare SQLite read, or insert, of the same
 * stored rows), measured in the same run. Every case runs in its own process so its peak memory
 * (VmHWM) is its own.
 *
 * Run: `deno run -A bench/server_bench.ts [10000 100000]` (or `deno task bench:server`).
 *
 * @module
 */
import { createRedcapHandler } from "../lib/server/handler.ts";
import { demoProject } from "../lib/server/demo.ts";
import { loadProject } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";

type Case = "export_flat" | "export_eav" | "read_floor" | "import_flat" | "insert_floor";

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function post(store: RedcapStore, token: string, params: Record<string, string>) {
  const handler = createRedcapHandler(store);
  const response = await handler(
    new Request("http://bench/api/", {
      method: "POST",
      body: new URLSearchParams({ token, ...params }),
    }),
  );
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/** Runs one case in this process and prints `{seconds, peakMiB, rows}` as JSON. */
async function runCase(kind: Case, dbPath: string, n: number): Promise<void> {
  const store = RedcapStore.open(dbPath);
  const token = store.tokens()[0].token;
  const projectId = store.projectIds()[0];
  let rows = 0;
  const start = performance.now();
  if (kind === "export_flat") {
    rows = (await post(store, token, { content: "record", format: "csv", type: "flat" }))
      .length;
  } else if (kind === "export_eav") {
    rows = (await post(store, token, { content: "record", format: "json", type: "eav" })).length;
  } else if (kind === "read_floor") {
    let bytes = 0;
    for (
      const row of store.db.prepare(
        "SELECT record, event_id, instance, field_name, value FROM data WHERE project_id = ?",
      ).iterate(projectId)
    ) {
      bytes += (row.value as string).length;
      rows++;
    }
    if (bytes < 0) throw new Error("unreachable");
  } else if (kind === "import_flat") {
    const csv = Deno.readTextFileSync(`${dbPath}.csv`);
    const definition = demoProject({ records: 0 });
    const target = RedcapStore.open();
    const loaded = loadProject(target, { ...definition, records: [] });
    const t0 = performance.now();
    await post(target, loaded.tokens[0], { content: "record", format: "csv", data: csv });
    console.log(
      JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakMiB: peakRssMiB(), n }),
    );
    return;
  } else if (kind === "insert_floor") {
    const all = store.db.prepare(
      "SELECT record, event_id, instance, field_name, value FROM data WHERE project_id = ?",
    ).all(projectId);
    const target = RedcapStore.open();
    const t0 = performance.now();
    const insert = target.db.prepare(
      "INSERT INTO data (project_id, record, event_id, instance, field_name, value) VALUES (?,?,?,?,?,?)",
    );
    target.db.exec("BEGIN");
    for (const r of all) {
      insert.run(
        1,
        r.record as string,
        r.event_id as number,
        r.instance as number,
        r.field_name as string,
        r.value as string,
      );
    }
    target.db.exec("COMMIT");
    console.log(
      JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakMiB: peakRssMiB(), n }),
    );
    return;
  }
  console.log(
    JSON.stringify({ seconds: (performance.now() - start) / 1000, peakMiB: peakRssMiB(), rows, n }),
  );
}

async function child(kind: Case, dbPath: string, n: number) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--case", kind, dbPath, String(n)],
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`case ${kind} failed`);
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as { seconds: number; peakMiB: number };
}

async function main(sizes: number[]) {
  const table: string[] = [
    "| records | operation | seconds | records/s | floor seconds | ratio to floor | peak MiB |",
    "|---:|---|---:|---:|---:|---:|---:|",
  ];
  for (const n of sizes) {
    const dir = Deno.makeTempDirSync();
    const dbPath = `${dir}/bench.db`;
    const setupStart = performance.now();
    const store = RedcapStore.open(dbPath);
    const { tokens } = loadProject(store, demoProject({ records: n }));
    Deno.writeTextFileSync(
      `${dbPath}.csv`,
      await post(store, tokens[0], { content: "record", format: "csv", type: "flat" }),
    );
    store.close();
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
          `${result.peakMiB.toFixed(0)} |`,
      );
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
