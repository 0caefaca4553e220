import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { fullRights } from "../../../lib/server/project.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { classicProject, setup } from "../routes/_setup.ts";

const SUPER = "0123456789ABCDEF".repeat(4);

Deno.test("content=project reads a pretty-printed XML body (indentation is not a setting)", async () => {
  const store = RedcapStore.open();
  store.addToken(SUPER, undefined, fullRights("admin"));
  const handler = createRedcapHandler(store);
  const data = `<?xml version="1.0" encoding="UTF-8" ?>
<records>
  <item>
    <project_title>Indented</project_title>
    <purpose>0</purpose>
  </item>
</records>
`;
  const response = await handler(
    new Request("http://redcap.test/api/", {
      method: "POST",
      body: new URLSearchParams({ token: SUPER, content: "project", format: "xml", data }),
    }),
  );
  const token = await response.text();
  strictEqual(response.status, 200, token);
  const info = await handler(
    new Request("http://redcap.test/api/", {
      method: "POST",
      body: new URLSearchParams({ token, content: "project", format: "json" }),
    }),
  );
  strictEqual((await info.json()).project_title, "Indented");
  store.close();
});

Deno.test("pretty-printed XML imports: records, arms and user rights with nested forms", async () => {
  const s = setup(classicProject());
  const records = await s.post({
    content: "record",
    format: "xml",
    data: `<records>
  <item>
    <record_id>7</record_id>
    <name>  spaced  </name>
  </item>
</records>`,
  });
  strictEqual(records.status, 200, records.text);
  const exported = await s.post({ content: "record", format: "json", records: "7" });
  strictEqual(exported.json()[0].name, "  spaced  ", "a value keeps its own spaces");
  const users = await s.post({
    content: "user",
    format: "xml",
    data: `<users>
  <item>
    <username>carol</username>
    <forms>
      <demographics>1</demographics>
      <health>0</health>
    </forms>
  </item>
</users>`,
  });
  strictEqual(users.status, 200, users.text);
  const carol = (await s.post({ content: "user", format: "json" })).json()
    .find((u: { username: string }) => u.username === "carol");
  deepStrictEqual([carol.forms.demographics, carol.forms.health], [130, 128]);
});

Deno.test("content=project_settings takes back the whole row content=project exports", async () => {
  const s = setup(classicProject());
  const row = (await s.post({ content: "project", format: "json" })).json();
  strictEqual(typeof row.project_id, "number");
  row.project_title = "Renamed";
  for (const format of ["json", "csv", "xml"] as const) {
    const data = format === "json"
      ? JSON.stringify(row)
      : (await s.post({ content: "project", format })).text.replace(
        /Classic|Renamed/,
        `Renamed ${format}`,
      );
    const answer = await s.post({ content: "project_settings", format, data });
    strictEqual(answer.status, 200, `${format}: ${answer.text}`);
    match(
      (await s.post({ content: "project", format: "json" })).json().project_title,
      /^Renamed/,
    );
  }
  const unknown = await s.post({
    content: "project_settings",
    format: "json",
    data: JSON.stringify({ colour: "red" }),
  });
  strictEqual(unknown.status, 400, "a key REDCap never exports is still refused");
});
