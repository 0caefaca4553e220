/** The error family: one code per kind of failure, messages naming the request, never a token. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  RedcapApiError,
  RedcapError,
  RedcapNetworkError,
  RedcapResponseError,
  RedcapTimeoutError,
} from "../lib/errors.ts";

Deno.test("every error is a RedcapError with its code, content and class name", () => {
  const errors = [
    new RedcapApiError(400, "record", "bad field"),
    new RedcapNetworkError("record", new TypeError("connection refused")),
    new RedcapTimeoutError("record", 500),
    new RedcapResponseError("record", "truncated", "cut short"),
  ];
  deepStrictEqual(errors.map((e) => [e instanceof RedcapError, e.code, e.content, e.name]), [
    [true, "api_error", "record", "RedcapApiError"],
    [true, "network_error", "record", "RedcapNetworkError"],
    [true, "timeout", "record", "RedcapTimeoutError"],
    [true, "bad_response", "record", "RedcapResponseError"],
  ]);
});

Deno.test("messages name the request and REDCap's answer; attempts and no-retry reasons added", () => {
  const api = new RedcapApiError(403, "user", "You do not have permissions", {
    attempts: 3,
    notRetried: "not idempotent",
  });
  strictEqual(
    api.message,
    'Cannot complete "user" request: REDCap answered 403: You do not have permissions ' +
      "(after 3 attempts) (not retried: not idempotent)",
  );
  strictEqual(api.status, 403);
  strictEqual(api.redcapMessage, "You do not have permissions");
  deepStrictEqual(api.rows, []);
  strictEqual(api.attempts, 3);
  const timeout = new RedcapTimeoutError("metadata", 250);
  strictEqual(timeout.timeout, 250);
  strictEqual(timeout.message, 'Cannot complete "metadata" request: no answer within 250 ms');
});

Deno.test("a network error names the host and keeps the cause", () => {
  const cause = new TypeError("error sending request: connection refused");
  const error = new RedcapNetworkError("record", cause, { host: "redcap.example.org" });
  strictEqual(error.host, "redcap.example.org");
  strictEqual(error.cause, cause);
  ok(error.message.startsWith('Cannot complete "record" request to redcap.example.org: '));
  ok(error.message.includes("connection refused"));
});

Deno.test("a response error names its problem", () => {
  const error = new RedcapResponseError("version", "shape", "expected a version");
  strictEqual(error.problem, "shape");
  strictEqual(error.message, 'Cannot read "version" response: expected a version');
});
