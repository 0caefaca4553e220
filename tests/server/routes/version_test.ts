/** `content=version`: the local server reports the REDCap version it follows, as text. */
import { strictEqual } from "node:assert/strict";
import { REDCAP_VERSION } from "../../../lib/server/routes/version.ts";
import { createTestServer } from "../../_helpers.ts";

Deno.test("content=version answers the version as plain text, whatever the format", async () => {
  strictEqual(/^\d+\.\d+\.\d+$/.test(REDCAP_VERSION), true);
  const server = createTestServer("demo");
  for (const format of ["json", "csv", "xml"]) {
    const body = new URLSearchParams({ token: server.token, content: "version", format });
    const response = await server.fetch("http://redcap.test/api/", { method: "POST", body });
    strictEqual(response.status, 200);
    strictEqual(await response.text(), REDCAP_VERSION);
  }
});
