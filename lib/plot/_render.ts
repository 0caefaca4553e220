/**
 * Headless rendering: vega-lite → vega → SVG with vega's "none" renderer (no canvas, no DOM),
 * and SVG → PNG through Debian's `rsvg-convert` when it is installed.
 *
 * @module
 */

import { vega, vl } from "../deps/vega.ts";

/**
 * Widths (1/1000 em) of printable ASCII in a Helvetica-like sans-serif, from space (32) to `~`
 * (126). Without a canvas, vega estimates every character as 0.8 em, which truncates labels
 * early and leaves wide gaps around rotated labels; these widths give close layouts in browsers
 * and in `rsvg-convert` (DejaVu Sans, hence the 20% margin below).
 */
// deno-fmt-ignore
const CHAR_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 … ?
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ … O
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P … _
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` … o
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p … ~
];

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

function estimateTextWidth(item: TextItem, text: unknown): number {
  const value = text == null ? "" : String(text).trim();
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  let units = 0;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? CHAR_WIDTHS[code - 32] : 600;
  }
  return (units / 1000) * size * (bold ? 1.3 : 1.2);
}

// Use the width table when vega has no canvas to measure with (always the case under Deno).
const metrics = (vega as unknown as {
  textMetrics: { width: unknown; estimateWidth: unknown };
}).textMetrics;
if (metrics.width === metrics.estimateWidth) metrics.width = estimateTextWidth;

/** A vega-lite specification, as plain JSON. */
export type VegaLiteSpec = { [key: string]: unknown };

/** The result of compiling a vega-lite spec: the vega spec and vega-lite's warnings. */
export interface Compiled {
  /** The vega specification. */
  vega: vega.Spec;
  /** Warnings vega-lite logged while compiling (empty for a clean spec). */
  warnings: string[];
}

/** Compiles with a logger that collects warnings instead of printing them. */
export function compileSpec(spec: VegaLiteSpec): Compiled {
  const warnings: string[] = [];
  const errors: string[] = [];
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(args.map(String).join(" "));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  } as vega.LoggerInterface;
  // vega tags inline data objects while rendering: compile a copy so the spec stays plain JSON.
  const copy = JSON.parse(JSON.stringify(spec)) as vl.TopLevelSpec;
  const compiled = vl.compile(copy, { logger });
  if (errors.length) throw new Error(`Cannot compile chart: ${errors.join("; ")}`);
  return { vega: compiled.spec, warnings };
}

/** Renders a vega spec to SVG text without a browser or canvas. */
export async function renderSvg(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The vega-lite version used to compile (`6.x`). */
export const VEGA_LITE_VERSION: string = vl.version;

/** Runs `rsvg-convert` on SVG text; throws `Deno.errors.NotFound` when it is not installed. */
async function rsvgConvert(svg: string, args: string[]): Promise<Deno.CommandOutput> {
  const child = new Deno.Command("rsvg-convert", {
    args: ["--format", "png", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(svg));
  await writer.close();
  return await child.output();
}

/**
 * Converts SVG text to a PNG file with `rsvg-convert` (Debian package `librsvg2-bin`).
 * Throws a clear error when the program is missing.
 */
export async function svgToPngFile(svg: string, path: string, scale: number): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await rsvgConvert(svg, ["--zoom", String(scale), "--output", path]);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot save PNG "${path}": rsvg-convert is not installed ` +
          "(install Debian's librsvg2-bin, or save SVG with saveSVG())",
        { cause: error },
      );
    }
    throw error;
  }
  if (output.code !== 0) {
    const message = new TextDecoder().decode(output.stderr).trim();
    throw new Error(
      `Cannot save PNG "${path}": rsvg-convert exited with ${output.code}: ${message}`,
    );
  }
}

/**
 * SVG text as PNG bytes through `rsvg-convert`, or `undefined` when the program is not
 * installed, may not run (no `--allow-run`) or fails: a chart's display then goes without its
 * PNG, as it does in a notebook without one.
 */
export async function svgToPng(svg: string, scale: number): Promise<Uint8Array | undefined> {
  try {
    const output = await rsvgConvert(svg, ["--zoom", String(scale)]);
    return output.code === 0 && output.stdout.length > 0 ? output.stdout : undefined;
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable ||
      error instanceof Deno.errors.PermissionDenied
    ) return undefined;
    throw error;
  }
}
