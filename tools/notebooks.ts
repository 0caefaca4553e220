/**
 * `deno task notebooks`: executes every notebook of `notebooks/` with the Deno kernel (a fresh
 * kernel per notebook, outputs cleared first; nbclient, as `jupyter nbconvert --execute`) and
 * stores it with its outputs, so GitHub, nbconvert HTML and JupyterLab without a kernel show the
 * results.
 *
 * The Deno kernel sometimes sends a cell's result after the message that ends the cell, which
 * plain nbconvert drops (seen on `await` cells); `execute_notebook.py` keeps those. Should a cell
 * that ends with a value still show no result, the run is retried, up to `--tries` runs
 * (default 3), and then fails naming the cells.
 *
 * `deno task notebooks --check` (CI) stores nothing: it fails when a stored notebook's code
 * differs from the code its outputs came from, then executes each notebook (with the same
 * retries) and fails when a fresh run's outputs differ in shape from the stored ones.
 *
 * Usage: `deno run -A tools/notebooks.ts [--check] [--tries N] [01_connect_and_read.ipynb ...]`.
 * Needs Jupyter's nbclient (Debian: jupyter-nbconvert, python3-nbclient) with the Deno kernel
 * (`deno jupyter --install`), and `rsvg-convert` (charts carry a PNG).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { codeHash, type Notebook, outputProblems, outputShape } from "./notebook_cells.ts";

const NOTEBOOKS = fileURLToPath(new URL("../notebooks/", import.meta.url));
const EXECUTE = new URL("execute_notebook.py", import.meta.url);

/**
 * The Python that runs `jupyter nbconvert` (it has nbclient and nbformat): the interpreter named
 * on the first line of the `jupyter-nbconvert` script, else `python3`.
 */
function jupyterPython(): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      const first = Deno.readTextFileSync(join(dir, "jupyter-nbconvert")).split("\n")[0];
      if (first.startsWith("#!") && !first.includes(" ")) return first.slice(2);
    } catch {
      // Not in this folder.
    }
  }
  return "python3";
}

/**
 * Executes one notebook in a fresh kernel with `tools/execute_notebook.py` (nbclient, as
 * `jupyter nbconvert --execute`, keeping the outputs Deno's kernel sends late); returns it.
 */
async function execute(name: string, outDir: string): Promise<Notebook> {
  const target = join(outDir, name);
  const output = await new Deno.Command(jupyterPython(), {
    args: [fileURLToPath(EXECUTE), join(NOTEBOOKS, name), target, "deno", "600"],
    // In notebooks/, so the kernel finds the repository's deno.json ("denocap" imports).
    cwd: NOTEBOOKS,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr);
    throw new Error(`Cannot execute ${name}:\n${stderr.slice(-3000)}`);
  }
  return JSON.parse(await Deno.readTextFile(target)) as Notebook;
}

/** Executes until every output is there, up to `tries` runs; throws naming what is missing. */
async function executeComplete(name: string, tries: number): Promise<Notebook> {
  const dir = await Deno.makeTempDir({ prefix: "denocap_notebooks_" });
  try {
    for (let run = 1;; run++) {
      const executed = await execute(name, dir);
      const problems = outputProblems(executed);
      if (problems.length === 0) return executed;
      const lost = problems.every((p) => p.endsWith("shows no result"));
      if (!lost || run >= tries) {
        throw new Error(
          `${name}, run ${run} of ${tries}: ${problems.join("; ")}` +
            (lost ? " (the Deno kernel dropped these outputs every time)" : ""),
        );
      }
      console.log(`${name}: ${problems.join("; ")}; executing again (run ${run + 1})`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Sorts object keys, as nbformat writes notebooks. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** The executed notebook as stored: timings dropped, the executed code's hash recorded. */
async function stored(executed: Notebook): Promise<string> {
  for (const cell of executed.cells) delete cell.metadata?.execution;
  executed.metadata.denocap = { code_sha256: await codeHash(executed) };
  return JSON.stringify(sortKeys(executed), null, 1) + "\n";
}

/** Fails when the stored notebook's outputs came from other code or differ from a fresh run. */
async function check(name: string, tries: number): Promise<void> {
  const path = join(NOTEBOOKS, name);
  const current = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  if (current.metadata.denocap?.code_sha256 !== await codeHash(current)) {
    throw new Error(
      `${name}: its code differs from the code its stored outputs came from; ` +
        "run `deno task notebooks` and commit the result",
    );
  }
  const executed = await executeComplete(name, tries);
  if (await codeHash(executed) !== await codeHash(current)) {
    throw new Error(`${name}: the executed code differs from the stored code`);
  }
  const want = JSON.stringify(outputShape(current));
  const got = JSON.stringify(outputShape(executed));
  if (want !== got) {
    throw new Error(
      `${name}: a fresh run's outputs differ from the stored ones ` +
        `(stored ${want}, fresh ${got}); run \`deno task notebooks\` and commit the result`,
    );
  }
}

if (import.meta.main) {
  const args = [...Deno.args];
  const checking = args.includes("--check");
  const at = args.indexOf("--tries");
  const tries = at >= 0 ? Number(args[at + 1]) : 3;
  if (!Number.isInteger(tries) || tries < 1) {
    console.error(`--tries must be a whole number of runs, got "${args[at + 1]}"`);
    Deno.exit(2);
  }
  const named = args.filter((a, i) => a.endsWith(".ipynb") && args[i - 1] !== "--tries");
  const names = named.length > 0 ? named : [...Deno.readDirSync(NOTEBOOKS)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
  let failed = 0;
  for (const name of names) {
    try {
      if (checking) {
        await check(name, tries);
        console.log(`${name}: stored outputs match a fresh run`);
      } else {
        const text = await stored(await executeComplete(name, tries));
        await Deno.writeTextFile(join(NOTEBOOKS, name), text);
        console.log(`${name}: executed and stored (${Math.round(text.length / 1024)} KB)`);
      }
    } catch (error) {
      failed++;
      console.error((error as Error).message);
    }
  }
  if (failed > 0) Deno.exit(1);
}
