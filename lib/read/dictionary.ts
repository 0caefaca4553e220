/**
 * {@linkcode readDictionary}: the project's data dictionary with its structure (events, arms,
 * repeating setup), from the API's exports.
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import { exportProjectInfo } from "../api/project.ts";
import { exportFieldNames } from "../api/field_names.ts";
import { exportInstruments } from "../api/instruments.ts";
import { exportEvents, exportInstrumentEventMappings } from "../api/events.ts";
import { exportArms } from "../api/arms.ts";
import { exportRepeatingFormsEvents } from "../api/repeating.ts";
import {
  type ArmRow,
  DataDictionary,
  type DictionaryStructure,
  type EventRow,
  type FieldNameRow,
  type FormEventMappingRow,
  type InstrumentRow,
  type RepeatingRow,
} from "../dictionary/data_dictionary.ts";
import { metadataRows } from "../api/metadata.ts";

/** Options for {@linkcode readDictionary}. */
export interface ReadDictionaryOptions {
  /** Cancels the metadata request. */
  signal?: AbortSignal;
}

/**
 * Builds the project's {@linkcode DataDictionary} from the client's structure exports:
 * metadata, export field names, instruments and project info; events, arms and the
 * instrument-event mapping when the project is longitudinal (classic projects answer those with
 * an error, so they are not asked); repeating instruments and events when the project has them.
 * Every export is cached by the client, so calling this again costs no request (until
 * `client.refresh()`).
 *
 * @example The demo's dictionary
 * ```ts
 * import { readDictionary } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const dd = await readDictionary(createDemoClient({ records: 1 }));
 * strictEqual(dd.recordIdField, "record_id");
 * ok(dd.longitudinal);
 * ok(dd.isRepeatingForm("adverse_events", "week_4_arm_1"));
 * ```
 *
 * @param client The client.
 * @param options A cancel signal.
 * @returns The dictionary.
 */
export async function readDictionary(
  client: RedcapConnection,
  options: ReadDictionaryOptions = {},
): Promise<DataDictionary> {
  const { signal } = options;
  const [metadata, projectInfo, fieldNames, instruments] = await Promise.all([
    metadataRows(client, signal),
    exportProjectInfo(client),
    exportFieldNames(client),
    exportInstruments(client),
  ]);
  signal?.throwIfAborted();
  const structure: DictionaryStructure = {
    projectInfo: projectInfo as Record<string, unknown>,
    fieldNames: fieldNames as FieldNameRow[],
    instruments: instruments as InstrumentRow[],
  };
  // The rest of the structure in one round of requests (each is a round trip to the server).
  const longitudinal = Number(projectInfo.is_longitudinal) === 1;
  const repeating = Number(projectInfo.has_repeating_instruments_or_events ?? 0) === 1;
  const [events, arms, mapping, repeatingRows] = await Promise.all([
    longitudinal ? exportEvents(client) : undefined,
    longitudinal ? exportArms(client) : undefined,
    longitudinal ? exportInstrumentEventMappings(client) : undefined,
    repeating ? exportRepeatingFormsEvents(client) : undefined,
  ]);
  if (longitudinal) {
    structure.events = events as EventRow[];
    structure.arms = arms as ArmRow[];
    structure.formEventMapping = mapping as FormEventMappingRow[];
  }
  if (repeating) structure.repeating = repeatingRows as RepeatingRow[];
  signal?.throwIfAborted();
  return DataDictionary.fromMetadata(metadata, structure);
}
