/**
 * Shared plumbing of the API's managing calls (users, roles, DAGs, structure, settings): rows
 * as a JSON `data` body, count answers, plain-text answers and downloads.
 *
 * @module
 */
import type { DataFrame } from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { ProgressTracker } from "../_progress.ts";
import type { RequestParams, UploadFile } from "../_request.ts";
import { internals } from "./call.ts";
import { downloadFileName } from "./_file_name.ts";
import { checkKeys, checkList } from "./_check.ts";
import { isFrame, toRows } from "./_encode.ts";
import { readCount } from "./metadata.ts";

/** Rows to import: a DataFrame or plain objects. */
export type ImportRows = DataFrame | readonly Record<string, unknown>[];

/** Options of every managing call: a cancel signal only. */
export interface SignalOptions {
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Rows as a JSON `data` array. Cells are sent as text (`null` blank); with `nested`, a cell may
 * also be a plain object of scalars (REDCap's `forms` / `forms_export` maps), sent as an object.
 */
export function jsonRows(
  action: string,
  data: ImportRows,
  nested: readonly string[] = [],
): Record<string, unknown>[] {
  if (isFrame(data)) return toRows(action, data).rows;
  if (!Array.isArray(data)) {
    throw new TypeError(`Cannot ${action}: data must be a DataFrame or an array of objects`);
  }
  if (data.length === 0) throw new RangeError(`Cannot ${action}: there are no rows to send`);
  return data.map((row, i) => {
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new TypeError(`Cannot ${action}: row ${i + 1} is not an object`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
      if (value === null || value === undefined) out[key] = "";
      else if (typeof value === "string") out[key] = value;
      else if (typeof value === "number" || typeof value === "boolean") out[key] = String(value);
      else if (
        nested.includes(key) && typeof value === "object" && !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "number" || typeof v === "string")
      ) {
        out[key] = value;
      } else {
        throw new TypeError(`Cannot ${action}: row ${i + 1}, column "${key}" is not a scalar`);
      }
    }
    return out;
  });
}

/** Whether every row names an existing item in `column` (so a repeat changes nothing twice). */
export function allNamed(rows: readonly Record<string, unknown>[], column: string): boolean {
  return rows.every((row) => typeof row[column] === "string" && row[column] !== "");
}

/** Checks a list argument (non-empty, non-blank strings) of a delete call. */
export function requireList(action: string, name: string, value: unknown): string[] {
  if (value === undefined) throw new TypeError(`Cannot ${action}: "${name}" is required`);
  return checkList(action, name, value)!;
}

/** Checks the options object of a call that only takes a signal. */
export function signalOnly(action: string, options: SignalOptions): AbortSignal | undefined {
  checkKeys(action, options, ["signal"]);
  return options.signal;
}

/** How to send one changing request. */
export interface ChangeSpec {
  /** Parameters (`content` included); `format` and `returnFormat` become json. */
  params: RequestParams;
  /** `true` when a repeat is harmless, else why it is not. */
  retry: true | string;
  /** Forget the client's cached project structure afterwards. */
  structural?: boolean;
  signal?: AbortSignal;
}

/** Sends a changing request whose answer is a count, and returns the count. */
export async function sendCount(client: RedcapConnection, spec: ChangeSpec): Promise<number> {
  const text = await sendText(client, spec);
  return readCount(String(spec.params.content), text);
}

/** Sends a request and returns its body text (an empty body is allowed). */
export async function sendText(
  client: RedcapConnection,
  spec: ChangeSpec & { file?: UploadFile },
): Promise<string> {
  const inner = internals(client);
  const content = String(spec.params.content);
  const tracker = new ProgressTracker(content, 1, inner.progress);
  try {
    return await inner.send(
      {
        params: { format: "json", ...spec.params, returnFormat: "json" },
        retry: spec.retry,
        allowEmpty: true,
        file: spec.file,
        signal: spec.signal,
      },
      (response) => {
        tracker.step(response.bytes.length, 0);
        return response.text();
      },
    );
  } finally {
    if (spec.structural) inner.clearCache();
  }
}

/** Sends a reading request whose answer is one line of plain text (a link, a code). */
export async function readLine(
  client: RedcapConnection,
  params: RequestParams,
  signal?: AbortSignal,
): Promise<string> {
  const content = String(params.content);
  const inner = internals(client);
  return await inner.send(
    { params: { ...params, returnFormat: "json" }, retry: true, signal },
    (response) => {
      const line = response.text().trim();
      if (line === "" || line.includes("\n") || line.startsWith("<") || line.startsWith("{")) {
        throw new RedcapResponseError(
          content,
          "shape",
          `expected one line of text, got ${JSON.stringify(line.slice(0, 60))}`,
        );
      }
      return line;
    },
  );
}

/** Sends a reading request whose answer is a file; returns its MIME type, name and bytes. */
export async function download(
  client: RedcapConnection,
  params: RequestParams,
  signal?: AbortSignal,
): Promise<{ type: string; name?: string; content: Uint8Array }> {
  const inner = internals(client);
  const tracker = new ProgressTracker(String(params.content), 1, inner.progress);
  return await inner.send(
    {
      params: { ...params, returnFormat: "json" },
      retry: true,
      binary: true,
      allowEmpty: true,
      signal,
    },
    (response) => {
      const contentType = response.headers.get("content-type") ?? "application/octet-stream";
      const name = downloadFileName(response.headers);
      tracker.step(response.bytes.length, 1);
      return { type: contentType.split(";")[0].trim(), name, content: response.bytes };
    },
  );
}
