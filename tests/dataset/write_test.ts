/**
 * writeDataset: the hand-off DuckDB reads (counts, a join on the record id, value labels), and its
 * refusals (a missing dictionary, a bad format or project).
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { DuckDBInstance } from "../_duckdb.ts";
import { readDataset, writeDataset } from "../../mod.ts";
import { readInstruments } from "../../lib/read/read_records.ts";
import { readDictionary } from "../../lib/read/dictionary.ts";
import { createDemoClient } from "../../lib/demo/client.ts";

async function demoForms(options: { checkboxes?: "boolean" | "list" } = {}) {
  const client = createDemoClient({ records: 12 });
  const forms = await readInstruments(client, options);
  return { forms, dictionary: await readDictionary(client) };
}

Deno.test("DuckDB reads the hand-off: counts, a join on the record id, value labels", async () => {
  const { forms, dictionary } = await demoForms();
  const root = await Deno.makeTempDir();
  const duck = await DuckDBInstance.create(":memory:");
  const sql = await duck.connect();
  const rows = async (query: string) => (await sql.runAndReadAll(query)).getRowObjectsJS();
  try {
    await writeDataset(forms, root, { dictionary, project: 11 });
    await writeDataset(forms, root, { dictionary, project: 12 });
    const dir = `${root}/project=11`;
    for (const [name, frame] of forms) {
      const [{ n }] = await rows(`SELECT count(*) AS n FROM '${dir}/${name}.parquet'`);
      strictEqual(Number(n), frame.shape.height, name);
    }
    const joined = await rows(
      `SELECT e.record_id, e.sex, v.sbp FROM '${dir}/enrollment.parquet' e ` +
        `JOIN '${dir}/vitals.parquet' v USING (record_id) ORDER BY e.record_id, v.sbp`,
    );
    const vitals = forms.get("vitals")!;
    strictEqual(joined.length, vitals.shape.height);
    ok(joined.every((r) => typeof r.sex === "string"));
    const kv = await rows(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${dir}/enrollment.parquet')`,
    );
    const meta = Object.fromEntries(kv.map((r) => [r.key, r.value]));
    strictEqual(
      meta["value_labels.sex"],
      JSON.stringify(Object.fromEntries(
        dictionary.choices("sex").map((c) => [c.code, c.label]),
      )),
    );
    strictEqual(meta["label.sex"], dictionary.field("sex")!.label);
    strictEqual(meta["type.enroll_date"], "text");
    strictEqual(meta["validation.enroll_date"], "date_ymd");
    strictEqual(meta["denocap.instrument"], "enrollment");
    // Hive partitioning: both projects read as one table with a project column.
    const sites = await rows(
      `SELECT project, count(*) AS n FROM read_parquet('${root}/*/enrollment.parquet', ` +
        `hive_partitioning = true) GROUP BY project ORDER BY project`,
    );
    deepStrictEqual(
      sites.map((r) => [String(r.project), Number(r.n)]),
      [["11", forms.get("enrollment")!.shape.height], [
        "12",
        forms.get("enrollment")!.shape.height,
      ]],
    );
    // The README's query: a join across instruments and projects on (project, record_id).
    const bySex = await rows(
      `SELECT e.sex, count(*) AS n FROM '${root}/*/enrollment.parquet' e ` +
        `JOIN '${root}/*/vitals.parquet' v USING (project, record_id) GROUP BY e.sex`,
    );
    strictEqual(bySex.reduce((s, r) => s + Number(r.n), 0), 2 * vitals.shape.height);
    const twelve = await readDataset(root, { project: 12 });
    strictEqual(twelve.project, "12");
    await rejects(
      () => readDataset(root),
      /a root of 2 projects; pass "project" \(one of "11", "12"\)/,
    );
  } finally {
    sql.closeSync();
    duck.closeSync();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeDataset refuses a missing dictionary, a bad format or project", async () => {
  const { forms, dictionary } = await demoForms();
  await rejects(() => writeDataset(forms, "x", {} as never), /"dictionary" is required/);
  await rejects(
    () => writeDataset(forms, "x", { dictionary, format: "xlsx" as never }),
    /"format" must be "parquet" or "csv", got "xlsx"/,
  );
  await rejects(
    () => writeDataset(forms, "x", { dictionary, project: "../up" }),
    /"project" must be letters/,
  );
  await rejects(() => readDataset("/nonexistent-denocap"), /no such folder|no dataset.json/);
});
