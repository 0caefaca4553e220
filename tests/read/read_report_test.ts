/**
 * `readReport`: a saved report typed and labelled from the dictionary, with the invalid and
 * missing reports, for the report's columns only; bad and unknown report ids.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapClient } from "../../lib/client.ts";
import { RedcapApiError } from "../../lib/errors.ts";
import { createTestServer } from "../_helpers.ts";
import { reportProject } from "../server/_reports_fixture.ts";

function client() {
  const definition = reportProject();
  definition.info.missing_data_codes = "UNK, Unknown";
  definition.records.push({ record_id: "4", age: "UNK" }, { record_id: "5", age: "old" });
  const server = createTestServer(definition, { acceptInvalid: true });
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

Deno.test("readReport types the report's columns only, in its order and row order", async () => {
  const { data, invalid, missing } = await client().readReport(1);
  deepStrictEqual(data.columns, [
    "record_id",
    "age",
    "note",
    "color___1",
    "color___2",
    "color___3",
    "color___unk",
  ]);
  ok(data.getColumn("age").dtype.equals(pl.Int64));
  ok(data.getColumn("color___1").dtype.equals(pl.Bool));
  // Sorted by age, descending, on the stored values (REDCap's report order): text after numbers.
  deepStrictEqual(data.getColumn("record_id").toArray(), ["5", "4", "3", "1", "2"]);
  deepStrictEqual(data.getColumn("age").toArray(), [null, null, 45, 30, 9]);
  deepStrictEqual(invalid.select("record", "field", "value").toRecords(), [
    { record: "5", field: "age", value: "old" },
  ]);
  deepStrictEqual(missing.select("record", "field", "code").toRecords(), [
    { record: "4", field: "age", code: "UNK" },
  ]);
});

Deno.test("readReport: labels, checkbox lists, and a report's filters", async () => {
  const { data } = await client().readReport("1", { checkboxes: "list", format: "json" });
  deepStrictEqual(data.getColumn("color").toArray().slice(3, 5), [["Red", "Green"], ["Blue"]]);
  const south = await client().readReport(3);
  deepStrictEqual(south.data.toRecords(), [{ record_id: "3", age: 45 }]);
});

Deno.test("readReport refuses a malformed id and reports REDCap's error for an unknown one", async () => {
  await rejects(() => client().readReport("1; drop"), /"reportId" must be a whole number/);
  await rejects(() => client().readReport(1, { label: "code" } as never), /unknown option "label"/);
  const error = await client().readReport(42).catch((e) => e);
  ok(error instanceof RedcapApiError);
  strictEqual(error.status, 403);
  ok(error.message.includes("report_id=42 does not belong to this project"));
});
