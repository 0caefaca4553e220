/** readDataset: the typed, labelled frames writeDataset wrote come back (Parquet and CSV). */
import { deepStrictEqual, ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { readDataset, writeDataset } from "../../mod.ts";
import { readInstruments } from "../../lib/read/read_records.ts";
import { readDictionary } from "../../lib/read/dictionary.ts";
import { columnLabels } from "../../lib/transform/label.ts";
import { createDemoClient } from "../../lib/demo/client.ts";

async function demoForms(options: { checkboxes?: "boolean" | "list" } = {}) {
  const client = createDemoClient({ records: 12 });
  const forms = await readInstruments(client, options);
  return { forms, dictionary: await readDictionary(client) };
}

function dtypes(df: pl.DataFrame): string[] {
  return df.columns.map((c) => String(df.getColumn(c).dtype));
}

for (const format of ["parquet", "csv"] as const) {
  Deno.test(`readDataset gives back the typed, labelled frames written as ${format}`, async () => {
    const { forms, dictionary } = await demoForms({ checkboxes: "list" });
    const dir = await Deno.makeTempDir();
    try {
      const { files } = await writeDataset(forms, dir, { dictionary, format });
      ok(files.some((f) => f.endsWith(`codebook.${format}`)));
      const back = await readDataset(dir);
      deepStrictEqual([...back.frames.keys()], [...forms.keys()]);
      for (const [name, frame] of forms) {
        const read = back.frames.get(name)!;
        deepStrictEqual(dtypes(read), dtypes(frame), name);
        deepStrictEqual(read.toRecords(), frame.toRecords(), name);
        deepStrictEqual(columnLabels(read), columnLabels(frame), name);
      }
      ok(back.frames.get("enrollment")!.getColumn("sex").dtype.equals(pl.Categorical));
      deepStrictEqual(back.dictionary.columns(), dictionary.columns());
      deepStrictEqual(back.dictionary.levels("sex"), dictionary.levels("sex"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
