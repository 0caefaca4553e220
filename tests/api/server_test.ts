/**
 * Every client method against the local server: in-process (the handler as `fetch`) and over
 * a real socket, in csv, json and xml where the method has a format.
 */
import assert from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapClient } from "../../lib/client.ts";
import { RedcapApiError } from "../../lib/errors.ts";
import { createTestServer } from "../_helpers.ts";
import { frameColumns, frameHeight } from "../../lib/frame.ts";

type Transport = "in-process" | "socket";

async function withClient(
  transport: Transport,
  fn: (client: RedcapClient, server: ReturnType<typeof createTestServer>) => Promise<void>,
): Promise<void> {
  const server = createTestServer("demo", { demoRecords: 30 });
  if (transport === "in-process") {
    await fn(
      new RedcapClient("http://redcap.test/api/", server.token, {
        fetch: server.fetch,
        progressBar: false,
      }),
      server,
    );
    return;
  }
  const http = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, server.handler);
  try {
    const client = new RedcapClient(`http://127.0.0.1:${http.addr.port}/api/`, server.token, {
      progressBar: false,
    });
    await fn(client, server);
  } finally {
    await http.shutdown();
  }
}

for (const transport of ["in-process", "socket"] as const) {
  Deno.test(`RedcapClient (${transport}) exports the same records frame in csv, json and xml`, async () => {
    await withClient(transport, async (client) => {
      const frames: Record<string, pl.DataFrame> = {};
      for (const format of ["csv", "json", "xml"] as const) {
        frames[format] = await client.exportRecords({ format });
      }
      const csv = frames.csv;
      assert.equal(frameColumns(csv).length, 76);
      assert.ok(frameHeight(csv) >= 30);
      assert.ok(csv.dtypes.every((d) => d.equals(pl.String)));
      for (const format of ["json", "xml"]) {
        assert.deepEqual(frameColumns(frames[format]), frameColumns(csv), format);
        assert.deepEqual(frames[format].toRecords(), csv.toRecords(), format);
      }
      const batched = await client.exportRecords({ batchSize: 7 });
      assert.deepEqual(batched.toRecords(), csv.toRecords());
      const oneShot = await client.exportRecords({ batchSize: Infinity });
      assert.deepEqual(oneShot.toRecords(), csv.toRecords());
    });
  });

  Deno.test(`RedcapClient (${transport}) exports metadata and reports alike in every format`, async () => {
    await withClient(transport, async (client) => {
      const json = await client.exportMetadata();
      assert.equal(frameColumns(json)[0], "field_name");
      assert.equal(frameColumns(json).length, 18);
      for (const format of ["csv", "xml"] as const) {
        const other = await client.exportMetadata({ format });
        assert.deepEqual(other.toRecords(), json.toRecords(), format);
      }
      const subset = await client.exportMetadata({ fields: ["record_id"] });
      assert.equal(frameHeight(subset), 1);
    });
  });

  Deno.test(`RedcapClient (${transport}) exports the project structure`, async () => {
    await withClient(transport, async (client) => {
      assert.match(await client.exportVersion(), /^\d+\.\d+\.\d+$/);
      const info = await client.exportProjectInfo();
      assert.equal(info.is_longitudinal, 1);
      const arms = await client.exportArms();
      assert.deepEqual(arms.map((a) => a.arm_num), [1, 2]);
      const events = await client.exportEvents();
      assert.equal(events.length, 10);
      assert.deepEqual((await client.exportEvents({ arms: [2] })).map((e) => e.arm_num), [
        2,
        2,
        2,
        2,
        2,
      ]);
      const mappings = await client.exportInstrumentEventMappings();
      assert.ok(mappings.length > 0);
      assert.ok(
        mappings.every((m) => events.some((e) => e.unique_event_name === m.unique_event_name)),
      );
      const instruments = await client.exportInstruments();
      assert.equal(instruments.length, 6);
      const repeating = await client.exportRepeatingFormsEvents();
      assert.ok(repeating.some((r) => r.form_name !== ""));
      const names = await client.exportFieldNames();
      assert.ok(names.some((n) => n.export_field_name.includes("___")));
      const one = await client.exportFieldNames({ field: names[0].original_field_name });
      assert.ok(one.every((n) => n.original_field_name === names[0].original_field_name));
      assert.ok((await client.exportDags()).length >= 2);
      assert.ok((await client.exportUsers()).some((u) => u.username === "demo_user"));
    });
  });

  Deno.test(`RedcapClient (${transport}) imports, renames, deletes and reads the log`, async () => {
    await withClient(transport, async (client) => {
      const next = await client.generateNextRecordName();
      assert.match(next, /^\d+$/);
      const event = (await client.exportEvents())[0].unique_event_name;
      const result = await client.importRecords(
        [{ record_id: next, redcap_event_name: event }],
        { returnContent: "ids" },
      );
      assert.deepEqual(result.ids, [next]);
      const after = await client.exportRecords({ records: [next] });
      assert.equal(after.getColumn("record_id").get(0), next);
      await client.renameRecord({ record: next, new_record_name: `${next}0` });
      assert.equal(await client.deleteRecords({ records: [`${next}0`] }), 1);
      const gone = await client.exportRecords({ records: [`${next}0`] });
      assert.equal(frameHeight(gone), 0);
      const log = await client.exportLogging();
      assert.ok(log.length > 0);
      await assert.rejects(
        client.importRecords([{ record_id: "1", redcap_event_name: event, no_such_field: "x" }]),
        RedcapApiError,
      );
    });
  });

  Deno.test(`RedcapClient (${transport}) uploads, downloads and deletes a file`, async () => {
    await withClient(transport, async (client) => {
      const metadata = await client.exportMetadata();
      const types = metadata.getColumn("field_type").toArray();
      const names = metadata.getColumn("field_name").toArray();
      const forms = metadata.getColumn("form_name").toArray();
      const index = types.findIndex((t, i) =>
        t === "file" &&
        metadata.getColumn("text_validation_type_or_show_slider_number").get(i) !== "signature"
      );
      assert.ok(index >= 0, "the demo has a file field");
      const field = names[index] as string;
      const mapping = (await client.exportInstrumentEventMappings()).find((m) =>
        m.form === forms[index]
      );
      const records = await client.exportRecords({
        fields: ["record_id"],
        events: [mapping!.unique_event_name],
      });
      const record = records.getColumn("record_id").get(0) as string;
      const where = { record, field, event: mapping!.unique_event_name };
      const content = new TextEncoder().encode("hello, file\n");
      await client.importFile({
        ...where,
        file: { name: "hello.txt", content, type: "text/plain" },
      });
      const file = await client.exportFile(where);
      assert.equal(file.name, "hello.txt");
      assert.deepEqual(file.content, content);
      await client.deleteFile(where);
      await assert.rejects(client.exportFile(where), RedcapApiError);
    });
  });

  Deno.test(`RedcapClient (${transport}) reports REDCap's errors for a wrong token`, async () => {
    await withClient(transport, async (client, server) => {
      const wrong = new RedcapClient(client.url, "F".repeat(32), {
        fetch: transport === "in-process" ? server.fetch : undefined,
        progressBar: false,
      });
      await assert.rejects(wrong.exportVersion(), (error: Error) => {
        assert.ok(error instanceof RedcapApiError);
        assert.equal(error.status, 403);
        assert.match(error.redcapMessage, /permissions/);
        return true;
      });
      const text = await client.call("instrument", { format: "json" });
      assert.ok(JSON.parse(text).length === 6);
    });
  });
}
