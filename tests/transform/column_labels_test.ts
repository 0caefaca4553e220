/** Column and value labels by column name: they survive select, filter and joins. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { columnLabels, labelRecords } from "../../mod.ts";
import { displayFrame, htmlTable } from "../../lib/jupyter/mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

Deno.test("columnLabels(df, dictionary) labels every field column after filter, select and join", async () => {
  const client = clientOf();
  const { data, dictionary } = await client.readRecords();
  const read = columnLabels(data);
  const fieldColumns = data.columns.filter((c) => dictionary.columnInfo(c)?.field !== undefined);
  ok(fieldColumns.length > 70);
  // A filter gives a new frame: no recorded labels survive it.
  const filtered = data.filter(pl.col("sex").eq(pl.lit("Female")));
  deepStrictEqual(columnLabels(filtered), {});
  const byName = columnLabels(filtered, dictionary);
  for (const column of fieldColumns) strictEqual(byName[column], read[column], column);
  const joined = data.select("record_id", "redcap_event_name", "sbp").join(
    data.select("record_id", "redcap_event_name", "race___2"),
    { on: ["record_id", "redcap_event_name"] },
  );
  deepStrictEqual(columnLabels(joined, dictionary), {
    record_id: read.record_id,
    sbp: "Systolic blood pressure",
    race___2: `${dictionary.field("race")!.label} (choice=Asian)`,
  });
});

Deno.test("value labels come by name too: labelRecords() on a selected, filtered coded frame", async () => {
  const { data, dictionary } = await clientOf().readRecords({ labels: "code" });
  const part = data.select("record_id", "sex", "ethnicity").filter(pl.col("sex").isNotNull());
  const labelled = labelRecords(part, dictionary, { labels: "both" });
  const codes = part.getColumn("sex").toArray();
  const labels = labelled.getColumn("sex__label").toArray();
  codes.forEach((code, i) =>
    strictEqual(labels[i], dictionary.choices("sex").find((c) => c.code === code)!.label)
  );
  strictEqual(columnLabels(labelled, dictionary).sex__label, "Sex");
});

Deno.test("htmlTable() and displayFrame() show dictionary labels for any frame", async () => {
  const { data, dictionary } = await clientOf().readRecords({ forms: ["vitals"] });
  const part = data.filter(pl.col("sbp").gt(pl.lit(140))).select("record_id", "sbp", "weight");
  const html = htmlTable(part, { dictionary, labels: { weight: "Weight (kg)" } });
  ok(html.includes(">Systolic blood pressure</th>"));
  ok(html.includes(">Weight (kg)</th>"), "given labels win over the dictionary");
  ok(!htmlTable(part).includes("Systolic blood pressure"));
  const shown = displayFrame(part, { dictionary })[Symbol.for("Jupyter.display")]();
  ok(shown["text/html"].includes("Systolic blood pressure"));
});

Deno.test({
  name: "columnLabels(df, dictionary) on REDCapR's checkboxes-1 Project XML after a select",
  ignore: NO_CORPUS,
  fn: async () => {
    const path = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/checkboxes-1/project.xml`;
    const { data, dictionary } = await clientOf(path).readRecords();
    const options = dictionary.checkboxColumns("check_one");
    const part = data.select(...options.map((o) => o.column));
    deepStrictEqual(
      columnLabels(part, dictionary),
      Object.fromEntries(
        options.map((
          o,
        ) => [o.column, `${dictionary.field("check_one")!.label} (choice=${o.label})`]),
      ),
    );
  },
});
