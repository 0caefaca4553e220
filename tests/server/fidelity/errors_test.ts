import { match, ok, strictEqual } from "node:assert/strict";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject } from "../routes/_setup.ts";

/** Requests REDCap refuses, naming a parameter, record, field or setting. */
const BAD: Record<string, string>[] = [
  { content: "recordz" },
  { content: "record", fields: "nope" },
  { content: "record", format: "csv", data: "record_id,colour\n1,red\n" },
  { content: "project_settings", data: JSON.stringify({ colour: 1 }) },
  { content: "file", action: "export", record: "99", field: "photo" },
  { content: "pdf", instrument: "nope" },
  { content: "record", action: "delete", records: "1" },
  { content: "log", logtype: "nope" },
  { content: "arm", action: "import", data: JSON.stringify([{ arm_num: "x" }]) },
];

Deno.test('error bodies hold no double quote inside the message, so {"error":"[^"]+"} finds them (socket)', async () => {
  const server = await serveRedcap({ projects: [classicProject()] });
  try {
    for (const params of BAD) {
      const response = await fetch(server.url, {
        method: "POST",
        body: new URLSearchParams({
          token: server.tokens[0].token,
          format: "json",
          returnFormat: "json",
          ...params,
        }),
      });
      const body = await response.text();
      ok(response.status >= 400, body);
      match(body, /^\{"error":"[^"]+"\}$/, JSON.stringify(params));
    }
    // REDCap's own rejected-value lines keep their "record","field","value","message" form.
    const invalid = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({
        token: server.tokens[0].token,
        content: "record",
        format: "csv",
        returnFormat: "csv",
        data: "record_id,pain\n1,abc\n",
      }),
    });
    strictEqual(invalid.status, 400);
    match(await invalid.text(), /^ERROR: "1","pain","abc","/);
  } finally {
    await server.close();
  }
});
