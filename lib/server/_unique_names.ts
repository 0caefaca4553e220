/**
 * REDCap's derivation of unique names from display names, for data access groups and events.
 *
 * @module
 */

function slug(name: string): string {
  let s = name.trim().toLowerCase().replace(/\s+/g, "_").replace(/[^a-z0-9_]/g, "");
  s = s.replace(/_+/g, "_");
  return s;
}

/**
 * The unique group name REDCap gives a data access group: lower case, spaces to `_`, other
 * characters dropped, no leading digits or underscores, at most 18 characters (`dag-a` → `daga`,
 * `Test DAG` → `test_dag`).
 */
export function uniqueGroupName(name: string): string {
  return slug(name).replace(/^[0-9_]+/, "").slice(0, 18).replace(/_+$/, "");
}

/**
 * The unique event name REDCap gives an event: the first 18 characters of the name's slug,
 * then `_arm_N` (`Deadline to opt out of study` in arm 2 → `deadline_to_opt_ou_arm_2`).
 */
export function uniqueEventName(name: string, arm: number): string {
  return `${slug(name).slice(0, 18)}_arm_${arm}`;
}
