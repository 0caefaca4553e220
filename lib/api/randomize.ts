/**
 * `content=record&action=randomize`: randomizes a record with one of the project's
 * randomization models.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { checkShape } from "./call.ts";
import { checkBoolean, checkKeys, requireString } from "./_check.ts";
import { text } from "./_schema.ts";
import { sendText, type SignalOptions } from "./admin.ts";

/** Options for {@linkcode randomize}. */
export interface RandomizeOptions extends SignalOptions {
  /** The record to randomize. */
  record: string | number;
  /** The randomization model's id (Randomization setup page). */
  randomization_id: number | string;
  /** Also return the alternative target value (REDCap's `returnAlt`). */
  returnAlt?: boolean;
}

const RandomizeSchema: z.ZodType<RandomizeResult> = z.looseObject({
  record: text,
  randomization_id: text,
  target_field: text,
  target_value: text,
  target_value_alt: text.optional(),
});

/** The allocation: the target field and the value the record got. Other keys REDCap sends pass through. */
export interface RandomizeResult {
  /** Record name. */
  record: string;
  /** Randomization id. */
  randomization_id: string;
  /** The randomization field. */
  target_field: string;
  /** The allocated value (raw code). */
  target_value: string;
  /** The alternative allocation value, when the model has one. */
  target_value_alt?: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Randomizes a record (`content=record&action=randomize`). Not retried: REDCap allocates once.
 * Projects without randomization answer with an error (a `RedcapApiError`).
 *
 * @example The demo has no randomization
 * ```ts
 * import { RedcapApiError } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { rejects } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await rejects(client.randomize({ record: "1", randomization_id: 1 }), RedcapApiError);
 * ```
 *
 * @param client The client.
 * @param options The record and the model.
 * @returns The allocation.
 */
export async function randomize(
  client: RedcapConnection,
  options: RandomizeOptions,
): Promise<RandomizeResult> {
  const action = "randomize record";
  checkKeys(action, options ?? {}, ["record", "randomization_id", "returnAlt", "signal"]);
  const record = requireString(action, "record", options.record);
  const id = requireString(action, "randomization_id", options.randomization_id);
  if (!/^\d+$/.test(id.trim())) {
    throw new RangeError(`Cannot ${action}: "randomization_id" must be a number, got "${id}"`);
  }
  const returnAlt = checkBoolean(action, "returnAlt", options.returnAlt);
  const answer = await sendText(client, {
    params: {
      content: "record",
      action: "randomize",
      record,
      randomization_id: id.trim(),
      returnAlt: returnAlt === undefined ? undefined : String(returnAlt),
    },
    retry: "REDCap allocates a record once; a repeat could not be told from a first attempt",
    signal: options.signal,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    throw new RedcapResponseError("record", "shape", "expected the allocation as JSON");
  }
  return checkShape("record", RandomizeSchema, Array.isArray(parsed) ? parsed[0] : parsed);
}
