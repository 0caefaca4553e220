/** Import bodies read as REDCap reads them: CSV, JSON, XML, EAV rows to flat rows. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import {
  eavToFlat,
  parseImportData,
  parseImportTable,
} from "../../../lib/server/records/parse_import.ts";

Deno.test("parseImportData() reads CSV, JSON and XML rows alike; JSON numbers become text", () => {
  const want = [{ record_id: "1", age: "30" }, { record_id: "2", age: "" }];
  deepStrictEqual(parseImportData("record_id,age\n1,30\n2,\n", "csv"), want);
  deepStrictEqual(
    parseImportData('[{"record_id":"1","age":30},{"record_id":"2","age":null}]', "json"),
    want,
  );
  deepStrictEqual(
    parseImportData(
      "<records><item><record_id>1</record_id><age>30</age></item>" +
        "<item><record_id>2</record_id><age></age></item></records>",
      "xml",
    ),
    want,
  );
  deepStrictEqual(parseImportData("  ", "csv"), []);
});

Deno.test("parseImportTable() gives the header at once and rows in header order", () => {
  const table = parseImportTable("record_id;age\n1;30\n", "csv", ";");
  deepStrictEqual(table.header, ["record_id", "age"]);
  deepStrictEqual([...table.rows], [["1", "30"]]);
  const json = parseImportTable('[{"record_id":"1"},{"record_id":"2","age":"4"}]', "json");
  deepStrictEqual(json.header, ["record_id", "age"]);
  deepStrictEqual([...json.rows], [["1", undefined], ["2", "4"]]);
});

Deno.test("eavToFlat() gathers a record's rows per event and instance; refuses a bad row", () => {
  const flat = eavToFlat([
    { record: "1", field_name: "age", value: "30", redcap_event_name: "base_arm_1" },
    { record: "1", field_name: "sex", value: "2", redcap_event_name: "base_arm_1" },
    { record: "1", field_name: "age", value: "31", redcap_event_name: "week_1_arm_1" },
  ], "record_id");
  deepStrictEqual(flat, [
    { record_id: "1", redcap_event_name: "base_arm_1", age: "30", sex: "2" },
    { record_id: "1", redcap_event_name: "week_1_arm_1", age: "31" },
  ]);
  throws(() => eavToFlat([{ record: "1", value: "2" }], "record_id"), /no "field_name" column/);
  throws(
    () =>
      eavToFlat(
        [{ record: "1", field_name: "a", value: "1", redcap_repeat_instance: "new" }],
        "record_id",
      ),
    /only allowed in flat imports/,
  );
  strictEqual(eavToFlat([], "record_id").length, 0);
});
