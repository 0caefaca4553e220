/** A small classic project with saved reports, for the report tests. */
import { fieldMetadata, type ProjectDefinition } from "../../lib/server/project.ts";

function report(attributes: Record<string, string>) {
  return {
    report_id: 0,
    attributes: {
      title: "",
      unique_report_name: "",
      combine_checkbox_values: "0",
      output_dags: "0",
      output_survey_fields: "0",
      remove_line_breaks_in_values: "1",
      orderby_field1: "",
      orderby_sort1: "",
      advanced_logic: "",
      filter_type: "EVENT",
      redcap_reports_filter_dags: "",
      redcap_reports_filter_events: "",
      ...attributes,
    },
  };
}

/** A classic project with a checkbox, a textarea, two DAGs and three reports. */
export function reportProject(): ProjectDefinition {
  return {
    info: { project_title: "Reports" },
    metadata: [
      fieldMetadata({
        field_name: "record_id",
        form_name: "main",
        field_type: "text",
        field_label: "Record ID",
      }),
      fieldMetadata({
        field_name: "note",
        form_name: "main",
        field_type: "notes",
        field_label: "Note",
      }),
      fieldMetadata({
        field_name: "age",
        form_name: "main",
        field_type: "text",
        field_label: "Age",
        text_validation_type_or_show_slider_number: "integer",
      }),
      fieldMetadata({
        field_name: "color",
        form_name: "main",
        field_type: "checkbox",
        field_label: "Colors",
        select_choices_or_calculations: "1, Red | 2, Blue | 3, Green",
      }),
    ],
    instruments: [{ instrument_name: "main", instrument_label: "Main" }],
    arms: [],
    events: [],
    formEventMapping: [],
    repeating: [],
    dags: [
      { data_access_group_name: "North", unique_group_name: "north", data_access_group_id: 1 },
      { data_access_group_name: "South", unique_group_name: "south", data_access_group_id: 2 },
    ],
    surveys: [],
    users: [],
    records: [
      { record_id: "1", note: "a\nb", age: "30", color___1: "1", color___3: "1" },
      { record_id: "2", note: "", age: "9", color___2: "1", redcap_data_access_group: "north" },
      { record_id: "3", note: "c", age: "45", redcap_data_access_group: "south" },
    ],
    recordDags: { "2": "north", "3": "south" },
    longitudinal: false,
    reports: [
      report({
        title: "Ages, oldest first",
        unique_report_name: "R-AGES000001",
        redcap_reports_fields: "age,note,color",
        orderby_field1: "age",
        orderby_sort1: "DESC",
      }),
      report({
        title: "Adults combined",
        unique_report_name: "R-ADULTS0002",
        redcap_reports_fields: "record_id,color",
        combine_checkbox_values: "1",
        output_dags: "1",
        advanced_logic: "[age] >= 18",
      }),
      report({
        title: "South only",
        unique_report_name: "R-SOUTH00003",
        redcap_reports_fields: "record_id,age",
        redcap_reports_filter_dags: "south",
      }),
    ],
  };
}
