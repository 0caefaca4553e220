import pl from "nodejs-polars";
const s = pl.DataFrame({ t: ["2024-02-11 11:31:05", "2024-02-11 11:31", "2024-02-30 11:31:05", "2024-02-11 25:31:05", "2024-02-11 11:31:60", "2024-02-11 11:61", "2024-2-11 1:31:05", "2024-02-11  1:31", null] });
console.log(s.select(pl.col("t"), pl.col("t").str.replace(" ", "T", true).cast(pl.Datetime("ms"), false).alias("tcast")).toString());
const N = 500_000;
const dts = Array.from({ length: N }, (_, i) => i % 7 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:3${i % 10}${i % 2 ? ":05" : ""}`);
const dt = pl.DataFrame({ a: dts });
const time = (name: string, f: () => unknown) => { f(); const t = performance.now(); for (let i = 0; i < 3; i++) f(); console.log(name, ((performance.now() - t) / 3).toFixed(1)); };
time("dt add+strptime", () => { const n = pl.col("a").str.lengths(); return dt.select(pl.when(n.eq(16)).then(pl.col("a").add(pl.lit(":00"))).when(n.eq(19)).then(pl.col("a")).otherwise(pl.lit(null)).cast(pl.String).str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S").cast(pl.Datetime("ms")).keepName()); });
time("dt replace+cast", () => dt.select(pl.col("a").str.replace(" ", "T", true).cast(pl.Datetime("ms"), false).keepName()));
