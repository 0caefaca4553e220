/**
 * {@linkcode labelDataAccessGroups}: the `redcap_data_access_group` column of an export
 * (unique group names, as REDCap's raw export gives them) labelled with the groups' names.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { Dag } from "../api/dags.ts";
import { frameColumns, selectFrame, withColumnsFrame } from "../frame.ts";
import { attachColumnLabels, readColumnLabels } from "./column_labels.ts";
import { mapCodes } from "./_codes.ts";
import { NativeExpr } from "./_native_expr.ts";

const DAG = "redcap_data_access_group";

/**
 * Labels `redcap_data_access_group` with the groups' names (`boston_general` → `Boston
 * General`), as REDCap's label export does: *label* replaces the unique names (Categorical),
 * *both* keeps them and adds `redcap_data_access_group__label`, *code* leaves the column as it
 * is. A unique name no group has (a group deleted since) stays as it is. Column label: "Data
 * Access Group".
 *
 * @example The demo's groups
 * ```ts
 * import { labelDataAccessGroups } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2"], redcap_data_access_group: ["boston_general", null] });
 * const dags = [{ unique_group_name: "boston_general", data_access_group_name: "Boston General" }];
 * const out = labelDataAccessGroups(df, dags, "label");
 * deepStrictEqual(out.getColumn("redcap_data_access_group").toArray(), ["Boston General", null]);
 * ```
 *
 * @param df A frame with `redcap_data_access_group` (others are returned as they are).
 * @param dags The project's groups (`exportDags()`).
 * @param mode *label*, *both* or *code*.
 * @returns A new frame (or `df` when there is nothing to label).
 */
export function labelDataAccessGroups(
  df: DataFrame,
  dags: readonly Pick<Dag, "unique_group_name" | "data_access_group_name">[],
  mode: "code" | "label" | "both",
): DataFrame {
  if (mode === "code" || !frameColumns(df).includes(DAG)) return df;
  const known = new Set(dags.map((d) => d.unique_group_name));
  const unknown = [...new Set(df.getColumn(DAG).cast(pl.String).toArray())]
    .filter((v): v is string => typeof v === "string" && v !== "" && !known.has(v));
  const choices = [
    ...dags.map((d) => ({ code: d.unique_group_name, label: d.data_access_group_name })),
    ...unknown.map((v) => ({ code: v, label: v })),
  ];
  const mapped = mapCodes(NativeExpr.col(DAG).cast(pl.String), choices, "label").expr();
  const name = mode === "label" ? DAG : `${DAG}__label`;
  const out = withColumnsFrame(df, mapped.alias(name));
  const labels: Record<string, string> = { ...readColumnLabels(df), [DAG]: "Data Access Group" };
  if (mode === "both") labels[name] = "Data Access Group";
  if (mode === "both") {
    const columns = frameColumns(df);
    const at = columns.indexOf(DAG);
    const order = [...columns.slice(0, at + 1), name, ...columns.slice(at + 1)];
    return attachColumnLabels(selectFrame(out, ...order), labels);
  }
  return attachColumnLabels(out, labels);
}
