/**
 * Exposure of the local server: cross-origin requests, binding beyond loopback, and demo tokens
 * generated per start.
 */
import { deepStrictEqual, match, notStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DEMO_DAG_TOKEN, DEMO_TOKEN } from "../../lib/server/demo/mod.ts";
import { isLoopback, parseServeArgs, serveRedcap } from "../../lib/server/serve.ts";
import { createTestServer } from "../_helpers.ts";

function postWith(headers: Record<string, string>, token: string, url = "http://redcap.test/api/") {
  return new Request(url, {
    method: "POST",
    headers: { "Content-Type": "text/plain", ...headers },
    // A web page can send this without a preflight: a text/plain form body.
    body: `token=${token}&content=record&format=json`,
  });
}

Deno.test("a request whose Origin is another site is refused with 403 before it reads anything", async () => {
  const server = createTestServer("demo", { demoRecords: 3 });
  const before = server.store.logEntries(server.projectId).length;
  for (const origin of ["http://evil.example", "null", "http://redcap.test:8080"]) {
    const response = await server.handler(postWith({ Origin: origin }, server.token));
    strictEqual(response.status, 403, origin);
    const text = await response.text();
    match(text, /<error>Cross-origin requests are refused: the request came from a web page at/);
    ok(text.includes(`'${origin}'`));
    ok(!text.includes(server.token));
  }
  strictEqual(server.store.logEntries(server.projectId).length, before, "nothing was exported");
});

Deno.test("a request from the server's own origin, or without Origin, is answered", async () => {
  const server = createTestServer("demo", { demoRecords: 3 });
  const form = (headers: Record<string, string>) =>
    new Request("http://redcap.test/api/", {
      method: "POST",
      headers,
      body: new URLSearchParams({ token: server.token, content: "version" }),
    });
  strictEqual((await server.handler(form({}))).status, 200);
  strictEqual((await server.handler(form({ Origin: "http://redcap.test" }))).status, 200);
});

Deno.test("isLoopback() knows loopback names and addresses", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) ok(isLoopback(host));
  for (const host of ["0.0.0.0", "::", "192.168.1.5", "example.org", "128.0.0.1"]) {
    ok(!isLoopback(host), host);
  }
});

Deno.test("serveRedcap() warns when it binds beyond loopback, and only then", async () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  try {
    const local = await serveRedcap({ demoRecords: 1 });
    await local.close();
    strictEqual(warnings.length, 0);
    const open = await serveRedcap({ demoRecords: 1, hostname: "0.0.0.0" });
    await open.close();
  } finally {
    console.warn = warn;
  }
  strictEqual(warnings.length, 1);
  match(warnings[0], /0\.0\.0\.0, which is not a loopback interface/);
});

Deno.test("serveRedcap() generates the demo's tokens at every start", async () => {
  const first = await serveRedcap({ demoRecords: 1 });
  const second = await serveRedcap({ demoRecords: 1 });
  try {
    const a = first.tokens.map((t) => t.token);
    const b = second.tokens.map((t) => t.token);
    strictEqual(a.length, 2);
    for (const token of [...a, ...b]) {
      match(token, /^[0-9A-F]{32}$/);
      ok(token !== DEMO_TOKEN && token !== DEMO_DAG_TOKEN, "a published token is served");
    }
    notStrictEqual(a[0], b[0]);
    deepStrictEqual(first.tokens.map((t) => t.username), ["demo_user", "demo_dag_user"]);
    const published = await fetch(first.url, {
      method: "POST",
      body: new URLSearchParams({ token: DEMO_TOKEN, content: "version" }),
    });
    strictEqual(published.status, 403);
    await published.body?.cancel();
  } finally {
    await first.close();
    await second.close();
  }
});

Deno.test("serveRedcap() keeps fixed tokens when asked: a token of one's own, or the published demo ones", async () => {
  const own = "ABCDEF0123456789ABCDEF0123456789";
  const fixed = await serveRedcap({ demoRecords: 1, token: own });
  const demo = await serveRedcap({ demoRecords: 1, token: "demo" });
  try {
    strictEqual(fixed.tokens[0].token, own);
    notStrictEqual(fixed.tokens[1].token, DEMO_DAG_TOKEN);
    deepStrictEqual(demo.tokens.map((t) => t.token), [DEMO_TOKEN, DEMO_DAG_TOKEN]);
    strictEqual(parseServeArgs(["--token", "demo"]).token, "demo");
  } finally {
    await fixed.close();
    await demo.close();
  }
});

/** Sends a raw HTTP request with the given Host (fetch() does not let a script set it). */
async function rawPost(port: number, host: string, body: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const request = `POST /api/ HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  await conn.write(new TextEncoder().encode(request));
  let text = "";
  const buffer = new Uint8Array(4096);
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  conn.close();
  return text;
}

Deno.test("a loopback server refuses a request addressed to another host name (DNS rebinding)", async () => {
  const server = await serveRedcap({ demoRecords: 1 });
  try {
    const port = Number(new URL(server.url).port);
    const body = `token=${server.tokens[0].token}&content=version`;
    // A rebound page's request: its own name in Host, and an Origin that matches it.
    const rebound = await rawPost(port, `evil.example:${port}`, body);
    match(rebound, /^HTTP\/1\.1 403/);
    match(rebound, /addressed to 'evil\.example', not to this server's loopback address/);
    match(await rawPost(port, `localhost:${port}`, body), /^HTTP\/1\.1 200[\s\S]*15\.\d+\.\d+$/);
  } finally {
    await server.close();
  }
});
