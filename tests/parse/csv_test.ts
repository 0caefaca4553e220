import assert from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { parseRedcapCsv } from "../../lib/parse/csv.ts";
import { RedcapResponseError } from "../../lib/errors.ts";

Deno.test("parseRedcapCsv() keeps every value a string, exactly as sent", () => {
  const df = parseRedcapCsv(
    'record_id,dob,notes\n007,2020-01-02,"a, ""b""\nc"\n1e3,,""\n',
    "record",
  );
  assert.ok(df.dtypes.every((d) => d.equals(pl.String)));
  assert.deepEqual(df.toRecords(), [
    { record_id: "007", dob: "2020-01-02", notes: 'a, "b"\nc' },
    // A quoted empty cell (REDCap writes none) stays an empty string.
    { record_id: "1e3", dob: null, notes: "" },
  ]);
});

Deno.test("parseRedcapCsv() reads header-only bodies, a BOM and CRLF", () => {
  const header = parseRedcapCsv("a,b\n", "record");
  assert.deepEqual(header.getColumns().map((s) => s.name), ["a", "b"]);
  assert.equal(header.getColumns()[0].len(), 0);
  assert.deepEqual(parseRedcapCsv("\uFEFFa\r\n1\r\n", "record").toRecords(), [{ a: "1" }]);
});

Deno.test("parseRedcapCsv() reports empty and cut-short bodies", () => {
  for (
    const [body, problem] of [["", "empty"], ["a,b\n1,2", "truncated"], [
      'a,b\n1,"2\n',
      "truncated",
    ]]
  ) {
    assert.throws(
      () => parseRedcapCsv(body, "report"),
      (e: Error) =>
        e instanceof RedcapResponseError && e.problem === problem && e.content === "report",
    );
  }
});

Deno.test("parseRedcapCsv() refuses a line with more cells than the header, dropping none", () => {
  assert.throws(
    () => parseRedcapCsv("record_id,age\n1,40\n2,50,extra\n", "record"),
    (e: Error) =>
      e instanceof RedcapResponseError && e.problem === "shape" &&
      /more fields/.test(e.message),
  );
});

Deno.test("parseRedcapCsv() reads a large body in 17 chunks, however many cores parse it", () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `${i},${i % 7},"text ${i}"`);
  const body = `record_id,code,note\n${lines.join("\n")}\n`;
  const df = parseRedcapCsv(body, "record");
  assert.equal(df.height, 20_000);
  // Every expression step on the frame costs about the same per chunk: Polars' default would
  // cut it into 16 chunks per core, plus one.
  assert.ok(df.nChunks() <= 17, `${df.nChunks()} chunks`);
  assert.equal(df.getColumn("note").get(19_999), "text 19999");
});
