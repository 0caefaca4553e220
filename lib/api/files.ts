/**
 * `content=file`: download, upload and delete the file of a file-upload field.
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { ProgressTracker } from "../_progress.ts";
import type { UploadFile } from "../_request.ts";
import { checkInteger, checkKeys, checkString, requireString } from "./_check.ts";
import { internals } from "./call.ts";
import { downloadFileName } from "./_file_name.ts";

/** Where a file lives. */
export interface FileLocation {
  /** The record. */
  record: string | number;
  /** The file-upload field. */
  field: string;
  /** The unique event name (longitudinal projects). */
  event?: string;
  /** The repeat instance.
   * @default {1}
   */
  repeat_instance?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** A downloaded file. */
export interface RedcapFile {
  /** The stored file name (from `Content-Type: ..; name="x"`). */
  name: string;
  /** The MIME type. */
  type: string;
  /** The bytes. */
  content: Uint8Array;
}

/** Options for {@linkcode importFile}. */
export interface ImportFileOptions extends FileLocation {
  /** The file to upload. */
  file: UploadFile;
}

function location(action: string, options: FileLocation, extra: string[] = []) {
  checkKeys(action, options ?? {}, [
    "record",
    "field",
    "event",
    "repeat_instance",
    "signal",
    ...extra,
  ]);
  return {
    content: "file",
    record: requireString(action, "record", options.record),
    field: requireString(action, "field", options.field),
    event: checkString(action, "event", options.event),
    repeat_instance: checkInteger(action, "repeat_instance", options.repeat_instance, 1, 32767),
  };
}

/**
 * Downloads the file stored in a field (`content=file&action=export`).
 *
 * @param client The client.
 * @param options The record, field, event and instance.
 * @returns The name, MIME type and bytes.
 */
export async function exportFile(
  client: RedcapConnection,
  options: FileLocation,
): Promise<RedcapFile> {
  const params = { ...location("export file", options), action: "export", returnFormat: "json" };
  const inner = internals(client);
  const tracker = new ProgressTracker("file", 1, inner.progress);
  return await inner.send(
    { params, retry: true, binary: true, allowEmpty: true, signal: options.signal },
    (response) => {
      const contentType = response.headers.get("content-type") ?? "application/octet-stream";
      const name = downloadFileName(response.headers);
      if (name === undefined) {
        throw new RedcapResponseError(
          "file",
          "shape",
          "the answer names no file (Content-Type name=)",
        );
      }
      tracker.step(response.bytes.length, 1);
      return { name, type: contentType.split(";")[0].trim(), content: response.bytes };
    },
  );
}

/**
 * Uploads a file into a field (`content=file&action=import`, multipart); the record must exist.
 * Repeating the upload stores the same file, so it is retried.
 *
 * @example Upload a file, download it, delete it
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
 * const where = { record: "1", field: "lab_report", event: "baseline_arm_2" };
 * const file = { name: "note.txt", content: "signed", type: "text/plain" };
 * await client.importFile({ ...where, file });
 * strictEqual((await client.exportFile(where)).name, "note.txt");
 * await client.deleteFile(where);
 * ```
 *
 * @param client The client.
 * @param options Where to store it, and the file.
 */
export async function importFile(
  client: RedcapConnection,
  options: ImportFileOptions,
): Promise<void> {
  const action = "import file";
  const params = { ...location(action, options, ["file"]), action: "import", returnFormat: "json" };
  const file = options.file;
  if (!file || typeof file !== "object" || typeof file.name !== "string" || file.name === "") {
    throw new TypeError(`Cannot ${action}: "file" must be { name, content }`);
  }
  if (!(file.content instanceof Uint8Array) && typeof file.content !== "string") {
    throw new TypeError(`Cannot ${action}: "file.content" must be a Uint8Array or a string`);
  }
  await internals(client).send(
    { params, file, retry: true, allowEmpty: true, signal: options.signal },
    () => undefined,
  );
}

/**
 * Deletes the file of a field (`content=file&action=delete`). Not retried: a repeat after a
 * lost answer would report "no file to delete".
 *
 * @param client The client.
 * @param options The record, field, event and instance.
 */
export async function deleteFile(client: RedcapConnection, options: FileLocation): Promise<void> {
  const params = { ...location("delete file", options), action: "delete", returnFormat: "json" };
  await internals(client).send(
    {
      params,
      retry: 'a repeated delete would fail with "There is no file to delete"',
      allowEmpty: true,
      signal: options.signal,
    },
    () => undefined,
  );
}
