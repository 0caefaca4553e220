/**
 * The column check of an import: which columns are data fields REDCap can import (a field,
 * `field___code`, `{form}_complete`), as REDCap reports unknown ones.
 *
 * @module
 */
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import type { Report } from "./_issues.ts";
import { STRUCTURAL_COLUMNS } from "../dictionary/data_dictionary.ts";

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
  const plans: ColumnPlan[] = [];
  for (const column of columns) {
    if (isExtraColumn(column, dd)) {
      error(
        "unknown_field",
        column,
        `The following fields were not found in the project as real data fields: ${column}`,
      );
      continue;
    }
    const info = dd.columnInfo(column);
    const field = info?.field ? dd.field(info.field) : undefined;
    if (column === dd.recordIdField || STRUCTURAL_COLUMNS.has(column) || !info || !field) continue;
    if (info.role === "timestamp") continue;
    const kind: Kind = info.role === "checkbox"
      ? "checkbox"
      : info.role === "form_status"
      ? "status"
      : "value";
    plans.push({ column, kind, form: field.form, field, target: field.name });
  }
  return plans;
}

/**
 * Whether a column of a serialised flat frame is not a data field REDCap can import (an
 * analyst's own column such as `bmi_group`, a descriptive field, a checkbox field's bare name):
 * REDCap refuses the whole import with "The following fields were not found in the project as
 * real data fields".
 *
 * @param column The column name.
 * @param dd The project's dictionary.
 * @returns `true` for a column that is not a field, `field___code`, `{form}_complete`,
 * `redcap_*` or a survey timestamp.
 */
export function isExtraColumn(column: string, dd: DataDictionary): boolean {
  if (column === dd.recordIdField || STRUCTURAL_COLUMNS.has(column)) return false;
  const info = dd.columnInfo(column);
  if (info?.role === "timestamp") return false;
  const field = info?.field ? dd.field(info.field) : undefined;
  return !info || !field ||
    (info.role === "field" && ["checkbox", "descriptive"].includes(field.type));
}
