import pl from "nodejs-polars";
import { RedcapClient } from "../lib/client.ts";
import { readDictionary } from "../lib/read_records.ts";
import { castRecords } from "../lib/transform/cast.ts";
import { labelRecords } from "../lib/transform/label.ts";
import { pivotEav } from "../lib/transform/eav.ts";
import { DEMO_TOKEN } from "../lib/server/demo.ts";
const n = Number(Deno.args[0] ?? 10000);
const dir = `/tmp/denocap-frames-${n}`;
async function keyOf(body: string) { const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)); return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 32); }
import { createRedcapHandler } from "../lib/server/handler.ts";
import { RedcapStore } from "../lib/server/store.ts";
const handler = createRedcapHandler(RedcapStore.open(`${dir}/store.sqlite`));
const fetch = async (input: any, init?: any) => { const r = new Request(input, init); const k = await keyOf(await r.clone().text());
 try { return new Response(await Deno.readFile(`${dir}/${k}.body`), { headers: JSON.parse(Deno.readTextFileSync(`${dir}/${k}.headers`)) }); } catch {
  const res = await handler(r); const b = new Uint8Array(await res.arrayBuffer()); Deno.writeFileSync(`${dir}/${k}.body`, b); Deno.writeTextFileSync(`${dir}/${k}.headers`, JSON.stringify([...res.headers])); return new Response(b, {headers: res.headers}); } };
const client = new RedcapClient("http://redcap.test/api/", DEMO_TOKEN, { fetch, progressBar: false });
let t = performance.now();
const lap = (what: string) => { const now = performance.now(); console.log(what, (now - t).toFixed(0), "ms"); t = now; };
const dd = await readDictionary(client); lap("dictionary");
const raw = await client.exportRecords({ batchSize: Infinity, type: "flat", rawOrLabel: "raw", format: "csv" }); lap("export flat");
const cast = castRecords(raw, dd, { labels: "code" }); lap("cast code");
const lab = labelRecords(cast.data, dd, {}); lap("label");
const cast2 = castRecords(raw, dd, { labels: "label" }); lap("cast label");
for (let i = 0; i < 2; i++) { castRecords(raw, dd, { labels: "code" }); lap("cast code again"); }
if (Deno.args[1] === "eav") {
const eav = await client.exportRecords({ type: "eav", format: "csv", batchSize: Infinity }); lap("export eav csv " + eav.shape.height);
const p = pivotEav(eav, dd); lap("pivot");
}
