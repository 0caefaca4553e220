/**
 * What the tests of the API's managing areas share: a client of the in-process test server, a
 * client whose user lacks some rights, and the check of a REDCap refusal.
 */
import assert from "node:assert/strict";
import { RedcapClient } from "../../lib/client.ts";
import { RedcapApiError } from "../../lib/errors.ts";
import { fullRights, type UserRights } from "../../lib/server/project.ts";
import type { TestServer } from "../_helpers.ts";

const URL_ = "http://redcap.test/api/";

/** A client of the test server (no progress bar, quick retries). */
export function clientFor(server: TestServer, token: string = server.token): RedcapClient {
  return new RedcapClient(URL_, token, {
    fetch: server.fetch,
    progressBar: false,
    retry: { limit: 3, backoff: 1, maxDelay: 5 },
  });
}

/** A client of the same project whose user lacks some rights. */
export function limitedClient(server: TestServer, rights: Partial<UserRights>): RedcapClient {
  const token = "C0FFEE".padEnd(32, "0");
  server.store.addToken(token, server.projectId, { ...fullRights("limited"), ...rights });
  return clientFor(server, token);
}

/** Asserts a REDCap refusal whose message never holds the token. */
export async function refused(
  promise: Promise<unknown>,
  token: string,
  pattern?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RedcapApiError, String(error));
    assert.ok(!error.message.includes(token), "the token leaked into the message");
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}
