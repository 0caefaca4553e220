/**
 * The header of a flat raw export, worked out from the dictionary alone: what an empty export
 * (REDCap 14 sends an empty body) or a JSON/XML export without rows is given as columns.
 *
 * @module
 */
import type { DataDictionary } from "./data_dictionary.ts";

/** What decides the header of a flat raw export. */
export interface FlatExportRequest {
  fields?: readonly string[];
  forms?: readonly string[];
  exportDataAccessGroups?: boolean;
  exportSurveyFields?: boolean;
}

/**
 * The header of a flat raw export, in REDCap's order (the dictionary's, whatever the order of
 * `fields`): the record id and the structural columns (`redcap_event_name`, the repeat
 * columns, then `redcap_data_access_group` and `redcap_survey_identifier` when asked for) only
 * when the export holds the record-id field (REDCap leaves them out otherwise), then the
 * columns of the fields and forms asked for (every field when neither is given).
 */
export function flatExportColumns(
  dictionary: DataDictionary,
  request: FlatExportRequest,
): string[] {
  const { fields, forms } = request;
  const all = dictionary.columns({
    dataAccessGroups: request.exportDataAccessGroups,
    surveyFields: request.exportSurveyFields,
  });
  if (!fields && !forms) return all;
  const fieldSet = new Set(fields ?? []);
  const formSet = new Set(forms ?? []);
  const id = dictionary.recordIdField;
  const withId = fieldSet.has(id) || formSet.has(dictionary.field(id)!.form);
  return all.filter((column) => {
    const info = dictionary.columnInfo(column);
    if (!info || info.role === "id" || info.role === "structural") return withId;
    // Survey timestamps come with their form, as REDCap exports them.
    if (info.role === "timestamp") {
      return formSet.has(info.form!) ||
        (dictionary.form(info.form!)?.fields ?? []).some((f) => fieldSet.has(f));
    }
    return (info.field !== undefined && fieldSet.has(info.field)) ||
      (info.form !== undefined && formSet.has(info.form));
  });
}
