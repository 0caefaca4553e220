/**
 * Runs every benchmark in `bench/`, one after another, each in its own process: the
 * `Deno.bench` files through `deno bench`, the table-printing scripts through `deno run` (with
 * the record counts given). A file it does not know is run by what it contains (`Deno.bench`
 * calls, else `import.meta.main`), so a new benchmark is never skipped silently.
 *
 * Run: `deno run -A bench/main.ts [--only server,frames] [10000 100000]`. With one record
 * count, it is also handed to the `Deno.bench` files as `BENCH_RECORDS`.
 *
 * @module
 */

/** How one benchmark file is run. */
interface BenchEntry {
  /** File name in `bench/`. */
  file: string;
  /** `bench`: `deno bench`; `run`: `deno run` with the record counts as arguments. */
  mode: "bench" | "run";
  /** Extra flags for deno. */
  flags?: string[];
}

const KNOWN: BenchEntry[] = [
  { file: "logic_bench.ts", mode: "bench" },
  { file: "write_bench.ts", mode: "bench" },
  { file: "client_bench.ts", mode: "bench", flags: ["--v8-flags=--expose-gc"] },
  { file: "frames_bench.ts", mode: "run" },
  { file: "wide_bench.ts", mode: "bench" },
  { file: "server_bench.ts", mode: "run" },
  { file: "demo_bench.ts", mode: "bench" },
  { file: "handoff_bench.ts", mode: "run" },
  { file: "serve_bench.ts", mode: "run" },
];

/** Every benchmark file of the folder with how to run it, known ones first. */
function benchEntries(dir: URL): BenchEntry[] {
  const files = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith("_bench.ts"))
    .map((e) => e.name)
    .sort();
  const entries = KNOWN.filter((k) => files.includes(k.file));
  for (const file of files) {
    if (entries.some((e) => e.file === file)) continue;
    const text = Deno.readTextFileSync(new URL(file, dir));
    entries.push({ file, mode: text.includes("Deno.bench(") ? "bench" : "run" });
  }
  return entries;
}

async function main(args: string[]): Promise<number> {
  let only: string[] | undefined;
  const sizes: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--only") only = (args[++i] ?? "").split(",").map((s) => s.trim());
    else if (/^\d+$/.test(args[i])) sizes.push(args[i]);
    else throw new Error(`Cannot run the benchmarks: unknown argument "${args[i]}"`);
  }
  const dir = new URL("./", import.meta.url);
  const entries = benchEntries(dir).filter((e) =>
    !only || only.some((name) => e.file === name || e.file === `${name}_bench.ts`)
  );
  const failed: string[] = [];
  for (const entry of entries) {
    const path = new URL(entry.file, dir).pathname;
    const command = entry.mode === "bench"
      ? ["bench", "-A", ...(entry.flags ?? []), path]
      : ["run", "-A", ...(entry.flags ?? []), path, ...sizes];
    console.log(`\n## ${entry.file}\n\n$ deno ${command.join(" ")}\n`);
    const env: Record<string, string> = {};
    if (entry.mode === "bench" && sizes.length === 1) env.BENCH_RECORDS = sizes[0];
    const status = await new Deno.Command(Deno.execPath(), {
      args: command,
      env,
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status;
    if (!status.success) failed.push(entry.file);
  }
  if (failed.length > 0) console.error(`\nFailed: ${failed.join(", ")}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
