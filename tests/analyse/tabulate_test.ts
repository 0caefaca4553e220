/**
 * tabulate() on the demo and on the corpus's REDCapR repeating-instruments Project XML: levels in
 * dictionary order, checkboxes, groups.
 */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { summarize, tabulate } from "../../mod.ts";
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
