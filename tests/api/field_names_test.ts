/** `exportFieldNames` on a fake server: one row per export column, the field option sent. */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportFieldNames() sends field and reads checkbox codes sent as numbers", async () => {
  const { client, seen } = fakeClient(() =>
    json([
      { original_field_name: "race", choice_value: 1, export_field_name: "race___1" },
      { original_field_name: "race", choice_value: 2, export_field_name: "race___2" },
    ])
  );
  const names = await client.exportFieldNames({ field: "race" });
  deepStrictEqual(names.map((n) => n.choice_value), ["1", "2"]);
  strictEqual(seen[0].params.content, "exportFieldNames");
  strictEqual(seen[0].params.field, "race");
});

Deno.test("exportFieldNames() refuses an unknown option before sending", async () => {
  const { client, seen } = fakeClient(() => json([]));
  await rejects(
    client.exportFieldNames({ fields: ["race"] } as unknown as { field: string }),
    /fields/,
  );
  strictEqual(seen.length, 0);
});
