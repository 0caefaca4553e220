import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { escapeHtml, htmlTable } from "../../lib/jupyter/html_table.ts";

/** The texts of the cells (`<td>`/`<th>`) of each row, in order. */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1])
  );
}

Deno.test("escapeHtml() escapes the five HTML-special characters", () => {
  strictEqual(
    escapeHtml(`<a href='x'>"&"</a>`),
    "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;",
  );
});

Deno.test("htmlTable() escapes values, column names and labels", () => {
  const df = pl.DataFrame({ "<b>": ["<script>alert(1)</script>", "a & b"] });
  const html = htmlTable(df, { labels: { "<b>": "<i>Label</i>" } });
  ok(!html.includes("<script>alert"));
  ok(!html.includes("<i>Label"));
  deepStrictEqual(cells(html), [
    ["&lt;b&gt;"],
    ["&lt;i&gt;Label&lt;/i&gt;"],
    ["str"],
    ["&lt;script&gt;alert(1)&lt;/script&gt;"],
    ["a &amp; b"],
  ]);
});

Deno.test("htmlTable() shows names, labels and dtypes rows, then values with nulls marked", () => {
  const df = pl.DataFrame({
    record_id: ["1", "2"],
    visit: pl.Series("visit", [new Date("2024-03-05"), null]).cast(pl.Date),
    seen: pl.Series("seen", [new Date("2024-03-05T14:30:00Z"), null]).cast(pl.Datetime("ms")),
    weight: [70.5, null],
    n: pl.Series("n", [3, 4]).cast(pl.Int64),
    smoker: [true, false],
    sex: pl.Series("sex", ["Female", "Male"]).cast(pl.Categorical),
  });
  const rows = cells(htmlTable(df, { labels: { weight: "Weight (kg)" } }));
  deepStrictEqual(rows[0], ["record_id", "visit", "seen", "weight", "n", "smoker", "sex"]);
  deepStrictEqual(rows[1], ["", "", "", "Weight (kg)", "", "", ""]);
  deepStrictEqual(rows[2], ["str", "date", "datetime[ms]", "f64", "i64", "bool", "cat"]);
  deepStrictEqual(rows[3], [
    "1",
    "2024-03-05",
    "2024-03-05 14:30:00",
    "70.5",
    "3",
    "true",
    "Female",
  ]);
  deepStrictEqual(rows[4], ["2", "null", "null", "null", "4", "false", "Male"]);
});

Deno.test("htmlTable() leaves out the labels row when no labels are given, and dtypes on request", () => {
  const df = pl.DataFrame({ a: [1] });
  deepStrictEqual(cells(htmlTable(df)), [["a"], ["f64"], ["1"]]);
  deepStrictEqual(cells(htmlTable(df, { dtypes: false })), [["a"], ["1"]]);
});

Deno.test("htmlTable() truncates to maxRows and says how many rows are left", () => {
  const df = pl.DataFrame({ i: Array.from({ length: 25 }, (_, i) => i) });
  const rows = cells(htmlTable(df, { maxRows: 10, dtypes: false }));
  strictEqual(rows.length, 1 + 10 + 1);
  deepStrictEqual(rows[10], ["9"]);
  deepStrictEqual(rows[11], ["… 15 more rows"]);
  ok(htmlTable(df.head(11), { maxRows: 10 }).includes("… 1 more row<"));
  ok(!htmlTable(df.head(10), { maxRows: 10 }).includes("more row"));
  throws(() => htmlTable(df, { maxRows: -1 }), /maxRows must be a non-negative integer/);
});

Deno.test("htmlTable() truncates columns past maxColumns", () => {
  const df = pl.DataFrame({ a: [1], b: [2], c: [3], d: [4] });
  const rows = cells(htmlTable(df, { maxColumns: 2, dtypes: false }));
  deepStrictEqual(rows[0], ["a", "b", "… 2 more columns"]);
  deepStrictEqual(rows[1], ["1", "2", "…"]);
});

Deno.test("htmlTable() renders arrays of row objects, with title and caption escaped", () => {
  const html = htmlTable(
    [{ field: "age", problem: "not a number: <x>" }, { field: "dob", extra: 1 }],
    { title: "Invalid values", caption: "2 < 3 problems" },
  );
  ok(html.includes("<caption><strong>Invalid values</strong> 2 &lt; 3 problems</caption>"));
  deepStrictEqual(cells(html), [
    ["field", "problem", "extra"],
    ["age", "not a number: &lt;x&gt;", "null"],
    ["dob", "null", "1"],
  ]);
});

Deno.test("htmlTable() never shows a token that is in the data", () => {
  const token = "0123456789ABCDEF0123456789ABCDEF";
  const html = htmlTable(pl.DataFrame({ note: [`api token ${token}`] }), { title: token });
  ok(!html.includes(token));
  ok(html.includes("api token [token]"));
});
