/**
 * {@linkcode createDemoClient}: a {@linkcode RedcapClient} wired in-process to a fresh local
 * server holding the built-in demo project, for examples, notebooks and tests.
 *
 * @module
 */
import { RedcapClient, type RedcapClientOptions } from "../client.ts";
import { DEMO_TOKEN, demoProject } from "../server/demo/mod.ts";
import { createRedcapHandler } from "../server/handler.ts";
import { loadProject } from "../server/load.ts";
import { RedcapStore } from "../server/store.ts";

/** Options for {@linkcode createDemoClient}. */
export interface DemoClientOptions extends Omit<RedcapClientOptions, "fetch"> {
  /** Number of demo records.
   * @default {30}
   */
  records?: number;
  /** Seed of the demo's pseudo-random data.
   * @default {1}
   */
  seed?: number;
}

/**
 * Creates a client for the demo project (a two-arm longitudinal study with a repeating
 * instrument, missing-data codes and every field type) served in-process from a fresh
 * in-memory store: no port, no network. The client acts with the demo's full-rights token
 * ({@linkcode DEMO_TOKEN}). Progress bars are off unless asked for.
 *
 * @example Read the demo's records
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 5 });
 * const raw = await client.exportRecords({ fields: ["record_id"] });
 * strictEqual(raw.getColumn("record_id").unique().length, 5);
 * ```
 *
 * @param options The demo's size and seed, and client options (timeout, retry, progress).
 * @returns A client bound to the new demo server.
 * @throws {RangeError} When `records` is not a whole number.
 */
export function createDemoClient(options: DemoClientOptions = {}): RedcapClient {
  const { records = 30, seed = 1, progressBar = false, ...clientOptions } = options;
  if ("fetch" in clientOptions) {
    throw new TypeError(`Cannot create demo client: "fetch" is set by the demo server`);
  }
  const store = RedcapStore.open();
  loadProject(store, demoProject({ records, seed }));
  const handler = createRedcapHandler(store);
  return new RedcapClient("http://localhost/redcap/api/", DEMO_TOKEN, {
    ...clientOptions,
    progressBar,
    fetch: (input, init) => handler(new Request(input, init)),
  });
}
