/**
 * Changing a project's structure: arms, events, instrument-event designations and repeating
 * instruments and events (`content=arm`, `event`, `formEventMapping`, `repeatingFormsEvents`
 * import and delete). REDCap needs Project Design rights, a longitudinal project (except for
 * repeating setups) and, for arms and events, development status. Every call clears the
 * client's cached structure.
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import { checkBoolean, checkKeys } from "./_check.ts";
import {
  allNamed,
  type ImportRows,
  jsonRows,
  requireList,
  sendCount,
  signalOnly,
  type SignalOptions,
} from "./admin.ts";

/** Options for {@linkcode importArms} and {@linkcode importEvents}. */
export interface ImportStructureOptions extends SignalOptions {
  /** First delete every arm (or event) with its events and data, then import (REDCap's
   * `override=1`).
   * @default {false}
   */
  override?: boolean;
}

function overrideOf(action: string, options: ImportStructureOptions): boolean {
  checkKeys(action, options, ["override", "signal"]);
  return checkBoolean(action, "override", options.override) ?? false;
}

function requireColumns(
  action: string,
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): void {
  rows.forEach((row, i) => {
    for (const column of columns) {
      if (!(column in row)) {
        throw new TypeError(`Cannot ${action}: row ${i + 1} has no "${column}"`);
      }
    }
  });
}

/**
 * Adds or renames arms (`content=arm&action=import`; rows of `arm_num` and `name`). REDCap
 * exports an arm only once it has events. Retried: a repeat gives the same arms.
 *
 * @example Add a third arm
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.importArms([{ arm_num: 3, name: "Open label" }]), 1);
 * // REDCap lists an arm once it has an event.
 * await client.importEvents([{ event_name: "Baseline", arm_num: 3 }]);
 * strictEqual((await client.exportArms()).length, 3);
 * ```
 *
 * @param client The client.
 * @param data One row per arm.
 * @param options `override` and a cancel signal.
 * @returns The number of arms imported.
 */
export async function importArms(
  client: RedcapConnection,
  data: ImportRows,
  options: ImportStructureOptions = {},
): Promise<number> {
  const action = "import arms";
  const override = overrideOf(action, options);
  const rows = jsonRows(action, data);
  requireColumns(action, rows, ["arm_num", "name"]);
  rows.forEach((row, i) => {
    if (!/^\d+$/.test(String(row.arm_num).trim())) {
      throw new RangeError(`Cannot ${action}: row ${i + 1} has a non-numeric "arm_num"`);
    }
  });
  return await sendCount(client, {
    params: {
      content: "arm",
      action: "import",
      override: override ? 1 : 0,
      data: JSON.stringify(rows),
    },
    retry: true,
    structural: true,
    signal: options.signal,
  });
}

/**
 * Deletes arms with their events and data (`content=arm&action=delete`). Not retried: a repeat
 * would fail because the arms are gone.
 *
 * @example Delete an arm
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.deleteArms([2]), 1);
 * strictEqual((await client.exportArms()).length, 1);
 * ```
 *
 * @param client The client.
 * @param arms The arm numbers.
 * @param options A cancel signal.
 * @returns The number of arms deleted.
 */
export async function deleteArms(
  client: RedcapConnection,
  arms: readonly (number | string)[],
  options: SignalOptions = {},
): Promise<number> {
  const action = "delete arms";
  const signal = signalOnly(action, options);
  const list = requireList(action, "arms", arms);
  list.forEach((arm, i) => {
    if (!/^\d+$/.test(arm.trim())) {
      throw new RangeError(`Cannot ${action}: "arms[${i}]" must be an arm number, got "${arm}"`);
    }
  });
  return await sendCount(client, {
    params: { content: "arm", action: "delete", arms: list },
    retry: "a repeated delete would fail: the arms are gone",
    structural: true,
    signal,
  });
}

/**
 * Adds or changes events (`content=event&action=import`; rows of `event_name`, `arm_num` and,
 * to change an event, `unique_event_name`; optionally `day_offset`, `offset_min`, `offset_max`).
 * Retried only with `override` or when every row names its event: a repeat would otherwise add
 * the new events twice.
 *
 * @example Add an event to arm 1
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * strictEqual(await client.importEvents([{ event_name: "Month 12", arm_num: 1 }]), 1);
 * ok((await client.exportEvents()).some((e) => e.event_name === "Month 12"));
 * ```
 *
 * @param client The client.
 * @param data One row per event.
 * @param options `override` and a cancel signal.
 * @returns The number of events imported.
 */
export async function importEvents(
  client: RedcapConnection,
  data: ImportRows,
  options: ImportStructureOptions = {},
): Promise<number> {
  const action = "import events";
  const override = overrideOf(action, options);
  const rows = jsonRows(action, data);
  requireColumns(action, rows, ["event_name", "arm_num"]);
  return await sendCount(client, {
    params: {
      content: "event",
      action: "import",
      override: override ? 1 : 0,
      data: JSON.stringify(rows),
    },
    retry: override || allNamed(rows, "unique_event_name")
      ? true
      : "a repeated import would add the new events twice",
    structural: true,
    signal: options.signal,
  });
}

/**
 * Deletes events with their data (`content=event&action=delete`). Not retried: a repeat would
 * fail because the events are gone.
 *
 * @example Delete an event
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const events = await client.exportEvents();
 * strictEqual(await client.deleteEvents([events.at(-1)!.unique_event_name]), 1);
 * strictEqual((await client.exportEvents()).length, events.length - 1);
 * ```
 *
 * @param client The client.
 * @param events The unique event names.
 * @param options A cancel signal.
 * @returns The number of events deleted.
 */
export async function deleteEvents(
  client: RedcapConnection,
  events: readonly string[],
  options: SignalOptions = {},
): Promise<number> {
  const action = "delete events";
  const signal = signalOnly(action, options);
  return await sendCount(client, {
    params: { content: "event", action: "delete", events: requireList(action, "events", events) },
    retry: "a repeated delete would fail: the events are gone",
    structural: true,
    signal,
  });
}

/**
 * Replaces every instrument-event designation (`content=formEventMapping&action=import`; rows
 * of `arm_num`, `unique_event_name` and `form`). Retried: a repeat gives the same designations.
 *
 * @example Re-import the designations unchanged
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const mappings = await client.exportInstrumentEventMappings();
 * strictEqual(await client.importInstrumentEventMappings(mappings), mappings.length);
 * ```
 *
 * @param client The client.
 * @param data One row per designation.
 * @param options A cancel signal.
 * @returns The number of designations imported.
 */
export async function importInstrumentEventMappings(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import instrument-event mappings";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data);
  requireColumns(action, rows, ["arm_num", "unique_event_name", "form"]);
  return await sendCount(client, {
    params: { content: "formEventMapping", action: "import", data: JSON.stringify(rows) },
    retry: true,
    structural: true,
    signal,
  });
}

/**
 * Replaces the repeating instruments and events (`content=repeatingFormsEvents&action=import`;
 * rows of `form_name`, `custom_form_label` and, in longitudinal projects, `event_name`; a blank
 * `form_name` makes the whole event repeat). Retried: a repeat gives the same setup.
 *
 * @example Re-import the repeating setup unchanged
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const repeating = await client.exportRepeatingFormsEvents();
 * strictEqual(await client.importRepeatingFormsEvents(repeating), repeating.length);
 * ```
 *
 * @param client The client.
 * @param data One row per repeating instrument or event.
 * @param options A cancel signal.
 * @returns The number of rows imported.
 */
export async function importRepeatingFormsEvents(
  client: RedcapConnection,
  data: ImportRows,
  options: SignalOptions = {},
): Promise<number> {
  const action = "import repeating instruments and events";
  const signal = signalOnly(action, options);
  const rows = jsonRows(action, data);
  return await sendCount(client, {
    params: { content: "repeatingFormsEvents", action: "import", data: JSON.stringify(rows) },
    retry: true,
    structural: true,
    signal,
  });
}
