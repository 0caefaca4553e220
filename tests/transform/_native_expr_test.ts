import { deepStrictEqual as assertEquals } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { NativeExpr } from "../../lib/transform/_native_expr.ts";

const df = pl.DataFrame({
  a: ["1", "0", null, "2,5", "x", "2024-01-02 03:04", "2024-01-02 03:04:05", "12:30", ""],
});
const a = NativeExpr.cols(["a"]);
const col = pl.col("a");

/** The native chain and the nodejs-polars expression give the same column. */
function same(native: NativeExpr, expr: pl.Expr): void {
  const got = df.select(native.alias("x").expr()).getColumn("x");
  const want = df.select(expr.alias("x")).getColumn("x");
  assertEquals(String(got.dtype), String(want.dtype));
  assertEquals(got.toArray(), want.toArray());
}

Deno.test("NativeExpr steps give what the nodejs-polars methods of the same name give", () => {
  same(a.eq("1"), col.eq(pl.lit("1")));
  same(a.neq("1"), col.neq(pl.lit("1")));
  same(a.strLengths().eq(3), col.str.lengths().eq(pl.lit(3)));
  same(a.eq("1").and(a.isNull().not()), col.eq(pl.lit("1")).and(col.isNull().not()));
  same(a.eq("1").or(a.eq("x")), col.eq(pl.lit("1")).or(col.eq(pl.lit("x"))));
  same(a.add("!"), col.add(pl.lit("!")));
  same(a.eq("0").fillNull(false), col.eq(pl.lit("0")).fillNull(false));
  same(a.isIn(["1", "x"]), col.isIn(["1", "x"]));
  same(a.cast(pl.Int64), col.cast(pl.Int64, false));
  same(
    a.strReplace(",", ".", true).cast(pl.Float64),
    col.str.replace(",", ".", true).cast(pl.Float64),
  );
  same(a.cast(pl.Float64).isFinite(), col.cast(pl.Float64).isFinite());
  same(a.strContains("^[0-9]+$"), col.str.contains("^[0-9]+$"));
  same(
    a.replaceStrict(["1", "0"], ["one", "zero"], null, pl.Categorical),
    col.replaceStrict(["1", "0"], ["one", "zero"], pl.lit(null), pl.Categorical),
  );
  same(
    NativeExpr.cases([[a.eq("1"), NativeExpr.lit(true)], [a.eq("0"), NativeExpr.lit(false)]], null),
    pl.when(col.eq(pl.lit("1"))).then(pl.lit(true)).when(col.eq(pl.lit("0"))).then(pl.lit(false))
      .otherwise(pl.lit(null)),
  );
  same(a.keepName(), col);
  const rows = pl.Series("rows", [2, 0], pl.UInt32);
  same(a.gather(rows), col.gather(rows));
  const index = NativeExpr.lit(1).cast(pl.UInt32);
  same(NativeExpr.column(pl.Series(["p", "q"])).gather(index), pl.lit("q"));
  const cat = a.cast(pl.Categorical);
  same(cat.toPhysical(), col.cast(pl.Categorical).toPhysical());
});

Deno.test("NativeExpr.strToDateExact parses only values that match the whole format", () => {
  const d = pl.DataFrame({ a: ["2024-01-05", "2024-01-5 ", "x", null, "2024-02-30", "2024-1-5"] });
  const got = d.select(NativeExpr.col("a").strToDateExact("%Y-%m-%d").alias("x").expr());
  assertEquals(String(got.getColumn("x").dtype), String(pl.Date));
  const values = got.getColumn("x").toArray().map((v) => v && (v as unknown as Date).toISOString());
  // chrono reads an unpadded month or day; castRecords keeps the parse to ten characters.
  assertEquals(values, [
    "2024-01-05T00:00:00.000Z",
    null,
    null,
    null,
    null,
    "2024-01-05T00:00:00.000Z",
  ]);
});

Deno.test("NativeExpr.arg() stands for the expression in select and filter", () => {
  const picked = df.filter(a.eq("1").arg()).select(
    a.alias("x").arg(),
    NativeExpr.lit(7).alias("y").arg(),
  );
  assertEquals(picked.toRecords(), [{ x: "1", y: 7 }]);
});

Deno.test("NativeExpr.strToDatetimeExact parses only values that match the whole format", () => {
  const got = df.select(a.strToDatetimeExact("%Y-%m-%d %H:%M:%S").alias("x").expr());
  assertEquals(String(got.getColumn("x").dtype), String(pl.Datetime("ms")));
  const values = got.getColumn("x").toArray().map((d) => d && (d as unknown as Date).toISOString());
  assertEquals(values, [
    null,
    null,
    null,
    null,
    null,
    null,
    "2024-01-02T03:04:05.000Z",
    null,
    null,
  ]);
});

Deno.test("NativeExpr steps can be shared by several expressions", () => {
  const one = NativeExpr.lit("1");
  same(
    NativeExpr.cases([[a.eq(one), one]], "0"),
    pl.when(col.eq(pl.lit("1"))).then(pl.lit("1")).otherwise(pl.lit("0")),
  );
  same(a.eq("1"), col.eq(pl.lit("1")));
});
