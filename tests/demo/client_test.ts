/** createDemoClient(): a client of a fresh in-process demo server, sized and seeded. */
import { deepStrictEqual, notDeepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { createDemoClient } from "../../lib/demo/client.ts";

Deno.test("createDemoClient() serves the asked number of records, the same for the same seed", async () => {
  const ids = async (seed: number) => {
    const raw = await createDemoClient({ records: 4, seed }).exportRecords({
      fields: ["record_id", "dob", "weight"],
    });
    return raw.toRecords();
  };
  const first = await ids(1);
  strictEqual(new Set(first.map((r) => r.record_id)).size, 4);
  deepStrictEqual(await ids(1), first);
  notDeepStrictEqual(await ids(2), first);
});

Deno.test("createDemoClient() refuses a fetch of its own (the demo server is the transport)", () => {
  throws(
    () => createDemoClient({ fetch: globalThis.fetch } as unknown as { records: number }),
    /"fetch" is set by the demo server/,
  );
});

Deno.test("each demo client has its own store: a write in one is not seen by another", async () => {
  const a = createDemoClient({ records: 2 });
  const b = createDemoClient({ records: 2 });
  const before = (await b.exportRecords({ fields: ["record_id"] })).height;
  await a.importRecords([{ record_id: "9001", redcap_event_name: "baseline_arm_1" }]);
  strictEqual((await b.exportRecords({ fields: ["record_id"] })).height, before);
  const ids = (await a.exportRecords({ fields: ["record_id"] })).getColumn("record_id").toArray();
  strictEqual(ids.includes("9001"), true);
});
