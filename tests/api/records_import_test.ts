/** `importRecords` on a fake server: rows sent as JSON text, each `returnContent` read. */
import assert from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { fakeClient, json, text } from "./_fake.ts";

Deno.test("importRecords() sends JSON rows of text and reads each returnContent", async (t) => {
  const frame = pl.DataFrame({ record_id: ["1", "2"], age: ["30", null] });
  const answers: Record<string, [string, unknown]> = {
    count: ['{"count": 2}', { count: 2 }],
    ids: ['["1","2"]', { ids: ["1", "2"] }],
    nothing: ["", {}],
  };
  for (const [returnContent, [answer, expected]] of Object.entries(answers)) {
    await t.step(returnContent, async () => {
      const { client, seen } = fakeClient(() => text(answer, 200, "application/json"));
      // deno-lint-ignore no-explicit-any
      const result = await client.importRecords(frame, { returnContent: returnContent as any });
      assert.deepEqual(result, expected);
      assert.deepEqual(JSON.parse(seen[0].params.data), [
        { record_id: "1", age: "30" },
        { record_id: "2", age: "" },
      ]);
      assert.equal(seen[0].params.format, "json");
    });
  }
  await t.step("auto_ids", async () => {
    const { client, seen } = fakeClient(() => json(["11,1", "12,2"]));
    const result = await client.importRecords(frame, {
      forceAutoNumber: true,
      returnContent: "auto_ids",
    });
    assert.deepEqual(result.autoIds, [{ id: "11", originalId: "1" }, {
      id: "12",
      originalId: "2",
    }]);
    assert.equal(seen[0].params.forceAutoNumber, "true");
  });
  await t.step("csv and xml bodies", async () => {
    const { client, seen } = fakeClient(() => text("2"));
    assert.deepEqual(await client.importRecords(frame, { format: "csv" }), { count: 2 });
    assert.equal(seen[0].params.data, "record_id,age\n1,30\n2,\n");
    const xml = fakeClient(() => text("<count>2</count>", 200, "text/xml"));
    assert.deepEqual(await xml.client.importRecords(frame, { format: "xml" }), { count: 2 });
    assert.match(
      xml.seen[0].params.data,
      /<item><record_id><!\[CDATA\[1\]\]><\/record_id><age><!\[CDATA\[30\]\]><\/age><\/item>/,
    );
  });
  await t.step("bad options", async () => {
    const { client, seen } = fakeClient(() => json({ count: 0 }));
    await assert.rejects(
      client.importRecords(frame, { returnContent: "auto_ids" }),
      /needs "forceAutoNumber"/,
    );
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      client.importRecords(frame, { overwriteBehavior: "replace" as any }),
      RangeError,
    );
    await assert.rejects(client.importRecords([]), /no rows/);
    assert.equal(seen.length, 0);
  });
});
