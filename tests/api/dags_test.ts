/** `exportDags` on a fake server: REDCap's JSON read, numbers and blanks normalised. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportDags() reads ids sent as text or blank, and labels sent as numbers", async () => {
  const { client, seen } = fakeClient(() =>
    json([
      { data_access_group_name: "Site A", unique_group_name: "site_a", data_access_group_id: "12" },
      { data_access_group_name: 2024, unique_group_name: "site_b", data_access_group_id: "" },
    ])
  );
  const dags = await client.exportDags();
  deepStrictEqual(dags.map((d) => d.data_access_group_id), [12, null]);
  strictEqual(dags[1].data_access_group_name, "2024");
  strictEqual(seen[0].params.content, "dag");
});
