/**
 * The demo's saved reports.
 *
 * @module
 */
import type { ReportDefinition } from "../project.ts";

/** Two saved reports, with the settings REDCap's report builder writes to a Project XML. */
export function demoReports(): ReportDefinition[] {
  const report = (attributes: Record<string, string>): ReportDefinition => ({
    report_id: 0,
    attributes: {
      description: "",
      combine_checkbox_values: "0",
      output_dags: "0",
      output_survey_fields: "0",
      output_missing_data_codes: "0",
      remove_line_breaks_in_values: "1",
      orderby_field1: "record_id",
      orderby_sort1: "ASC",
      orderby_field2: "",
      orderby_sort2: "",
      orderby_field3: "",
      orderby_sort3: "",
      advanced_logic: "",
      filter_type: "EVENT",
      redcap_reports_filter_dags: "",
      redcap_reports_filter_events: "",
      ...attributes,
    },
  });
  return [
    report({
      title: "Enrolled participants",
      unique_report_name: "R-DEMOENROLL",
      report_order: "1",
      redcap_reports_fields: "record_id,enroll_date,sex,race,consent",
      redcap_reports_filter_events: "screening_arm_1,screening_arm_2",
    }),
    report({
      title: "High blood pressure, highest first",
      unique_report_name: "R-DEMOHIGHBP",
      report_order: "2",
      redcap_reports_fields: "record_id,visit_datetime,sbp,dbp",
      orderby_field1: "sbp",
      orderby_sort1: "DESC",
      advanced_logic: "[sbp] >= 140",
    }),
  ];
}
