/**
 * {@linkcode exportFiles} and {@linkcode importFiles}: every file of one file-upload field, out
 * to a folder and back in. Files are named `record[_event][_instance]_name`: the event when the
 * project is longitudinal, the instance when the field's form repeats in that event.
 *
 * @module
 */
import { join } from "node:path";
import pl from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { exportRecords } from "../api/records.ts";
import { exportFile, importFile } from "../api/files.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { readDictionary } from "../read/dictionary.ts";

/** Options for {@linkcode exportFiles}. */
export interface ExportFilesOptions {
  /** The file-upload field. */
  field: string;
  /** The folder to write to (created when missing). */
  dir: string;
  /** Only these records. By default, every record with a file. */
  records?: readonly string[];
  /** The project's dictionary. By default it is read from the client (cached). */
  dictionary?: DataDictionary;
  /** Cancels between files. */
  signal?: AbortSignal;
}

/** Options for {@linkcode importFiles}. */
export interface ImportFilesOptions {
  /** The file-upload field. */
  field: string;
  /** The folder to read (every file in it is uploaded; sub-folders are skipped). */
  dir: string;
  /** The project's dictionary. By default it is read from the client (cached). */
  dictionary?: DataDictionary;
  /** Cancels between files. */
  signal?: AbortSignal;
}

/** One file moved by {@linkcode exportFiles} or {@linkcode importFiles}. */
export interface MovedFile {
  /** The record. */
  record: string;
  /** The event (`""` in classic projects). */
  event: string;
  /** The repeat instance (1 for non-repeating forms). */
  instance: number;
  /** The file's own name (as REDCap stores it). */
  name: string;
  /** The path in the folder. */
  path: string;
}

function fileField(dd: DataDictionary, field: string, action: string) {
  const info = dd.field(field);
  if (!info) throw new RangeError(`Cannot ${action}: "${field}" is not a field of the project`);
  if (info.type !== "file") {
    throw new RangeError(
      `Cannot ${action}: "${field}" is a ${info.type} field, not a file-upload field`,
    );
  }
  return info;
}

/** Whether the form of a field repeats in an event (so file names carry the instance). */
function repeatsIn(dd: DataDictionary, form: string, event: string): boolean {
  return dd.isRepeatingForm(form, event || undefined) || dd.isRepeatingEvent(event || undefined);
}

/** The file name for a file of a record, event and instance. */
function fileName(
  dd: DataDictionary,
  form: string,
  record: string,
  event: string,
  instance: number,
  name: string,
): string {
  let out = record;
  if (dd.longitudinal) out += `_${event}`;
  if (repeatsIn(dd, form, event)) out += `_${instance}`;
  return `${out}_${name.replace(/[/\\]/g, "_")}`;
}

/**
 * Downloads every file of a file-upload field (or those of some records) into a folder, one
 * file per record, event and instance, named `record[_event][_instance]_name`.
 *
 * @example Files out of one project, into a folder
 * ```ts
 * import { exportFiles } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 10 });
 * const dir = await Deno.makeTempDir();
 * const files = await exportFiles(client, { field: "lab_report", dir });
 * ok(files.every((f) => f.path.startsWith(dir)));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param client The client.
 * @param options The field, the folder, which records.
 * @returns The files written.
 */
export async function exportFiles(
  client: RedcapConnection,
  options: ExportFilesOptions,
): Promise<MovedFile[]> {
  const action = "export files";
  const dd = options.dictionary ?? await readDictionary(client, { signal: options.signal });
  const field = fileField(dd, options.field, action);
  const raw = await exportRecords(client, {
    fields: [dd.recordIdField, field.name],
    records: options.records,
    signal: options.signal,
  });
  await Deno.mkdir(options.dir, { recursive: true });
  if (frameHeight(raw) === 0 || !frameColumns(raw).includes(field.name)) return [];
  const text = (name: string) =>
    frameColumns(raw).includes(name)
      ? pl.col(name).cast(pl.String).fillNull(pl.lit("")).alias(name)
      : pl.lit("").alias(name);
  const rows = raw.filter(pl.col(field.name).isNotNull()).select(
    text(dd.recordIdField).alias("record"),
    text("redcap_event_name").alias("event"),
    text("redcap_repeat_instance").alias("instance"),
  ).toRecords() as { record: string; event: string; instance: string }[];
  const out: MovedFile[] = [];
  for (const row of rows) {
    options.signal?.throwIfAborted();
    const instance = row.instance === "" ? 1 : Number(row.instance);
    const file = await exportFile(client, {
      record: row.record,
      field: field.name,
      event: dd.longitudinal ? row.event : undefined,
      repeat_instance: instance,
      signal: options.signal,
    });
    const path = join(
      options.dir,
      fileName(dd, field.form, row.record, row.event, instance, file.name),
    );
    await Deno.writeFile(path, file.content);
    out.push({ record: row.record, event: row.event, instance, name: file.name, path });
  }
  return out;
}

/**
 * Uploads every file of a folder into a file-upload field, reading the record, event and
 * instance from each name (`record[_event][_instance]_name`, as {@linkcode exportFiles}
 * writes them). The records must exist. Every name is read before anything is uploaded: a
 * name naming no known record or event stops the call with nothing sent.
 *
 * @example Copy a field's files from one project to another
 * ```ts
 * import { exportFiles, importFiles, readRecords, writeRecords } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const source = createDemoClient({ records: 10 });
 * const target = createDemoClient({ records: 0 });
 * await writeRecords(target, (await readRecords(source)).data);
 * const dir = await Deno.makeTempDir();
 * const out = await exportFiles(source, { field: "lab_report", dir });
 * const back = await importFiles(target, { field: "lab_report", dir });
 * strictEqual(back.length, out.length);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param client The client.
 * @param options The field and the folder.
 * @returns The files uploaded.
 * @throws {RangeError} When a file name names no known record or event.
 */
export async function importFiles(
  client: RedcapConnection,
  options: ImportFilesOptions,
): Promise<MovedFile[]> {
  const action = "import files";
  const dd = options.dictionary ?? await readDictionary(client, { signal: options.signal });
  const field = fileField(dd, options.field, action);
  const ids = await exportRecords(client, { fields: [dd.recordIdField], signal: options.signal });
  const records = frameHeight(ids) === 0 ? [] : (ids.getColumn(dd.recordIdField)
    .unique().toArray() as (string | null)[]).filter((r): r is string => r !== null)
    // Longest first, so `1_2` wins over `1` for `1_2_x.pdf`.
    .sort((a, b) => b.length - a.length);
  const events = dd.events.map((e) => e.uniqueName).sort((a, b) => b.length - a.length);
  const plan: MovedFile[] = [];
  const unreadable: string[] = [];
  const names: string[] = [];
  for await (const entry of Deno.readDir(options.dir)) if (entry.isFile) names.push(entry.name);
  names.sort();
  for (const name of names) {
    const record = records.find((r) => name.startsWith(`${r}_`));
    if (record === undefined) {
      unreadable.push(`${name} (no such record)`);
      continue;
    }
    let rest = name.slice(record.length + 1);
    let event = "";
    if (dd.longitudinal) {
      const found = events.find((e) => rest.startsWith(`${e}_`));
      if (found === undefined) {
        unreadable.push(`${name} (no event of the project after the record)`);
        continue;
      }
      event = found;
      rest = rest.slice(found.length + 1);
    }
    let instance = 1;
    if (repeatsIn(dd, field.form, event)) {
      const match = /^(\d+)_/.exec(rest);
      if (!match) {
        unreadable.push(`${name} (no instance number: the form repeats)`);
        continue;
      }
      instance = Number(match[1]);
      rest = rest.slice(match[0].length);
    }
    if (rest === "") {
      unreadable.push(`${name} (no file name after the prefix)`);
      continue;
    }
    plan.push({ record, event, instance, name: rest, path: join(options.dir, name) });
  }
  if (unreadable.length > 0) {
    throw new RangeError(
      `Cannot ${action}: ${unreadable.length} file name(s) do not read as ` +
        `record${dd.longitudinal ? "_event" : ""}[_instance]_name: ${
          unreadable.slice(0, 5).join(", ")
        }${unreadable.length > 5 ? ", …" : ""}`,
    );
  }
  for (const file of plan) {
    options.signal?.throwIfAborted();
    await importFile(client, {
      record: file.record,
      field: field.name,
      event: dd.longitudinal ? file.event : undefined,
      repeat_instance: file.instance,
      file: { name: file.name, content: await Deno.readFile(file.path) },
      signal: options.signal,
    });
  }
  return plan;
}
