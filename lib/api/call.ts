/**
 * Helpers every API area uses: reach a client's internals, send a request and read it as JSON
 * checked with zod, or as a string frame in any format; and `call()` for unwrapped contents.
 *
 * @module
 */
import { frameHeight } from "../frame.ts";
import type pl from "../deps/polars.ts";
import type { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import {
  type ClientInternals,
  INTERNAL,
  type RawResponse,
  type RequestParams,
  type RequestSpec,
} from "../_request.ts";
import { ProgressTracker } from "../_progress.ts";
import { parseRedcapCsv } from "../parse/csv.ts";
import { parseRedcapJson, rowsToFrame } from "../parse/json.ts";
import { parseRedcapXmlRows } from "../parse/xml.ts";
import type { Format } from "../types.ts";
import { checkBoolean, checkKeys } from "./_check.ts";

/** The internals of a client (throws a TypeError for anything else). */
export function internals(client: RedcapConnection): ClientInternals {
  const found = (client as unknown as { [INTERNAL]?: ClientInternals })?.[INTERNAL];
  if (!found) throw new TypeError("Cannot send request: expected a RedcapClient");
  return found;
}

/** Checks a parsed body against a schema; a mismatch is a {@linkcode RedcapResponseError}. */
export function checkShape<S extends z.ZodType>(
  content: string,
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new RedcapResponseError(
      content,
      "shape",
      `unexpected JSON shape${where}: ${issue.message}`,
      { cause: result.error },
    );
  }
  return result.data;
}

/** Options of {@linkcode requestJson}. */
export interface RequestJsonOptions {
  /** Cache the answer per client under this key (project structure only). */
  cacheKey?: string;
  signal?: AbortSignal;
}

/**
 * Sends `params` with `format=json&returnFormat=json` and checks the answer with `schema`.
 * Reading requests only: always retried.
 */
export function requestJson<S extends z.ZodType>(
  client: RedcapConnection,
  params: RequestParams,
  schema: S,
  options: RequestJsonOptions = {},
): Promise<z.output<S>> {
  const inner = internals(client);
  const content = String(params.content);
  const load = async () => {
    const tracker = new ProgressTracker(content, 1, inner.progress);
    const value = await inner.send(
      {
        params: { ...params, format: "json", returnFormat: "json" },
        retry: true,
        signal: options.signal,
      },
      (response) => {
        const parsed = checkShape(content, schema, parseRedcapJson(response.text(), content));
        tracker.step(response.bytes.length, Array.isArray(parsed) ? parsed.length : 1);
        return parsed;
      },
    );
    return value as z.output<S>;
  };
  return options.cacheKey ? inner.cached(options.cacheKey, load) : load();
}

/** Reads a CSV body as a frame (instead of {@linkcode parseRedcapCsv}); may take the bytes
 * over. */
export type CsvReader = (bytes: Uint8Array) => pl.DataFrame | Promise<pl.DataFrame>;

/** Reads a table body in any format as a frame of strings (blanks `null`). */
export function parseFrame(content: string, format: Format, response: RawResponse): pl.DataFrame {
  if (format === "csv") return parseRedcapCsv(response.bytes, content);
  if (format === "xml") return rowsToFrame(parseRedcapXmlRows(response.text(), content), content);
  const parsed = parseRedcapJson(response.text(), content);
  if (!Array.isArray(parsed)) {
    throw new RedcapResponseError(content, "shape", "expected a JSON array of rows");
  }
  return rowsToFrame(parsed, content);
}

/** Sends one table request and returns the frame and the body size; **readCsv** reads a CSV
 * body instead of {@linkcode parseRedcapCsv}. */
export async function requestFrame(
  client: RedcapConnection,
  spec: Omit<RequestSpec, "params"> & { params: RequestParams & { format: Format } },
  onDone?: (bytes: number, rows: number, frame: pl.DataFrame) => void,
  readCsv?: CsvReader,
): Promise<pl.DataFrame> {
  const content = String(spec.params.content);
  return await internals(client).send(
    { ...spec, params: { ...spec.params, returnFormat: "json" } },
    async (response) => {
      const size = response.bytes.length;
      const frame = readCsv && spec.params.format === "csv"
        ? await readCsv(response.bytes)
        : parseFrame(content, spec.params.format, response);
      onDone?.(size, frameHeight(frame), frame);
      return frame;
    },
  );
}

/** Options for `client.call()`. */
export interface CallOptions {
  /** Whether the request may be repeated after a transient failure. By default, requests
   * without `data` and without a changing `action` (import, delete, rename, ...) are repeated.
   */
  idempotent?: boolean;
  /** Cancels the request. */
  signal?: AbortSignal;
}

const CHANGING_ACTIONS = ["import", "delete", "rename", "randomize", "switch", "createFolder"];

/**
 * Sends any content. See `RedcapClient.call()`. A request with `data` or a changing `action`
 * also clears the client's structure cache.
 *
 * @param client The client.
 * @param content The `content` parameter.
 * @param params Other parameters.
 * @param options Retry safety and a cancel signal.
 * @returns The body text (possibly empty).
 */
export async function callApi(
  client: RedcapConnection,
  content: string,
  params: RequestParams = {},
  options: CallOptions = {},
): Promise<string> {
  checkKeys("call REDCap", options, ["idempotent", "signal"]);
  if (typeof content !== "string" || content.trim() === "") {
    throw new TypeError(`Cannot call REDCap: "content" must be a non-blank string`);
  }
  if ("token" in params) {
    throw new TypeError(`Cannot call REDCap: pass the token to the client, not as a parameter`);
  }
  const idempotent = checkBoolean("call REDCap", "idempotent", options.idempotent) ??
    !("data" in params || CHANGING_ACTIONS.includes(String(params.action ?? "")));
  const inner = internals(client);
  // A request that may change the project may change its structure: forget the cache.
  if ("data" in params || CHANGING_ACTIONS.includes(String(params.action ?? ""))) {
    inner.clearCache();
  }
  const tracker = new ProgressTracker(content, 1, inner.progress);
  return await inner.send(
    {
      params: { format: "json", ...params, content, returnFormat: params.returnFormat ?? "json" },
      retry: idempotent
        ? true
        : `"${content}" with data or action "${params.action ?? "import"}" may change data`,
      allowEmpty: true,
      signal: options.signal,
    },
    (response) => {
      tracker.step(response.bytes.length, 0);
      return response.text();
    },
  );
}
