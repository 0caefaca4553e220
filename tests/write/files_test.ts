import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { readRecords } from "../../lib/read/read_records.ts";
import { demoProject } from "../../lib/server/demo/mod.ts";
import { exportFiles, importFiles } from "../../lib/write/files.ts";
import { writeRecords } from "../../lib/write/write_records.ts";
import { classicProject } from "../server/records/_projects.ts";
import { plainRows, projectClient } from "./_setup.ts";

Deno.test("exportFiles() and importFiles() copy a file field between projects", async () => {
  const source = await projectClient("demo", { demoRecords: 20 });
  const target = await projectClient(demoProject({ records: 0 }));
  const { data } = await readRecords(source.client);
  await writeRecords(target.client, data);
  const dir = await Deno.makeTempDir();
  try {
    const out = await exportFiles(source.client, { field: "lab_report", dir });
    ok(out.length > 0);
    for (const file of out) {
      // Longitudinal: record_event_name.
      ok(file.path.endsWith(`${file.record}_${file.event}_${file.name}`), file.path);
    }
    const back = await importFiles(target.client, { field: "lab_report", dir });
    deepStrictEqual(
      back.map((f) => [f.record, f.event, f.instance, f.name]).sort(),
      out.map((f) => [f.record, f.event, f.instance, f.name]).sort(),
    );
    // With the files in place the two projects read the same, file names included.
    deepStrictEqual(plainRows((await readRecords(target.client)).data), plainRows(data));
    const first = out[0];
    const a = await source.client.exportFile({
      record: first.record,
      field: "lab_report",
      event: first.event,
    });
    const b = await target.client.exportFile({
      record: first.record,
      field: "lab_report",
      event: first.event,
    });
    deepStrictEqual(b.content, a.content);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exportFiles() names files of a repeating form with their instance", async () => {
  const source = await projectClient(classicProject());
  await source.client.importRecords([
    { record_id: "1", name: "Ann" },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "2",
      visit_score: "3",
    },
  ]);
  await source.client.importFile({
    record: "1",
    field: "visit_file",
    repeat_instance: 2,
    file: { name: "scan_a.txt", content: "hello" },
  });
  const dir = await Deno.makeTempDir();
  try {
    const out = await exportFiles(source.client, { field: "visit_file", dir });
    deepStrictEqual(out.map((f) => f.path.slice(dir.length + 1)), ["1_2_scan_a.txt"]);
    strictEqual(await Deno.readTextFile(out[0].path), "hello");
    const target = await projectClient(classicProject());
    await target.client.importRecords([{ record_id: "1", name: "Ann" }]);
    const back = await importFiles(target.client, { field: "visit_file", dir });
    deepStrictEqual(back.map((f) => [f.record, f.instance, f.name]), [["1", 2, "scan_a.txt"]]);
    const file = await target.client.exportFile({
      record: "1",
      field: "visit_file",
      repeat_instance: 2,
    });
    strictEqual(new TextDecoder().decode(file.content), "hello");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("importFiles() uploads nothing when a file name names no record", async () => {
  const target = await projectClient(classicProject());
  await target.client.importRecords([{ record_id: "1", name: "Ann" }]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/1_photo.png`, "x");
    await Deno.writeTextFile(`${dir}/99_photo.png`, "y");
    await rejects(
      importFiles(target.client, { field: "photo", dir }),
      /99_photo\.png \(no such record\)/,
    );
    const error = await target.client.exportFile({ record: "1", field: "photo" }).catch((e) => e);
    ok(error instanceof Error, "nothing was uploaded");
    await rejects(importFiles(target.client, { field: "name", dir }), /not a file-upload field/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
