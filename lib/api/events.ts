/**
 * `content=event` and `content=formEventMapping`: events and which instruments they hold.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { num, optionalNum, text } from "./_schema.ts";
import { type ArmsOptions, checkArms } from "./arms.ts";

const EventSchema: z.ZodType<ProjectEvent> = z.looseObject({
  event_name: text,
  arm_num: num,
  unique_event_name: z.string(),
  custom_event_label: text.optional(),
  event_id: optionalNum.optional(),
  day_offset: optionalNum.optional(),
  offset_min: optionalNum.optional(),
  offset_max: optionalNum.optional(),
});

/** One event. Other keys REDCap sends pass through. */
export interface ProjectEvent {
  /** Event label. */
  event_name: string;
  /** Arm number. */
  arm_num: number;
  /** Unique event name (`visit_1_arm_1`). */
  unique_event_name: string;
  /** Custom event label; blank for none. */
  custom_event_label?: string;
  /** REDCap's numeric event id. */
  event_id?: number | null;
  /** Days offset from the first event. */
  day_offset?: number | null;
  /** Days allowed before the offset. */
  offset_min?: number | null;
  /** Days allowed after the offset. */
  offset_max?: number | null;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

const MappingSchema: z.ZodType<InstrumentEventMapping> = z.looseObject({
  arm_num: num,
  unique_event_name: z.string(),
  form: z.string(),
});

/** One instrument designated for one event. Other keys REDCap sends pass through. */
export interface InstrumentEventMapping {
  /** Arm number. */
  arm_num: number;
  /** Unique event name. */
  unique_event_name: string;
  /** Unique form name. */
  form: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Exports the events (`content=event`) of a longitudinal project; REDCap answers 400 for
 * classic projects. Cached per client.
 *
 * @example List events
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
 * const events = await client.exportEvents();
 * ok(events.every((e) => e.unique_event_name.length > 0));
 * ```
 *
 * @param client The client.
 * @param options Which arms.
 * @returns One row per event.
 */
export async function exportEvents(
  client: RedcapConnection,
  options: ArmsOptions = {},
): Promise<ProjectEvent[]> {
  const { arms, key } = checkArms("export events", options);
  return await requestJson(client, { content: "event", arms }, z.array(EventSchema), {
    cacheKey: `event:${key}`,
  });
}

/**
 * Exports which instruments each event holds (`content=formEventMapping`). Cached per client.
 *
 * @example List mappings
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
 * const mappings = await client.exportInstrumentEventMappings();
 * ok(mappings.every((m) => m.form.length > 0));
 * ```
 *
 * @param client The client.
 * @param options Which arms.
 * @returns One row per (event, instrument).
 */
export async function exportInstrumentEventMappings(
  client: RedcapConnection,
  options: ArmsOptions = {},
): Promise<InstrumentEventMapping[]> {
  const { arms, key } = checkArms("export instrument-event mappings", options);
  return await requestJson(client, { content: "formEventMapping", arms }, z.array(MappingSchema), {
    cacheKey: `formEventMapping:${key}`,
  });
}
