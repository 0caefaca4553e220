import assert from "node:assert/strict";
import { parseRetryAfter, resolveRetry, RETRY_STATUSES, retryDelay } from "../lib/_retry.ts";

Deno.test("RETRY_STATUSES covers timeouts, rate limits and transient server errors only", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) assert.ok(RETRY_STATUSES.has(status));
  for (const status of [400, 401, 403, 404, 406, 413, 501]) assert.ok(!RETRY_STATUSES.has(status));
});

Deno.test("retryDelay() doubles with jitter and stops at maxDelay", () => {
  const policy = resolveRetry({ backoff: 100, maxDelay: 1000 });
  assert.equal(retryDelay(policy, 1, null, () => 0), 50);
  assert.equal(retryDelay(policy, 1, null, () => 1), 100);
  assert.equal(retryDelay(policy, 3, null, () => 1), 400);
  assert.equal(retryDelay(policy, 10, null, () => 1), 1000);
  const spread = new Set(Array.from({ length: 20 }, () => retryDelay(policy, 2, null)));
  assert.ok(spread.size > 1, "jitter varies the delay");
  for (const d of spread) assert.ok(d >= 100 && d <= 200);
});

Deno.test("retryDelay() follows Retry-After in seconds or as a date, capped", () => {
  const policy = resolveRetry({ backoff: 100, maxDelay: 5000 });
  assert.equal(retryDelay(policy, 1, "2"), 2000);
  assert.equal(retryDelay(policy, 1, "120"), 5000);
  const now = Date.parse("2024-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("Mon, 01 Jan 2024 00:00:03 GMT", now), 3000);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

Deno.test("resolveRetry() fills defaults and refuses bad values", () => {
  assert.deepEqual(resolveRetry(undefined), { limit: 3, backoff: 500, maxDelay: 30_000 });
  assert.equal(resolveRetry(1).limit, 1);
  assert.throws(() => resolveRetry({ limit: 1.5 }), RangeError);
  assert.throws(() => resolveRetry({ backoff: -1 }), /retry.backoff/);
});
