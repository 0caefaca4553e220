/** `exportReport` on a fake server: parameters sent, formats read, options checked first. */
import assert from "node:assert/strict";
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { exportReport } from "../../lib/api/reports.ts";
import { fakeClient, json, text } from "./_fake.ts";

Deno.test("exportReport() reads a JSON report as strings and sends its options", async () => {
  const { client, seen } = fakeClient(() => json([{ record_id: "1", age: 42 }]));
  const df = await exportReport(client, {
    report_id: 7,
    format: "json",
    exportCheckboxLabel: true,
    rawOrLabel: "label",
  });
  deepStrictEqual(df.toRecords(), [{ record_id: "1", age: "42" }]);
  const p = seen[0].params;
  deepStrictEqual(
    [p.content, p.report_id, p.format, p.rawOrLabel, p.exportCheckboxLabel],
    ["report", "7", "json", "label", "true"],
  );
});

Deno.test("exportReport() refuses bad options before sending anything", async () => {
  const { client, seen } = fakeClient(() => text("record_id\n1\n"));
  await rejects(exportReport(client, { report_id: "seven" }), /"report_id" must be a number/);
  await rejects(
    exportReport(client, { report_id: 1, format: "json", rawOrLabelHeaders: "label" }),
    /"rawOrLabelHeaders" "label" needs format "csv"/,
  );
  await rejects(exportReport(client, { report_id: 1, nope: 1 } as never), /nope/);
  await rejects(exportReport(client, { report_id: 1, format: "tsv" as never }), RangeError);
  strictEqual(seen.length, 0);
});

Deno.test("exportReport() sends report_id and reads the CSV as strings", async () => {
  const { client, seen } = fakeClient(() => text("record_id,score\n01,7\n"));
  const df = await client.exportReport({ report_id: 12, rawOrLabel: "label" });
  assert.deepEqual(df.toRecords(), [{ record_id: "01", score: "7" }]);
  assert.deepEqual(
    [seen[0].params.content, seen[0].params.report_id, seen[0].params.rawOrLabel],
    ["report", "12", "label"],
  );
  await assert.rejects(
    client.exportReport({ report_id: "twelve" }),
    /"report_id" must be a number/,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    client.exportReport({ report_id: 1, rawOrLabel: "both" as any }),
    RangeError,
  );
  assert.equal(seen.length, 1);
});
