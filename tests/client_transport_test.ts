/**
 * The transport against real sockets and hostile answers: redirects never carry the token to
 * another origin, the token is scrubbed from every message, REDCap's errors sent with HTTP 200
 * keep REDCap's message, and network failures name the host and the root cause.
 */
import assert from "node:assert/strict";
import { RedcapClient } from "../lib/client.ts";
import {
  RedcapApiError,
  RedcapError,
  RedcapNetworkError,
  RedcapResponseError,
} from "../lib/errors.ts";
import { fakeClient, json, text, TOKEN } from "./api/_fake.ts";

/** A local HTTP server answering with **answer**; what it was sent is kept in `bodies`. */
function listen(answer: (request: Request, body: string) => Response | Promise<Response>) {
  const bodies: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const body = await request.text();
      bodies.push(body);
      return answer(request, body);
    },
  );
  const origin = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return { server, origin, bodies };
}

const client = (url: string) =>
  new RedcapClient(url, TOKEN, {
    retry: { limit: 3, backoff: 1, maxDelay: 5 },
    progressBar: false,
  });

Deno.test("RedcapClient refuses a 307/308 redirect to another origin and never sends it the token", async (t) => {
  for (const status of [307, 308, 301]) {
    await t.step(`HTTP ${status}`, async () => {
      const other = listen(() => new Response("15.7.6"));
      const first = listen(() =>
        new Response(null, { status, headers: { Location: `${other.origin}/api/` } })
      );
      try {
        await assert.rejects(client(`${first.origin}/api/`).exportVersion(), (error: Error) => {
          assert.ok(error instanceof RedcapResponseError, String(error));
          assert.equal(error.problem, "redirect");
          assert.equal(error.attempts, 1, "a refused redirect is not retried");
          assert.match(
            error.message,
            new RegExp(`redirected \\(HTTP ${status}\\) to ${other.origin}/api/`),
          );
          assert.match(error.message, /another origin, which is not sent the token/);
          return true;
        });
        assert.equal(first.bodies.length, 1);
        assert.deepEqual(other.bodies, [], "the other origin was sent a request");
      } finally {
        await Promise.all([first.server.shutdown(), other.server.shutdown()]);
      }
    });
  }
});

Deno.test("RedcapClient follows same-origin redirects, sending the POST again", async () => {
  // 301 and 308: a URL without its trailing slash, as Apache's DirectorySlash answers it.
  const site = listen((request, body) => {
    const path = new URL(request.url).pathname;
    if (path === "/api") return new Response(null, { status: 301, headers: { Location: "/api/" } });
    if (path === "/old/") {
      return new Response(null, { status: 308, headers: { Location: "/api" } });
    }
    const params = new URLSearchParams(body);
    return new Response(
      request.method === "POST" && params.get("token") === TOKEN ? "15.7.6" : "no token",
      { status: request.method === "POST" ? 200 : 405 },
    );
  });
  try {
    assert.equal(await client(`${site.origin}/old/`).exportVersion(), "15.7.6");
    assert.equal(site.bodies.length, 3);
    assert.ok(site.bodies.every((b) => new URLSearchParams(b).get("token") === TOKEN));
  } finally {
    await site.server.shutdown();
  }
});

Deno.test("RedcapClient stops after 5 same-origin redirects and refuses a 303", async () => {
  const { client, seen } = fakeClient((_p, n) =>
    new Response(null, { status: 307, headers: { Location: `/api/${n}` } })
  );
  await assert.rejects(client.exportVersion(), /more than 5 redirects/);
  assert.equal(seen.length, 6);
  const see = fakeClient(() =>
    new Response(null, { status: 303, headers: { Location: "/api/answer" } })
  );
  await assert.rejects(
    see.client.exportVersion(),
    (e: Error) => e instanceof RedcapResponseError && /HTTP 303/.test(e.message),
  );
  assert.equal(see.seen.length, 1);
});

Deno.test("RedcapClient refuses a redirect a browser's fetch hides (opaqueredirect)", async () => {
  const opaque = {
    type: "opaqueredirect",
    status: 0,
    headers: new Headers(),
    body: null,
    arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
  } as unknown as Response;
  const { client, seen } = fakeClient(() => opaque);
  await assert.rejects(client.exportVersion(), (error: Error) => {
    assert.ok(error instanceof RedcapResponseError);
    assert.equal(error.problem, "redirect");
    assert.match(error.message, /does not say where/);
    return true;
  });
  assert.equal(seen.length, 1);
});

Deno.test("RedcapClient scrubs the token from the <title> of an HTML page answered with 200", async () => {
  const page = `<!DOCTYPE html><html><head><title>Invalid token ${TOKEN}</title></head></html>`;
  const { client } = fakeClient(() => text(page, 200, "text/html"), { retry: 1 });
  await assert.rejects(client.exportVersion(), (error: Error) => {
    assert.ok(error instanceof RedcapResponseError);
    assert.equal(error.problem, "html");
    assert.match(error.message, /Invalid token \[token\]/);
    assert.ok(!Deno.inspect(error, { depth: 10 }).includes(TOKEN), "the token leaked");
    assert.ok(!(error.stack ?? "").includes(TOKEN), "the token leaked into the stack");
    return true;
  });
});

Deno.test("RedcapClient scrubs the token from a parser's message quoting the body", async () => {
  // V8 quotes the start of a body that is not JSON.
  const { client } = fakeClient(() => text(`x${TOKEN}`, 200, "application/json"), { retry: 1 });
  await assert.rejects(client.exportInstruments(), (error: Error) => {
    assert.ok(error instanceof RedcapResponseError);
    const shown = [error.message, error.stack, Deno.inspect(error, { depth: 10 })].join("\n");
    assert.ok(!shown.includes(TOKEN), "the token leaked");
    return true;
  });
});

Deno.test("RedcapClient reports REDCap's message for an error answered with HTTP 200", async (t) => {
  const bodies = {
    json: '{"error":"The value you provided for filterLogic is not valid"}',
    xml:
      '<?xml version="1.0" encoding="UTF-8" ?>\n<hash>\n  <error>The value you provided for filterLogic is not valid</error>\n</hash>',
  };
  for (const [name, body] of Object.entries(bodies)) {
    await t.step(`${name} envelope for a CSV export`, async () => {
      const { client, seen } = fakeClient(() => text(body, 200, "application/json"));
      await assert.rejects(
        client.exportRecords({ records: ["1"], filterLogic: "[x" }),
        (error: Error) => {
          assert.ok(error instanceof RedcapApiError, String(error));
          assert.equal(error.status, 200);
          assert.equal(error.redcapMessage, "The value you provided for filterLogic is not valid");
          assert.doesNotMatch(error.message, /cut short/);
          return true;
        },
      );
      assert.equal(seen.length, 1, "REDCap's error is not retried");
    });
  }
  await t.step("JSON rows where CSV was asked for", async () => {
    const { client } = fakeClient(() => json([{ record_id: "1" }]), { retry: 1 });
    await assert.rejects(client.exportRecords({ records: ["1"] }), (error: Error) => {
      assert.ok(error instanceof RedcapResponseError);
      assert.equal(error.problem, "shape");
      assert.match(error.message, /the body is JSON, not the CSV asked for: "\[\{\\"record_id/);
      return true;
    });
  });
  await t.step("the token is scrubbed from the message", async () => {
    const { client } = fakeClient(() => json({ error: `bad token ${TOKEN}` }));
    await assert.rejects(client.exportRecords({ records: ["1"] }), (error: Error) => {
      assert.ok(error instanceof RedcapApiError);
      assert.equal(error.redcapMessage, "bad token [token]");
      return true;
    });
  });
});

Deno.test("RedcapClient names the host and the root cause of a network failure", async (t) => {
  await t.step("connection refused", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const refused = new RedcapClient(`http://127.0.0.1:${port}/api/`, TOKEN, { retry: 1 });
    await assert.rejects(refused.exportVersion(), (error: Error) => {
      assert.ok(error instanceof RedcapNetworkError, String(error));
      assert.equal(error.host, `127.0.0.1:${port}`);
      assert.match(
        error.message,
        new RegExp(
          `^Cannot complete "version" request to 127\\.0\\.0\\.1:${port}: connection refused`,
        ),
      );
      return true;
    });
  });
  await t.step("DNS", async () => {
    const dns = new RedcapClient("https://no-such-host.invalid/api/", TOKEN, { retry: 1 });
    await assert.rejects(dns.exportVersion(), (error: Error) => {
      assert.ok(error instanceof RedcapNetworkError, String(error));
      assert.match(error.message, /request to no-such-host\.invalid: DNS lookup failed/);
      return true;
    });
  });
  await t.step("TLS", async () => {
    const plain = listen(() => new Response("15.7.6"));
    try {
      const tls = new RedcapClient(plain.origin.replace("http:", "https:") + "/api/", TOKEN, {
        retry: 1,
      });
      await assert.rejects(tls.exportVersion(), (error: Error) => {
        assert.ok(error instanceof RedcapNetworkError, String(error));
        assert.match(error.message, /request to 127\.0\.0\.1:\d+: TLS failed/);
        return true;
      });
    } finally {
      await plain.server.shutdown();
    }
  });
  await t.step("a cause code, as Node's fetch gives it", async () => {
    const cause = Object.assign(new Error("getaddrinfo ENOTFOUND redcap.test"), {
      code: "ENOTFOUND",
    });
    const { client } = fakeClient(() => Promise.reject(new TypeError("fetch failed", { cause })), {
      retry: 1,
    });
    await assert.rejects(client.exportVersion(), (error: Error) => {
      assert.ok(error instanceof RedcapError);
      assert.match(error.message, /request to redcap\.test: DNS lookup failed \(getaddrinfo/);
      return true;
    });
  });
});
