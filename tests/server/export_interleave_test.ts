/**
 * A big record export must not hold up other requests (issue 21, "Big exports hold everyone
 * else"): while a flat CSV export streams, a `content=version` request is answered. The server
 * runs in its own process, as `deno task serve` does, so that the client reading the export
 * never paces the server. No wall-clock limit is asserted, only the order of events: the small
 * request completes while the export is still streaming, in its first half.
 */
import { match, ok as assert, strictEqual as assertEquals } from "node:assert/strict";
import { DEMO_TOKEN } from "../../lib/server/demo/mod.ts";

const SERVE = new URL("../../lib/server/serve.ts", import.meta.url).pathname;

async function startServer(records: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--records", String(records), "--token", DEMO_TOKEN],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/\ntoken [^\n]+\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before it was ready: ${text}`);
    text += value;
  }
  const url = /listening on (\S+)/.exec(text)![1];
  const stop = async () => {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
  };
  return { url, stop };
}

Deno.test("a small request is answered while a big export streams", async () => {
  const server = await startServer(10_000);
  try {
    const exportResponse = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({
        token: DEMO_TOKEN,
        content: "record",
        format: "csv",
        type: "flat",
      }),
    });
    assertEquals(exportResponse.status, 200);
    const reader = exportResponse.body!.getReader();
    // The export has begun streaming: its first bytes are here.
    const first = await reader.read();
    assert(!first.done);
    let bytes = first.value.byteLength;
    let exportDone = false;
    const drained = (async () => {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
      }
      exportDone = true;
    })();
    const version = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({ token: DEMO_TOKEN, content: "version" }),
    });
    const versionText = await version.text();
    const streamingWhenAnswered = !exportDone;
    const bytesWhenAnswered = bytes;
    await drained;
    assertEquals(version.status, 200);
    match(versionText, /^\d+\.\d+\.\d+$/);
    assert(
      streamingWhenAnswered,
      `content=version was answered only after the export had ended (${bytes} bytes)`,
    );
    // Before the fix the small request was answered with the export's last bytes; now it is
    // answered a step or two of the export after it was sent, long before the middle.
    assert(
      bytesWhenAnswered < bytes / 2,
      `content=version was answered after ${bytesWhenAnswered} of the export's ${bytes} bytes`,
    );
  } finally {
    await server.stop();
  }
});
