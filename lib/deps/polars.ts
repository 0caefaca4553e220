/**
 * nodejs-polars, the DataFrame library every table in denocap is made of. Its pinned `npm:`
 * specifier is named here and nowhere else, so each entry point imports with no import map of
 * its own (the version is the one `deno.lock` records).
 *
 * @module
 */
export { default } from "npm:nodejs-polars@0.25.2";
