/**
 * `content=metadata`: the data dictionary.
 *
 * @module
 */
import { copyFrame, frameColumns } from "../frame.ts";
import type pl from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { ProgressTracker } from "../_progress.ts";
import type { Format } from "../types.ts";
import { checkKeys, checkList, checkOneOf } from "./_check.ts";
import { internals, requestFrame } from "./call.ts";
import { parseRedcapJson, rowsToFrame } from "../parse/json.ts";
import { encodeRows } from "./_encode.ts";

/** Options for {@linkcode exportMetadata}. */
export interface ExportMetadataOptions {
  /** Only these fields. By default, every field. */
  fields?: readonly string[];
  /** Only the fields of these instruments. */
  forms?: readonly string[];
  /** Wire format (the frame is the same in each).
   * @default {"json"}
   */
  format?: Format;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Exports the data dictionary (`content=metadata`) as a DataFrame of strings: REDCap's 18
 * columns (`field_name`, `form_name`, ..., `field_annotation`) in field order, blanks as
 * `null`. Cached per client and request.
 *
 * @example Read the dictionary
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const metadata = await client.exportMetadata();
 * strictEqual(metadata.columns[0], "field_name");
 * ```
 *
 * @param client The client.
 * @param options Which fields, and the wire format.
 * @returns One row per field.
 */
export async function exportMetadata(
  client: RedcapConnection,
  options: ExportMetadataOptions = {},
): Promise<pl.DataFrame> {
  const action = "export metadata";
  checkKeys(action, options, ["fields", "forms", "format", "signal"]);
  const fields = checkList(action, "fields", options.fields);
  const forms = checkList(action, "forms", options.forms);
  const format = checkOneOf(action, "format", options.format, ["csv", "json", "xml"]) ?? "json";
  const cached = await loadMetadata(client, format, fields, forms, options.signal);
  cached.frame ??= rowsToFrame(cached.rows!, "metadata");
  return copyFrame(cached.frame);
}

/** A cached metadata export: a JSON answer's rows (its frame made from them when first asked
 * for), or the frame of a CSV or XML answer. */
interface CachedMetadata {
  rows?: readonly Record<string, unknown>[];
  frame?: pl.DataFrame;
}

/** The metadata export, asked once per client and request (until the cache is cleared). */
function loadMetadata(
  client: RedcapConnection,
  format: Format,
  fields: readonly string[] | undefined,
  forms: readonly string[] | undefined,
  signal: AbortSignal | undefined,
): Promise<CachedMetadata> {
  const inner = internals(client);
  const key = `metadata:${format}:${JSON.stringify([fields, forms])}`;
  const checkFirst = (columns: readonly string[]) => {
    if (columns.length > 0 && columns[0] !== "field_name") {
      throw new RedcapResponseError("metadata", "shape", "the first column is not field_name");
    }
  };
  return inner.cached(key, async (): Promise<CachedMetadata> => {
    const tracker = new ProgressTracker("metadata", 1, inner.progress);
    const params = { content: "metadata", format, fields, forms };
    if (format !== "json") {
      const frame = await requestFrame(client, { params, retry: true, signal }, (bytes, n, f) => {
        checkFirst(frameColumns(f));
        tracker.step(bytes, n);
      });
      return { frame };
    }
    // JSON rows are kept as they are: readDictionary() reads them without a frame.
    return await inner.send(
      { params: { ...params, returnFormat: "json" }, retry: true, signal },
      (response) => {
        const rows = parseRedcapJson(response.text(), "metadata");
        if (!Array.isArray(rows) || rows.some((r) => r === null || typeof r !== "object")) {
          throw new RedcapResponseError("metadata", "shape", "expected a JSON array of rows");
        }
        checkFirst(rows.length > 0 ? Object.keys(rows[0]) : []);
        tracker.step(response.bytes.length, rows.length);
        return { rows };
      },
    );
  }, (cached) => cached);
}

/**
 * The dictionary's rows as REDCap's JSON export has them (cached with `exportMetadata()`'s
 * answer; the same rows, not a copy: read them only).
 */
export async function metadataRows(
  client: RedcapConnection,
  signal?: AbortSignal,
): Promise<readonly Record<string, unknown>[]> {
  const cached = await loadMetadata(client, "json", undefined, undefined, signal);
  return cached.rows!;
}

/** The record-id field: the first field of the dictionary (cached). */
export async function recordIdField(
  client: RedcapConnection,
  signal?: AbortSignal,
): Promise<string> {
  const first = (await metadataRows(client, signal))[0]?.field_name;
  if (typeof first !== "string" || first === "") {
    throw new RedcapResponseError("metadata", "shape", "the data dictionary has no fields");
  }
  return first;
}

/** Options for {@linkcode importMetadata}. */
export interface ImportMetadataOptions {
  /** Wire format.
   * @default {"json"}
   */
  format?: Format;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * Replaces the data dictionary (`content=metadata`, `data`); REDCap allows it only in
 * development status. Clears the client's structure cache.
 *
 * @example Re-import the dictionary unchanged
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const metadata = await client.exportMetadata();
 * strictEqual(await client.importMetadata(metadata), metadata.getColumn("field_name").len());
 * ```
 *
 * @param client The client.
 * @param data The dictionary: a frame or rows with REDCap's 18 columns.
 * @param options Wire format.
 * @returns The number of fields imported.
 */
export async function importMetadata(
  client: RedcapConnection,
  data: pl.DataFrame | readonly Record<string, unknown>[],
  options: ImportMetadataOptions = {},
): Promise<number> {
  const action = "import metadata";
  checkKeys(action, options, ["format", "signal"]);
  const format = checkOneOf(action, "format", options.format, ["csv", "json", "xml"]) ?? "json";
  const body = encodeRows(action, data, format);
  const inner = internals(client);
  try {
    return await inner.send(
      {
        params: { content: "metadata", format, data: body, returnFormat: "json" },
        retry: true,
        signal: options.signal,
      },
      (response) => readCount("metadata", response.text()),
    );
  } finally {
    inner.clearCache();
  }
}

/** Reads a count answer in any format: `{"count":N}`, `<count>N</count>`, `N`. */
export function readCount(content: string, text: string): number {
  const match =
    /^\s*(?:\{\s*"count"\s*:\s*"?(\d+)"?\s*\}|(?:<\?xml[^>]*\?>\s*)?<count>\s*(\d+)\s*<\/count>|(\d+))\s*$/
      .exec(text);
  if (!match) {
    throw new RedcapResponseError(
      content,
      "shape",
      `expected a count, got ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  return Number(match[1] ?? match[2] ?? match[3]);
}
