/**
 * The error family of {@linkcode RedcapClient}: one base class with a stable `code`, and one
 * subclass per way a request can fail. No message, property or cause ever holds the token or
 * the request body.
 *
 * @module
 */

/** Stable codes of {@linkcode RedcapError}, for `switch` statements and tests. */
export type RedcapErrorCode = "api_error" | "network_error" | "timeout" | "bad_response";

/** Options shared by every {@linkcode RedcapError}. */
export interface RedcapErrorOptions extends ErrorOptions {
  /** How many attempts were made before giving up.
   * @default {1}
   */
  attempts?: number;
  /** Why the request was not repeated, when it could have been (e.g. an auto-numbering import). */
  notRetried?: string;
}

/**
 * Base class for failures while talking to a REDCap server.
 *
 * @example Tell failures apart by code
 * ```ts
 * import { RedcapError, RedcapTimeoutError } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error: RedcapError = new RedcapTimeoutError("record", 1000);
 * strictEqual(error.code, "timeout");
 * strictEqual(error instanceof RedcapError, true);
 * ```
 */
export class RedcapError extends Error {
  /** The error class name, `RedcapError`. */
  override name = "RedcapError";
  /** A stable code for the kind of failure. */
  readonly code: RedcapErrorCode;
  /** The `content` of the failed request. */
  readonly content: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** Why the request was not repeated although the failure is usually transient, if so. */
  readonly notRetried?: string;

  /**
   * Creates the error; the message never holds the token.
   *
   * @param code The kind of failure.
   * @param content The `content` parameter of the request.
   * @param message What went wrong (never the token).
   * @param options Cause, attempts, and why the request was not retried.
   */
  constructor(
    code: RedcapErrorCode,
    content: string,
    message: string,
    options: RedcapErrorOptions = {},
  ) {
    const attempts = options.attempts ?? 1;
    let text = message;
    if (attempts > 1) text += ` (after ${attempts} attempts)`;
    if (options.notRetried) text += ` (not retried: ${options.notRetried})`;
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.content = content;
    this.attempts = attempts;
    if (options.notRetried) this.notRetried = options.notRetried;
  }
}

/** One rejected value of an import, from REDCap's `"record","field","value","message"` lines. */
export interface ImportErrorRow {
  /** The record the value belongs to. */
  record: string;
  /** The field (or checkbox column) REDCap rejected. */
  field: string;
  /** The rejected value, as sent. */
  value: string;
  /** REDCap's explanation. */
  message: string;
}

/**
 * REDCap answered with an error payload (`{"error":..}`, `ERROR: ..` or `<hash><error>..`):
 * the HTTP status plus REDCap's own message, and for rejected imports the parsed rows.
 *
 * @example Read REDCap's message
 * ```ts
 * import { RedcapApiError } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new RedcapApiError(403, "record", "You do not have permissions to use the API");
 * strictEqual(error.code, "api_error");
 * strictEqual(error.redcapMessage, "You do not have permissions to use the API");
 * ```
 */
export class RedcapApiError extends RedcapError {
  /** The error class name, `RedcapApiError`. */
  override name = "RedcapApiError";
  /** The HTTP status. */
  readonly status: number;
  /** REDCap's message, as sent. */
  readonly redcapMessage: string;
  /** For an import REDCap rejected value by value: one entry per rejected value, else empty. */
  readonly rows: readonly ImportErrorRow[];

  /**
   * Creates the error; the message never holds the token.
   *
   * @param status The HTTP status.
   * @param content The `content` of the request.
   * @param redcapMessage REDCap's message.
   * @param options Parsed import rows, cause and attempts.
   */
  constructor(
    status: number,
    content: string,
    redcapMessage: string,
    options: RedcapErrorOptions & { rows?: readonly ImportErrorRow[] } = {},
  ) {
    super(
      "api_error",
      content,
      `Cannot complete "${content}" request: REDCap answered ${status}: ${redcapMessage}`,
      options,
    );
    this.status = status;
    this.redcapMessage = redcapMessage;
    this.rows = options.rows ?? [];
  }
}

/**
 * The request never got an HTTP answer: DNS, refused or reset connection, TLS. The message
 * names the host and the root cause (what the innermost `cause` says); the `cause` is the
 * error `fetch` threw.
 *
 * @example Wrap a fetch failure
 * ```ts
 * import { RedcapNetworkError } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new RedcapNetworkError("record", new TypeError("fetch failed", {
 *   cause: new Error("tcp connect error: Connection refused (os error 111)"),
 * }), { host: "redcap.example.org" });
 * strictEqual(error.code, "network_error");
 * strictEqual(error.host, "redcap.example.org");
 * strictEqual(
 *   error.message,
 *   'Cannot complete "record" request to redcap.example.org: connection refused ' +
 *     "(tcp connect error: Connection refused (os error 111))",
 * );
 * ```
 */
export class RedcapNetworkError extends RedcapError {
  /** The error class name, `RedcapNetworkError`. */
  override name = "RedcapNetworkError";
  /** The host (and port) the request went to, when known. */
  readonly host?: string;
  /**
   * Creates the error; the message never holds the token.
   *
   * @param content The `content` of the request.
   * @param cause What `fetch` threw.
   * @param options The host, attempts and why the request was not retried.
   */
  constructor(
    content: string,
    cause: unknown,
    options: RedcapErrorOptions & { host?: string } = {},
  ) {
    const { host, ...rest } = options;
    super(
      "network_error",
      content,
      `Cannot complete "${content}" request${host ? ` to ${host}` : ""}: ${networkFailure(cause)}`,
      { ...rest, cause },
    );
    if (host) this.host = host;
  }
}

/** The kinds of network failure a message names, by what the root cause says. */
const NETWORK_FAILURES: readonly [RegExp, string][] = [
  [
    /dns error|failed to lookup address|name or service not known|nodename nor servname|no such host|getaddrinfo|ENOTFOUND|EAI_AGAIN|temporary failure in name resolution/i,
    "DNS lookup failed",
  ],
  [/connection refused|ECONNREFUSED|actively refused/i, "connection refused"],
  [
    /certificate|\btls\b|\bssl\b|handshake|InvalidContentType|corrupt message|UnknownIssuer|NotValidForName/i,
    "TLS failed",
  ],
  [/connection reset|ECONNRESET|broken pipe|EPIPE/i, "connection reset"],
  [/timed out|ETIMEDOUT/i, "connection timed out"],
];

/** "<kind> (<root cause>)" for a fetch failure: `fetch` often says only "fetch failed" and
 * keeps the reason in `cause` (Deno: `cause.message`, Node: `cause.code`). */
function networkFailure(cause: unknown): string {
  const messages: string[] = [];
  let at: unknown = cause;
  for (let depth = 0; depth < 8 && at !== undefined && at !== null; depth++) {
    if (at instanceof Error) {
      const code = (at as { code?: unknown }).code;
      messages.push(
        typeof code === "string" && !at.message.includes(code)
          ? `${at.message} (${code})`
          : at.message,
      );
      at = at.cause;
    } else {
      messages.push(String(at));
      break;
    }
  }
  // The innermost message is the root cause; Deno prefixes it with the request's URL.
  const root = (messages.at(-1) ?? "unknown failure")
    .replace(/^error sending request for url \([^)]*\):\s*/, "")
    .replace(/^client error \(Connect\):\s*/, "");
  const all = messages.join(" ");
  const kind = NETWORK_FAILURES.find(([pattern]) => pattern.test(all))?.[1];
  return kind && !root.toLowerCase().startsWith(kind.toLowerCase()) ? `${kind} (${root})` : root;
}

/**
 * The server did not answer within the client's `timeout`.
 *
 * @example Read the timeout
 * ```ts
 * import { RedcapTimeoutError } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(new RedcapTimeoutError("record", 500).timeout, 500);
 * ```
 */
export class RedcapTimeoutError extends RedcapError {
  /** The error class name, `RedcapTimeoutError`. */
  override name = "RedcapTimeoutError";
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;
  /**
   * Creates the error; the message never holds the token.
   *
   * @param content The `content` of the request.
   * @param timeout The timeout in milliseconds.
   * @param options Attempts and why the request was not retried.
   */
  constructor(content: string, timeout: number, options: RedcapErrorOptions = {}) {
    super(
      "timeout",
      content,
      `Cannot complete "${content}" request: no answer within ${timeout} ms`,
      options,
    );
    this.timeout = timeout;
  }
}

/** Why a {@linkcode RedcapResponseError} was raised. */
export type RedcapResponseProblem =
  | "html"
  | "empty"
  | "truncated"
  | "shape"
  | "redirect";

/**
 * REDCap answered HTTP 200 but the body is not what the request asks for: an HTML page, an
 * empty body, truncated JSON/CSV, or JSON of an unexpected shape; or the server redirected
 * the request where the client does not follow (`redirect`: another origin, which must not
 * see the token).
 *
 * @example Check the problem
 * ```ts
 * import { RedcapResponseError } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error = new RedcapResponseError("metadata", "empty", "the body is empty");
 * strictEqual(error.problem, "empty");
 * strictEqual(error.code, "bad_response");
 * ```
 */
export class RedcapResponseError extends RedcapError {
  /** The error class name, `RedcapResponseError`. */
  override name = "RedcapResponseError";
  /** What is wrong with the body. */
  readonly problem: RedcapResponseProblem;
  /**
   * Creates the error; the message never holds the token.
   *
   * @param content The `content` of the request.
   * @param problem What is wrong with the body.
   * @param detail A short explanation.
   * @param options Cause, attempts and why the request was not retried.
   */
  constructor(
    content: string,
    problem: RedcapResponseProblem,
    detail: string,
    options: RedcapErrorOptions = {},
  ) {
    super("bad_response", content, `Cannot read "${content}" response: ${detail}`, options);
    this.problem = problem;
  }
}
