/** Loaders for the `tests/fixtures/` projects and the shared corpus (skipped when absent). */
import pl from "../../lib/deps/polars.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { parseCsvObjects } from "../../lib/parse/csv_rows.ts";

const fixtures = new URL("../fixtures/", import.meta.url);

/** Reads a fixture file as text. */
export function fixtureText(path: string): string {
  return Deno.readTextFileSync(new URL(path, fixtures));
}

/** Reads CSV text as REDCap strings (no type guessing; blanks null). */
export function readStrings(text: string): pl.DataFrame {
  return pl.readCSV(text, { inferSchemaLength: 0 });
}

/** The longitudinal, repeating "clinic" fixture project. */
export function clinic(): { dd: DataDictionary; flat: pl.DataFrame; eav: pl.DataFrame } {
  const dd = DataDictionary.fromMetadata(
    JSON.parse(fixtureText("clinic/metadata.json")),
    JSON.parse(fixtureText("clinic/structure.json")),
  );
  return {
    dd,
    flat: readStrings(fixtureText("clinic/flat.csv")),
    eav: readStrings(fixtureText("clinic/eav.csv")),
  };
}

/** The shared corpus folder beside the checkout. */
export const corpus = new URL("../../../shared/redcap-corpus/", import.meta.url);

/** Whether the corpus is present (tests skip with a message otherwise). */
export const hasCorpus: boolean = (() => {
  try {
    return Deno.statSync(corpus).isDirectory;
  } catch {
    return false;
  }
})();
if (!hasCorpus) {
  console.log("redcap-corpus not found beside the checkout: corpus tests are skipped");
}

/** Reads a corpus file as text. */
export function corpusText(path: string): string {
  return Deno.readTextFileSync(new URL(path, corpus));
}

/** A REDCapR test project's dictionary (UI headers, maybe a BOM). */
export function redcaprDictionary(tag: string, file = "dictionary.csv"): DataDictionary {
  return DataDictionary.fromMetadata(
    parseCsvObjects(corpusText(`OuhscBbmc/REDCapR/inst/test-data/projects/${tag}/${file}`)),
  );
}

/** A REDCapR test project's data.csv as strings. */
export function redcaprData(tag: string): pl.DataFrame {
  return readStrings(corpusText(`OuhscBbmc/REDCapR/inst/test-data/projects/${tag}/data.csv`));
}

/** A corpus `*.R.json` / `*.RDS.json` frame: columns with name, r_type and values. */
export interface RFrame {
  nrow: number;
  columns: { name: string; r_type: string; values: unknown[]; levels?: string[] }[];
}

/** Reads a corpus R frame. */
export function readRFrame(path: string): RFrame {
  return JSON.parse(corpusText(path));
}

/** Frames as plain rows for comparison. */
export function rows(df: pl.DataFrame): Record<string, unknown>[] {
  return df.toRecords() as Record<string, unknown>[];
}
