import pl from "nodejs-polars";
import { RedcapClient } from "../lib/client.ts";
import { createTestServer } from "../tests/_helpers.ts";
import { DataDictionary } from "../lib/dictionary/data_dictionary.ts";
import { pivotEav } from "../lib/transform/eav.ts";
const s = createTestServer();
const c = new RedcapClient("http://redcap.test/api/", s.token, { fetch: s.fetch, progressBar: false });
const info = await c.exportProjectInfo();
const md = await c.exportMetadata();
const dd = DataDictionary.fromMetadata(md.toRecords() as any, {
  fieldNames: await c.exportFieldNames() as any, events: await c.exportEvents() as any, arms: await c.exportArms() as any,
  formEventMapping: await c.exportInstrumentEventMappings() as any, repeating: await c.exportRepeatingFormsEvents() as any,
  instruments: await c.exportInstruments() as any, projectInfo: info as any,
});
const raw = await c.exportRecords();
const p = pivotEav(await c.exportRecords({ type: "eav" }), dd);
console.log(JSON.stringify(raw.columns) === JSON.stringify(p.columns));
const a = raw.toRecords(), b = p.toRecords();
let n = 0;
for (let i = 0; i < a.length; i++) for (const k of raw.columns) if (a[i][k] !== b[i][k] && n++ < 10) console.log(i, k, a[i][k], b[i][k], a[i].redcap_event_name);
console.log(n);
