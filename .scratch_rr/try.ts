import pl from "nodejs-polars";
import { RedcapClient } from "../lib/client.ts";
import { createTestServer } from "../tests/_helpers.ts";
import { DataDictionary } from "../lib/dictionary/data_dictionary.ts";
import { castRecords } from "../lib/transform/cast.ts";
import { labelRecords } from "../lib/transform/label.ts";
import { pivotEav } from "../lib/transform/eav.ts";
const s = createTestServer();
const c = new RedcapClient("http://redcap.test/api/", s.token, { fetch: s.fetch, progressBar: false });
const info = await c.exportProjectInfo();
console.log(info);
const md = await c.exportMetadata();
const dd = DataDictionary.fromMetadata(md.toRecords() as any, {
  fieldNames: await c.exportFieldNames() as any, events: await c.exportEvents() as any, arms: await c.exportArms() as any,
  formEventMapping: await c.exportInstrumentEventMappings() as any, repeating: await c.exportRepeatingFormsEvents() as any,
  instruments: await c.exportInstruments() as any, projectInfo: info as any,
});
const raw = await c.exportRecords();
console.log(raw.shape, raw.columns.join(","));
const cast = castRecords(raw, dd);
console.log(cast.data.head(3).toString(), cast.invalid.toString(), cast.missing.toString(), cast.notes);
const lab = labelRecords(cast.data, dd, {});
console.log(lab.dtypes.map(String).join(" "));
for (const fmt of ["json","csv","xml"] as const) {
  const eav = await c.exportRecords({ type: "eav", format: fmt });
  console.log(fmt, eav.shape, eav.columns);
  const p = pivotEav(eav, dd);
  console.log(p.shape, p.frameEqual(raw, true));
}
const sub = await c.exportRecords({ fields: ["sex"] }); console.log(sub.shape, sub.columns);
const sub2 = await c.exportRecords({ forms: ["labs"] }); console.log(sub2.shape, sub2.columns);
const sub3 = await c.exportRecords({ fields: ["record_id","sex"] }); console.log(sub3.shape, sub3.columns);
const sube = await c.exportRecords({ fields: ["record_id","sex"], type:"eav" }); console.log(sube.shape, sube.columns, pivotEav(sube, dd).shape);
const sub4 = await c.exportRecords({ forms: ["labs"], fields:["record_id"] }); console.log(sub4.shape, sub4.columns);
