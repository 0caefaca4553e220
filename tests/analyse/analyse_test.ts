/**
 * tabulate(), summarize() and tableOne() on the demo and on real Project XML files from the
 * corpus (REDCapR's "longitudinal": checkboxes, events, a calc; "repeating-instruments").
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
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

/** Counts of a column's non-null values, by value (an independent check of tabulate). */
function counts(df: pl.DataFrame, column: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of df.getColumn(column).toArray()) {
    if (v === null) continue;
    out.set(String(v), (out.get(String(v)) ?? 0) + 1);
  }
  return out;
}

Deno.test("tabulate() lists every level in dictionary order, empty ones kept, same on codes and labels", async () => {
  const client = clientOf();
  const labelled = await client.readRecords({ forms: ["enrollment"] });
  const coded = await client.readRecords({ forms: ["enrollment"], labels: "code" });
  const dd = labelled.dictionary;
  const byLabel = tabulate(labelled.data, dd, "sex");
  const byCode = tabulate(coded.data, dd, "sex");
  deepStrictEqual(byLabel.toRecords(), byCode.toRecords());
  deepStrictEqual(byLabel.getColumn("level").toArray(), ["Female", "Male", "Intersex"]);
  const seen = counts(coded.data, "sex");
  deepStrictEqual(
    byLabel.getColumn("n").toArray(),
    ["1", "2", "3"].map((code) => seen.get(code) ?? 0),
  );
  // The demo has no intersex participant: the level is kept with n = 0.
  strictEqual(byLabel.getColumn("n").toArray()[2], 0);
  // yesno read as codes is Boolean: still tabulated as Yes/No in dictionary order.
  const consent = tabulate(coded.data, dd, "consent");
  deepStrictEqual(consent.getColumn("level").toArray(), ["Yes", "No"]);
  strictEqual(
    consent.getColumn("n").toArray()[0],
    coded.data.getColumn("consent").toArray().filter((v) => v === true).length,
  );
});

Deno.test("tabulate() counts a checkbox one row per option, from Boolean or list columns", async () => {
  const client = clientOf();
  const flat = await client.readRecords({ forms: ["enrollment"] });
  const listed = await client.readRecords({ forms: ["enrollment"], checkboxes: "list" });
  const dd = flat.dictionary;
  const race = tabulate(flat.data, dd, "race");
  deepStrictEqual(
    race.getColumn("code").toArray(),
    dd.checkboxColumns("race").map((c) => c.code),
  );
  for (const [i, option] of dd.checkboxColumns("race").entries()) {
    const checked = flat.data.getColumn(option.column).toArray().filter((v) => v === true).length;
    strictEqual(race.getColumn("n").toArray()[i], checked, option.column);
  }
  const fromList = tabulate(listed.data, dd, "race");
  // The list column holds choices only (missing-data codes are not options there).
  deepStrictEqual(fromList.toRecords(), race.toRecords().slice(0, fromList.height));
});

Deno.test("tabulate() by a group: groups in dictionary order, percent within the group", async () => {
  const { data, dictionary } = await clientOf().readRecords({ forms: ["enrollment"] });
  const table = tabulate(data, dictionary, "ethnicity", { by: "sex" });
  deepStrictEqual(table.columns, ["sex", "code", "level", "n", "percent"]);
  deepStrictEqual([...new Set(table.getColumn("sex").toArray())], ["Female", "Male", "Intersex"]);
  const female = table.toRecords().filter((r) => r.sex === "Female");
  const total = female.reduce((a, r) => a + (r.n as number), 0);
  strictEqual(female[0].percent, Math.round((1000 * (female[0].n as number)) / total) / 10);
});

Deno.test("tabulate() refuses a field that is not coded, absent, or a value that is no level", async () => {
  const { data, dictionary } = await clientOf().readRecords({ forms: ["enrollment"] });
  throws(() => tabulate(data, dictionary, "dob"), /"dob".*without choices.*summarize/);
  throws(() => tabulate(data, dictionary, "sexx"), /"sexx" is not a field/);
  throws(() => tabulate(data, dictionary, "sbp"), /without choices/);
  const odd = data.withColumns(pl.lit("Other").alias("sex"));
  throws(() => tabulate(odd, dictionary, "sex"), /"Other", which is none of its codes or labels/);
});

Deno.test("summarize() works on Date columns where nodejs-polars describe() throws", async () => {
  const { data, dictionary, missing } = await clientOf().readRecords();
  throws(() => data.describe());
  const summary = summarize(data, dictionary, undefined, { missing });
  const rows = new Map(summary.toRecords().map((r) => [r.field, r]));
  ok(!rows.has("enrollment_complete") && !rows.has("enrollment_intro"));
  const dob = rows.get("dob")!;
  strictEqual(dob.type, "date");
  const dates = data.getColumn("dob").toArray().filter((v) => v !== null) as unknown as Date[];
  strictEqual(dob.min, new Date(Math.min(...dates.map(Number))).toISOString().slice(0, 10));
  strictEqual(dob.n, dates.length);
  const sbp = rows.get("sbp")!;
  const values = data.getColumn("sbp").toArray().filter((v) => v !== null).map(Number);
  strictEqual(sbp.n, values.length);
  ok(Math.abs((sbp.mean as number) - values.reduce((a, b) => a + b) / values.length) < 1e-3);
  strictEqual(sbp.unit, "mmHg");
  // Missing-data codes from the read's report are counted per field.
  const codes = counts(missing.filter(pl.col("field").eq(pl.lit("ethnicity"))), "code");
  if (codes.size > 0) {
    strictEqual(
      rows.get("ethnicity")!.missing_codes,
      [...codes].map(([c, n]) => `${c}: ${n}`).join(", "),
    );
  }
  // A checked missing-code option of a checkbox is reported by column; counted by field.
  const race = missing.filter(pl.col("field").str.startsWith("race___"));
  const raceCodes = counts(race, "code");
  strictEqual(
    rows.get("race")!.missing_codes,
    raceCodes.size > 0 ? [...raceCodes].map(([c, n]) => `${c}: ${n}`).join(", ") : null,
  );
  // Only rows whose event has the form count: enrollment is on screening events only.
  strictEqual(
    (rows.get("sex")!.n as number) + (rows.get("sex")!.missing as number),
    data.getColumn("redcap_event_name").toArray().filter((e) => String(e).startsWith("screening"))
      .length,
  );
});

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

Deno.test({
  name: "tabulate() and summarize() on REDCapR's repeating-instruments Project XML",
  ignore: NO_CORPUS,
  fn: async () => {
    const client = clientOf(`${PROJECTS}repeating-instruments/project.xml`);
    const { data, dictionary } = await client.readRecords();
    const sex = tabulate(data, dictionary, "sex");
    deepStrictEqual(sex.getColumn("level").toArray(), dictionary.levels("sex"));
    // Only the non-repeating rows hold demographics; repeating rows are not counted as missing.
    const row = summarize(data, dictionary, ["sex"]).toRecords()[0];
    strictEqual(
      (row.n as number) + (row.missing as number),
      data.getColumn("redcap_repeat_instrument").toArray().filter((v) => v === null).length,
    );
  },
});
