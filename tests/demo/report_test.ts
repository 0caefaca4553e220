import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { readRecords } from "../../lib/read/read_records.ts";
import { demoReport } from "../../lib/demo/report.ts";
import { createDemoClient } from "../../lib/demo/client.ts";
import { DEMO_DAG_TOKEN, DEMO_TOKEN } from "denocap/server";

const TOKEN_LIKE = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])/;

Deno.test("demoReport() flags exactly the records with glucose >= 126 and no diabetes, and writes them", async () => {
  const client = createDemoClient({ records: 60 });
  // What the flags should be, computed independently from the raw export.
  const raw = await client.exportRecords({ fields: ["record_id", "glucose", "medical_history"] });
  const maxGlucose = new Map<string, number>();
  const diabetic = new Set<string>();
  for (const row of raw.toRecords() as Record<string, string | null>[]) {
    const id = row.record_id!;
    if (row.glucose) maxGlucose.set(id, Math.max(maxGlucose.get(id) ?? -Infinity, +row.glucose));
    if (row.medical_history___dm === "1") diabetic.add(id);
  }
  const expected = [...maxGlucose].filter(([id, g]) => g >= 126 && !diabetic.has(id))
    .map(([id]) => id).sort((a, b) => Number(a) - Number(b));
  ok(expected.length > 0, "the demo's seed gives at least one record to flag");

  const report = await demoReport(client);
  deepStrictEqual(report.flagged, expected);
  strictEqual(report.imported, expected.length);
  strictEqual(report.verified, true);

  const { data } = await readRecords(client, { records: expected, fields: ["medical_history"] });
  const stored = data.filter(pl.col("medical_history___dm").eq(pl.lit(true)))
    .getColumn("record_id").toArray();
  deepStrictEqual([...stored].sort((a, b) => Number(a) - Number(b)), expected);
});

Deno.test("demoReport() renders a self-contained page with one drawn SVG per chart", async () => {
  const report = await demoReport(createDemoClient({ records: 40 }));
  const { html } = report;
  ok(html.startsWith("<!DOCTYPE html>"));
  ok(html.trimEnd().endsWith("</html>"));
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  strictEqual(svgs.length, report.charts.length);
  ok(report.charts.length >= 7);
  for (const [i, svg] of svgs.entries()) {
    ok(/class="mark-(?:rect|line|symbol|rule|text)/.test(svg), `chart ${i} drew no marks`);
  }
  for (const caption of report.charts) ok(html.includes(caption), `no figure "${caption}"`);
  ok(!/<script\b/i.test(html), "the page runs no script");
  ok(!/(?:src|href)=["']?(?:https?:)?\/\//i.test(html), "the page loads nothing");
  ok(html.includes("Standard care") && html.includes("Intervention"), "Table 1 has both arms");
  ok(html.includes("gives the same frame"), "the EAV export pivots back to the flat frame");
  ok(!html.includes(DEMO_TOKEN) && !html.includes(DEMO_DAG_TOKEN));
  ok(!TOKEN_LIKE.test(html), "the page holds something shaped like a token");
});
