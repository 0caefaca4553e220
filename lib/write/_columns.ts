/**
 * The column check of an import: which columns are data fields REDCap can import (a field,
 * `field___code`, `{form}_complete`), as REDCap reports unknown ones.
 *
 * @module
 */
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import type { Report } from "./_issues.ts";
import { STRUCTURAL } from "./_context.ts";

/** What a data column holds. */
export type Kind = "value" | "status" | "checkbox";
/** A data column to check. */
export interface ColumnPlan {
  column: string;
  kind: Kind;
  form: string;
  field: FieldInfo;
  /** The base field name (a checkbox column's field). */
  target: string;
}

/**
 * Plans the value checks of each data column, reporting columns that are not data fields.
 *
 * @param columns The frame's columns.
 * @param dd The project's dictionary.
 * @param error Reports an issue.
 * @returns One plan per data column.
 */
export function planColumns(
  columns: readonly string[],
  dd: DataDictionary,
  error: Report,
): ColumnPlan[] {
  const id = dd.recordIdField;
  const plans: ColumnPlan[] = [];
  for (const column of columns) {
    if (column === id || STRUCTURAL.has(column)) continue;
    const info = dd.columnInfo(column);
    const field = info?.field ? dd.field(info.field) : undefined;
    if (info?.role === "timestamp") continue;
    if (
      !info || !field || (info.role === "field" && ["checkbox", "descriptive"].includes(field.type))
    ) {
      error(
        "unknown_field",
        column,
        `The following fields were not found in the project as real data fields: ${column}`,
      );
      continue;
    }
    const kind: Kind = info.role === "checkbox"
      ? "checkbox"
      : info.role === "form_status"
      ? "status"
      : "value";
    plans.push({ column, kind, form: field.form, field, target: field.name });
  }
  return plans;
}
