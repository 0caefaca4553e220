/**
 * `content=repeatingFormsEvents`: repeating instruments and events.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { text } from "./_schema.ts";

const RepeatingSchema: z.ZodType<RepeatingFormEvent> = z.looseObject({
  event_name: text.optional(),
  form_name: text,
  custom_form_label: text,
});

/** One repeating instrument (or, with a blank `form_name`, a repeating event). Other keys REDCap sends pass through. */
export interface RepeatingFormEvent {
  /** Unique event name (longitudinal projects). */
  event_name?: string;
  /** Unique form name; blank when the whole event repeats. */
  form_name: string;
  /** Custom label of repeated instances; blank for none. */
  custom_form_label: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Exports the repeating instruments and events (`content=repeatingFormsEvents`): `event_name`
 * only in longitudinal projects; a blank `form_name` means the whole event repeats. Cached per
 * client.
 *
 * @example List repeating instruments
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
 * const repeating = await client.exportRepeatingFormsEvents();
 * ok(Array.isArray(repeating));
 * ```
 *
 * @param client The client.
 * @returns One row per repeating instrument or event.
 */
export async function exportRepeatingFormsEvents(
  client: RedcapConnection,
): Promise<RepeatingFormEvent[]> {
  return await requestJson(client, { content: "repeatingFormsEvents" }, z.array(RepeatingSchema), {
    cacheKey: "repeatingFormsEvents",
  });
}
