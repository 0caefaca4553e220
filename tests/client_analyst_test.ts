import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import pl from "../lib/deps/polars.ts";
import { createDemoClient } from "../lib/demo/client.ts";
import { frameColumns, frameHeight } from "../lib/frame.ts";

Deno.test("RedcapClient.readRecords() types the demo from one flat export", async () => {
  const client = createDemoClient({ records: 12 });
  const { data, dictionary } = await client.readRecords();
  const id = dictionary.recordIdField;
  strictEqual(data.getColumn(id).dtype.equals(pl.String), true);
  ok(frameHeight(data) >= 12);
  const dates = dictionary.fields.filter((f) => f.validation === "date_ymd");
  ok(dates.length > 0);
  strictEqual(data.getColumn(dates[0].name).dtype.equals(pl.Date), true);
});

Deno.test("RedcapClient.readInstruments() and readEavRecords() agree with readRecords()", async () => {
  const client = createDemoClient({ records: 8 });
  const flat = await client.readRecords({ labels: "code" });
  const eav = await client.readEavRecords({ labels: "code" });
  deepStrictEqual(frameColumns(eav.data), frameColumns(flat.data));
  strictEqual(frameHeight(eav.data), frameHeight(flat.data));
  const forms = await client.readInstruments();
  deepStrictEqual(
    [...forms.keys()].sort(),
    (await client.exportInstruments()).map((i) => i.instrument_name).sort(),
  );
});

Deno.test("RedcapClient.writeRecords() dry run of an unchanged frame reports no changes", async () => {
  const client = createDemoClient({ records: 6 });
  const { data } = await client.readRecords();
  const result = await client.writeRecords(data, { dryRun: true });
  ok(result.changes !== undefined);
  strictEqual(result.changes.size, 0);
});

Deno.test("RedcapClient.readRecords() reads the record id's own form by name", async () => {
  const client = createDemoClient({ records: 4 });
  const { data, dictionary } = await client.readRecords({ forms: ["enrollment"] });
  const idForm = dictionary.field(dictionary.recordIdField)!.form;
  strictEqual(idForm, "enrollment");
  strictEqual(frameColumns(data)[0], dictionary.recordIdField);
  ok(frameColumns(data).includes("enrollment_complete"));
});
