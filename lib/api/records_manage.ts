/**
 * Deleting and renaming records, and the next record name (`content=record` with an action,
 * `content=generateNextRecordName`).
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import {
  checkBoolean,
  checkInteger,
  checkKeys,
  checkList,
  checkString,
  requireString,
} from "./_check.ts";
import { internals } from "./call.ts";
import { readCount } from "./metadata.ts";

/** Options for {@linkcode deleteRecords}. */
export interface DeleteRecordsOptions {
  /** The records to delete. */
  records: readonly (string | number)[];
  /** Only in this arm (arm number). */
  arm?: number;
  /** Only this instrument's data (with `event` in longitudinal projects). */
  instrument?: string;
  /** Only this event's data. */
  event?: string;
  /** Only this repeat instance. */
  repeat_instance?: number;
  /** Also delete the records' logging (when the project allows it).
   * @default {false}
   */
  delete_logging?: boolean;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Deletes records, or some of their data (`content=record&action=delete`). Not retried: a
 * repeat after a lost answer would report the records as missing.
 *
 * @example Delete a record
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * strictEqual(await client.deleteRecords({ records: ["1"] }), 1);
 * ```
 *
 * @param client The client.
 * @param options Which records and which part of them.
 * @returns The number of records (or items) REDCap deleted.
 */
export async function deleteRecords(
  client: RedcapConnection,
  options: DeleteRecordsOptions,
): Promise<number> {
  const action = "delete records";
  checkKeys(action, options ?? {}, [
    "records",
    "arm",
    "instrument",
    "event",
    "repeat_instance",
    "delete_logging",
    "signal",
  ]);
  const records = checkList(action, "records", options.records);
  if (!records) throw new TypeError(`Cannot ${action}: "records" is required`);
  const instrument = checkString(action, "instrument", options.instrument);
  const repeatInstance = checkInteger(action, "repeat_instance", options.repeat_instance, 1, 32767);
  if (repeatInstance !== undefined && instrument === undefined && options.event === undefined) {
    throw new RangeError(`Cannot ${action}: "repeat_instance" needs "instrument" or "event"`);
  }
  const deleteLogging = checkBoolean(action, "delete_logging", options.delete_logging);
  return await internals(client).send({
    params: {
      content: "record",
      action: "delete",
      records,
      arm: checkInteger(action, "arm", options.arm, 1),
      instrument,
      event: checkString(action, "event", options.event),
      repeat_instance: repeatInstance,
      delete_logging: deleteLogging === undefined ? undefined : deleteLogging ? 1 : 0,
      format: "json",
      returnFormat: "json",
    },
    retry: "a repeated delete would fail for records already deleted",
    signal: options.signal,
  }, (response) => readCount("record", response.text()));
}

/** Options for {@linkcode renameRecord}. */
export interface RenameRecordOptions {
  /** The record's current name. */
  record: string | number;
  /** Its new name. */
  new_record_name: string | number;
  /** Only in this arm. */
  arm?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Renames a record (`content=record&action=rename`). Not retried: a repeat after a lost
 * answer would fail because the old name is gone.
 *
 * @example Rename a record
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * await client.renameRecord({ record: "1", new_record_name: "1001" });
 * const df = await client.exportRecords({ records: ["1001"], fields: ["record_id"] });
 * strictEqual(df.getColumn("record_id").get(0), "1001");
 * ```
 *
 * @param client The client.
 * @param options The old and new names.
 */
export async function renameRecord(
  client: RedcapConnection,
  options: RenameRecordOptions,
): Promise<void> {
  const action = "rename record";
  checkKeys(action, options ?? {}, ["record", "new_record_name", "arm", "signal"]);
  const record = requireString(action, "record", options.record);
  const newName = requireString(action, "new_record_name", options.new_record_name);
  await internals(client).send({
    params: {
      content: "record",
      action: "rename",
      record,
      new_record_name: newName,
      arm: checkInteger(action, "arm", options.arm, 1),
      format: "json",
      returnFormat: "json",
    },
    retry: "a repeated rename would fail because the old name is gone",
    signal: options.signal,
  }, (response) => {
    const text = response.text().trim();
    if (text !== "1" && text !== "true") {
      throw new RedcapResponseError(
        "record",
        "shape",
        `expected 1, got ${JSON.stringify(text.slice(0, 40))}`,
      );
    }
  });
}

/**
 * The name REDCap would give the next new record (`content=generateNextRecordName`): the
 * highest numeric id plus one, DAG-prefixed for DAG users.
 *
 * @example Ask for the next name
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
 * ok((await client.generateNextRecordName()).length > 0);
 * ```
 *
 * @param client The client.
 * @returns The record name, as text.
 */
export async function generateNextRecordName(client: RedcapConnection): Promise<string> {
  return await internals(client).send({
    params: { content: "generateNextRecordName", format: "csv", returnFormat: "json" },
    retry: true,
  }, (response) => {
    let text = response.text().trim();
    if (text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
    if (text === "" || /[\n<{]/.test(text)) {
      throw new RedcapResponseError(
        "generateNextRecordName",
        "shape",
        `expected a record name, got ${JSON.stringify(text.slice(0, 40))}`,
      );
    }
    return text;
  });
}
