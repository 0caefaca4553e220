/**
 * The native binding inside nodejs-polars (the object its `pl.col`, `pl.lit` and `pl.when`
 * call), at the same pinned version as {@link ./polars.ts}.
 *
 * @module
 */
export { default } from "npm:nodejs-polars@0.25.2/bin/internals/polars_internal.js";
