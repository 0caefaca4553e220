/**
 * The registry that lets column labels (field labels) travel with a DataFrame.
 *
 * @module
 */
import type pl from "../deps/polars.ts";
import { frameColumns } from "../frame.ts";

const registry = new WeakMap<pl.DataFrame, Readonly<Record<string, string>>>();

/** Records `labels` for `df`'s columns (only the columns it has) and returns `df`. */
export function attachColumnLabels<T extends pl.DataFrame>(
  df: T,
  labels: Readonly<Record<string, string>>,
): T {
  const own: Record<string, string> = {};
  for (const column of frameColumns(df)) if (column in labels) own[column] = labels[column];
  registry.set(df, Object.freeze(own));
  return df;
}

/** The labels recorded for `df`, or `{}`. */
export function readColumnLabels(df: pl.DataFrame): Readonly<Record<string, string>> {
  return registry.get(df) ?? {};
}
