/** `exportInstruments` on a fake server: rows read, answered once per client (cached). */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { RedcapResponseError } from "../../lib/errors.ts";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportInstruments() reads the rows and asks once per client", async () => {
  const { client, seen } = fakeClient(() =>
    json([{ instrument_name: "enrollment", instrument_label: "Enrollment" }])
  );
  const first = await client.exportInstruments();
  deepStrictEqual(first, [{ instrument_name: "enrollment", instrument_label: "Enrollment" }]);
  await client.exportInstruments();
  strictEqual(seen.length, 1);
  strictEqual(seen[0].params.content, "instrument");
});

Deno.test("exportInstruments() refuses rows without an instrument name", async () => {
  const { client } = fakeClient(() => json([{ instrument_label: "Enrollment" }]));
  await rejects(client.exportInstruments(), RedcapResponseError);
});
