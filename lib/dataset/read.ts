/**
 * {@linkcode readDataset}: a hand-off written by `writeDataset` read back, with no server.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { join } from "node:path";
import { DataDictionary } from "../dictionary/data_dictionary.ts";
import { withColumnLabels } from "../transform/label.ts";
import { dtypeOf, MANIFEST, type Manifest } from "./_columns.ts";

/** Options for {@linkcode readDataset}. */
export interface ReadDatasetOptions {
  /** Reads the partition `dir/project=<project>/` of a dataset root. */
  project?: string | number;
}

/** What {@linkcode readDataset} returns. */
export interface Dataset {
  /** Typed frames by instrument, in dictionary order, with their column labels. */
  frames: Map<string, DataFrame>;
  /** The project's data dictionary, as the frames were read with. */
  dictionary: DataDictionary;
  /** The project partition, when the hand-off was written with one. */
  project?: string;
}

/**
 * The `project=<id>` partitions of a dataset root, sorted.
 *
 * @example List the projects of a root
 * ```ts
 * import { datasetProjects } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/project=12`);
 * await Deno.mkdir(`${root}/project=7`);
 * deepStrictEqual(await datasetProjects(root), ["12", "7"]);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param dir The dataset root.
 * @returns The partition ids.
 * @throws {RangeError} When the folder does not exist.
 */
export async function datasetProjects(dir: string): Promise<string[]> {
  const projects: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = /^project=(.+)$/.exec(entry.name);
      if (entry.isDirectory && match) projects.push(match[1]);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new RangeError(`Cannot read dataset "${dir}": no such folder`);
    }
    throw error;
  }
  return projects.sort();
}

/** Casts a column read from a file back to the dtype it was written with. */
function restore(series: pl.Series, name: string): pl.Series {
  const target = dtypeOf(name);
  if (series.dtype.equals(target)) return series;
  if (series.dtype.equals(pl.String)) {
    // CSV: every column is text.
    if (name === "Bool") {
      return pl.Series(
        series.name,
        series.toArray().map((v) => v === null ? null : v === "true"),
        pl.Bool,
      );
    }
    if (name.startsWith("List(")) {
      return pl.Series(
        series.name,
        series.toArray().map((v) => v === null ? null : JSON.parse(v as string)),
        target,
      );
    }
    if (name === "Date") return series.str.strptime(pl.Date, "%Y-%m-%d");
    if (name.startsWith("Datetime")) {
      return series.str.strptime(pl.Datetime("ms"), "%Y-%m-%dT%H:%M:%S%.f").cast(target);
    }
  }
  return series.cast(target);
}

/**
 * Reads a hand-off written by {@linkcode writeDataset} (Parquet or CSV): the same typed frames
 * (dtypes restored, coded columns Categorical with levels in dictionary order by `levels()`,
 * column labels attached) and the {@linkcode DataDictionary}, with no server, so a snapshot
 * can be analysed offline and shared.
 *
 * @example Read one project of a partitioned dataset root
 * ```ts
 * import { readDataset, readInstruments, writeDataset, readDictionary } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 3 });
 * const forms = await readInstruments(client, { forms: ["enrollment"] });
 * const dictionary = await readDictionary(client);
 * const root = await Deno.makeTempDir();
 * await writeDataset(forms, root, { dictionary, project: 7, format: "csv" });
 * const { frames, project } = await readDataset(root, { project: 7 });
 * strictEqual(project, "7");
 * strictEqual(frames.get("enrollment")!.height, 3);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param dir A hand-off folder, or a dataset root with `project` given.
 * @param options The project partition to read.
 * @returns The frames, the dictionary and the project partition.
 * @throws {RangeError} When the folder holds no hand-off (naming the partitions it holds).
 */
export async function readDataset(dir: string, options: ReadDatasetOptions = {}): Promise<Dataset> {
  const folder = options.project === undefined ? dir : join(dir, `project=${options.project}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(join(folder, MANIFEST)));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new RangeError(`Cannot read dataset "${folder}": ${MANIFEST} is not valid JSON`);
    }
    const projects = options.project === undefined ? await datasetProjects(dir) : [];
    throw new RangeError(
      projects.length > 0
        ? `Cannot read dataset "${dir}": it is a root of ${projects.length} projects; pass ` +
          `"project" (one of ${projects.map((p) => JSON.stringify(p)).join(", ")})`
        : `Cannot read dataset "${folder}": it has no ${MANIFEST} (writeDataset writes one)`,
    );
  }
  if (manifest.denocap_dataset !== 1) {
    throw new RangeError(`Cannot read dataset "${folder}": unknown manifest version`);
  }
  const dictionary = DataDictionary.fromMetadata(
    manifest.dictionary.metadata,
    manifest.dictionary.structure,
  );
  const frames = new Map<string, pl.DataFrame>();
  for (const { instrument, file, dtypes, labels } of manifest.files) {
    const path = join(folder, file);
    const raw = manifest.format === "parquet"
      ? pl.readParquet(path)
      : pl.readCSV(path, { inferSchemaLength: 0 });
    const columns = Object.keys(dtypes).map((c) => restore(raw.getColumn(c), dtypes[c]));
    const frame = columns.length > 0 ? pl.DataFrame(columns) : pl.DataFrame();
    frames.set(instrument, withColumnLabels(frame, labels));
  }
  return { frames, dictionary, ...(manifest.project ? { project: manifest.project } : {}) };
}
