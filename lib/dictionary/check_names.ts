/**
 * {@linkcode checkNames}: field, form and event names checked against the dictionary before a
 * request, with a "did you mean" suggestion (REDCap answers an unknown name with a bare 400).
 *
 * @module
 */
import type { DataDictionary } from "./data_dictionary.ts";

/** Names to check: as the `fields`, `forms` and `events` of an export. */
export interface NamesToCheck {
  /** Field names (checkbox fields by base name; `{form}_complete` accepted). */
  fields?: readonly string[];
  /** Instrument (form) names. */
  forms?: readonly string[];
  /** Unique event names (longitudinal projects). */
  events?: readonly string[];
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The closest of `candidates` to `name` when close enough to be a typo (a third of the name's
 * length, at least 2 edits), or `undefined`. Case is ignored (REDCap names are lower-case).
 *
 * @example A misspelt field
 * ```ts
 * import { suggestName } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(suggestName("hieght", ["height", "weight", "sex"]), "height");
 * strictEqual(suggestName("zzz", ["height"]), undefined);
 * ```
 *
 * @param name A name that is not one of `candidates`.
 * @param candidates The names it could have meant.
 * @returns The suggestion, if any.
 */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function unknownNames(
  kind: string,
  names: readonly string[] | undefined,
  known: readonly string[],
  hint: (name: string) => string | undefined,
): string[] {
  if (!names) return [];
  const set = new Set(known);
  return names.filter((name) => !set.has(name)).map((name) => {
    const suggestion = hint(name) ?? suggestName(name, known);
    return `"${name}" is not ${kind} of the project${
      suggestion ? `; did you mean "${suggestion}"?` : ""
    }`;
  });
}

/**
 * Checks `fields`, `forms` and `events` against the dictionary and throws one error listing
 * every unknown name, each with the closest known name when there is one. A checkbox column
 * (`race___2`) given as a field is pointed to its field (`race`): REDCap's `fields` takes field
 * names. Events given for a classic project are refused (it has none).
 *
 * @example An unknown field and a misspelt event
 * ```ts
 * import { checkNames } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { throws } from "node:assert/strict";
 *
 * const { dictionary } = await createDemoClient({ records: 1 }).readRecords();
 * throws(
 *   () => checkNames(dictionary, { fields: ["sex", "hieght"], events: ["baseline_arm1"] }, "read records"),
 *   /"hieght" is not a field of the project; did you mean "height"\?\n.*"baseline_arm1" is not an event of the project; did you mean "baseline_arm_1"\?/,
 * );
 * ```
 *
 * @param dictionary The project's dictionary.
 * @param names The names to check.
 * @param action What was being done, for the message (`read records`).
 * @throws {RangeError} Naming every unknown name.
 */
export function checkNames(
  dictionary: DataDictionary,
  names: NamesToCheck,
  action: string,
): void {
  const problems = [
    ...unknownNames(
      "a field",
      names.fields,
      dictionary.fields.map((f) => f.name),
      (name) => dictionary.columnInfo(name)?.field,
    ),
    ...unknownNames(
      "an instrument",
      names.forms,
      dictionary.forms.map((f) => f.name),
      () => undefined,
    ),
  ];
  if (names.events && names.events.length > 0 && !dictionary.longitudinal) {
    problems.push(
      `events were given but the project is not longitudinal (it has no events)`,
    );
  } else {
    problems.push(
      ...unknownNames(
        "an event",
        names.events,
        dictionary.events.map((e) => e.uniqueName),
        () => undefined,
      ),
    );
  }
  if (problems.length > 0) throw new RangeError(`Cannot ${action}: ${problems.join("\n  ")}`);
}
