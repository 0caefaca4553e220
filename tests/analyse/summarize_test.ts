/** summarize() on the demo: Date columns summarised where nodejs-polars describe() throws. */
import { ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { summarize } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { createTestServer } from "../_helpers.ts";

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
