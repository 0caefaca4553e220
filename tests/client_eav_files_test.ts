/**
 * A file-upload field in EAV exports: REDCap writes the stored doc id (what `redcap_data`
 * holds) in every format, where a flat export writes the file name. The server does so in CSV,
 * JSON and XML, and the client's pivots of the three give the same frame.
 *
 * Where that comes from: REDCapR's `read-eav-oneshot/default` expected output, read from a live
 * REDCap 14.x EAV CSV export, holds `mugshot` = 22..26 where its flat export
 * (`read-oneshot/default`) holds `mugshot-1.jpg`..; REDCap's `API/record/export.php` builds
 * every EAV format from the same `redcap_data` rows (`../shared/redcap-api.md` §3.3).
 */
import assert from "node:assert/strict";
import { RedcapClient } from "../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "./_helpers.ts";

async function demoWithFile() {
  const server = createTestServer("demo", { demoRecords: 3 });
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    fetch: server.fetch,
    progressBar: false,
  });
  await client.importFile({
    record: "1",
    field: "lab_report",
    event: "baseline_arm_2",
    file: { name: "scan.pdf", content: "%PDF-1.4" },
  });
  const docIds = [...server.store.fileNames(server.projectId)]
    .filter(([, name]) => name === "scan.pdf").map(([id]) => id);
  assert.equal(docIds.length, 1);
  return { server, client, docId: docIds[0] };
}

Deno.test("EAV exports give a file field's doc id in CSV, JSON and XML; flat exports its name", async (t) => {
  const { server, client, docId } = await demoWithFile();
  const flat = await client.exportRecords({ records: ["1"], fields: ["record_id", "lab_report"] });
  assert.deepEqual(flat.getColumn("lab_report").toArray().filter((v) => v !== null), ["scan.pdf"]);
  for (const format of ["csv", "json", "xml"] as const) {
    await t.step(`server, ${format}`, async () => {
      const response = await server.post({
        content: "record",
        type: "eav",
        format,
        "records[0]": "1",
        "fields[0]": "lab_report",
      });
      const body = await response.text();
      assert.ok(!body.includes("scan.pdf"), `${format} EAV gives the file name: ${body}`);
      const value = format === "json"
        ? JSON.parse(body)[0].value
        : format === "xml"
        ? /<value><!\[CDATA\[([^\]]*)\]\]><\/value>/.exec(body)?.[1]
        : body.split("\n")[1].split(",")[2];
      assert.equal(value, docId);
    });
  }
  await t.step("client pivots", async () => {
    const frames = await Promise.all(
      (["csv", "json", "xml"] as const).map((format) =>
        client.readEavRecords({ records: ["1"], fields: ["lab_report"], format })
      ),
    );
    const [csv, json, xml] = frames.map((f) => f.data.toRecords());
    assert.deepEqual(json, csv);
    assert.deepEqual(xml, csv);
    assert.deepEqual(csv.map((row) => row.lab_report).filter((v) => v !== null), [docId]);
    const eav = await Promise.all(
      (["csv", "json", "xml"] as const).map((format) =>
        client.exportRecords({ type: "eav", records: ["1"], fields: ["lab_report"], format })
      ),
    );
    for (const frame of eav) assert.deepEqual(frame.getColumn("value").toArray(), [docId]);
  });
});

Deno.test({
  name: "the corpus: a live REDCap's EAV export holds doc ids where its flat export holds names",
  ignore: NO_CORPUS,
  fn() {
    const dir = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/specific-redcapr/`;
    const column = (file: string, name: string) => {
      const frame = JSON.parse(Deno.readTextFileSync(dir + file)) as {
        columns: { name: string; values: unknown[] }[];
      };
      return frame.columns.find((c) => c.name === name)!.values;
    };
    const eav = JSON.parse(Deno.readTextFileSync(dir + "read-eav-oneshot/default.R.json")) as {
      columns: { name: string; values: unknown[] }[];
    };
    const fieldNames = eav.columns.find((c) => c.name === "field_name")!.values;
    const values = eav.columns.find((c) => c.name === "value")!.values;
    const mugshots = values.filter((_, i) => fieldNames[i] === "mugshot");
    assert.ok(mugshots.length > 0);
    assert.ok(mugshots.every((v) => /^\d+$/.test(String(v))), `not doc ids: ${mugshots}`);
    const names = column("read-oneshot/default.R.json", "mugshot");
    assert.ok(names.every((v) => /\.jpg$/.test(String(v))), `not file names: ${names}`);
  },
});
