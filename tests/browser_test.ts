/**
 * The pages people look at, in a real browser: the demo report and an executed notebook
 * (nbconvert HTML) load in headless Chromium, and every chart on them is laid out with its
 * marks drawn. Skips, saying why, when Chromium or Jupyter (with the Deno kernel) is missing.
 */
import { ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { demoReport } from "../lib/demo/report.ts";
import { createDemoClient } from "../lib/demo/client.ts";
import {
  executeToHtml,
  findChromium,
  findNbconvert,
  type PageProbe,
  probePage,
} from "./_chromium.ts";

const TOKEN_LIKE = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

const chrome = findChromium();
const nbconvert = chrome ? findNbconvert() : undefined;
if (!chrome) {
  console.log("browser_test: skipped, Chromium is not installed (apt-get install chromium)");
} else if (!nbconvert) {
  console.log(
    "browser_test: notebook page skipped, jupyter-nbconvert or the Deno kernel is missing " +
      "(apt-get install jupyter-nbconvert python3-nbclient jupyter-client; deno jupyter --install)",
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

Deno.test({
  name: "an executed notebook's nbconvert HTML draws every chart in Chromium",
  ignore: !chrome || !nbconvert,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denocap_browser_nb_" });
    try {
      const name = "04_analysis_and_plots.ipynb";
      const html = await executeToHtml(name, dir);
      const executed = JSON.parse(await Deno.readTextFile(join(dir, name)));
      const svgOutputs = executed.cells.flatMap((c: { outputs?: { data?: object }[] }) =>
        (c.outputs ?? []).filter((o) =>
          o.data && "image/svg+xml" in o.data
        )
      ).length;
      ok(svgOutputs >= 5, `the notebook shows ${svgOutputs} charts`);
      const probe = await probePage(chrome!, html);
      assertChartsDrawn(probe, svgOutputs, name);
      ok(!TOKEN_LIKE.test(await Deno.readTextFile(html)), "the page holds a token");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
