/**
 * vega and vega-lite, which draw the charts of `denocap/plot` (as SVG, PNG or HTML). Their pinned
 * `npm:` specifiers are named here and nowhere else, so each entry point imports with no import
 * map of its own.
 *
 * @module
 */
export * as vega from "npm:vega@6.4.0";
export * as vl from "npm:vega-lite@6.5.0";
export type { Spec as VegaSpec } from "npm:vega@6.4.0";
