/**
 * tableOne() on the demo and on the corpus's REDCapR longitudinal Project XML (with tabulate and
 * summarize there).
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { summarize, tableOne, tabulate } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { createTestServer, NO_CORPUS } from "../_helpers.ts";

const PROJECTS = new URL(
  "../../../shared/redcap-corpus/OuhscBbmc/REDCapR/inst/test-data/projects/",
  import.meta.url,
).pathname;

function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

Deno.test("tableOne() gives n (%) per level and mean (SD) per group, overall first", async () => {
  const { data, dictionary } = await clientOf().readRecords({ forms: ["enrollment", "vitals"] });
  const table = tableOne(data, dictionary, {
    by: "sex",
    fields: ["ethnicity", "sbp", "height"],
    numbers: { height: "median" },
  });
  deepStrictEqual(table.columns, [
    "variable",
    "characteristic",
    "Overall",
    "Female",
    "Male",
    "Intersex",
  ]);
  const rows = table.toRecords();
  strictEqual(rows[0].characteristic, "n");
  // `data.height` is the demo's height field: count rows by a column.
  strictEqual(rows[0].Overall, String(data.getColumn("record_id").len()));
  const sbp = rows.find((r) => r.variable === "sbp")!;
  strictEqual(sbp.characteristic, "Systolic blood pressure (mmHg), mean (SD)");
  const values = data.getColumn("sbp").toArray().filter((v) => v !== null).map(Number);
  const mean = values.reduce((a, b) => a + b) / values.length;
  ok(String(sbp.Overall).startsWith(mean.toFixed(1)));
  strictEqual(sbp.Intersex, "");
  ok(String(rows.find((r) => r.variable === "height")!.characteristic).endsWith("median [Q1, Q3]"));
  const levels = rows.filter((r) => r.variable === "ethnicity").map((r) => r.characteristic);
  deepStrictEqual(levels, ["Ethnicity, n (%)", "  Hispanic or Latino", "  Not Hispanic or Latino"]);
  const html = table[Symbol.for("Jupyter.display")]()["text/html"];
  ok(html.includes("(n=") && html.includes("Hispanic or Latino"));
  throws(() => tableOne(data, dictionary, { fields: ["first_name"] }), /string field/);
});

Deno.test({
  name: "tabulate(), summarize() and tableOne() on REDCapR's longitudinal Project XML",
  ignore: NO_CORPUS,
  fn: async () => {
    const client = clientOf(`${PROJECTS}longitudinal/project.xml`);
    const { data, dictionary } = await client.readRecords({ labels: "code" });
    for (const field of ["gym", "sex", "given_birth"]) {
      const table = tabulate(data, dictionary, field);
      const codes = dictionary.field(field)!.type === "checkbox"
        ? dictionary.checkboxColumns(field).map((c) => c.code)
        : dictionary.choices(field).map((c) => c.code);
      deepStrictEqual(table.getColumn("code").toArray(), codes, field);
    }
    const gym = tabulate(data, dictionary, "gym");
    const first = dictionary.checkboxColumns("gym")[0].column;
    strictEqual(
      gym.getColumn("n").toArray()[0],
      data.getColumn(first).toArray().filter((v) => v === true).length,
    );
    const summary = summarize(data, dictionary);
    ok(summary.getColumn("field").toArray().includes("bmi"));
    const table = tableOne(data, dictionary, { by: "redcap_event_name", fields: ["sex", "bmi"] });
    // Events in the project's order, only those with rows.
    const events = dictionary.events.map((e) => e.uniqueName).filter((e) =>
      data.getColumn("redcap_event_name").toArray().includes(e)
    );
    deepStrictEqual(table.columns.slice(3), events);
  },
});
