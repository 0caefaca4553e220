/**
 * Regenerates the README's gallery: `docs/demo_report.png` (the top of the demo report) and
 * `docs/notebook_NN_charts.png` (each example notebook's charts, executed with the Deno kernel),
 * screenshotted with headless Chromium. Needs `chromium` and `jupyter-nbconvert` with the Deno
 * kernel (`deno jupyter --install`).
 *
 * `deno run -A docs/make_gallery.ts`
 *
 * @module
 */
import { join } from "node:path";
import { createDemoClient, demoReport } from "denocap/demo";
import {
  executeToHtml,
  findChromium,
  findNbconvert,
  probePage,
  ROOT,
  screenshot,
} from "../tests/_chromium.ts";

const WIDTH = 1100;
const docs = join(ROOT, "docs");
const chrome = findChromium();
if (!chrome || !findNbconvert()) {
  console.error(
    "Cannot make the gallery: it needs chromium and jupyter-nbconvert with the Deno kernel",
  );
  Deno.exit(2);
}
const work = await Deno.makeTempDir({ prefix: "denocap_gallery_" });

async function shoot(html: string, png: string, maxHeight: number, width = WIDTH): Promise<void> {
  const { height } = await probePage(chrome!, html, width);
  await screenshot(chrome!, html, png, width, Math.min(height, maxHeight));
  console.log(`wrote ${png}`);
}

try {
  // The report: its first screens (title, tables, the first charts).
  const report = join(work, "report.html");
  await Deno.writeTextFile(report, (await demoReport(createDemoClient({ records: 300 }))).html);
  await shoot(report, join(docs, "demo_report.png"), 2000, 1240);

  // Each notebook's charts, side by side, from the executed notebook's SVG outputs.
  const names = [...Deno.readDirSync(join(ROOT, "notebooks"))].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb")).sort();
  for (const name of names) {
    await executeToHtml(name, work);
    const executed = JSON.parse(await Deno.readTextFile(join(work, name)));
    const svgs: string[] = executed.cells.flatMap((cell: { outputs?: { data?: object }[] }) =>
      (cell.outputs ?? []).map((o) =>
        (o.data as Record<string, string | string[]>)?.["image/svg+xml"]
      )
        .filter((svg) => svg !== undefined)
        .map((svg) => Array.isArray(svg) ? svg.join("") : svg)
    );
    if (svgs.length === 0) continue;
    const title = name.replace(/\.ipynb$/, "");
    const page = join(work, `${title}_charts.html`);
    await Deno.writeTextFile(
      page,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 16px; font-family: system-ui, sans-serif; background: white; }
h1 { font-size: 18px; margin: 0 0 12px; color: #333; }
.grid { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
</style></head><body><h1>notebooks/${title}.ipynb</h1><div class="grid">${
        svgs.map((svg) => `<div>${svg}</div>`).join("")
      }</div></body></html>`,
    );
    await shoot(page, join(docs, `notebook_${title.slice(0, 2)}_charts.png`), 2400);
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
