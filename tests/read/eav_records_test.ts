/**
 * readEavRecords(): the frame and reports of an EAV export equal readRecords()'s of the flat
 * one (file-upload fields aside: REDCap's EAV exports hold the stored document id there).
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { createDemoClient } from "../../lib/demo/client.ts";
import { readEavRecords } from "../../lib/read/eav_records.ts";
import { readRecords } from "../../lib/read/read_records.ts";

Deno.test("readEavRecords() of the whole demo equals readRecords() but for file fields", async () => {
  const client = createDemoClient({ records: 12 });
  const flat = await readRecords(client);
  const eav = await readEavRecords(client);
  const files = flat.dictionary.fields.filter((f) => f.type === "file").map((f) => f.name);
  ok(files.length > 0, "the demo has a file-upload field");
  const keep = flat.data.columns.filter((c) => !files.includes(c));
  deepStrictEqual(eav.data.columns, flat.data.columns);
  deepStrictEqual(eav.data.select(...keep).toRecords(), flat.data.select(...keep).toRecords());
  deepStrictEqual(eav.missing.toRecords(), flat.missing.toRecords());
  deepStrictEqual(eav.invalid.height, flat.invalid.height);
});

Deno.test("readEavRecords() reads JSON EAV exports to the same frame as CSV", async () => {
  const client = createDemoClient({ records: 6 });
  const options = { fields: ["record_id", "sex", "race", "sbp"] };
  const csv = await readEavRecords(client, options);
  const json = await readEavRecords(client, { ...options, format: "json" });
  deepStrictEqual(json.data.toRecords(), csv.data.toRecords());
});
