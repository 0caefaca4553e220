/**
 * Key-value metadata added to a Polars-written Parquet footer in place: the data still reads
 * (Polars, DuckDB), existing entries stay, keys are replaced, long lists are encoded.
 */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { DuckDBInstance } from "../_duckdb.ts";
import { addKeyValueMetadata } from "../../lib/dataset/_parquet_kv.ts";

async function kvOf(path: string): Promise<Record<string, string>> {
  const duck = await DuckDBInstance.create(":memory:");
  const sql = await duck.connect();
  try {
    const reader = await sql.runAndReadAll(
      `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${path}')`,
    );
    return Object.fromEntries(reader.getRowObjectsJS().map((r) => [r.k, r.v]));
  } finally {
    sql.closeSync();
    duck.closeSync();
  }
}

Deno.test("addKeyValueMetadata keeps the data and Polars' entries, replaces and adds keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/f.parquet`;
    const df = pl.DataFrame({
      id: ["1", "2", "3"],
      n: [1.5, null, 3],
      flag: [true, false, null],
      when: [new Date(Date.UTC(2024, 0, 2)), null, new Date(Date.UTC(2025, 5, 6, 7, 8))],
    }).withColumns(pl.col("id").cast(pl.Categorical));
    df.writeParquet(path);
    const before = await kvOf(path);
    const many = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`label.c${i}`, `Label ${i} ü "q" 'a'`]),
    );
    await addKeyValueMetadata(path, { "value_labels.x": '{"1":"Yes","0":"No"}', ...many });
    await addKeyValueMetadata(path, { "value_labels.x": '{"2":"Maybe"}' });
    const after = await kvOf(path);
    for (const [key, value] of Object.entries(before)) strictEqual(after[key], value, key);
    strictEqual(after["value_labels.x"], '{"2":"Maybe"}');
    strictEqual(after["label.c39"], `Label 39 ü "q" 'a'`);
    strictEqual(Object.keys(after).length, Object.keys(before).length + 41);
    deepStrictEqual(pl.readParquet(path).toRecords(), df.toRecords());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("addKeyValueMetadata refuses a file that is not Parquet", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/x.parquet`, "record_id,age\n1,2\n");
    await rejects(() => addKeyValueMetadata(`${dir}/x.parquet`, { a: "b" }), /not a Parquet file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
