/**
 * Runs every notebook in `notebooks/` without Jupyter: its code cells, in order, become one
 * module that `deno run` executes with the repo's `deno.json`. The value a cell ends with (what
 * the Deno kernel would display) is rendered through its `Symbol.for("Jupyter.display")` bundle,
 * as the kernel does, and printed, so a broken display fails too and a token shown anywhere is
 * caught.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { DEMO_DAG_TOKEN, DEMO_TOKEN } from "denocap/server";
import { notebookModule } from "./_notebook_module.ts";

const ROOT = new URL("../", import.meta.url);
const NOTEBOOKS = new URL("notebooks/", ROOT);

/** A 32- or 64-character hexadecimal run, the shape of a REDCap API token. */
const TOKEN_LIKE = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

function notebookNames(): string[] {
  return [...Deno.readDirSync(NOTEBOOKS)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
    .map((entry) => entry.name)
    .sort();
}

function readCells(name: string): Cell[] {
  return JSON.parse(Deno.readTextFileSync(new URL(name, NOTEBOOKS))).cells as Cell[];
}

function text(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

Deno.test("notebooks/ holds the six example notebooks, in reading order", () => {
  deepStrictEqual(notebookNames(), [
    "01_connect_and_read.ipynb",
    "02_dictionary_labels_checkboxes.ipynb",
    "03_longitudinal_repeating_eav.ipynb",
    "04_analysis_and_plots.ipynb",
    "05_clean_and_write_back.ipynb",
    "06_tables_and_summaries.ipynb",
  ]);
});

for (const name of notebookNames()) {
  Deno.test(`notebook ${name} is stored clean and ends with a commented real-server cell`, () => {
    const cells = readCells(name);
    ok(cells.some((c) => c.cell_type === "markdown"), "the notebook has prose");
    for (const [i, cell] of cells.entries()) {
      if (cell.cell_type !== "code") continue;
      deepStrictEqual(cell.outputs, [], `cell ${i} of ${name} has stored outputs`);
      strictEqual(cell.execution_count ?? null, null, `cell ${i} of ${name} was executed`);
    }
    const code = cells.filter((c) => c.cell_type === "code").map((c) => text(c.source));
    const last = code[code.length - 1];
    ok(last.includes("RedcapClient.fromEnv()"), "the last code cell points at a real server");
    ok(
      last.split("\n").every((line) => line.trim() === "" || line.trimStart().startsWith("//")),
      "the real-server cell is commented out",
    );
    ok(!TOKEN_LIKE.test(JSON.stringify(cells)), `${name} holds a token`);
    for (const source of code) {
      for (const match of source.matchAll(/from "([^"]+)"/g)) {
        ok(
          ["denocap", "denocap/server", "denocap/plot", "denocap/jupyter", "nodejs-polars"]
            .includes(match[1]),
          `${name} imports "${match[1]}": notebooks import the package's public entry points`,
        );
      }
    }
  });

  Deno.test(`notebook ${name} runs top to bottom and never shows a token`, async () => {
    const cells = readCells(name).filter((c) => c.cell_type === "code").map((c) => text(c.source));
    const dir = await Deno.makeTempDir({ prefix: "denocap_notebook_" });
    try {
      const module = join(dir, name.replace(/\.ipynb$/, ".ts"));
      await Deno.writeTextFile(module, notebookModule(cells));
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--no-check",
          "--config",
          fromFileUrl(new URL("deno.json", ROOT)),
          module,
        ],
        cwd: fromFileUrl(NOTEBOOKS),
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(output.stdout);
      const stderr = new TextDecoder().decode(output.stderr);
      strictEqual(output.code, 0, `${name} failed:\n${stderr.slice(-4000)}`);
      const shown = stdout + stderr;
      ok(!shown.includes(DEMO_TOKEN) && !shown.includes(DEMO_DAG_TOKEN), `${name} showed a token`);
      const leak = shown.match(TOKEN_LIKE);
      ok(!leak, `${name} showed something shaped like a token near: ${leak?.index}`);
      const displays = [...stdout.matchAll(/^@@display (\d+) (\S+)$/gm)];
      ok(displays.length >= cells.length / 2, `${name} displays too little: ${displays.length}`);
      for (const chart of stdout.split("@@svg\n").slice(1)) {
        ok(chart.startsWith("<svg"), "a chart's SVG fallback is SVG");
        ok(/class="mark-/.test(chart.slice(0, chart.indexOf("</svg>"))), "a chart drew no marks");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
