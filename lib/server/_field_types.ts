/**
 * The data dictionary's vocabulary: field types REDCap accepts and the legacy names it maps
 * (in Project XML, old dictionaries and metadata imports) to the ones its API exports.
 *
 * @module
 */

// One table for the client and the server: lib/dictionary/field_types.ts.
export { FIELD_TYPES, LEGACY_FIELD_TYPES, LEGACY_VALIDATIONS } from "../dictionary/field_types.ts";
