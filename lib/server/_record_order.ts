/**
 * REDCap's record order (numeric names first, by value), for record lists and exports.
 *
 * @module
 */

/**
 * REDCap's record order: numeric names first by value, then the rest by text (its SQL orders
 * `record regexp '^[A-Z]', abs(record), ..., record`). DAG-prefixed names (`12-3`) sort by
 * their prefix, then by their suffix.
 */
export function compareRecordNames(a: string, b: string): number {
  return compareRecordKeys(recordSortKey(a), recordSortKey(b));
}

/** What {@linkcode compareRecordNames} compares, worked out once per name. */
interface RecordSortKey {
  name: string;
  numeric: boolean;
  /** The leading number (numeric names). */
  value: number;
  /** The number after the last `-` (NaN when that is not a number). */
  suffix: number;
}

function recordSortKey(name: string): RecordSortKey {
  const numeric = name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57;
  return {
    name,
    numeric,
    value: numeric ? parseFloat(name) : 0,
    suffix: numeric ? Number(name.slice(name.lastIndexOf("-") + 1)) : NaN,
  };
}

function compareRecordKeys(a: RecordSortKey, b: RecordSortKey): number {
  if (a.numeric !== b.numeric) return a.numeric ? -1 : 1;
  if (a.numeric) {
    if (a.value !== b.value) return a.value - b.value;
    const sa = a.suffix, sb = b.suffix;
    if (!Number.isNaN(sa) && !Number.isNaN(sb) && sa !== sb) return sa - sb;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Sorts record entries in REDCap's order, then by arm; each name's sort key worked out once
 * (100,000 records: about 1.7 M comparisons). */
export function sortRecordEntries<T extends { record: string; arm_num: number }>(
  entries: T[],
): T[] {
  const keyed = entries.map((entry) => ({ key: recordSortKey(entry.record), entry }));
  keyed.sort((a, b) => compareRecordKeys(a.key, b.key) || a.entry.arm_num - b.entry.arm_num);
  return keyed.map((k) => k.entry);
}
