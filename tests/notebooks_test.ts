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
import { HEAVY } from "./_heavy.ts";
import {
  type Cell,
  cellText as text,
  codeHash,
  type Notebook,
  outputProblems,
} from "../tools/notebook_cells.ts";

const ROOT = new URL("../", import.meta.url);
const NOTEBOOKS = new URL("notebooks/", ROOT);

/** A 32- or 64-character hexadecimal run, the shape of a REDCap API token. */
const TOKEN_LIKE = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

function notebookNames(): string[] {
  return [...Deno.readDirSync(NOTEBOOKS)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".ipynb"))
    .map((entry) => entry.name)
    .sort();
}

function readNotebook(name: string): Notebook {
  return JSON.parse(Deno.readTextFileSync(new URL(name, NOTEBOOKS))) as Notebook;
}

function readCells(name: string): Cell[] {
  return readNotebook(name).cells;
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
  Deno.test(`notebook ${name} is stored executed, with its results and PNG charts`, async () => {
    const notebook = readNotebook(name);
    strictEqual(
      notebook.metadata.denocap?.code_sha256,
      await codeHash(notebook),
      `${name}: the code differs from the code its outputs came from; run \`deno task notebooks\``,
    );
    deepStrictEqual(outputProblems(notebook), [], `${name}: run \`deno task notebooks\``);
    const code = notebook.cells.filter((c) => c.cell_type === "code");
    deepStrictEqual(
      code.map((c) => c.execution_count),
      code.map((_, i) => i + 1),
      "every code cell executed once, in order, by one kernel",
    );
    const charts = code.flatMap((c) => c.outputs ?? []).filter((o) =>
      o.data && "application/vnd.vegalite.v5+json" in o.data
    );
    ok(charts.length > 0, `${name} shows no chart`);
    for (const chart of charts) {
      const png = String(chart.data!["image/png"]);
      ok(png.startsWith("iVBORw0KGgo"), "a chart's PNG is base64 PNG");
    }
    const size = Deno.statSync(new URL(name, NOTEBOOKS)).size;
    ok(size < 600_000, `${name} is ${size} bytes: keep stored notebooks small`);
  });

  Deno.test(`notebook ${name} ends with a commented real-server cell and holds no token`, () => {
    const cells = readCells(name);
    ok(cells.some((c) => c.cell_type === "markdown"), "the notebook has prose");
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
          [
            "denocap",
            "denocap/server",
            "denocap/plot",
            "denocap/jupyter",
            "npm:nodejs-polars@0.25.2",
          ]
            .includes(match[1]),
          `${name} imports "${match[1]}": notebooks import the package's public entry points`,
        );
      }
    }
  });

  Deno.test({
    name: `notebook ${name} runs top to bottom and never shows a token`,
    // The first notebook always; all of them as heavy tests (DENOCAP_HEAVY_TESTS=1).
    ignore: !HEAVY && !name.startsWith("01_"),
  }, async () => {
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
      for (const chart of stdout.split("@@png\n").slice(1)) {
        ok(chart.startsWith("iVBORw0KGgo"), "a chart's PNG is base64 PNG");
      }
      for (const chart of stdout.split("@@svg\n").slice(1)) {
        ok(chart.startsWith("<svg"), "a chart's SVG fallback is SVG");
        ok(/class="mark-/.test(chart.slice(0, chart.indexOf("</svg>"))), "a chart drew no marks");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
