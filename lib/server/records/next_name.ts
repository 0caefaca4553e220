/**
 * REDCap's next auto-numbered record name: the largest whole-number name plus one, or for a user
 * in a data access group `{group id}-{n}`.
 *
 * @module
 */
import type { RedcapStore } from "../store.ts";

/**
 * A generator of fresh record names for one project and DAG, as `forceAutoNumber` and
 * `generateNextRecordName` hand them out.
 *
 * @param store The store.
 * @param projectId The project.
 * @param dag The user's DAG (unique group name), or `undefined` for none.
 * @returns A function giving the next unused name on each call.
 */
export function recordNamer(
  store: RedcapStore,
  projectId: number,
  dag: string | undefined,
): () => string {
  const model = store.project(projectId);
  const group = dag ? model.dags.find((d) => d.unique_group_name === dag) : undefined;
  const prefix = group ? `${group.data_access_group_id}-` : "";
  let max = 0;
  for (
    const row of store.sql("SELECT DISTINCT record FROM records WHERE project_id = ?").iterate(
      projectId,
    )
  ) {
    const name = String(row.record);
    if (prefix && !name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (/^\d+$/.test(rest)) max = Math.max(max, Number(rest));
  }
  return () => `${prefix}${++max}`;
}
