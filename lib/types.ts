/**
 * Shared literal types and option shapes of {@linkcode RedcapClient}.
 *
 * @module
 */

/** A wire format REDCap speaks. */
export type Format = "csv" | "json" | "xml";

/** Export coded values (`raw`) or their labels (`label`). */
export type RawOrLabel = "raw" | "label";

/** One row per record-event-instance (`flat`) or one row per data point (`eav`). */
export type RecordType = "flat" | "eav";

/** `normal` ignores blank values on import; `overwrite` erases stored values with blanks. */
export type OverwriteBehavior = "normal" | "overwrite";

/** What a records import answers with. */
export type ReturnContent = "count" | "ids" | "auto_ids" | "nothing";

/** The decimal mark REDCap uses for number fields in exports. */
export type DecimalCharacter = "," | ".";

/** The `fetch` function the client sends requests through. */
export type FetchFunction = (
  input: Request | URL | string,
  init?: RequestInit,
) => Promise<Response>;

/** How failed requests are repeated. */
export interface RetryOptions {
  /** Total attempts, the first included; `1` turns retries off.
   * @default {3}
   */
  limit?: number;
  /** Delay before the second attempt in ms; doubles each attempt, with jitter (50–100%).
   * @default {500}
   */
  backoff?: number;
  /** Longest delay between attempts in ms, `Retry-After` included.
   * @default {30000}
   */
  maxDelay?: number;
}

/** A progress report: one per finished request of a (possibly batched) call. */
export interface ProgressEvent {
  /** The `content` of the call (`record`, `metadata`, ...). */
  content: string;
  /** Requests finished so far. */
  batchesDone: number;
  /** Requests the call needs (known once the record ids are exported). */
  batchesTotal: number;
  /** Records received so far: known record ids for batched and id-checked exports, otherwise
   * rows received (one-shot exports, non-record contents). */
  records: number;
  /** Body bytes received so far. */
  bytes: number;
}
