import pl from "nodejs-polars";
const s = pl.DataFrame({ d: ["2024-02-30", "2024-02-29", "2023-02-29", "20240105", "2024-1-5", "2024-01-05T00:00", " 2024-01-05", "2024-01-05", null],
  t: ["2024-02-11 11:31:05", "2024-02-11 11:31", "2024-02-11T11:31:05", "2024-02-30 11:31:05", "2024-02-11 25:31:05", "2024-02-11 11:31:05.123", "2024-02-11 11:31:60", "x", null] });
console.log(s.select(pl.col("d").cast(pl.Date, false).alias("cast"), pl.col("d").str.strptime(pl.Date, "%Y-%m-%d").alias("strp"), pl.col("t").cast(pl.Datetime("ms"), false).alias("tcast"), pl.col("t").str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S").alias("tstrp")).toString());
