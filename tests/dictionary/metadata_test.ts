/** Metadata rows: the 18 columns in REDCap's order, and blank rows built in code. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { fieldMetadata, METADATA_COLUMNS } from "../../lib/dictionary/metadata.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";

Deno.test("fieldMetadata() fills every column of REDCap's export order", () => {
  const row = fieldMetadata({ field_name: "age", form_name: "intake", field_type: "text" });
  deepStrictEqual(Object.keys(row), [...METADATA_COLUMNS]);
  strictEqual(METADATA_COLUMNS.length, 18);
  deepStrictEqual([row.field_name, row.field_label, row.branching_logic], ["age", "", ""]);
});

Deno.test("a DataDictionary is built from fieldMetadata() rows", () => {
  const dd = DataDictionary.fromMetadata([
    fieldMetadata({ field_name: "id", form_name: "intake", field_type: "text" }),
    fieldMetadata({ field_name: "age", form_name: "intake", field_type: "text" }),
  ]);
  deepStrictEqual([dd.recordIdField, dd.field("age")?.form], ["id", "intake"]);
});
