/**
 * Test helpers for charts: spec access and a check that the chart compiles cleanly and renders
 * an SVG with marks.
 *
 * @module
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import type { Chart } from "../../lib/plot/chart.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** The chart's inline data. */
export function valuesOf(chart: Chart): Json[] {
  return (chart.spec.data as Json).values;
}

/** The chart's encoding (top level). */
export function encodingOf(chart: Chart): Json {
  return chart.spec.encoding as Json;
}

/**
 * Compiles without vega-lite warnings and renders an SVG holding marks of the given kinds
 * (`rect`, `line`, `symbol`, `text`, `rule`: vega writes `class="mark-<kind> role-mark …"`), with no "error"
 * text anywhere. Returns the SVG.
 */
export async function assertRenders(chart: Chart, marks: readonly string[]): Promise<string> {
  deepStrictEqual(chart.warnings, [], "vega-lite warned while compiling");
  const svg = await chart.toSVG();
  ok(svg.startsWith("<svg"), "not an SVG");
  ok(!/error/i.test(svg), "the SVG mentions an error");
  for (const mark of marks) {
    const group = new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`, "s").exec(
      svg,
    );
    ok(group, `no mark-${mark} group in the SVG`);
    ok(/<(path|rect|line|text)\b/.test(group[1]), `the mark-${mark} group draws nothing`);
  }
  return svg;
}
