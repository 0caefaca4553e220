/**
 * `denocap/demo`: a client wired in-process to the local server's demo project, and the demo
 * analysis report. The only entry that joins the client and the server: `denocap` never loads
 * the server, and `denocap/server` never loads the client.
 *
 * @example Read the demo study through the API, no network
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { readRecords } from "denocap";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 5 });
 * const { data } = await readRecords(client, { fields: ["record_id"] });
 * ok(data.height > 0);
 * ```
 *
 * @module
 */

export { createDemoClient, type DemoClientOptions } from "./client.ts";
export { type DemoReport, demoReport } from "./report.ts";
// The types its functions name (the client, its options and results) are denocap's own, re-exported
// as types so this entry documents on its own.
export type * from "../../mod.ts";
