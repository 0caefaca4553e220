/**
 * REDCap's choices grammar (`1, Yes | 2, No`), checkbox column suffixes and implicit codings.
 *
 * @module
 */

/** A coded choice of a radio, dropdown, checkbox, yesno or truefalse field. */
export interface Choice {
  /** The raw code stored and exported (`1`, `-99`, `aa`). */
  code: string;
  /** The label shown in forms and label exports. */
  label: string;
}

/** Implicit coding of every `{form}_complete` field. */
export const FORM_STATUS_CHOICES: readonly Choice[] = Object.freeze([
  { code: "0", label: "Incomplete" },
  { code: "1", label: "Unverified" },
  { code: "2", label: "Complete" },
]);
/** Implicit coding of `yesno` fields. */
export const YES_NO_CHOICES: readonly Choice[] = Object.freeze([
  { code: "1", label: "Yes" },
  { code: "0", label: "No" },
]);
/** Implicit coding of `truefalse` fields. */
export const TRUE_FALSE_CHOICES: readonly Choice[] = Object.freeze([
  { code: "1", label: "True" },
  { code: "0", label: "False" },
]);

/**
 * Parses a choices string: split on `|` (with or without spaces around it), then each part on its
 * first comma, so labels may hold commas. A part without a comma is a legacy label-only choice
 * whose code is its label. Empty parts are skipped.
 *
 * @example Labels with commas and bare separators
 * ```ts
 * import { parseChoices } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseChoices("1, Yes, often|2, No | Maybe"), [
 *   { code: "1", label: "Yes, often" },
 *   { code: "2", label: "No" },
 *   { code: "Maybe", label: "Maybe" },
 * ]);
 * ```
 *
 * @param text The `select_choices_or_calculations` cell (or `missing_data_codes`).
 * @returns The choices in dictionary order.
 */
export function parseChoices(text: string | null | undefined): Choice[] {
  if (typeof text !== "string" || !text.trim()) return [];
  const choices: Choice[] = [];
  for (const raw of text.split("|")) {
    const part = raw.trim();
    if (part === "") continue;
    const comma = part.indexOf(",");
    if (comma < 0) choices.push({ code: part, label: part });
    else choices.push({ code: part.slice(0, comma).trim(), label: part.slice(comma + 1).trim() });
  }
  return choices;
}

/**
 * REDCap's checkbox column suffix for a code (`Project::getExtendedCheckboxCodeFormatted`): `-`
 * and `.` become `_`, then lower-case, then every character outside `[a-z0-9_]` is dropped.
 *
 * @example Suffixes of unusual codes
 * ```ts
 * import { checkboxSuffix } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(checkboxSuffix("-99"), "_99");
 * strictEqual(checkboxSuffix("ABC"), "abc");
 * strictEqual(checkboxSuffix("K>=9"), "k9");
 * ```
 *
 * @param code A checkbox choice code.
 * @returns The part after `___` in the export column name.
 */
export function checkboxSuffix(code: string): string {
  return code.replace(/[-.]/g, "_").toLowerCase().replace(/[^a-z0-9_]/g, "");
}
