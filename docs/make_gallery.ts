/**
 * Regenerates the README's gallery: `docs/demo_report.png` (the top of the demo report) and
 * `docs/notebook_NN_charts.png` (each stored notebook's charts, as `deno task notebooks` stored
 * them), screenshotted with headless Chromium. Needs `chromium`.
 *
 * `deno run -A docs/make_gallery.ts`
 *
 * @module
 */
import { join } from "node:path";
import { createDemoClient, demoReport } from "denocap/demo";
import { findChromium, probePage, ROOT, screenshot } from "../tests/_chromium.ts";

const WIDTH = 1100;
const docs = join(ROOT, "docs");
const chrome = findChromium();
if (!chrome) {
  console.error("Cannot make the gallery: it needs chromium");
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

  // Each notebook's charts, side by side, from the stored (executed) notebook's PNG outputs.
  const names = [...Deno.readDirSync(join(ROOT, "notebooks"))].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb")).sort();
  for (const name of names) {
    const stored = JSON.parse(await Deno.readTextFile(join(ROOT, "notebooks", name)));
    const pngs: string[] = stored.cells.flatMap((cell: { outputs?: { data?: object }[] }) =>
      (cell.outputs ?? []).map((o) => (o.data as Record<string, string | string[]>)?.["image/png"])
        .filter((png) => png !== undefined)
        .map((png) => Array.isArray(png) ? png.join("") : png)
    );
    if (pngs.length === 0) continue;
    const title = name.replace(/\.ipynb$/, "");
    const page = join(work, `${title}_charts.html`);
    await Deno.writeTextFile(
      page,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 16px; font-family: system-ui, sans-serif; background: white; }
h1 { font-size: 18px; margin: 0 0 12px; color: #333; }
.grid { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
</style></head><body><h1>notebooks/${title}.ipynb</h1><div class="grid">${
        pngs.map((png) => `<div><img src="data:image/png;base64,${png.trim()}"></div>`).join("")
      }</div></body></html>`,
    );
    await shoot(page, join(docs, `notebook_${title.slice(0, 2)}_charts.png`), 2400);
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
