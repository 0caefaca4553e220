/**
 * REDCap's CSV-injection escaping, undone.
 *
 * @module
 */

/**
 * Undoes the CSV-injection escaping of REDCap's web-UI downloads: a value starting with a space
 * and then `-`, `@`, `+` or `=` (`" -100"`) loses the space, as REDCap's CSV import does
 * (`Records.php`, the data import's "remove space" rule).
 *
 * @example
 * ```ts
 * import { unescapeCsvInjection } from "./_csv_injection.ts";
 * if (unescapeCsvInjection(" -100") !== "-100") throw new Error("space kept");
 * if (unescapeCsvInjection(" abc") !== " abc") throw new Error("other spaces are values");
 * ```
 */
export function unescapeCsvInjection(value: string): string {
  return value.length > 1 && value[0] === " " && "-@+=".includes(value[1]) ? value.slice(1) : value;
}
