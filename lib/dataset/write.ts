/**
 * {@linkcode writeDataset}: instrument frames to Parquet (or CSV) files that keep their labels.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { join } from "node:path";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { codebook } from "../dictionary/codebook.ts";
import { columnLabels } from "../transform/label.ts";
import { addKeyValueMetadata } from "./_parquet_kv.ts";
import { frameColumns } from "../frame.ts";
import { columnMetadata, dictionaryJson, dtypeName, MANIFEST, type Manifest } from "./_columns.ts";

/** Options for {@linkcode writeDataset}. */
export interface WriteDatasetOptions {
  /** The dictionary the frames were read with (`readRecords(...).dictionary`). */
  dictionary: DataDictionary;
  /** File format.
   * @default {"parquet"}
   */
  format?: "parquet" | "csv";
  /**
   * Writes under `dir/project=<project>/` (hive partitioning), so that several projects in
   * one root read as one table with a `project` column.
   */
  project?: string | number;
}

/** What {@linkcode writeDataset} wrote. */
export interface WriteDatasetResult {
  /** The folder holding the files. */
  dir: string;
  /** Data files by instrument, then the codebook and the manifest. */
  files: string[];
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Writes instrument frames (what `readInstruments` gives) as one file per instrument, plus a
 * codebook (`codebook.parquet`/`.csv`) and a manifest (`dataset.json`, the dictionary and the
 * columns' dtypes, which `readDataset` reads back).
 *
 * Each Parquet file carries, in its key-value metadata, for every column: `label.<column>`,
 * `type.<column>` (REDCap's field type), `validation.<column>`, `units.<column>` (a numeric
 * field's note) and `value_labels.<column>` (a JSON object of code → label, in dictionary
 * order); and `denocap.instrument`, `denocap.record_id_field`. DuckDB reads them with
 * `parquet_kv_metadata()`, pyarrow with `pq.read_schema(f).metadata`, R's arrow with
 * `read_parquet(f, as_data_frame = FALSE)$metadata`. Polars writes each file; since
 * nodejs-polars cannot write key-value metadata, the metadata is then added to the file's
 * footer in place.
 *
 * @example Hand off the demo's instruments and read them back
 * ```ts
 * import { readDataset, readRecords, writeDataset } from "denocap";
 * import { splitInstruments } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const { data, dictionary } = await readRecords(createDemoClient({ records: 5 }));
 * const forms = splitInstruments(data, dictionary);
 * const dir = await Deno.makeTempDir();
 * await writeDataset(forms, dir, { dictionary });
 * const back = await readDataset(dir);
 * deepStrictEqual([...back.frames.keys()], [...forms.keys()]);
 * deepStrictEqual(back.frames.get("vitals")!.toRecords(), forms.get("vitals")!.toRecords());
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param frames Frames by instrument name (`readInstruments`, `splitInstruments`).
 * @param dir The dataset folder (created when missing), or the root of a partitioned dataset.
 * @param options The dictionary; format; project partition.
 * @returns The folder and the files written.
 * @throws {RangeError} For a bad format, project or instrument name.
 */
export async function writeDataset(
  frames: ReadonlyMap<string, DataFrame>,
  dir: string,
  options: WriteDatasetOptions,
): Promise<WriteDatasetResult> {
  const { dictionary, format = "parquet" } = options ?? {};
  if (!dictionary || typeof dictionary.columnInfo !== "function") {
    throw new TypeError('Cannot write dataset: "dictionary" is required (readRecords gives it)');
  }
  if (format !== "parquet" && format !== "csv") {
    throw new RangeError(
      `Cannot write dataset: "format" must be "parquet" or "csv", got ${JSON.stringify(format)}`,
    );
  }
  let target = dir;
  const project = options.project === undefined ? undefined : String(options.project);
  if (project !== undefined) {
    if (!NAME.test(project)) {
      throw new RangeError(
        `Cannot write dataset: "project" must be letters, digits, "_", "-" or ".", got ${
          JSON.stringify(project)
        }`,
      );
    }
    target = join(dir, `project=${project}`);
  }
  for (const name of frames.keys()) {
    if (!NAME.test(name)) {
      throw new RangeError(`Cannot write dataset: bad instrument name ${JSON.stringify(name)}`);
    }
  }
  await Deno.mkdir(target, { recursive: true });
  const manifest: Manifest = {
    denocap_dataset: 1,
    format,
    ...(project !== undefined ? { project } : {}),
    dictionary: dictionaryJson(dictionary),
    files: [],
    codebook: `codebook.${format}`,
  };
  const written: string[] = [];
  for (const [instrument, frame] of frames) {
    const file = `${instrument}.${format}`;
    const path = join(target, file);
    const labels = { ...columnLabels(frame) };
    if (format === "parquet") {
      frame.writeParquet(path);
      await addKeyValueMetadata(path, {
        "denocap.instrument": instrument,
        "denocap.record_id_field": dictionary.recordIdField,
        ...columnMetadata(dictionary, frameColumns(frame), labels),
      });
    } else writeCsv(frame, path);
    manifest.files.push({
      instrument,
      file,
      labels,
      dtypes: Object.fromEntries(
        frameColumns(frame).map((c) => [c, dtypeName(frame.getColumn(c).dtype)]),
      ),
    });
    written.push(path);
  }
  const book = codebook(dictionary);
  const bookPath = join(target, manifest.codebook);
  if (format === "parquet") book.writeParquet(bookPath);
  else book.writeCSV(bookPath);
  const manifestPath = join(target, MANIFEST);
  await Deno.writeTextFile(manifestPath, JSON.stringify(manifest, null, 1) + "\n");
  return { dir: target, files: [...written, bookPath, manifestPath] };
}

/** CSV: list columns (checkboxes "list") as JSON arrays, since CSV has no lists. */
function writeCsv(frame: pl.DataFrame, path: string): void {
  let out = frame;
  for (const column of frameColumns(frame)) {
    const series = frame.getColumn(column);
    if (series.dtype.variant === "List") {
      const values = series.toArray().map((v) =>
        v === null || v === undefined ? null : JSON.stringify(Array.from(v as Iterable<unknown>))
      );
      out = out.withColumn(pl.Series(column, values, pl.String));
    }
  }
  out.writeCSV(path);
}
