import pl from "nodejs-polars";
import { RedcapClient } from "../lib/client.ts";
import { readDictionary } from "../lib/read_records.ts";
import { castRecords } from "./cast_prof.ts";
import { labelRecords } from "../lib/transform/label.ts";
import { DEMO_TOKEN } from "../lib/server/demo.ts";
const n = Number(Deno.args[0] ?? 10000);
const dir = `/tmp/denocap-frames-${n}`;
async function keyOf(body: string) { const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)); return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 32); }
const fetch = async (input: any, init?: any) => { const r = new Request(input, init); const k = await keyOf(await r.clone().text()); return new Response(await Deno.readFile(`${dir}/${k}.body`), { headers: JSON.parse(Deno.readTextFileSync(`${dir}/${k}.headers`)) }); };
const client = new RedcapClient("http://redcap.test/api/", DEMO_TOKEN, { fetch, progressBar: false });
const dd = await readDictionary(client);
const raw = await client.exportRecords({ batchSize: Infinity, type: "flat", rawOrLabel: "raw", format: "csv" });
(globalThis as any).LAPS = [];
for (let i = 0; i < 4; i++) { const t = performance.now(); const c = castRecords(raw, dd, { labels: (Deno.args[1] ?? "code") as any }); (globalThis as any).LAPS.push("total " + (performance.now() - t).toFixed(0)); 
 const t2 = performance.now(); labelRecords(c.data, dd, {}); (globalThis as any).LAPS.push("label " + (performance.now() - t2).toFixed(0)); }
console.log((globalThis as any).LAPS.join("\n"));
