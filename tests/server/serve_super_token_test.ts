import { match, strictEqual, throws } from "node:assert/strict";
import { parseServeArgs, serveRedcap } from "../../lib/server/serve.ts";

const SERVE = new URL("../../lib/server/serve.ts", import.meta.url).pathname;
const SUPER = "FEDCBA9876543210".repeat(4);

Deno.test("parseServeArgs() reads --super-token", () => {
  strictEqual(parseServeArgs(["--super-token", SUPER]).superToken, SUPER);
  strictEqual(parseServeArgs([`--super-token=${SUPER}`]).superToken, SUPER);
});

Deno.test("serveRedcap() with superToken creates projects over a socket", async () => {
  const server = await serveRedcap({ demoRecords: 3, superToken: SUPER });
  try {
    const grant = server.tokens.find((t) => t.token === SUPER);
    strictEqual(grant?.projectId, undefined, "listed as a super token");
    strictEqual(grant?.username, "denocap_admin");
    const body = new URLSearchParams({
      token: SUPER,
      content: "project",
      format: "json",
      data: JSON.stringify([{ project_title: "Over the wire", purpose: 0 }]),
    });
    const response = await fetch(server.url, { method: "POST", body });
    const token = await response.text();
    strictEqual(response.status, 200);
    match(token, /^[0-9A-F]{32}$/);
    const info = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({ token, content: "project", format: "json" }),
    });
    strictEqual((await info.json()).project_title, "Over the wire");
  } finally {
    await server.close();
  }
});

Deno.test("serveRedcap() refuses a super token that is not 64 hexadecimal characters", async () => {
  let error: unknown;
  try {
    await serveRedcap({ demoRecords: 1, superToken: "ABC" });
  } catch (e) {
    error = e;
  }
  throws(() => {
    throw error;
  }, /super token must be 64 hexadecimal characters/);
});

Deno.test("serve --super-token prints the super token line", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--records", "2", "--port", "0", "--super-token", SUPER],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!/ super\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    match(text, new RegExp(`\\ntoken ${SUPER} user denocap_admin super\\n`));
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.stderr.cancel();
    await child.status;
  }
});
