import assert from "node:assert/strict";
import { CsvJoin } from "../../lib/parse/csv_join.ts";
import { parseRedcapCsv } from "../../lib/parse/csv.ts";
import { RedcapResponseError } from "../../lib/errors.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(b);

Deno.test("CsvJoin keeps one body as it is and joins several under the first header", () => {
  const one = enc("id,a\n1,x\n");
  const single = new CsvJoin(1);
  single.add(one, 0);
  assert.equal(single.bytes(), one);
  assert.deepEqual(single.header, ["id", "a"]);
  // A BOM on every body (REDCap sends one on some versions): kept on the first only.
  const join = new CsvJoin(3);
  join.add(enc('\ufeffid,a\n1,"x\ny"\n'), 0);
  join.add(enc("\ufeffid,a\n2,z\n"), 1);
  join.add(enc("\ufeffid,a\n"), 2);
  assert.equal(dec(join.bytes()), '\ufeffid,a\n1,"x\ny"\n2,z\n');
  assert.deepEqual(parseRedcapCsv(join.bytes(), "record").toRecords(), [
    { id: "1", a: "x\ny" },
    { id: "2", a: "z" },
  ]);
});

Deno.test("CsvJoin grows past the size the first body suggests", () => {
  const join = new CsvJoin(2);
  join.add(enc("id\n1\n"), 0);
  const rows = Array.from({ length: 1000 }, (_, i) => `${i + 2}\n`).join("");
  join.add(enc(`id\n${rows}`), 1);
  join.add(enc("id\n1002\n"), 2);
  const ids = parseRedcapCsv(join.bytes(), "record").getColumn("id").toArray();
  assert.equal(ids.length, 1002);
  assert.deepEqual([ids[0], ids[1000], ids[1001]], ["1", "1001", "1002"]);
});

Deno.test("CsvJoin refuses a batch with another header, naming it", () => {
  const join = new CsvJoin(2);
  join.add(enc("id,a\n1,x\n"), 0);
  assert.throws(
    () => join.add(enc("id,b\n2,y\n"), 1),
    (e: Error) => e instanceof RedcapResponseError && /batch 2 has another header/.test(e.message),
  );
});
