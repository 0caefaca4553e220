/** `exportProjectInfo` on a fake server: REDCap's 0/1 flags read as numbers, other keys kept. */
import { rejects, strictEqual } from "node:assert/strict";
import { RedcapResponseError } from "../../lib/errors.ts";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportProjectInfo() reads flags sent as text and keeps keys it does not know", async () => {
  const { client, seen } = fakeClient(() =>
    json({
      project_id: "17",
      project_title: "Demo",
      is_longitudinal: "1",
      surveys_enabled: 0,
      display_today_now_button: "1",
    })
  );
  const info = await client.exportProjectInfo();
  strictEqual(seen[0].params.content, "project");
  strictEqual(info.project_id, 17);
  strictEqual(info.is_longitudinal, 1);
  strictEqual(info.surveys_enabled, 0);
  strictEqual(info.display_today_now_button, "1");
});

Deno.test("exportProjectInfo() refuses a project id that is not a number", async () => {
  const { client } = fakeClient(() =>
    json({ project_id: "abc", project_title: "Demo", is_longitudinal: 0 })
  );
  await rejects(client.exportProjectInfo(), RedcapResponseError);
});
