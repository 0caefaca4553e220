import pl from "nodejs-polars";
import { createDemoClient } from "../lib/server/demo_client.ts";
import { readDictionary } from "../lib/read_records.ts";
import { castRecords } from "../lib/transform/cast.ts";
const client = createDemoClient({ records: 3000 });
const dd = await readDictionary(client);
let raw = await client.exportRecords({ batchSize: Infinity });
raw = pl.concat([raw, raw, raw, raw, raw, raw]); // ~ 18k records worth
console.log(raw.shape);
for (let i = 0; i < 3; i++) { const t = performance.now(); castRecords(raw, dd); console.log("cast", (performance.now() - t).toFixed(0)); }
// per-kind timing
const groups: Record<string, string[]> = {};
for (const c of raw.columns) { const info = dd.columnInfo(c)!; const f = info.field ? dd.field(info.field) : undefined; const k = info.role === "checkbox" ? "checkbox" : info.role === "form_status" ? "status" : f ? f.typeInfo.kind : info.role; (groups[k] ??= []).push(c); }
for (const [k, cols] of Object.entries(groups)) {
  const sub = raw.select(...cols);
  const t = performance.now(); castRecords(sub, dd); console.log(k, cols.length, (performance.now() - t).toFixed(0));
}
const t = performance.now(); raw.select(pl.all().neq(pl.lit("")).fillNull(false).sum()).row(0); console.log("rawPresent", (performance.now() - t).toFixed(0));
const t2 = performance.now(); raw.select(pl.all().isNotNull().sum()).row(0); console.log("notnull", (performance.now() - t2).toFixed(0));
const t3 = performance.now(); raw.select(pl.all()); console.log("select all", (performance.now() - t3).toFixed(0));
