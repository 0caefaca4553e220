/** RFC 4180 rows (parseCsv, parseCsvObjects) and the CSV body checks (checkCsvBody, csvHeader). */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import {
  checkCsvBody,
  csvHeader,
  CsvSyntaxError,
  parseCsv,
  parseCsvObjects,
} from "../../lib/parse/csv_rows.ts";
import { RedcapResponseError } from "../../lib/errors.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("parseCsv() reads a BOM, CRLF, doubled quotes and line breaks inside quotes", () => {
  const text = '\uFEFFid,note\r\n1,"say ""hi"""\r\n2,"two\nlines"\r\n\r\n';
  deepStrictEqual(parseCsv(text), [["id", "note"], ["1", 'say "hi"'], ["2", "two\nlines"]]);
  deepStrictEqual(parseCsv("a;b\n1;2\n", ";"), [["a", "b"], ["1", "2"]]);
});

Deno.test("parseCsv() names the line of an unterminated quote", () => {
  throws(() => parseCsv('id,note\n1,ok\n2,"open\n'), (e: unknown) => {
    return e instanceof CsvSyntaxError && e.line === 3;
  });
});

Deno.test("parseCsvObjects() keys by the header, pads short rows, refuses long ones", () => {
  deepStrictEqual(parseCsvObjects("id, name\n1,Ann\n2\n"), [
    { id: "1", name: "Ann" },
    { id: "2", name: "" },
  ]);
  throws(() => parseCsvObjects("id,name\n1,Ann,extra\n"), /line|cell/i);
  deepStrictEqual(parseCsvObjects(""), []);
});

Deno.test("checkCsvBody() refuses an empty, JSON, XML or cut-short body", () => {
  const problem = (body: string) => {
    try {
      checkCsvBody(bytes(body), "record");
    } catch (e) {
      if (e instanceof RedcapResponseError) return e.problem;
      throw e;
    }
    return "ok";
  };
  strictEqual(problem("record_id\n1\n"), "ok");
  strictEqual(problem(""), "empty");
  strictEqual(problem('{"error":"x"}'), "shape");
  strictEqual(problem("<?xml version='1.0'?><records/>"), "shape");
  strictEqual(problem("record_id\n1"), "truncated");
});

Deno.test("csvHeader() reads the first line without BOM, quotes or CR", () => {
  deepStrictEqual(csvHeader(bytes('\uFEFF"record_id",age\r\n1,2\r\n')), ["record_id", "age"]);
  deepStrictEqual(csvHeader(bytes("record_id")), ["record_id"]);
});
