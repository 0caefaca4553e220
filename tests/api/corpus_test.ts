/**
 * Real REDCap answers from the corpus (../shared/redcap-corpus), replayed through a fake
 * `fetch`: the client must read each as REDCap meant it.
 */
import assert from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapApiError, RedcapResponseError } from "../../lib/errors.ts";
import { frameColumns, frameHeight } from "../../lib/frame.ts";
import { CORPUS_DIR, NO_CORPUS } from "../_helpers.ts";
import { fakeClient, json, text } from "./_fake.ts";

function readCorpus(path: string): unknown {
  return JSON.parse(Deno.readTextFileSync(`${CORPUS_DIR}${path}`));
}

Deno.test({
  name: "RedcapClient reads REDCapR's verbatim error bodies as REDCap's messages",
  ignore: NO_CORPUS,
  fn: async () => {
    const { responses } = readCorpus("OuhscBbmc/REDCapR/_derived/error-responses.json") as {
      responses: { status: number; body: string; request: Record<string, string> }[];
    };
    let checked = 0;
    for (const { status, body } of responses) {
      const { client } = fakeClient(() => text(body, status));
      if (status === 200) {
        assert.equal(await client.generateNextRecordName(), body.trim());
        checked++;
        continue;
      }
      await assert.rejects(client.call("record", { format: "csv" }), (error: Error) => {
        assert.ok(error instanceof RedcapApiError, body);
        assert.equal(error.status, status);
        if (body.startsWith("ERROR: ")) assert.equal(error.redcapMessage, body.slice(7));
        else if (body.includes("<hash>")) {
          assert.equal(error.redcapMessage, "The requested method is not implemented.");
        } else assert.equal(error.redcapMessage, "404 Not Found");
        return true;
      });
      checked++;
    }
    assert.ok(checked >= 10);
  },
});

Deno.test({
  name: "RedcapClient reads the JSON dumps of redcap-etl's real projects",
  ignore: NO_CORPUS,
  fn: async () => {
    for (const name of ["basic-demography", "visits", "repeating-events"]) {
      const dump = readCorpus(`IUREDCap/redcap-etl/tests/data/projects/${name}.json`) as Record<
        string,
        unknown
      >;
      const { client } = fakeClient((params) => {
        if (params.content === "project") return json(dump.projectInfo);
        if (params.content === "exportFieldNames") return json(dump.fieldNames);
        if (params.content === "metadata") return json(dump.metadata);
        if (params.content === "formEventMapping") return json(dump.instrumentEventMappings);
        if (params.content === "record") return json(dump.records);
        return json({ error: "not in the dump" }, 400);
      });
      const info = await client.exportProjectInfo();
      assert.equal(typeof info.project_id, "number", name);
      assert.ok(info.is_longitudinal === 0 || info.is_longitudinal === 1);
      const names = await client.exportFieldNames();
      assert.equal(names.length, (dump.fieldNames as unknown[]).length);
      const metadata = await client.exportMetadata();
      assert.equal(frameColumns(metadata)[0], "field_name");
      assert.equal(frameHeight(metadata), (dump.metadata as unknown[]).length);
      if (Array.isArray(dump.instrumentEventMappings)) {
        const mappings = await client.exportInstrumentEventMappings();
        assert.ok(mappings.every((m) => typeof m.arm_num === "number"));
      }
      const records = await client.exportRecords({ format: "json", batchSize: Infinity });
      assert.ok(records.dtypes.every((d) => d.equals(pl.String)), name);
      assert.equal(frameHeight(records), (dump.records as unknown[]).length);
      // redcap_repeat_instance arrives as a JSON number on repeating rows: read as text.
      if (frameColumns(records).includes("redcap_repeat_instance")) {
        const instances = records.getColumn("redcap_repeat_instance").toArray();
        assert.ok(instances.every((v) => v === null || /^\d+$/.test(String(v))));
      }
    }
  },
});

Deno.test({
  name: "RedcapClient reads PyCap's recorded structure answers",
  ignore: NO_CORPUS,
  fn: async () => {
    const { client } = fakeClient((params) => {
      if (params.content === "arm") return json([{ arm_num: 1, name: "Arm 1" }]);
      if (params.content === "dag") {
        return json([{
          data_access_group_name: "Test DAG",
          unique_group_name: "test_dag",
          data_access_group_id: 1,
        }]);
      }
      return json({ error: "unexpected" }, 400);
    });
    assert.deepEqual(await client.exportArms(), [{ arm_num: 1, name: "Arm 1" }]);
    assert.equal((await client.exportDags())[0].unique_group_name, "test_dag");
    const wrong = fakeClient(() => json({ arm_num: 1, name: "Arm 1" }));
    await assert.rejects(wrong.client.exportArms(), RedcapResponseError);
  },
});
