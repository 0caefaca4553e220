/**
 * When and how long to wait before repeating a request (ky's defaults as a guide).
 *
 * @module
 */
import type { RetryOptions } from "./types.ts";

/** HTTP statuses worth repeating: timeouts, rate limits and transient server failures. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Resolved retry settings. */
export interface RetryPolicy {
  limit: number;
  backoff: number;
  maxDelay: number;
}

/** Checks and fills in {@linkcode RetryOptions}. */
export function resolveRetry(options: RetryOptions | number | undefined): RetryPolicy {
  const given = typeof options === "number" ? { limit: options } : options ?? {};
  const { limit = 3, backoff = 500, maxDelay = 30_000 } = given;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot create client: "retry.limit" must be an integer >= 1, got ${limit}`,
    );
  }
  for (const [name, value] of [["backoff", backoff], ["maxDelay", maxDelay]] as const) {
    if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`Cannot create client: "retry.${name}" must be a number >= 0`);
    }
  }
  return { limit, backoff, maxDelay };
}

/**
 * Milliseconds to wait after a failed attempt (1-based): `Retry-After` when the server sent
 * one, else exponential backoff with jitter (a random 50–100% of the step). Capped at `maxDelay`.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfter?: string | null,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const after = parseRetryAfter(retryAfter, now);
  if (after !== undefined) return Math.min(after, policy.maxDelay);
  const ceiling = Math.min(policy.backoff * 2 ** (attempt - 1), policy.maxDelay);
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/** Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
