/**
 * The pages people look at, in a real browser: the demo report, and each stored notebook as
 * `jupyter nbconvert --to html` makes it, load in headless Chromium; every chart on them is laid
 * out (the report's SVG with its marks drawn, the notebooks' PNG decoded). Skips, saying why,
 * when Chromium or nbconvert is missing.
 */
import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { demoReport } from "../lib/demo/report.ts";
import { createDemoClient } from "../lib/demo/client.ts";
import {
  findChromium,
  findNbconvert,
  notebookToHtml,
  type PageProbe,
  probePage,
  ROOT,
} from "./_chromium.ts";
import { HEAVY } from "./_heavy.ts";

function notebookNames(): string[] {
  return [...Deno.readDirSync(join(ROOT, "notebooks"))]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
}

const TOKEN_LIKE = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

const chrome = findChromium();
const nbconvert = chrome ? findNbconvert(false) : undefined;
if (!chrome) {
  console.log("browser_test: skipped, Chromium is not installed (apt-get install chromium)");
} else if (!nbconvert) {
  console.log(
    "browser_test: notebook pages skipped, jupyter-nbconvert is missing " +
      "(apt-get install jupyter-nbconvert)",
  );
}

function assertChartsDrawn(probe: PageProbe, expected: number, page: string): void {
  const charts = probe.svgs.filter((svg) => svg.width > 0 && svg.height > 0);
  strictEqual(
    charts.length,
    expected,
    `${page}: ${charts.length} of ${expected} charts have marks`,
  );
  for (const [i, svg] of charts.entries()) {
    ok(
      svg.width > 50 && svg.height > 50,
      `${page}: chart ${i} is laid out ${svg.width}×${svg.height}`,
    );
    ok(svg.marks > 0, `${page}: chart ${i} has no data marks`);
    strictEqual(
      svg.drawn,
      svg.marks,
      `${page}: chart ${i} drew ${svg.drawn} of ${svg.marks} marks`,
    );
  }
  ok(!/\b(?:Error|Traceback|Uncaught)\b/.test(probe.text), `${page} shows an error`);
  ok(!TOKEN_LIKE.test(probe.text), `${page} shows something shaped like a token`);
}

Deno.test({
  name: "the demo report draws every chart in Chromium",
  ignore: !chrome,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denocap_browser_" });
    try {
      const report = await demoReport(createDemoClient({ records: 60 }));
      const file = join(dir, "index.html");
      await Deno.writeTextFile(file, report.html);
      const probe = await probePage(chrome!, file);
      assertChartsDrawn(probe, report.charts.length, "demo report");
      ok(probe.text.includes("Baseline characteristics"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const name of notebookNames()) {
  Deno.test({
    name: `jupyter nbconvert --to html of the stored ${name} shows every chart in Chromium`,
    // Notebook 4 holds the most charts; the others are heavy tests (DENOCAP_HEAVY_TESTS=1).
    ignore: !chrome || !nbconvert || (!HEAVY && !name.startsWith("04_")),
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "denocap_browser_nb_" });
      try {
        const stored = JSON.parse(await Deno.readTextFile(join(ROOT, "notebooks", name)));
        const charts = stored.cells.flatMap((c: { outputs?: { data?: object }[] }) =>
          (c.outputs ?? []).filter((o) =>
            o.data && "application/vnd.vegalite.v5+json" in o.data
          )
        ).length;
        // A notebook of tables only (06) has no chart to look for; its HTML must still show.
        const html = await notebookToHtml(name, dir);
        const probe = await probePage(chrome!, html);
        strictEqual(probe.pngs.length, charts, `${name}: ${probe.pngs.length} of ${charts} charts`);
        for (const [i, png] of probe.pngs.entries()) {
          ok(
            png.naturalWidth > 100 && png.naturalHeight > 50,
            `${name}: chart ${i} did not decode`,
          );
          ok(
            png.width > 100 && png.height > 50,
            `${name}: chart ${i} is laid out ${png.width}×${png.height}`,
          );
        }
        ok(!/\b(?:Error|Traceback|Uncaught)\b/.test(probe.text), `${name}'s page shows an error`);
        ok(!TOKEN_LIKE.test(await Deno.readTextFile(html)), "the page holds a token");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
