/**
 * `content=instrument`: the project's instruments in order.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { text } from "./_schema.ts";

const InstrumentSchema: z.ZodType<Instrument> = z.looseObject({
  instrument_name: z.string(),
  instrument_label: text,
});

/** One instrument. Other keys REDCap sends pass through. */
export interface Instrument {
  /** Unique form name. */
  instrument_name: string;
  /** Form label. */
  instrument_label: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Exports the instruments (`content=instrument`) in project order. Cached per client.
 *
 * @example List instruments
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { ok } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const instruments = await client.exportInstruments();
 * ok(instruments.every((i) => typeof i.instrument_name === "string"));
 * ```
 *
 * @param client The client.
 * @returns `instrument_name` and `instrument_label` per instrument.
 */
export async function exportInstruments(client: RedcapConnection): Promise<Instrument[]> {
  return await requestJson(client, { content: "instrument" }, z.array(InstrumentSchema), {
    cacheKey: "instrument",
  });
}
