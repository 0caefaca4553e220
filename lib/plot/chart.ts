/**
 * The {@linkcode Chart} object every plot helper returns: a vega-lite spec that displays in
 * Jupyter and saves as SVG, PNG or self-contained HTML.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { VegaSpec } from "../deps/vega.ts";
import { escapeHtml } from "../jupyter/html_table.ts";
import { redactTokens } from "../jupyter/redact.ts";
import {
  type Compiled,
  compileSpec,
  renderSvg,
  svgToPng,
  svgToPngFile,
  VEGA_LITE_VERSION,
  type VegaLiteSpec,
} from "./_render.ts";

export type { VegaLiteSpec } from "./_render.ts";

/**
 * The MIME type of the vega-lite entry in a chart's Jupyter bundle. JupyterLab 4 renders this
 * one; every chart built here uses only features vega-lite 5 and 6 share.
 */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** The `$schema` written into every spec: vega-lite major version 6, which compiles them here. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Options for {@linkcode Chart.savePNG}. */
export interface SavePngOptions {
  /**
   * Pixel density: 2 gives a sharp image on high-DPI screens and in reports.
   * @default {2}
   */
  scale?: number;
}

/** A Jupyter MIME bundle of a chart. */
export interface ChartBundle {
  /** The vega-lite spec (its `$schema` set to v5), rendered interactively by JupyterLab. */
  [VEGA_LITE_MIME]: VegaLiteSpec;
  /**
   * The chart as PNG (base64), rendered headless, when `rsvg-convert` can run: what nbconvert's
   * HTML, GitHub and JupyterLab without a kernel show.
   */
  "image/png"?: string;
  /**
   * The chart as SVG, in place of the PNG when `rsvg-convert` cannot run. Never both: nbconvert's
   * HTML exporter prefers SVG to PNG, and its lab template (Debian's nbconvert 6.5) runs SVG
   * through `clean_html`, which strips every SVG element and leaves a blank chart.
   */
  "image/svg+xml"?: string;
  /** A one-line description. */
  "text/plain": string;
}

/**
 * A chart: a vega-lite spec with its data inlined. In a Deno Jupyter cell it shows as an
 * interactive vega-lite chart with an SVG fallback; it saves as SVG, PNG or HTML.
 *
 * @example Build, check and render a chart
 * ```ts
 * import { Chart } from "denocap/plot";
 * import { ok } from "node:assert/strict";
 *
 * const chart = new Chart({
 *   data: { values: [{ arm: "Drug", n: 3 }, { arm: "Placebo", n: 2 }] },
 *   mark: "bar",
 *   encoding: {
 *     x: { field: "arm", type: "nominal", title: "Study arm" },
 *     y: { field: "n", type: "quantitative", title: "Participants" },
 *   },
 * });
 * const svg = await chart.toSVG();
 * ok(svg.startsWith("<svg") && svg.includes("mark-rect"));
 * ```
 */
export class Chart {
  /** Symbol-keyed members: `Symbol.for("Jupyter.display")`, typed for callers. */
  [key: symbol]: () => Promise<ChartBundle>;
  /** The vega-lite spec (with `$schema` and inline data). */
  readonly spec: VegaLiteSpec;
  #compiled?: Compiled;
  #svg?: Promise<string>;

  /**
   * Wraps a vega-lite spec. A missing `$schema` is set to vega-lite 6's.
   *
   * @param spec A vega-lite spec with inline data (`data.values`).
   */
  constructor(spec: VegaLiteSpec) {
    this.spec = { $schema: VEGA_LITE_SCHEMA, ...spec };
  }

  /** The compiled vega spec. Throws when vega-lite reports an error. */
  toVega(): VegaSpec {
    return this.#compile().vega;
  }

  /** Warnings vega-lite logged while compiling this spec (empty for a clean chart). */
  get warnings(): readonly string[] {
    return this.#compile().warnings;
  }

  /**
   * Renders the chart to SVG headless (vega's "none" renderer: no browser, no canvas).
   *
   * @returns SVG text, tokens redacted.
   */
  toSVG(): Promise<string> {
    this.#svg ??= renderSvg(this.toVega()).then(redactTokens);
    return this.#svg;
  }

  /**
   * Writes the SVG to a file.
   *
   * @param path Where to write, e.g. `plots/age.svg`.
   */
  async saveSVG(path: string | URL): Promise<void> {
    await Deno.writeTextFile(path, await this.toSVG());
  }

  /**
   * Writes a PNG by converting the SVG with `rsvg-convert` (Debian's `librsvg2-bin`); throws a
   * clear error when that program is not installed.
   *
   * @param path Where to write, e.g. `plots/age.png`.
   * @param options Pixel density.
   */
  async savePNG(path: string | URL, options: SavePngOptions = {}): Promise<void> {
    const { scale = 2 } = options;
    if (!(scale > 0)) throw new RangeError(`Cannot save PNG: scale must be positive, got ${scale}`);
    const file = path instanceof URL ? decodeURIComponent(path.pathname) : path;
    await svgToPngFile(await this.toSVG(), file, scale);
  }

  /**
   * A self-contained HTML page: the SVG inline (no scripts to load, works offline) and the
   * vega-lite spec in a `<script type="application/json" id="vega-lite-spec">` element.
   *
   * @returns HTML text, tokens redacted.
   */
  async toHTML(): Promise<string> {
    const title = typeof this.spec.title === "string" ? this.spec.title : this.#describe();
    const json = JSON.stringify(this.spec, null, 2).replace(/</g, "\\u003c");
    return redactTokens(
      `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
        `<title>${escapeHtml(title)}</title>\n</head>\n<body>\n<figure>\n${await this
          .toSVG()}\n</figure>\n` +
        `<script type="application/json" id="vega-lite-spec">\n${json}\n</script>\n</body>\n</html>\n`,
    );
  }

  /**
   * Writes {@linkcode Chart.toHTML} to a file.
   *
   * @param path Where to write, e.g. `plots/age.html`.
   */
  async saveHTML(path: string | URL): Promise<void> {
    await Deno.writeTextFile(path, await this.toHTML());
  }

  /**
   * The Jupyter MIME bundle: the vega-lite spec (JupyterLab renders it), a static picture for
   * every other viewer (PNG when `rsvg-convert` is installed, else SVG) and a text line. Every string in it has tokens redacted. The spec's
   * default v6 `$schema` is given as v5 there, to match the MIME type: the charts built here use
   * only what both versions share.
   *
   * @returns The bundle Deno's kernel shows.
   */
  async toMimeBundle(): Promise<ChartBundle> {
    const spec = JSON.parse(redactTokens(JSON.stringify(this.spec))) as VegaLiteSpec;
    // The bundle says v5 (what JupyterLab renders); say so in the spec too, to spare a warning.
    if (spec.$schema === VEGA_LITE_SCHEMA) spec.$schema = VEGA_LITE_V5_SCHEMA;
    const svg = await this.toSVG();
    const png = await svgToPng(svg, 1);
    return {
      [VEGA_LITE_MIME]: spec,
      ...(png ? { "image/png": Buffer.from(png).toString("base64") } : { "image/svg+xml": svg }),
      "text/plain": redactTokens(this.#describe()),
    };
  }

  /** Deno's Jupyter kernel calls this to display the chart. */
  [Symbol.for("Jupyter.display")](): Promise<ChartBundle> {
    return this.toMimeBundle();
  }

  #compile(): Compiled {
    this.#compiled ??= compileSpec(this.spec);
    return this.#compiled;
  }

  #describe(): string {
    const title = this.spec.title;
    const text = typeof title === "string"
      ? title
      : title && typeof title === "object" && "text" in title
      ? String((title as { text: unknown }).text)
      : typeof this.spec.description === "string"
      ? this.spec.description
      : "chart";
    return `Chart (vega-lite ${VEGA_LITE_VERSION}): ${text}`;
  }
}
