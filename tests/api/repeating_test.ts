/** `exportRepeatingFormsEvents` on a fake server: a blank form name is a repeating event. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportRepeatingFormsEvents() reads null labels as blank and keeps blank forms", async () => {
  const { client, seen } = fakeClient(() =>
    json([
      { event_name: "visit_arm_1", form_name: "vitals", custom_form_label: null },
      { event_name: "followup_arm_1", form_name: "", custom_form_label: "[date]" },
    ])
  );
  const rows = await client.exportRepeatingFormsEvents();
  strictEqual(seen[0].params.content, "repeatingFormsEvents");
  deepStrictEqual(rows.map((r) => [r.form_name, r.custom_form_label]), [
    ["vitals", ""],
    ["", "[date]"],
  ]);
});
