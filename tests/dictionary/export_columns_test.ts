/** flatExportColumns(): the header of a flat raw export from the dictionary alone. */
import { deepStrictEqual } from "node:assert/strict";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { flatExportColumns } from "../../lib/dictionary/export_columns.ts";

const dictionary = DataDictionary.fromMetadata([
  { field_name: "record_id", form_name: "enrollment", field_type: "text" },
  {
    field_name: "race",
    form_name: "enrollment",
    field_type: "checkbox",
    select_choices_or_calculations: "1, White | 2, Asian",
  },
  { field_name: "sbp", form_name: "visit", field_type: "text" },
]);

Deno.test("every column in dictionary order when no fields or forms are asked for", () => {
  deepStrictEqual(flatExportColumns(dictionary, {}), [
    "record_id",
    "race___1",
    "race___2",
    "enrollment_complete",
    "sbp",
    "visit_complete",
  ]);
});

Deno.test("fields in the dictionary's order; the record id only when asked for", () => {
  deepStrictEqual(flatExportColumns(dictionary, { fields: ["sbp", "race"] }), [
    "race___1",
    "race___2",
    "sbp",
  ]);
  deepStrictEqual(flatExportColumns(dictionary, { fields: ["sbp", "record_id"] }), [
    "record_id",
    "sbp",
  ]);
  deepStrictEqual(flatExportColumns(dictionary, { forms: ["visit"] }), ["sbp", "visit_complete"]);
});

Deno.test("the DAG column follows the record id when asked for", () => {
  deepStrictEqual(
    flatExportColumns(dictionary, { fields: ["record_id"], exportDataAccessGroups: true }),
    ["record_id", "redcap_data_access_group"],
  );
});
