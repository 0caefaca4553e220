/**
 * The worker of `EavCsvConverter`: turns EAV CSV bodies into flat rows (Arrow IPC) off the
 * main thread, so a batched EAV read converts one batch while the main thread types the
 * previous one. A body that fails is sent back as it is: the main thread converts it again to throw the
 * error itself (with its own class and stack).
 *
 * @module
 */
import { type EavCsvOptions, type EavCsvPlan, eavCsvToArrow } from "./eav_csv.ts";

/** A job: a body to convert (the plan comes with the first one). */
export interface EavJob {
  id: number;
  body: Uint8Array;
  options: EavCsvOptions;
  plan?: EavCsvPlan;
}

/** An answer: the Arrow IPC stream of the flat rows, or the body back when it failed. */
export type EavAnswer = { id: number; flat: Uint8Array } | { id: number; failed: Uint8Array };

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<EavJob>) => void) | null;
  postMessage(message: EavAnswer, transfer: Transferable[]): void;
};
let plan: EavCsvPlan | undefined;

scope.onmessage = ({ data }) => {
  plan = data.plan ?? plan;
  let answer: EavAnswer;
  try {
    answer = { id: data.id, flat: eavCsvToArrow(data.body, plan!, data.options) };
  } catch {
    answer = { id: data.id, failed: data.body };
  }
  const bytes = "flat" in answer ? answer.flat : answer.failed;
  scope.postMessage(answer, [bytes.buffer as ArrayBuffer]);
};
