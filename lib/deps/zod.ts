/**
 * zod, which checks the JSON REDCap's API answers with. Its pinned `npm:` specifier is named here
 * and nowhere else, so each entry point imports with no import map of its own.
 *
 * @module
 */
export { z } from "npm:zod@4.6.7";
