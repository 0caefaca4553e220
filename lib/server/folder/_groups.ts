/**
 * A project folder's `dags.csv` and `surveys.csv`.
 *
 * @module
 */
import type { DataAccessGroup, SurveySettings } from "../project.ts";
import { uniqueGroupName } from "../_unique_names.ts";
import { formLabel, integer, readTable, requireColumns } from "./_tables.ts";

/**
 * Reads `dags.csv` (optional); a group without a unique name gets the one REDCap derives.
 *
 * @param folder The folder.
 * @returns The data access groups.
 */
export function readDags(folder: string): DataAccessGroup[] {
  const dags: DataAccessGroup[] = [];
  const dagTable = readTable(folder, "dags.csv");
  if (dagTable) {
    requireColumns(dagTable, ["data_access_group_name"]);
    for (const { line, cells } of dagTable.rows) {
      const unique = cells.unique_group_name || uniqueGroupName(cells.data_access_group_name);
      if (!unique) {
        throw new SyntaxError(`Cannot read dags.csv line ${line}: the group has no name`);
      }
      dags.push({
        data_access_group_name: cells.data_access_group_name,
        unique_group_name: unique,
        data_access_group_id: integer(
          dagTable,
          line,
          "data_access_group_id",
          cells.data_access_group_id ?? "",
          dags.length + 1,
        ),
      });
    }
  }
  return dags;
}

/**
 * Reads `surveys.csv` (optional, `form_name,title`); a survey without a title is titled from its
 * form's name.
 *
 * @param folder The folder.
 * @param forms The dictionary's forms.
 * @returns The surveys.
 */
export function readSurveys(folder: string, forms: string[]): SurveySettings[] {
  const formSet = new Set(forms);
  const surveys: SurveySettings[] = [];
  const surveyTable = readTable(folder, "surveys.csv");
  if (surveyTable) {
    requireColumns(surveyTable, ["form_name"]);
    for (const { line, cells } of surveyTable.rows) {
      if (!formSet.has(cells.form_name)) {
        throw new SyntaxError(
          `Cannot read surveys.csv line ${line}: form "${cells.form_name}" is not in metadata.csv`,
        );
      }
      surveys.push({
        form_name: cells.form_name,
        title: cells.title || formLabel(cells.form_name),
      });
    }
  }
  return surveys;
}
