import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { Chart, VEGA_LITE_MIME, VEGA_LITE_SCHEMA } from "../../lib/plot/chart.ts";
import { assertRenders, type Json } from "./_assert_chart.ts";

const TOKEN = "00112233445566778899AABBCCDDEEFF";

function bars(label = "Study arm"): Chart {
  return new Chart({
    data: { values: [{ arm: "Drug", n: 3 }, { arm: "Placebo", n: 2 }] },
    mark: "bar",
    encoding: {
      x: { field: "arm", type: "nominal", title: label },
      y: { field: "n", type: "quantitative", title: "Participants" },
    },
  });
}

function hasRsvgConvert(): boolean {
  try {
    return new Deno.Command("rsvg-convert", { args: ["--version"] }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test("Chart sets vega-lite 6's $schema unless the spec has one", () => {
  strictEqual(bars().spec.$schema, VEGA_LITE_SCHEMA);
  strictEqual(new Chart({ $schema: "x", mark: "bar" }).spec.$schema, "x");
});

Deno.test("Chart.toSVG() renders marks headless, with labels as text", async () => {
  const svg = await assertRenders(bars(), ["rect"]);
  ok(svg.includes(">Study arm</text>"));
  ok(svg.includes(">Placebo</text>"));
  strictEqual((svg.match(/aria-roledescription="bar"/g) ?? []).length, 2);
});

Deno.test("Chart.warnings lists vega-lite's complaints about a spec", () => {
  const odd = new Chart({
    data: { values: [{ a: 1 }] },
    mark: "bar",
    encoding: { x: { field: "a", type: "quantitative" }, shape: { field: "a", type: "nominal" } },
  });
  ok(odd.warnings.length > 0);
  deepStrictEqual(bars().warnings, []);
});

Deno.test("Chart's Jupyter display gives vega-lite, a PNG (else SVG) picture and a text line", async () => {
  const chart = bars();
  const bundle = await chart[Symbol.for("Jupyter.display")]() as Json;
  const png = hasRsvgConvert();
  deepStrictEqual(
    Object.keys(bundle).sort(),
    [VEGA_LITE_MIME, png ? "image/png" : "image/svg+xml", "text/plain"].sort(),
  );
  if (png) {
    const bytes = Uint8Array.from(atob(bundle["image/png"]), (c) => c.charCodeAt(0));
    deepStrictEqual([...bytes.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG signature");
    ok(bytes.length < 100_000, `a small chart's PNG is ${bytes.length} bytes`);
  }
  strictEqual(VEGA_LITE_MIME, "application/vnd.vegalite.v5+json");
  deepStrictEqual(bundle[VEGA_LITE_MIME], {
    ...chart.spec,
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  });
  ok(bundle["text/plain"].startsWith("Chart (vega-lite 6."));
});

Deno.test("Chart never displays a token found in its labels or data", async () => {
  const chart = bars(`token ${TOKEN}`);
  const bundle = await chart.toMimeBundle();
  ok(!JSON.stringify(bundle).includes(TOKEN));
  ok((await chart.toSVG()).includes("token [token]"));
  ok(!(await chart.toHTML()).includes(TOKEN));
});

Deno.test("Chart.saveSVG() and saveHTML() write files; the HTML embeds the SVG and the spec", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = new Chart({ ...bars().spec, title: "Arms </script><b>" });
    await chart.saveSVG(join(dir, "arms.svg"));
    const svg = await Deno.readTextFile(join(dir, "arms.svg"));
    strictEqual(svg, await chart.toSVG());
    await chart.saveHTML(join(dir, "arms.html"));
    const html = await Deno.readTextFile(join(dir, "arms.html"));
    ok(html.startsWith("<!DOCTYPE html>"));
    ok(html.includes("<title>Arms &lt;/script&gt;&lt;b&gt;</title>"));
    ok(html.includes(svg));
    const json = /<script type="application\/json" id="vega-lite-spec">\n(.*)\n<\/script>/s.exec(
      html,
    );
    ok(json, "the spec is embedded");
    deepStrictEqual(JSON.parse(json[1]), chart.spec);
    strictEqual(html.match(/<\/script>/g)?.length, 1, "the title cannot close the script early");
    ok(!html.includes("<script src"), "self-contained: no scripts to load");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "Chart.savePNG() writes a PNG through rsvg-convert",
  ignore: !hasRsvgConvert() && (console.log("rsvg-convert missing: skipping PNG test"), true),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const path = join(dir, "arms.png");
      await bars().savePNG(path, { scale: 1 });
      const bytes = await Deno.readFile(path);
      deepStrictEqual([...bytes.slice(1, 4)], [80, 78, 71]); // "PNG"
      const width = new DataView(bytes.buffer).getUint32(16);
      const svgWidth = Number(/width="(\d+)"/.exec(await bars().toSVG())![1]);
      strictEqual(width, svgWidth);
      await bars().savePNG(path, { scale: 2 });
      strictEqual(new DataView((await Deno.readFile(path)).buffer).getUint32(16), svgWidth * 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("Chart's Jupyter display shows SVG when rsvg-convert cannot run", async () => {
  const path = Deno.env.get("PATH");
  Deno.env.set("PATH", "/nonexistent");
  try {
    const chart = bars(`token ${TOKEN}`);
    const bundle = await chart.toMimeBundle();
    ok(!("image/png" in bundle), "no PNG without rsvg-convert");
    strictEqual(bundle["image/svg+xml"], await chart.toSVG());
    ok(bundle["image/svg+xml"]!.includes("token [token]"), "tokens redacted");
  } finally {
    if (path === undefined) Deno.env.delete("PATH");
    else Deno.env.set("PATH", path);
  }
});

Deno.test("Chart.savePNG() explains what is missing when it cannot convert", async () => {
  if (hasRsvgConvert()) {
    await rejects(
      () => bars().savePNG("/nonexistent-dir/x.png"),
      /Cannot save PNG "\/nonexistent-dir\/x.png": rsvg-convert exited with/,
    );
  } else {
    await rejects(() => bars().savePNG("x.png"), /rsvg-convert is not installed/);
  }
  await rejects(() => bars().savePNG("x.png", { scale: 0 }), /scale must be positive/);
});
