/** `exportEvents` and `exportInstrumentEventMappings` on a fake server: arms sent, rows read. */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportEvents() sends the arms as a list and reads numbers sent as text", async () => {
  const { client, seen } = fakeClient(() =>
    json([{
      event_name: "Baseline",
      arm_num: "2",
      unique_event_name: "baseline_arm_2",
      custom_event_label: null,
      event_id: "41",
      day_offset: "0",
      offset_min: "",
      offset_max: "",
    }])
  );
  const [event] = await client.exportEvents({ arms: [2] });
  strictEqual(seen[0].params.content, "event");
  strictEqual(seen[0].params["arms[0]"], "2");
  strictEqual(event.arm_num, 2);
  strictEqual(event.event_id, 41);
  strictEqual(event.offset_min, null);
  strictEqual(event.custom_event_label, "");
});

Deno.test("exportInstrumentEventMappings() reads designations; a bad arm is refused first", async () => {
  const { client, seen } = fakeClient(() =>
    json([{ arm_num: 1, unique_event_name: "baseline_arm_1", form: "enrollment" }])
  );
  deepStrictEqual(await client.exportInstrumentEventMappings(), [
    { arm_num: 1, unique_event_name: "baseline_arm_1", form: "enrollment" },
  ]);
  strictEqual(seen[0].params.content, "formEventMapping");
  await rejects(client.exportInstrumentEventMappings({ arms: ["x" as unknown as number] }));
  strictEqual(seen.length, 1);
});
