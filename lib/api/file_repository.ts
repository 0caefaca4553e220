/**
 * `content=fileRepository`: the project's File Repository (list a folder, create a folder,
 * upload, download and delete files). REDCap needs the File Repository right.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import type { UploadFile } from "../_request.ts";
import { checkShape, requestJson } from "./call.ts";
import { checkInteger, checkKeys, checkString, requireString } from "./_check.ts";
import { num, optionalNum, text } from "./_schema.ts";
import { download, sendText, signalOnly, type SignalOptions } from "./admin.ts";
import type { RedcapFile } from "./files.ts";

/** An id that REDCap's JSON may leave out (folders have no `doc_id`, files no `folder_id`). */
const maybeId = optionalNum.optional().transform((v) => v ?? null);

const EntrySchema: z.ZodType<FileRepositoryEntry> = z.looseObject({
  folder_id: maybeId,
  doc_id: maybeId,
  name: text,
  role: text.optional(),
  dag: text.optional(),
});

/** One entry of a folder: a sub-folder (`folder_id` set) or a file (`doc_id` set); the other
 * id is `null`.
 * Other keys REDCap sends pass through.
 */
export interface FileRepositoryEntry {
  /** Folder id for a sub-folder, else `null`. */
  folder_id: number | null;
  /** Document id for a file, else `null`. */
  doc_id: number | null;
  /** Folder or file name. */
  name: string;
  /** Role the folder is limited to; blank for none. */
  role?: string;
  /** Data access group the folder is limited to; blank for none. */
  dag?: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/** Options for {@linkcode exportFileRepository}. */
export interface ExportFileRepositoryOptions extends SignalOptions {
  /** The folder to list. By default, the top level. */
  folder_id?: number;
}

/** Options for {@linkcode createFolderFileRepository}. */
export interface CreateFolderOptions extends SignalOptions {
  /** The folder's name (at most 150 characters). */
  name: string;
  /** The parent folder. By default, the top level. */
  folder_id?: number;
  /** Restrict the folder to this data access group (its numeric id). */
  dag_id?: number;
  /** Restrict the folder to this user role (its id). */
  role_id?: number | string;
}

/** Options for {@linkcode importFileRepository}. */
export interface ImportFileRepositoryOptions extends SignalOptions {
  /** The file to upload. */
  file: UploadFile;
  /** The folder to put it in. By default, the top level. */
  folder_id?: number;
}

const folderId = (action: string, value: unknown) => checkInteger(action, "folder_id", value, 1);

function docId(action: string, value: unknown): number {
  if (value === undefined) throw new TypeError(`Cannot ${action}: "doc_id" is required`);
  return checkInteger(action, "doc_id", value, 1)!;
}

/**
 * Lists a folder of the File Repository (`content=fileRepository&action=list`): its sub-folders,
 * then its files.
 *
 * @example List the top level
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.createFolderFileRepository({ name: "Protocols" });
 * const entries = await client.exportFileRepository();
 * ok(entries.some((e) => e.name === "Protocols" && e.folder_id !== null));
 * ```
 *
 * @param client The client.
 * @param options The folder.
 * @returns Its entries.
 */
export async function exportFileRepository(
  client: RedcapConnection,
  options: ExportFileRepositoryOptions = {},
): Promise<FileRepositoryEntry[]> {
  const action = "list the File Repository";
  checkKeys(action, options, ["folder_id", "signal"]);
  return await requestJson(
    client,
    { content: "fileRepository", action: "list", folder_id: folderId(action, options.folder_id) },
    z.array(EntrySchema),
    { signal: options.signal },
  );
}

/**
 * Creates a folder in the File Repository (`content=fileRepository&action=createFolder`).
 * REDCap does not duplicate an existing folder of the same name, so it is retried.
 *
 * @example Create a folder
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const id = await client.createFolderFileRepository({ name: "Consent forms" });
 * ok(id > 0);
 * ```
 *
 * @param client The client.
 * @param options The name, parent and restrictions.
 * @returns The new folder's id.
 */
export async function createFolderFileRepository(
  client: RedcapConnection,
  options: CreateFolderOptions,
): Promise<number> {
  const action = "create a File Repository folder";
  checkKeys(action, options ?? {}, ["name", "folder_id", "dag_id", "role_id", "signal"]);
  const name = requireString(action, "name", options.name);
  if (name.length > 150) {
    throw new RangeError(`Cannot ${action}: "name" is longer than 150 characters`);
  }
  const roleId = typeof options.role_id === "number"
    ? String(checkInteger(action, "role_id", options.role_id, 1))
    : checkString(action, "role_id", options.role_id);
  const answer = await sendText(client, {
    params: {
      content: "fileRepository",
      action: "createFolder",
      name,
      folder_id: folderId(action, options.folder_id),
      dag_id: checkInteger(action, "dag_id", options.dag_id, 1),
      role_id: roleId,
    },
    retry: true,
    signal: options.signal,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    throw new RedcapResponseError("fileRepository", "shape", "expected JSON with a folder_id");
  }
  const schema = z.array(z.looseObject({ folder_id: num })).min(1);
  return checkShape("fileRepository", schema, parsed)[0].folder_id;
}

/**
 * Uploads a file into the File Repository (`content=fileRepository&action=import`). Not
 * retried: a repeat would store a second copy.
 *
 * @example Upload a file and find it
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importFileRepository({ file: { name: "sop.txt", content: "Step 1" } });
 * ok((await client.exportFileRepository()).some((e) => e.name === "sop.txt"));
 * ```
 *
 * @param client The client.
 * @param options The file and the folder.
 */
export async function importFileRepository(
  client: RedcapConnection,
  options: ImportFileRepositoryOptions,
): Promise<void> {
  const action = "upload to the File Repository";
  checkKeys(action, options ?? {}, ["file", "folder_id", "signal"]);
  const file = options.file;
  if (!file || typeof file !== "object" || typeof file.name !== "string" || file.name === "") {
    throw new TypeError(`Cannot ${action}: "file" must be { name, content }`);
  }
  if (!(file.content instanceof Uint8Array) && typeof file.content !== "string") {
    throw new TypeError(`Cannot ${action}: "file.content" must be a Uint8Array or a string`);
  }
  await sendText(client, {
    params: {
      content: "fileRepository",
      action: "import",
      folder_id: folderId(action, options.folder_id),
    },
    file,
    retry: "a repeated upload would store a second copy",
    signal: options.signal,
  });
}

/**
 * Downloads a file of the File Repository (`content=fileRepository&action=export`).
 *
 * @example Upload and download a file
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importFileRepository({ file: { name: "a.txt", content: "hello" } });
 * const entry = (await client.exportFileRepository()).find((e) => e.name === "a.txt")!;
 * const file = await client.exportFileFromRepository(entry.doc_id!);
 * strictEqual(new TextDecoder().decode(file.content), "hello");
 * ```
 *
 * @param client The client.
 * @param doc_id The file's `doc_id` (from {@linkcode exportFileRepository}).
 * @param options A cancel signal.
 * @returns The name, MIME type and bytes.
 */
export async function exportFileFromRepository(
  client: RedcapConnection,
  doc_id: number,
  options: SignalOptions = {},
): Promise<RedcapFile> {
  const action = "download from the File Repository";
  const signal = signalOnly(action, options);
  const id = docId(action, doc_id);
  const file = await download(
    client,
    { content: "fileRepository", action: "export", doc_id: id },
    signal,
  );
  if (file.name === undefined) {
    throw new RedcapResponseError(
      "fileRepository",
      "shape",
      "the answer names no file (Content-Type name=)",
    );
  }
  return { name: file.name, type: file.type, content: file.content };
}

/**
 * Deletes a file of the File Repository (`content=fileRepository&action=delete`; REDCap keeps
 * it in its Recycle Bin for 30 days). Not retried: a repeat would fail because it is gone.
 *
 * @example Upload and delete a file
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * await client.importFileRepository({ file: { name: "old.txt", content: "x" } });
 * const entry = (await client.exportFileRepository()).find((e) => e.name === "old.txt")!;
 * await client.deleteFileRepository(entry.doc_id!);
 * strictEqual((await client.exportFileRepository()).some((e) => e.name === "old.txt"), false);
 * ```
 *
 * @param client The client.
 * @param doc_id The file's `doc_id`.
 * @param options A cancel signal.
 */
export async function deleteFileRepository(
  client: RedcapConnection,
  doc_id: number,
  options: SignalOptions = {},
): Promise<void> {
  const action = "delete from the File Repository";
  const signal = signalOnly(action, options);
  await sendText(client, {
    params: { content: "fileRepository", action: "delete", doc_id: docId(action, doc_id) },
    retry: "a repeated delete would fail: the file is gone",
    signal,
  });
}
