import pl from "nodejs-polars";
import { createDemoClient } from "../lib/server/demo_client.ts";
const client = createDemoClient({ records: 30 });
const fields = ["record_id", "sex", "sbp", "race", "ae_term"];
const flat = await client.exportRecords({ fields });
const eav = await client.exportRecords({ fields, type: "eav" });
const keys = ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"];
const fk = new Set(flat.select(...keys).toRecords().map((r) => JSON.stringify(r)));
const { pivotEav } = await import("../lib/transform/eav.ts");
const { readDictionary } = await import("../lib/read_records.ts");
const p = pivotEav(eav, await readDictionary(client));
for (const r of p.toRecords()) { const k = JSON.stringify(Object.fromEntries(keys.map(c=>[c,r[c]]))); if (!fk.has(k)) { console.log(k); console.log(eav.filter(pl.col("record").eq(pl.lit(r.record_id))).toString()); console.log(flat.filter(pl.col("record_id").eq(pl.lit(r.record_id))).toString());} }
