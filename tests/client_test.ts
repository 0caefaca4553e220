import assert from "node:assert/strict";
import { RedcapClient } from "../lib/client.ts";
import {
  RedcapApiError,
  RedcapError,
  RedcapNetworkError,
  RedcapResponseError,
  RedcapTimeoutError,
} from "../lib/errors.ts";
import type { ProgressEvent } from "../lib/types.ts";
import { fakeClient, json, text, TOKEN } from "./api/_fake.ts";

const VERSION_OK = () => text("15.7.6", 200, "text/html; charset=utf-8");
const HTML_PAGE =
  "<!DOCTYPE html>\n<html><head><title>REDCap crashed</title></head><body>x</body></html>";

Deno.test("new RedcapClient() rejects a malformed token without showing it", async (t) => {
  const cases = {
    "too short": TOKEN.slice(1),
    "not hexadecimal": "SECRETXYZ".padEnd(32, "Q"),
    "65 characters": TOKEN + TOKEN + "A",
    "inner space": TOKEN.slice(0, 16) + " " + TOKEN.slice(17),
  };
  for (const [name, token] of Object.entries(cases)) {
    await t.step(name, () => {
      assert.throws(
        () => new RedcapClient("https://redcap.test/api/", token),
        (error: Error) => {
          assert.ok(error instanceof TypeError);
          assert.match(error.message, /"token" must be 32 or 64 hexadecimal characters/);
          assert.ok(!error.message.includes(token), "message shows the token");
          assert.ok(!error.message.includes(token.slice(0, 8)), "message shows part of the token");
          return true;
        },
      );
    });
  }
});

Deno.test("new RedcapClient() trims the token and accepts 64-character super tokens", async () => {
  const { client, seen } = fakeClient(VERSION_OK);
  assert.equal(await client.exportVersion(), "15.7.6");
  assert.equal(seen[0].params.token, TOKEN);
  const padded = new RedcapClient("https://redcap.test/api/", ` ${TOKEN}\n`, {
    fetch: (input, init) => {
      return new Request(input, init).text().then((body) => {
        assert.equal(new URLSearchParams(body).get("token"), TOKEN);
        return VERSION_OK();
      });
    },
  });
  assert.equal(await padded.exportVersion(), "15.7.6");
  assert.doesNotThrow(() => new RedcapClient("https://redcap.test/api/", TOKEN + TOKEN));
});

Deno.test("new RedcapClient() rejects bad URLs and options by name", () => {
  assert.throws(() => new RedcapClient("not a url", TOKEN), /"url" is not a URL/);
  assert.throws(() => new RedcapClient("ftp://x/api/", TOKEN), /"url" must be http or https/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new RedcapClient("https://x/api/", TOKEN, { timout: 5 } as any),
    /unknown option "timout"/,
  );
  assert.throws(() => new RedcapClient("https://x/api/", TOKEN, { timeout: 0 }), RangeError);
  assert.throws(() => new RedcapClient("https://x/api/", TOKEN, { concurrency: 0 }), /concurrency/);
  assert.throws(
    () => new RedcapClient("https://x/api/", TOKEN, { retry: { limit: 0 } }),
    /retry.limit/,
  );
});

Deno.test("RedcapClient.fromEnv() reads REDCAP_API_URL and REDCAP_API_TOKEN", () => {
  const saved = [Deno.env.get("REDCAP_API_URL"), Deno.env.get("REDCAP_API_TOKEN")];
  try {
    Deno.env.set("REDCAP_API_URL", "https://redcap.test/api/");
    Deno.env.delete("REDCAP_API_TOKEN");
    assert.throws(() => RedcapClient.fromEnv(), /REDCAP_API_TOKEN is not set/);
    Deno.env.set("REDCAP_API_TOKEN", "SECRET-not-hex-SECRET");
    assert.throws(() => RedcapClient.fromEnv(), (error: Error) => {
      assert.match(error.message, /REDCAP_API_TOKEN must be 32 or 64/);
      assert.ok(!error.message.includes("SECRET"));
      return true;
    });
    Deno.env.set("REDCAP_API_TOKEN", `${TOKEN}\n`);
    assert.equal(RedcapClient.fromEnv().url, "https://redcap.test/api/");
    Deno.env.delete("REDCAP_API_URL");
    assert.throws(() => RedcapClient.fromEnv(), /REDCAP_API_URL is not set/);
  } finally {
    for (const [name, value] of [["REDCAP_API_URL", saved[0]], ["REDCAP_API_TOKEN", saved[1]]]) {
      if (value === undefined) Deno.env.delete(name!);
      else Deno.env.set(name!, value);
    }
  }
});

Deno.test("RedcapClient rejects with RedcapTimeoutError when the server is too slow", async () => {
  const { client, seen } = fakeClient(
    (_p, _n, signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve(VERSION_OK()), 5_000);
        signal?.addEventListener("abort", () => clearTimeout(timer));
      }),
    { timeout: 30, retry: { limit: 2, backoff: 1 } },
  );
  // The fake answers after 5 s: a rejection at all means the 30 ms timeout aborted both tries.
  await assert.rejects(client.exportVersion(), (error: Error) => {
    assert.ok(error instanceof RedcapTimeoutError);
    assert.equal(error.code, "timeout");
    assert.equal(error.attempts, 2);
    assert.match(error.message, /no answer within 30 ms \(after 2 attempts\)/);
    return true;
  });
  assert.equal(seen.length, 2);
});

Deno.test("RedcapClient retries a 500 and returns the 200 that follows", async () => {
  const { client, seen } = fakeClient((_p, n) =>
    n === 1 ? json({ error: "The server encountered an unexpected error." }, 500) : VERSION_OK()
  );
  assert.equal(await client.exportVersion(), "15.7.6");
  assert.equal(seen.length, 2);
});

Deno.test("RedcapClient retries HTTP 200 with an HTML page, then gives RedcapResponseError", async () => {
  const flaky = fakeClient((_p, n) => n === 1 ? text(HTML_PAGE, 200, "text/html") : VERSION_OK());
  assert.equal(await flaky.client.exportVersion(), "15.7.6");
  assert.equal(flaky.seen.length, 2);
  const broken = fakeClient(() => text(HTML_PAGE, 200, "text/html"));
  await assert.rejects(broken.client.exportInstruments(), (error: Error) => {
    assert.ok(error instanceof RedcapResponseError);
    assert.equal(error.problem, "html");
    assert.equal(error.attempts, 3);
    assert.match(error.message, /HTML page .*REDCap crashed/);
    return true;
  });
  assert.equal(broken.seen.length, 3);
});

Deno.test("RedcapClient treats an empty HTTP 200 body as a failure and retries it", async () => {
  const { client, seen } = fakeClient((_p, n) =>
    n < 3 ? text("", 200) : json([{ instrument_name: "a", instrument_label: "A" }])
  );
  assert.deepEqual(await client.exportInstruments(), [{
    instrument_name: "a",
    instrument_label: "A",
  }]);
  assert.equal(seen.length, 3);
  const empty = fakeClient(() => text("", 200));
  await assert.rejects(
    empty.client.exportArms(),
    (e: Error) => e instanceof RedcapResponseError && e.problem === "empty",
  );
});

Deno.test("RedcapClient retries a reset connection and reports RedcapNetworkError", async () => {
  const { client, seen } = fakeClient(() =>
    Promise.reject(new TypeError("connection reset by peer"))
  );
  await assert.rejects(client.exportVersion(), (error: Error) => {
    assert.ok(error instanceof RedcapNetworkError);
    assert.equal(error.code, "network_error");
    assert.match(error.message, /connection reset by peer/);
    assert.ok(error.cause instanceof TypeError);
    return true;
  });
  assert.equal(seen.length, 3);
  const recovering = fakeClient((_p, n) =>
    n === 1 ? Promise.reject(new TypeError("reset")) : VERSION_OK()
  );
  assert.equal(await recovering.client.exportVersion(), "15.7.6");
});

Deno.test("RedcapClient reads a truncated JSON body as RedcapResponseError", async () => {
  const { client, seen } = fakeClient(() =>
    text('[{"instrument_name":"a","instrument_lab', 200, "application/json")
  );
  await assert.rejects(
    client.exportInstruments(),
    (e: Error) => e instanceof RedcapResponseError && e.problem === "truncated" && e.attempts === 3,
  );
  assert.equal(seen.length, 3);
});

Deno.test("RedcapClient checks JSON shapes with zod and names the content", async () => {
  const { client } = fakeClient(() => json([{ arm_num: "one", name: "Arm 1" }]));
  await assert.rejects(client.exportArms(), (error: Error) => {
    assert.ok(error instanceof RedcapResponseError);
    assert.equal(error.problem, "shape");
    assert.match(error.message, /"arm" response: unexpected JSON shape at 0.arm_num/);
    return true;
  });
});

Deno.test("RedcapClient does not retry a 400 and reads all three error envelopes", async (t) => {
  const message = 'The value of the parameter "content" is not valid';
  const bodies = {
    json: JSON.stringify({ error: message }),
    csv: `ERROR: ${message}`,
    xml:
      `<?xml version="1.0" encoding="UTF-8" ?><hash><error>The value of the parameter &quot;content&quot; is not valid</error></hash>`,
  };
  for (const [format, body] of Object.entries(bodies)) {
    await t.step(format, async () => {
      const { client, seen } = fakeClient(() => text(body, 400));
      await assert.rejects(client.call("nonsense"), (error: Error) => {
        assert.ok(error instanceof RedcapApiError);
        assert.equal(error.status, 400);
        assert.equal(error.content, "nonsense");
        assert.equal(error.redcapMessage, message);
        assert.equal(error.attempts, 1);
        return true;
      });
      assert.equal(seen.length, 1);
    });
  }
});

Deno.test("RedcapClient honours Retry-After on 429", async () => {
  const { client, seen } = fakeClient((_p, n) =>
    n === 1 ? json({ error: "Too many requests" }, 429, { "Retry-After": "0" }) : VERSION_OK()
  );
  assert.equal(await client.exportVersion(), "15.7.6");
  assert.equal(seen.length, 2);
});

Deno.test("importRecords() is never repeated with forceAutoNumber, and says so", async () => {
  const { client, seen } = fakeClient(() => json({ error: "Service Unavailable" }, 503));
  await assert.rejects(
    client.importRecords([{ record_id: "1", age: "3" }], { forceAutoNumber: true }),
    (error: Error) => {
      assert.ok(error instanceof RedcapApiError);
      assert.equal(error.status, 503);
      assert.match(error.notRetried!, /forceAutoNumber/);
      assert.match(error.message, /not retried: .*forceAutoNumber/);
      return true;
    },
  );
  assert.equal(seen.length, 1);
});

Deno.test('importRecords() is never repeated with redcap_repeat_instance "new"', async () => {
  const { client, seen } = fakeClient(() => Promise.reject(new TypeError("connection reset")));
  const rows = [{
    record_id: "1",
    redcap_repeat_instrument: "visit",
    redcap_repeat_instance: "new",
  }];
  await assert.rejects(client.importRecords(rows), (error: Error) => {
    assert.ok(error instanceof RedcapNetworkError);
    assert.match(error.message, /not retried: the import adds "new" repeat instances/);
    return true;
  });
  assert.equal(seen.length, 1);
});

Deno.test("importRecords() without auto-numbering is repeated after a 502", async () => {
  const { client, seen } = fakeClient((_p, n) =>
    n === 1 ? text("Bad gateway", 502) : json({ count: 1 })
  );
  assert.deepEqual(await client.importRecords([{ record_id: "1" }]), { count: 1 });
  assert.equal(seen.length, 2);
  assert.equal(seen[0].params.data, seen[1].params.data);
});

Deno.test("importRecords() rejects with the rows REDCap lists", async () => {
  const lines = [
    `"1","age","abc","The value you provided could not be validated because it does not follow the expected format. Please try again."`,
    `"2","dob","2020-13-01","The value of dob must be a date"`,
  ].join("\n");
  const { client } = fakeClient(() => json({ error: lines }, 400));
  await assert.rejects(client.importRecords([{ record_id: "1", age: "abc" }]), (error: Error) => {
    assert.ok(error instanceof RedcapApiError);
    assert.equal(error.rows.length, 2);
    assert.deepEqual(error.rows[1], {
      record: "2",
      field: "dob",
      value: "2020-13-01",
      message: "The value of dob must be a date",
    });
    return true;
  });
});

Deno.test("RedcapClient scrubs an echoed token from REDCap's message", async () => {
  const { client } = fakeClient(() => json({ error: `Token ${TOKEN} is not valid` }, 403));
  await assert.rejects(client.exportVersion(), (error: Error) => {
    assert.ok(error instanceof RedcapApiError);
    assert.equal(error.redcapMessage, "Token [token] is not valid");
    return true;
  });
});

Deno.test("the token never appears in errors, inspect output or progress events", async () => {
  const events: ProgressEvent[] = [];
  const texts: string[] = [];
  const answers = [
    () => json({ error: `bad token ${TOKEN}` }, 403),
    () => Promise.reject(new TypeError(`connect failed for token=${TOKEN}`)),
    () => text(HTML_PAGE, 200, "text/html"),
    () => text("", 200),
    () => text(`{"broken": "${TOKEN}`, 200),
    () => json([{ instrument_name: "a", instrument_label: "A" }]),
  ];
  for (const answer of answers) {
    const { client } = fakeClient(answer, { onProgress: (e) => events.push(e), retry: 1 });
    texts.push(Deno.inspect(client, { depth: 10, showHidden: true }));
    texts.push(JSON.stringify(client));
    texts.push(String(client));
    try {
      texts.push(JSON.stringify(await client.exportInstruments()));
    } catch (error) {
      assert.ok(error instanceof RedcapError);
      texts.push(Deno.inspect(error, { depth: 10, showHidden: true }));
      texts.push(String(error), JSON.stringify(error), (error as Error).stack ?? "");
    }
  }
  texts.push(JSON.stringify(events));
  assert.ok(events.length > 0);
  const all = texts.join("\n");
  assert.ok(!all.includes(TOKEN), "the token leaked");
  assert.ok(all.includes("[token]"), "scrubbing did not run");
});

Deno.test("RedcapClient caches project structure until refresh()", async () => {
  const { client, seen } = fakeClient(() =>
    json([{ instrument_name: "a", instrument_label: "A" }])
  );
  const first = await client.exportInstruments();
  first[0].instrument_name = "changed by caller";
  assert.equal((await client.exportInstruments())[0].instrument_name, "a");
  assert.equal(seen.length, 1);
  client.refresh();
  await client.exportInstruments();
  assert.equal(seen.length, 2);
});

Deno.test("RedcapClient does not cache a failed structure request", async () => {
  const { client, seen } = fakeClient((_p, n) => n === 1 ? text("nope", 400) : VERSION_OK());
  await assert.rejects(client.exportVersion(), RedcapApiError);
  assert.equal(await client.exportVersion(), "15.7.6");
  assert.equal(seen.length, 2);
});

Deno.test("call() sends any content with returnFormat=json and retries only reads", async () => {
  const reads = fakeClient((_p, n) => n === 1 ? text("oops", 500) : text("[]", 200));
  assert.equal(await reads.client.call("participantList", { instrument: "survey" }), "[]");
  assert.equal(reads.seen.length, 2);
  assert.equal(reads.seen[1].params.returnFormat, "json");
  assert.equal(reads.seen[1].params.instrument, "survey");
  const writes = fakeClient(() => text("oops", 500));
  await assert.rejects(
    writes.client.call("dag", { action: "import", data: "[]" }),
    (e: Error) => e instanceof RedcapApiError && /not retried/.test(e.message),
  );
  assert.equal(writes.seen.length, 1);
  await assert.rejects(() => writes.client.call("version", { token: "x" }), TypeError);
});

Deno.test("RedcapClient stops at once when the caller aborts", async () => {
  const controller = new AbortController();
  const { client, seen } = fakeClient((_p, _n, signal) =>
    new Promise((_resolve, reject) =>
      signal?.addEventListener("abort", () => reject(signal.reason))
    )
  );
  const pending = client.exportRecords({ batchSize: Infinity, signal: controller.signal });
  setTimeout(() => controller.abort(new Error("user cancelled")), 10);
  await assert.rejects(pending, /user cancelled/);
  assert.equal(seen.length, 1);
});

Deno.test("RedcapClient sends arrays as name[i] and booleans as true/false", async () => {
  const { client, seen } = fakeClient(() => text("record_id\n1\n", 200));
  await client.exportRecords({
    records: ["1", "02"],
    fields: ["record_id", "age"],
    exportSurveyFields: true,
    batchSize: Infinity,
  });
  const params = seen[0].params;
  assert.equal(params["records[0]"], "1");
  assert.equal(params["records[1]"], "02");
  assert.equal(params["fields[1]"], "age");
  assert.equal(params.exportSurveyFields, "true");
  assert.equal(params.format, "csv");
  assert.equal(params.returnFormat, "json");
  assert.equal(params.content, "record");
  assert.ok(!("rawOrLabel" in params), "unset options are not sent");
});
