import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { parseServeArgs, serveRedcap } from "../../lib/server/serve.ts";

const SERVE = new URL("../../lib/server/serve.ts", import.meta.url).pathname;

/** Starts `serve.ts` as a process and reads its banner (the listening line, then one per token). */
async function startCli(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/\ntoken [^\n]+\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const stop = async () => {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.stderr.cancel();
    await child.status;
  };
  return { lines: text.trim().split("\n"), stop };
}

async function post(url: string, params: Record<string, string>) {
  const response = await fetch(url, { method: "POST", body: new URLSearchParams(params) });
  return { status: response.status, text: await response.text() };
}

Deno.test("parseServeArgs() reads every option and refuses unknown ones", () => {
  deepStrictEqual(
    parseServeArgs([
      "--project",
      "demo",
      "--db=x.db",
      "--port",
      "0",
      "--host",
      "::1",
      "--token",
      "ab",
    ]),
    { projects: ["demo"], db: "x.db", port: 0, hostname: "::1", token: "ab" },
  );
  let error: unknown;
  try {
    parseServeArgs(["--prot", "1"]);
  } catch (e) {
    error = e;
  }
  ok(error instanceof RangeError && error.message.includes('"--prot"'));
});

Deno.test("deno task serve prints the URL and one line per token, and answers over a socket", async () => {
  const { lines, stop } = await startCli(["--project", "demo", "--port", "0", "--records", "5"]);
  try {
    match(lines[0], /^denocap server listening on http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    const tokenLine = lines.find((l) => l.startsWith("token "))!;
    match(tokenLine, /^token [0-9A-F]{32} user \S+ project \d+$/);
    const url = lines[0].split(" ").pop()!;
    const token = tokenLine.split(" ")[1];
    const version = await post(url, { token, content: "version" });
    strictEqual(version.status, 200);
    strictEqual(version.text, "15.7.6");
  } finally {
    await stop();
  }
});

Deno.test("serve --db keeps imported data across restarts", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const db = `${dir}/p.db`;
    const token = "ABCDEF0123456789ABCDEF0123456789";
    const first = await startCli([
      "--project",
      "demo",
      "--db",
      db,
      "--records",
      "3",
      "--token",
      token,
    ]);
    const url1 = first.lines[0].split(" ").pop()!;
    const before = await post(url1, { token, content: "record", format: "json", records: "1" });
    strictEqual(before.status, 200);
    const rename = await post(url1, {
      token,
      content: "record",
      action: "rename",
      record: "1",
      new_record_name: "1001",
    });
    strictEqual(rename.status, 200);
    await first.stop();
    const second = await startCli(["--project", "demo", "--db", db]);
    try {
      ok(second.lines.some((l) => l.startsWith(`token ${token} `)), "the token survives");
      const url2 = second.lines[0].split(" ").pop()!;
      const after = await post(url2, { token, content: "record", format: "json", records: "1001" });
      strictEqual(after.status, 200);
      ok(JSON.parse(after.text).length > 0, "the renamed record survives the restart");
    } finally {
      await second.stop();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("serveRedcap() binds to loopback by default", async () => {
  const server = await serveRedcap({ demoRecords: 2 });
  try {
    match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  } finally {
    await server.close();
  }
});
