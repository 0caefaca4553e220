/** `exportVersion` on a fake server: an answer that is not a version is refused. */
import assert from "node:assert/strict";
import { RedcapResponseError } from "../../lib/errors.ts";
import { fakeClient, text } from "./_fake.ts";

Deno.test("exportVersion() rejects an answer that is not a version", async () => {
  const { client, seen } = fakeClient(() => text("Welcome to REDCap", 200, "text/plain"));
  await assert.rejects(
    client.exportVersion(),
    (e: Error) =>
      e instanceof RedcapResponseError && e.problem === "shape" && /15\.7\.6/.test(e.message),
  );
  assert.equal(seen.length, 3);
});

Deno.test("exportVersion() trims the answer, sends content=version, asks once", async () => {
  const { client, seen } = fakeClient(() => text("15.7.6\n", 200, "text/plain"));
  assert.equal(await client.exportVersion(), "15.7.6");
  assert.equal(await client.exportVersion(), "15.7.6");
  assert.equal(seen.length, 1);
  assert.equal(seen[0].params.content, "version");
});
