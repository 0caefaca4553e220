import { deepStrictEqual, ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { ipcStream, StringColumn } from "../../lib/parse/_arrow_ipc.ts";
import { ipcSchema } from "../../lib/parse/eav_converter.ts";
import { mulberry32 } from "../../lib/_random.ts";

const encoder = new TextEncoder();

/** Builds String columns cell by cell from JS values (null: not written). */
function build(values: (string | null)[][], rows: number): StringColumn[] {
  return values.map((column) => {
    const built = new StringColumn(rows);
    column.forEach((value, row) => {
      if (value === null) return;
      const bytes = encoder.encode(value);
      if (row > built.row) built.skipTo(row);
      built.room(bytes.length);
      built.data.set(bytes, built.length);
      built.close(row, built.length + bytes.length);
    });
    built.end(rows);
    return built;
  });
}

function read(names: string[], columns: StringColumn[], rows: number): pl.DataFrame {
  const ipc = ipcStream(ipcSchema(names), columns, rows);
  return pl.readIPCStream(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
}

Deno.test("ipcStream() writes String columns Polars reads back: nulls, blanks, UTF-8, long values", () => {
  const names = ["a", "b", "ç"];
  const values = [
    ["x", null, "", 'Ærø, "quoted"\nline', "y".repeat(100)],
    [null, null, null, null, "only last"],
    ["1", "2", "3", "4", "5"],
  ];
  const df = read(names, build(values, 5), 5);
  deepStrictEqual(df.columns, names);
  ok(df.dtypes.every((d) => d.equals(pl.String)));
  // An empty cell is null, as REDCap's blank.
  deepStrictEqual(df.getColumn("a").toArray(), ["x", null, null, values[0][3], values[0][4]]);
  deepStrictEqual(df.getColumn("b").toArray(), [null, null, null, null, "only last"]);
  deepStrictEqual(df.getColumn("ç").toArray(), values[2]);
});

Deno.test("ipcStream() agrees with Polars on random columns, and on no rows", () => {
  const rand = mulberry32(7);
  for (let round = 0; round < 20; round++) {
    const rows = Math.floor(rand() * 40);
    const names = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => `c${i}`);
    const values = names.map(() =>
      Array.from({ length: rows }, () => rand() < 0.3 ? null : "é€x".repeat(Math.floor(rand() * 6)))
    );
    const want = pl.DataFrame(
      Object.fromEntries(names.map((n, i) => [n, values[i].map((v) => v === "" ? null : v)])),
      { schema: Object.fromEntries(names.map((n) => [n, pl.String])) },
    );
    const got = read(names, build(values, rows), rows);
    ok(got.frameEqual(want, true), `round ${round}`);
  }
});
