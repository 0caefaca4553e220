import pl from "nodejs-polars";
import { readRecords, readEavRecords, readInstruments } from "../lib/read_records.ts";
import { createDemoClient } from "../lib/server/demo_client.ts";
const client = createDemoClient({ records: 30 });
for (const opts of [{}, { fields: ["sex", "sbp", "race", "ae_term"] }, { forms: ["labs"] }, { labels: "both" as const, checkboxes: "list" as const }, {labels: "code" as const}]) {
  for (const format of ["csv", "json", "xml"] as const) {
    const f = await readRecords(client, { ...opts, format });
    const e = await readEavRecords(client, { ...opts, format });
    const cols = f.data.columns.filter((c) => c !== "lab_report");
    const eq = f.data.select(...cols).frameEqual(e.data.select(...cols), true);
    console.log(JSON.stringify(opts), format, f.data.shape, e.data.shape, eq, f.invalid.height, f.missing.height);
  }
}
const m = await readInstruments(client);
for (const [k, v] of m) console.log(k, v.shape);
