/**
 * The transport under {@linkcode RedcapClient}: form-encodes parameters (arrays as
 * `records[0]=..`), POSTs with a timeout, reads REDCap's three error envelopes, detects HTTP-200
 * failures, and repeats requests that are safe to repeat. The token lives only in a `#private`
 * field here and is scrubbed from every message REDCap sends back.
 *
 * @module
 */
import { parseCsv } from "./parse/csv_rows.ts";
import {
  type ImportErrorRow,
  RedcapApiError,
  RedcapError,
  RedcapNetworkError,
  RedcapResponseError,
  RedcapTimeoutError,
} from "./errors.ts";
import { RETRY_STATUSES, retryDelay, type RetryPolicy, sleep } from "./_retry.ts";
import type { FetchFunction } from "./types.ts";

/** A parameter value: lists become PHP arrays (`name[0]=..`), booleans `true`/`false`. */
export type ParamValue =
  | string
  | number
  | boolean
  | readonly (string | number)[]
  | null
  | undefined;

/** Request parameters by REDCap name (without the token). */
export type RequestParams = Record<string, ParamValue>;

/** A file to upload (multipart `file` part). */
export interface UploadFile {
  /** File name REDCap stores. */
  name: string;
  /** The bytes. */
  content: Uint8Array | string;
  /** MIME type.
   * @default {"application/octet-stream"}
   */
  type?: string;
}

/** One request to send. */
export interface RequestSpec {
  /** Parameters, `content` included. */
  params: RequestParams;
  /** `true` when repeating the request cannot change data twice; else why not. */
  retry: true | string;
  /** The body may legitimately be empty (file import, `returnContent=nothing`). */
  allowEmpty?: boolean;
  /** The body is a downloaded file: an HTML page is not an error. */
  binary?: boolean;
  /** A multipart file part. */
  file?: UploadFile;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** A successful (HTTP 200) answer. */
export interface RawResponse {
  /** Response headers. */
  headers: Headers;
  /** The body bytes. */
  bytes: Uint8Array;
  /** The body decoded as UTF-8 (decoded once, on first use). */
  text(): string;
}

/** Settings of a {@linkcode Transport}. */
export interface TransportSettings {
  url: string;
  fetch: FetchFunction;
  timeout: number;
  retry: RetryPolicy;
}

/** Form-encodes parameters: arrays as `name[i]=v`, booleans as `true`/`false`, nullish skipped. */
export function encodeParams(params: RequestParams, into: URLSearchParams | FormData): void {
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) value.forEach((v, i) => into.append(`${name}[${i}]`, String(v)));
    else into.append(name, String(value));
  }
}

const decoder = new TextDecoder();

/** `Retry-After` headers of failed attempts, kept off the error objects. */
const RETRY_AFTER = new WeakMap<RedcapError, string | null>();

/**
 * Holds the token and sends requests. Nothing outside reads the token back.
 */
export class Transport {
  readonly #token: string;
  readonly #settings: TransportSettings;

  constructor(token: string, settings: TransportSettings) {
    this.#token = token;
    this.#settings = settings;
  }

  /** The API URL. */
  get url(): string {
    return this.#settings.url;
  }

  /**
   * Sends a request, repeating it on transient failures when the spec allows, and hands the
   * answer to `parse`; a {@linkcode RedcapResponseError} thrown by `parse` counts as a transient
   * failure too.
   */
  async send<T>(
    spec: RequestSpec,
    parse: (response: RawResponse) => T | Promise<T>,
  ): Promise<T> {
    const content = String(spec.params.content ?? "");
    const { limit } = this.#settings.retry;
    for (let attempt = 1;; attempt++) {
      let failure: RedcapError;
      let retryAfter: string | null = null;
      try {
        const response = await this.#attempt(content, spec);
        return await parse(response);
      } catch (error) {
        // A parser's message may quote the body, and a body may echo the token.
        this.#scrubDeep(error);
        if (!(error instanceof RedcapError)) throw error;
        failure = error;
        retryAfter = RETRY_AFTER.get(error) ?? null;
      }
      if (!isTransient(failure)) throw rebuild(failure, attempt);
      if (spec.retry !== true) throw rebuild(failure, attempt, spec.retry);
      if (attempt >= limit) throw rebuild(failure, attempt);
      await sleep(retryDelay(this.#settings.retry, attempt, retryAfter), spec.signal);
    }
  }

  async #attempt(content: string, spec: RequestSpec): Promise<RawResponse> {
    const { url, fetch, timeout } = this.#settings;
    let body: URLSearchParams | FormData;
    if (spec.file) {
      body = new FormData();
      body.append("token", this.#token);
      encodeParams(spec.params, body);
      const bytes = typeof spec.file.content === "string"
        ? new TextEncoder().encode(spec.file.content)
        : spec.file.content;
      body.append(
        "file",
        new Blob([bytes as BlobPart], { type: spec.file.type ?? "application/octet-stream" }),
        spec.file.name,
      );
    } else {
      body = new URLSearchParams({ token: this.#token });
      encodeParams(spec.params, body);
    }
    const timer = AbortSignal.timeout(timeout);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timer]) : timer;
    let status: number;
    let headers: Headers;
    let bytes: Uint8Array;
    let target = url;
    try {
      for (let hops = 0;; hops++) {
        // Redirects are followed here, not by fetch: fetch re-sends a 307/308 POST (token and
        // data) to any origin.
        const response = await abortable(
          fetch(target, {
            method: "POST",
            body,
            signal,
            headers: { Accept: "*/*" },
            redirect: "manual",
          }),
          signal,
        );
        status = response.status;
        headers = response.headers;
        if (response.type === "opaqueredirect") {
          // A browser's fetch hides where a redirect leads: it cannot be checked.
          throw new RedcapResponseError(
            content,
            "redirect",
            "the server redirected, and this fetch does not say where; create the client " +
              "with the URL the API answers at",
          );
        }
        if (REDIRECTS.has(status)) {
          await response.body?.cancel().catch(() => {});
          target = redirectTarget(content, target, status, headers.get("location"), hops);
          continue;
        }
        bytes = new Uint8Array(await abortable(response.arrayBuffer(), signal));
        break;
      }
    } catch (error) {
      if (error instanceof RedcapError) throw error;
      if (spec.signal?.aborted) throw spec.signal.reason;
      if (timer.aborted) throw new RedcapTimeoutError(content, timeout);
      this.#scrubDeep(error);
      throw new RedcapNetworkError(content, error, { host: new URL(target).host });
    }
    if (status !== 200) {
      const text = this.#scrub(decoder.decode(bytes));
      const message = errorMessage(text, status);
      const rows = status === 400 && content === "record" ? importRows(message) : [];
      const error = new RedcapApiError(status, content, message, { rows });
      RETRY_AFTER.set(error, headers.get("retry-after"));
      throw error;
    }
    if (bytes.length === 0 && !spec.allowEmpty) {
      throw new RedcapResponseError(content, "empty", "HTTP 200 with an empty body");
    }
    if (!spec.binary && looksLikeHtml(bytes)) {
      throw new RedcapResponseError(
        content,
        "html",
        `HTTP 200 with an HTML page instead of data: "${
          this.#scrub(htmlTitle(decoder.decode(bytes)))
        }"`,
      );
    }
    // REDCap sometimes answers an error with HTTP 200 (plugins, proxies, old versions): its
    // message, not "cut short" from a parser that expected rows.
    const envelope = spec.binary ? undefined : errorEnvelope(bytes);
    if (envelope !== undefined) {
      throw new RedcapApiError(200, content, this.#scrub(envelope));
    }
    let text: string | undefined;
    return { headers, bytes, text: () => text ??= decoder.decode(bytes) };
  }

  #scrub(text: string): string {
    return this.#token ? text.replaceAll(this.#token, "[token]") : text;
  }

  /** Replaces the token in an error's message, stack and REDCap message, and in its causes. */
  #scrubDeep(error: unknown): void {
    for (let depth = 0; depth < 8 && error instanceof Error; depth++) {
      for (const key of ["message", "stack", "redcapMessage"] as const) {
        const value = (error as unknown as Record<string, unknown>)[key];
        if (typeof value === "string" && value.includes(this.#token)) {
          Object.defineProperty(error, key, {
            value: this.#scrub(value),
            writable: true,
            configurable: true,
          });
        }
      }
      error = error.cause;
    }
  }
}

/** Statuses whose `Location` the transport follows (same origin) or refuses. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Most redirects one request follows. */
const MAX_REDIRECTS = 5;

/**
 * Where a redirect from **from** leads, if the client may follow it: only within the same
 * origin (scheme, host and port), where the POST (token and data) is sent again; never to
 * another origin, which must not see the token. A 303 ("see other") says the answer is
 * elsewhere for a GET, which REDCap's API does not take: refused too.
 */
function redirectTarget(
  content: string,
  from: string,
  status: number,
  location: string | null,
  hops: number,
): string {
  let next: URL | undefined;
  try {
    next = location === null ? undefined : new URL(location, from);
  } catch {
    next = undefined;
  }
  const shown = next ? `${next.origin}${next.pathname}` : JSON.stringify(location);
  const refuse = (why: string) => {
    throw new RedcapResponseError(
      content,
      "redirect",
      `the server redirected (HTTP ${status}) to ${shown}; ${why}`,
    );
  };
  if (!next || (next.protocol !== "https:" && next.protocol !== "http:")) {
    return refuse("that is not an http(s) URL");
  }
  if (next.origin !== new URL(from).origin) {
    return refuse(
      `another origin, which is not sent the token. If that is your REDCap API, create the ` +
        `client with that URL`,
    );
  }
  if (status === 303) return refuse("REDCap's API answers POST requests, not a 303's GET");
  if (hops >= MAX_REDIRECTS) return refuse(`more than ${MAX_REDIRECTS} redirects`);
  return next.href;
}

/**
 * REDCap's message when a 200 body is one of its error envelopes (`{"error":".."}` or
 * `<hash><error>..</error></hash>`), else `undefined`. Only small bodies starting with `{` or
 * `<` are looked at.
 */
function errorEnvelope(bytes: Uint8Array): string | undefined {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] <= 32 || BOM_BYTES.has(bytes[i]))) i++;
  if ((bytes[i] !== 123 /* { */ && bytes[i] !== 60 /* < */) || bytes.length > 65_536) {
    return undefined;
  }
  const text = decoder.decode(bytes).replace(/^\uFEFF/, "").trim();
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text);
      const keys = Object.keys(parsed ?? {});
      return keys.length === 1 && typeof parsed.error === "string" ? parsed.error : undefined;
    } catch {
      return undefined;
    }
  }
  const xml = /^(?:<\?xml[^>]*\?>\s*)?<hash>\s*<error>([\s\S]*?)<\/error>\s*<\/hash>$/.exec(text);
  return xml ? unescapeXml(xml[1].replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, "$1")) : undefined;
}

/** Rejects when `signal` aborts, even if `promise` ignores it (a fake fetch, a stuck body). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Failures a repeat may fix: network, timeout, retryable statuses, HTTP-200 garbage. */
function isTransient(error: RedcapError): boolean {
  if (error instanceof RedcapApiError) return RETRY_STATUSES.has(error.status);
  if (error instanceof RedcapResponseError) return error.problem !== "redirect";
  return error instanceof RedcapNetworkError || error instanceof RedcapTimeoutError;
}

/** Re-creates `error` with the number of attempts and why it was not retried. */
function rebuild(error: RedcapError, attempts: number, notRetried?: string): RedcapError {
  if (attempts === 1 && !notRetried) return error;
  const options = { attempts, notRetried, cause: error.cause };
  if (error instanceof RedcapApiError) {
    return new RedcapApiError(error.status, error.content, error.redcapMessage, {
      ...options,
      rows: error.rows,
    });
  }
  if (error instanceof RedcapNetworkError) {
    return new RedcapNetworkError(error.content, error.cause, { ...options, host: error.host });
  }
  if (error instanceof RedcapTimeoutError) {
    return new RedcapTimeoutError(error.content, error.timeout, options);
  }
  if (error instanceof RedcapResponseError) {
    const detail = error.message.replace(/^Cannot read "[^"]*" response: /, "");
    return new RedcapResponseError(error.content, error.problem, detail, options);
  }
  return error;
}

/**
 * REDCap's message from an error body in any of its envelopes: `{"error":".."}`,
 * `ERROR: ..`, `<hash><error>..</error></hash>`; otherwise the body's text, shortened.
 */
export function errorMessage(body: string, status: number): string {
  const text = body.replace(/^\uFEFF/, "").trim();
  if (text.startsWith("{")) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed.error === "string") return parsed.error;
    } catch {
      // not JSON: fall through
    }
  }
  if (text.startsWith("ERROR:")) return text.slice(6).trim();
  const xml = /<hash>\s*<error>([\s\S]*?)<\/error>\s*<\/hash>/.exec(text);
  if (xml) return unescapeXml(xml[1].replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, "$1"));
  if (text === "") return `HTTP ${status} with an empty body`;
  const plain = /<html/i.test(text) ? htmlTitle(text) : text;
  return plain.length > 300 ? `${plain.slice(0, 300)}…` : plain;
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e as string]!,
  );
}

/**
 * Parses an import error message whose lines are `"record","field","value","message"` tuples.
 * Returns no rows unless every line is such a tuple.
 */
export function importRows(message: string): ImportErrorRow[] {
  if (!message.startsWith('"')) return [];
  let cells: string[][];
  try {
    cells = parseCsv(message);
  } catch {
    return [];
  }
  if (cells.length === 0 || cells.some((row) => row.length !== 4)) return [];
  return cells.map(([record, field, value, message]) => ({ record, field, value, message }));
}

/** The bytes of a UTF-8 BOM, skipped with white space before a body's first character. */
const BOM_BYTES = new Set([0xef, 0xbb, 0xbf]);

function looksLikeHtml(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] <= 32 || BOM_BYTES.has(bytes[i]))) i++;
  if (bytes[i] !== 60 /* < */) return false;
  const head = decoder.decode(bytes.subarray(i, i + 15)).toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html");
}

function htmlTitle(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = (title ?? html.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The key of a client's internals, shared by `lib/api/*` and never re-exported. */
export const INTERNAL: unique symbol = Symbol("denocap.client.internal");

/**
 * What the API functions take: a `RedcapClient`, or anything else that carries a client's
 * internals (its transport and structure cache). `lib/api/*`, `lib/read/*` and `lib/write/*` see
 * only this, never the client class, so the client can wrap them without an import cycle.
 */
export interface RedcapConnection {
  /**
   * The client's transport and cache, under a symbol only `lib/` holds: internal, so left out
   * of the documentation.
   *
   * @ignore
   */
  readonly [INTERNAL]: ClientInternals;
}

/** What `lib/api/*` functions use of a client. */
export interface ClientInternals {
  /** Sends one request (see {@linkcode Transport.send}). */
  send<T>(spec: RequestSpec, parse: (response: RawResponse) => T | Promise<T>): Promise<T>;
  /** Loads a project-structure answer once per client (until `refresh()`). */
  cached<T>(key: string, load: () => Promise<T>, copy?: (value: T) => T): Promise<T>;
  /** Clears the structure cache. */
  clearCache(): void;
  /** Most requests one call runs at a time. */
  concurrency: number;
  /** Progress sinks of the client. */
  progress: import("./_progress.ts").ProgressSinks;
}
