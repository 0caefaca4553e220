/**
 * Calculated fields (`calc`, `@CALCTEXT`, `@CALCDATE`): recomputed after every import that
 * touches their inputs, as REDCap does.
 *
 * @module
 */
import type { RedcapStore } from "./store.ts";

/**
 * Recomputes the calculated fields of the given records and stores the results (inside the
 * caller's transaction). Until the expression language lands this keeps stored values.
 */
export function recomputeCalculations(
  _store: RedcapStore,
  _projectId: number,
  _records: readonly string[],
): void {}
