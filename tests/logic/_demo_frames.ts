/** The demo study read as frames, for the logic tests. */
import type pl from "../../lib/deps/polars.ts";
import type { FieldMetadata } from "../../lib/dictionary/metadata.ts";
import { readRecords } from "../../lib/read/read_records.ts";
import { createDemoClient } from "../../lib/demo/client.ts";

/** The demo read three ways: labels as codes, as labels, and both. */
export async function demoFrames(
  checkboxes: "boolean" | "list" = "boolean",
): Promise<{ frames: Record<string, pl.DataFrame>; metadata: FieldMetadata[] }> {
  const client = createDemoClient();
  const frames: Record<string, pl.DataFrame> = {};
  let metadata: FieldMetadata[] = [];
  for (const labels of ["code", "label", "both"] as const) {
    const read = await readRecords(client, { labels, checkboxes });
    frames[labels] = read.data;
    metadata = read.dictionary.metadata as FieldMetadata[];
  }
  return { frames, metadata };
}
