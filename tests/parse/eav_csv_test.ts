import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { eavCsvPlan, eavCsvToArrow } from "../../lib/parse/eav_csv.ts";
import { ipcSchema } from "../../lib/parse/eav_converter.ts";
import { pivotEav, toEav } from "../../lib/transform/eav.ts";
import { parseRedcapCsv } from "../../lib/parse/csv.ts";
import { RedcapResponseError } from "../../lib/errors.ts";
import { generate } from "../transform/_generate.ts";
import { clinic, rows } from "../transform/_fixtures.ts";
import { eavCsv } from "./_eav_csv.ts";

const encoder = new TextEncoder();

/** The frame of an EAV CSV body, as readEavRecords reads it. */
function convert(
  body: Uint8Array,
  dd: DataDictionary,
  flatRows = false,
  columns = dd.columns(),
): pl.DataFrame {
  const ipc = eavCsvToArrow(body, eavCsvPlan(dd), {
    columns,
    flatRows,
    schema: ipcSchema(columns),
  });
  return pl.readIPCStream(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
}

/** What pivotEav gives for the same body (its reference). */
function reference(body: Uint8Array, dd: DataDictionary, flatRows = false): pl.DataFrame {
  return pivotEav(parseRedcapCsv(body, "record"), dd, { flatRows, unescapeCsv: true });
}

Deno.test("eavCsvToArrow() gives what pivotEav() gives, on random projects and their EAV CSV", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { dd, flat } = generate(seed);
    const body = eavCsv(toEav(flat, dd));
    for (const flatRows of [false, true]) {
      const got = convert(body, dd, flatRows);
      const want = reference(body, dd, flatRows);
      deepStrictEqual(got.columns, want.columns, `seed ${seed}: columns`);
      deepStrictEqual(rows(got), rows(want), `seed ${seed}, flatRows ${flatRows}`);
    }
    deepStrictEqual(rows(convert(body, dd)), rows(flat), `seed ${seed}: the flat frame back`);
  }
});

Deno.test("eavCsvToArrow() reads REDCap's CSV dialect: quotes, line breaks, TABs, BOM, CRLF", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "record_id", form_name: "f", field_type: "text" },
    { field_name: "note", form_name: "f", field_type: "notes" },
    {
      field_name: "race",
      form_name: "f",
      field_type: "checkbox",
      select_choices_or_calculations: "-99, Unknown | 1, A",
    },
  ]);
  const text = "record,field_name,value\n" +
    '"00 7",record_id,"00 7"\n' +
    '"00 7",note,"line 1\nline ""2"", end"\n' +
    '"00 7",race,"\t-99"\n' +
    "8,note,\t=SUM(A1)\n" +
    '9,note,"\t@x y"\n' +
    "9,f_complete,2\n";
  const got = convert(encoder.encode(text), dd);
  deepStrictEqual(rows(got), [
    {
      record_id: "00 7",
      note: 'line 1\nline "2", end',
      "race____99": "1",
      race___1: "0",
      f_complete: "0",
    },
    { record_id: "8", note: "=SUM(A1)", "race____99": "0", race___1: "0", f_complete: "0" },
    { record_id: "9", note: "@x y", "race____99": "0", race___1: "0", f_complete: "2" },
  ]);
  const crlf = "\ufeff" + text.replaceAll("\n", "\r\n").replace("line 1\r\nline", "line 1\nline");
  deepStrictEqual(rows(convert(encoder.encode(crlf), dd)), rows(got));
});

Deno.test("eavCsvToArrow() takes the columns in any order, merges keys met apart, and writes only the columns asked for", () => {
  const { dd, eav } = clinic();
  // Reversed, then the first key's last rows moved to the end: that key is met twice.
  const reversed = eav.withRowIndex("i").sort("i", true).drop("i");
  const n = reversed.getColumns()[0].len();
  const shuffled = pl.concat([reversed.slice(2, n - 2), reversed.slice(0, 2)]);
  const order = [...eav.columns].reverse();
  const body = eavCsv(shuffled, order);
  deepStrictEqual(rows(convert(body, dd, true)), rows(reference(body, dd, true)));
  const some = ["record_id", "redcap_event_name", "name"];
  deepStrictEqual(
    rows(convert(body, dd, false, some)),
    rows(reference(body, dd).select(...some)),
  );
});

Deno.test("eavCsvToArrow() takes a key written quoted in some rows and bare in others as one key", () => {
  const { dd, eav } = clinic();
  const body = new TextDecoder().decode(eavCsv(eav));
  let n = 0;
  const mixed = body.replace(
    /^([^,\n]*),([a-z0-9_]+_arm_1),/gm,
    (all, record, event) => n++ % 2 ? `${record},"${event}",` : all,
  );
  ok(n > 2);
  deepStrictEqual(
    rows(convert(encoder.encode(mixed), dd)),
    rows(convert(encoder.encode(body), dd)),
  );
});

Deno.test("eavCsvToArrow() gives a frame with the columns and no rows for a header alone", () => {
  const { dd } = clinic();
  const got = convert(encoder.encode("record,field_name,value,redcap_event_name\n"), dd);
  strictEqual(got.getColumns()[0].len(), 0);
  deepStrictEqual(got.columns, dd.columns());
  ok(got.dtypes.every((d) => d.equals(pl.String)));
});

Deno.test("eavCsvToArrow() names what is wrong: unknown fields and codes, cut bodies, missing columns", () => {
  const { dd } = clinic();
  const body = (lines: string[]) => encoder.encode(lines.join("\n") + "\n");
  const head = "record,field_name,value,redcap_event_name";
  throws(
    () => convert(body([head, "1,nope,1,baseline_arm_1"]), dd),
    /field "nope" is not in the data dictionary/,
  );
  throws(
    () => convert(body([head, "1,race,7,baseline_arm_1"]), dd),
    /checkbox field "race" has no choice code "7"/,
  );
  throws(() => convert(body(["record,value", "1,2"]), dd), /has no "field_name" column/);
  throws(
    () => convert(encoder.encode(`${head}\n1,name,"open,baseline_arm_1\n`), dd),
    (error: unknown) =>
      error instanceof RedcapResponseError && /unterminated quote on line 2/.test(error.message),
  );
  throws(
    () => convert(encoder.encode(`${head}\n1,name,x`), dd),
    (error: unknown) => error instanceof RedcapResponseError && error.problem === "truncated",
  );
  throws(() => convert(body([head, "1,name,x"]), dd), /fewer than 4 fields on line 2/);
});
