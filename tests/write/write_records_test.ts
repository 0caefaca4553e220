import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { readRecords } from "../../lib/read/read_records.ts";
import { readProjectXml } from "../../lib/server/odm/project_xml.ts";
import { demoProject } from "../../lib/server/demo/mod.ts";
import { toEav } from "../../lib/transform/eav.ts";
import { ImportBatchError } from "../../lib/write/errors.ts";
import { writeRecords } from "../../lib/write/write_records.ts";
import { CORPUS_DIR, NO_CORPUS } from "../_helpers.ts";
import { classicProject, longitudinalProject } from "../server/records/_projects.ts";
import { emptyCopy, generateProject } from "./_generate.ts";
import { plainRows, projectClient, stringFrame } from "./_setup.ts";

/** Columns REDCap fills itself or that travel as files, left out of record comparisons. */
function comparable(df: pl.DataFrame, drop: string[]): pl.DataFrame {
  const columns = df.getColumns().map((s) => s.name).filter((c) => !drop.includes(c));
  return df.select(...columns);
}

Deno.test("writeRecords() round-trips the demo's typed frame into an empty copy", async () => {
  const source = await projectClient("demo", { demoRecords: 40 });
  const target = await projectClient(demoProject({ records: 0 }));
  for (const mode of [{}, { labels: "code", checkboxes: "list" }, { labels: "both" }] as const) {
    const { data } = await readRecords(source.client, mode);
    const result = await writeRecords(target.client, data, { batchSize: 9 });
    strictEqual(result.count, 40);
    strictEqual(result.batches.length, 5);
    strictEqual(result.imported.length, 40);
    ok(result.batches.every((b) => b.status === "imported"));
    deepStrictEqual(result.warnings.map((w) => w.field), ["bmi", "lab_report"]);
    const back = (await readRecords(target.client, mode)).data;
    deepStrictEqual(
      plainRows(comparable(back, ["lab_report"])),
      plainRows(comparable(data, ["lab_report"])),
    );
    // The unchanged frame previews as no change.
    const dry = await writeRecords(target.client, data, { dryRun: true });
    strictEqual(dry.changes?.size, 0, String(dry.changes));
  }
});

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  Deno.test(`writeRecords() round-trips generated project ${seed} (typed and raw)`, async () => {
    const definition = generateProject(seed);
    const source = await projectClient(definition);
    const { data } = await readRecords(source.client);
    const target = await projectClient(emptyCopy(definition));
    await writeRecords(target.client, data, { batchSize: 3 });
    const back = (await readRecords(target.client)).data;
    deepStrictEqual(plainRows(back), plainRows(data));
    const rawSource = await source.client.exportRecords();
    const dry = await writeRecords(source.client, data, { dryRun: true });
    strictEqual(dry.changes?.size, 0, JSON.stringify(dry.changes?.changes.slice(0, 3)));
    // A raw string frame round-trips byte for byte (a typed one may drop trailing zeros of
    // `number` fields: 91.540 → 91.54).
    const raw = await projectClient(emptyCopy(definition));
    await writeRecords(raw.client, rawSource);
    deepStrictEqual(plainRows(await raw.client.exportRecords()), plainRows(rawSource));
  });
}

Deno.test("writeRecords() imports EAV frames (toEav shape) and previews them", async () => {
  const definition = generateProject(3);
  const source = await projectClient(definition);
  const raw = await source.client.exportRecords();
  const eav = toEav(raw, source.dd);
  const target = await projectClient(emptyCopy(definition));
  const result = await writeRecords(target.client, eav, { batchSize: 2 });
  ok(result.batches.length > 1);
  deepStrictEqual(plainRows(await target.client.exportRecords()), plainRows(raw));
  const dry = await writeRecords(target.client, eav, {
    dryRun: true,
    overwriteBehavior: "overwrite",
  });
  strictEqual(dry.changes?.size, 0);
});

Deno.test("writeRecords() dry run lists added, updated and erased values without sending", async () => {
  const { client, dd, requests } = await projectClient(classicProject());
  await client.importRecords([{ record_id: "1", name: "Ann", age: "30", race___1: "1" }]);
  const frame = stringFrame([
    { record_id: "1", name: "Anne", age: null, race___1: "0" },
    { record_id: "2", name: "Bo", age: "41", race___1: "0" },
  ]);
  const before = requests();
  const normal = await writeRecords(client, frame, { dryRun: true, dictionary: dd });
  const changes = normal.changes!;
  deepStrictEqual(
    changes.changes.map((c) => [c.record, c.field, c.old, c.new, c.action]),
    [
      ["1", "name", "Ann", "Anne", "update"],
      ["1", "race___1", "1", "0", "update"],
      ["2", "name", null, "Bo", "add"],
      ["2", "age", null, "41", "add"],
    ],
  );
  deepStrictEqual(changes.wouldErase.map((c) => [c.record, c.field, c.old]), [["1", "age", "30"]]);
  const overwrite = await writeRecords(client, frame, {
    dryRun: true,
    overwriteBehavior: "overwrite",
    dictionary: dd,
  });
  ok(overwrite.changes!.changes.some((c) => c.field === "age" && c.action === "erase"));
  strictEqual(overwrite.changes!.wouldErase.length, 0);
  strictEqual(requests() - before, 2, "one export per dry run, no import");
  const stored = await client.exportRecords({ records: ["1"], fields: ["name"] });
  strictEqual(stored.getColumn("name").get(0), "Ann");
  // The Jupyter display is a table of the changes.
  const bundle = changes[Symbol.for("Jupyter.display") as keyof typeof changes] as () => {
    "text/html": string;
  };
  const html = bundle.call(changes)["text/html"];
  ok(html.includes("Anne") && html.includes("overwrite"));
  // Importing for real does what the preview said.
  await writeRecords(client, frame, { overwriteBehavior: "overwrite", dictionary: dd });
  const after = await client.exportRecords({ records: ["1"], fields: ["name", "age"] });
  deepStrictEqual(after.select("name", "age").toRecords(), [{ name: "Anne", age: null }]);
});

Deno.test("writeRecords() reports which records landed when a batch fails", async () => {
  const { client, dd, store, projectId } = await projectClient(classicProject());
  const rows = Array.from({ length: 10 }, (_, i) => ({
    record_id: String(i + 1),
    sex: i === 6 ? "3" : "1",
  }));
  const error = await writeRecords(client, stringFrame(rows), {
    dictionary: dd,
    batchSize: 3,
    skipValidation: true,
  }).catch((e) => e);
  ok(error instanceof ImportBatchError, String(error));
  deepStrictEqual(error.result.imported, ["1", "2", "3", "4", "5", "6"]);
  deepStrictEqual(error.result.failed, ["7", "8", "9"]);
  deepStrictEqual(error.result.notSent, ["10"]);
  deepStrictEqual(error.result.batches.map((b: { status: string }) => b.status), [
    "imported",
    "imported",
    "failed",
    "not_sent",
  ]);
  deepStrictEqual(store.records(projectId).map((r) => r.record).sort(), [
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
  ]);
});

Deno.test("writeRecords() never repeats an auto-numbering batch whose answer was lost", async () => {
  let failNext = false;
  const { client, dd, store, projectId, requests } = await projectClient(classicProject(), {
    wrap: (send) => async (request) => {
      const response = await send(request);
      if (failNext) {
        failNext = false;
        throw new TypeError("connection reset");
      }
      return response;
    },
  });
  failNext = true;
  const before = requests();
  const error = await writeRecords(client, stringFrame([{ record_id: "x", name: "Ann" }]), {
    dictionary: dd,
    forceAutoNumber: true,
  }).catch((e) => e);
  ok(error instanceof ImportBatchError, String(error));
  deepStrictEqual(error.result.uncertain, ["x"]);
  strictEqual(requests() - before, 1, "not retried");
  strictEqual(store.records(projectId).length, 1, "the record landed once");
  // A plain import is safe to repeat: it is retried and succeeds.
  failNext = true;
  const ok2 = await writeRecords(client, stringFrame([{ record_id: "5", name: "Bo" }]), {
    dictionary: dd,
  });
  deepStrictEqual(ok2.imported, ["5"]);
});

Deno.test("writeRecords() maps given ids to assigned ones with forceAutoNumber", async () => {
  const { client, dd } = await projectClient(classicProject());
  await client.importRecords([{ record_id: "7", name: "Old" }]);
  const result = await writeRecords(
    client,
    stringFrame([
      { record_id: "a", name: "Ann" },
      { record_id: "b", name: "Bo" },
    ]),
    { dictionary: dd, forceAutoNumber: true, batchSize: 1 },
  );
  deepStrictEqual(result.autoIds, { a: "8", b: "9" });
  const back = await client.exportRecords({ records: ["8", "9"], fields: ["record_id", "name"] });
  deepStrictEqual(back.select("record_id", "name").toRecords(), [
    { record_id: "8", name: "Ann" },
    { record_id: "9", name: "Bo" },
  ]);
});

Deno.test('writeRecords() adds repeat instances with redcap_repeat_instance "new"', async () => {
  const { client, dd } = await projectClient(classicProject());
  const visit = (score: string) => ({
    record_id: "1",
    redcap_repeat_instrument: "visits",
    redcap_repeat_instance: "new",
    visit_score: score,
  });
  await writeRecords(client, stringFrame([visit("1")]), { dictionary: dd });
  await writeRecords(client, stringFrame([visit("2")]), { dictionary: dd });
  const back = await client.exportRecords({ records: ["1"], fields: ["record_id", "visit_score"] });
  deepStrictEqual(
    back.filter(pl.col("redcap_repeat_instrument").eq(pl.lit("visits")))
      .select("redcap_repeat_instance", "visit_score").toRecords(),
    [{ redcap_repeat_instance: "1", visit_score: "1" }, {
      redcap_repeat_instance: "2",
      visit_score: "2",
    }],
  );
});

Deno.test("writeRecords() runs batches concurrently in a longitudinal project", async () => {
  const definition = longitudinalProject();
  const { client, dd } = await projectClient(definition);
  const rows = Array.from({ length: 12 }, (_, i) => ({
    study_id: String(i + 1),
    redcap_event_name: "baseline_arm_1",
    dob: `2000-01-${String(i + 1).padStart(2, "0")}`,
  }));
  const result = await writeRecords(client, stringFrame(rows), {
    dictionary: dd,
    batchSize: 2,
    concurrency: 3,
  });
  strictEqual(result.batches.length, 6);
  strictEqual(result.count, 12);
  const back = await client.exportRecords({ fields: ["study_id", "dob"] });
  strictEqual(back.getColumn("dob").toArray().filter((v) => v !== null).length, 12);
});

const PROJECTS = "OuhscBbmc/REDCapR/inst/test-data/projects/";
/** Corpus folders whose data REDCap itself would reject (see import_corpus_test.ts). */
const REJECTED = new Set(["simple", "potentially-problematic-values", "russian"]);

Deno.test({
  name: "writeRecords() round-trips every corpus project read with readRecords",
  ignore: NO_CORPUS,
  async fn() {
    const dirs = [...Deno.readDirSync(CORPUS_DIR + PROJECTS)].map((e) => e.name).sort();
    let done = 0;
    for (const name of dirs) {
      let xml: string;
      try {
        xml = Deno.readTextFileSync(`${CORPUS_DIR}${PROJECTS}${name}/project.xml`);
      } catch {
        continue;
      }
      if (REJECTED.has(name)) continue;
      const definition = readProjectXml(xml);
      const source = await projectClient(definition);
      const { data } = await readRecords(source.client);
      const target = await projectClient(emptyCopy(definition));
      // File fields travel with importFiles; calculated fields are recomputed by the server
      // (the XML holds values computed years ago, e.g. ages from today's date).
      const files = source.dd.fields.filter((f) =>
        f.type === "file" || f.type === "calc" || /@CALC(TEXT|DATE)/.test(f.annotation)
      ).map((f) => f.name);
      await writeRecords(target.client, data);
      const back = (await readRecords(target.client)).data;
      deepStrictEqual(plainRows(comparable(back, files)), plainRows(comparable(data, files)), name);
      const dry = await writeRecords(source.client, data, { dryRun: true });
      strictEqual(
        dry.changes?.size,
        0,
        `${name}: ${JSON.stringify(dry.changes?.changes.slice(0, 3))}`,
      );
      done++;
    }
    ok(done >= 15, `only ${done} corpus projects`);
  },
});

Deno.test("writeRecords() batches whole records when a record's rows are apart", async () => {
  const { client, dd } = await projectClient(classicProject());
  const frame = stringFrame([
    {
      record_id: "1",
      redcap_repeat_instrument: null,
      redcap_repeat_instance: null,
      name: "A",
      visit_score: null,
    },
    {
      record_id: "2",
      redcap_repeat_instrument: null,
      redcap_repeat_instance: null,
      name: "B",
      visit_score: null,
    },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      name: null,
      visit_score: "5",
    },
    {
      record_id: "3",
      redcap_repeat_instrument: null,
      redcap_repeat_instance: null,
      name: "C",
      visit_score: null,
    },
  ]);
  const result = await writeRecords(client, frame, { dictionary: dd, batchSize: 1 });
  deepStrictEqual(result.batches.map((b) => b.records), [["1"], ["2"], ["3"]]);
  const back = await client.exportRecords({ records: ["1"], fields: ["record_id", "visit_score"] });
  ok((back.getColumn("visit_score").toArray() as unknown[]).includes("5"));
});
