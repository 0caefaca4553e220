/**
 * `content=arm`: the arms of a longitudinal project.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { checkKeys, checkList } from "./_check.ts";
import { requestJson } from "./call.ts";
import { num, text } from "./_schema.ts";

const ArmSchema: z.ZodType<Arm> = z.looseObject({ arm_num: num, name: text });

/** One arm. Other keys REDCap sends pass through. */
export interface Arm {
  /** Arm number, from 1. */
  arm_num: number;
  /** Arm name. */
  name: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/** Options for calls that filter by arm. */
export interface ArmsOptions {
  /** Only these arm numbers (REDCap's `arms`). By default, every arm. */
  arms?: readonly (number | string)[];
}

/** Checks an `arms` option and gives a cache-key suffix. */
export function checkArms(action: string, options: ArmsOptions): { arms?: string[]; key: string } {
  checkKeys(action, options, ["arms"]);
  const arms = checkList(action, "arms", options.arms);
  arms?.forEach((arm, i) => {
    if (!/^\d+$/.test(arm.trim())) {
      throw new RangeError(`Cannot ${action}: "arms[${i}]" must be an arm number, got "${arm}"`);
    }
  });
  return { arms, key: arms?.join(",") ?? "" };
}

/**
 * Exports the arms (`content=arm`). Classic projects answer with one arm in REDCap 15; REDCap
 * rejects the request for classic projects in some versions. Cached per client.
 *
 * @example List arms
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
 * const arms = await client.exportArms();
 * ok(arms.every((arm) => typeof arm.arm_num === "number"));
 * ```
 *
 * @param client The client.
 * @param options Which arms.
 * @returns `arm_num` and `name` per arm.
 */
export async function exportArms(
  client: RedcapConnection,
  options: ArmsOptions = {},
): Promise<Arm[]> {
  const { arms, key } = checkArms("export arms", options);
  return await requestJson(client, { content: "arm", arms }, z.array(ArmSchema), {
    cacheKey: `arm:${key}`,
  });
}
