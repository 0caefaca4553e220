/**
 * The analyst's round trip: readInstruments() → writeRecords() for every instrument (repeating
 * ones included), on the demo and on real Project XML files of the corpus (REDCapR's
 * repeating-instruments, checkboxes-1, longitudinal, vignette-repeating, dag) loaded into the
 * local server; extra columns, grouped validation messages, the dry-run change set and DAG
 * names written back.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { readInstruments, readRecords } from "../../lib/read/read_records.ts";
import { ImportValidationError } from "../../lib/write/errors.ts";
import { writeRecords } from "../../lib/write/write_records.ts";
import { CORPUS_DIR, NO_CORPUS } from "../_helpers.ts";
import { plainRows, projectClient, stringFrame } from "./_setup.ts";
import type { RedcapClient } from "../../lib/client.ts";
import type { ProjectSource } from "../../lib/server/load.ts";
import { longitudinalProject } from "../server/records/_projects.ts";

const PROJECTS = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/`;

/** Every instrument's table written back unchanged: dry run empty, import accepted, same data. */
async function roundTrip(source: ProjectSource, records?: number): Promise<string[]> {
  const { client } = await projectClient(source, { demoRecords: records });
  return await roundTripOn(client, String(typeof source === "string" ? source : "definition"));
}

async function roundTripOn(client: RedcapClient, source: string): Promise<string[]> {
  const before = plainRows((await readRecords(client, { labels: "code" })).data);
  const forms = await readInstruments(client);
  const written: string[] = [];
  for (const [form, frame] of forms) {
    const preview = await writeRecords(client, frame, { dryRun: true });
    strictEqual(preview.changes?.size, 0, `${source} ${form}: nothing changes`);
    deepStrictEqual(preview.changes?.newRecords, [], `${source} ${form}: no new record`);
    const result = await writeRecords(client, frame);
    ok(result.batches.every((b) => b.status === "imported"), `${source} ${form} imported`);
    if (frame.shape.height > 0) written.push(form);
  }
  deepStrictEqual(plainRows((await readRecords(client, { labels: "code" })).data), before);
  return written;
}

Deno.test("readInstruments() → writeRecords() round-trips every demo instrument, repeating ones included", async () => {
  const written = await roundTrip("demo", 20);
  ok(written.includes("adverse_events"), "the repeating instrument was written");
});

for (
  const name of ["repeating-instruments", "checkboxes-1", "longitudinal", "vignette-repeating"]
) {
  Deno.test({
    name: `readInstruments() → writeRecords() round-trips REDCapR's ${name} Project XML`,
    ignore: NO_CORPUS,
    fn: async () => {
      const written = await roundTrip(`${PROJECTS}${name}/project.xml`);
      ok(written.length > 0);
    },
  });
}

Deno.test("a form that repeats as an instrument in one event and in a repeating event elsewhere writes back", async () => {
  const { client } = await projectClient(longitudinalProject());
  await writeRecords(
    client,
    stringFrame([
      { study_id: "1", redcap_event_name: "baseline_arm_1", dob: "2000-01-01", hr: "60" },
      { study_id: "1", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "1", hr: "61" },
      { study_id: "1", redcap_event_name: "followup_arm_1", redcap_repeat_instance: "2", hr: "62" },
      { study_id: "2", redcap_event_name: "baseline_arm_2", dob: "2001-01-01" },
      {
        study_id: "2",
        redcap_event_name: "baseline_arm_2",
        redcap_repeat_instrument: "vitals",
        redcap_repeat_instance: "1",
        hr: "70",
      },
      {
        study_id: "2",
        redcap_event_name: "baseline_arm_2",
        redcap_repeat_instrument: "vitals",
        redcap_repeat_instance: "2",
        hr: "71",
      },
    ]),
  );
  deepStrictEqual(await roundTripOn(client, "longitudinalProject"), ["demo", "vitals"]);
  const vitals = (await readInstruments(client, { forms: ["vitals"] })).get("vitals")!;
  ok(!vitals.columns.includes("redcap_repeat_instrument"));
  const raised = vitals.withColumns(pl.col("hr").add(100).alias("hr"));
  const { changes } = await writeRecords(client, raised, { dryRun: true });
  deepStrictEqual(
    changes!.changes.map((c) => [c.event, c.instrument, c.instance, c.new]),
    [
      ["baseline_arm_1", "", "1", "160"],
      ["followup_arm_1", "", "1", "161"],
      ["followup_arm_1", "", "2", "162"],
      ["baseline_arm_2", "vitals", "1", "170"],
      ["baseline_arm_2", "vitals", "2", "171"],
    ],
  );
  await writeRecords(client, raised);
  const after = await readRecords(client, { labels: "code", fields: ["study_id", "hr"] });
  deepStrictEqual(
    after.data.getColumn("hr").toArray().filter((v) => v !== null).sort(),
    [160, 161, 162, 170, 171],
  );
});

Deno.test({
  name: "a repeating instrument's table (no redcap_repeat_instrument) edits the right instances",
  ignore: NO_CORPUS,
  fn: async () => {
    const { client } = await projectClient(`${PROJECTS}repeating-instruments/project.xml`);
    const bp = (await readInstruments(client, { forms: ["bp"] })).get("bp")!;
    ok(!bp.columns.includes("redcap_repeat_instrument"));
    const edited = bp.withColumns(
      pl.when(pl.col("redcap_repeat_instance").eq(2)).then(pl.lit(199)).otherwise(
        pl.col("bp_systolic"),
      )
        .alias("bp_systolic"),
    );
    const preview = await writeRecords(client, edited, { dryRun: true });
    const changed = preview.changes!.changes;
    ok(changed.length > 0);
    ok(
      changed.every((c) =>
        c.instrument === "bp" && c.instance === "2" && c.field === "bp_systolic"
      ),
    );
    await writeRecords(client, edited);
    const after = (await readRecords(client, { labels: "code" })).data
      .filter(pl.col("redcap_repeat_instrument").eq(pl.lit("bp")));
    for (const row of after.toRecords()) {
      if (row.redcap_repeat_instance === 2) strictEqual(row.bp_systolic, 199);
      else ok(row.bp_systolic !== 199);
    }
  },
});

Deno.test({
  name: "a frame mixing a repeating and a non-repeating instrument writes back",
  ignore: NO_CORPUS,
  fn: async () => {
    const { client } = await projectClient(`${PROJECTS}repeating-instruments/project.xml`);
    const forms = await readInstruments(client);
    const mixed = pl.concat([forms.get("demographics")!, forms.get("bp")!], { how: "diagonal" });
    const preview = await writeRecords(client, mixed, { dryRun: true });
    strictEqual(preview.changes?.size, 0);
    const result = await writeRecords(client, mixed);
    ok(result.count > 0);
  },
});

Deno.test("columns that are not fields are refused in one message naming them, or dropped with a warning", async () => {
  const { client } = await projectClient("demo", { demoRecords: 5 });
  const { data } = await readRecords(client, { forms: ["enrollment"] });
  const extra = data.withColumns(pl.lit("A").alias("arm_label"), pl.lit("low").alias("bmi_group"));
  await rejects(
    writeRecords(client, extra, { dryRun: true }),
    (e: unknown) => {
      ok(e instanceof ImportValidationError);
      const lines = e.message.split("\n").filter((l) => l.startsWith("- "));
      strictEqual(lines.length, 1, e.message);
      ok(lines[0].includes("arm_label, bmi_group"), e.message);
      ok(lines[0].includes('extraColumns: "drop"'), e.message);
      deepStrictEqual(e.issues.map((i) => i.field), ["arm_label", "bmi_group"]);
      return true;
    },
  );
  const warn = console.warn;
  const printed: string[] = [];
  console.warn = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    const result = await writeRecords(client, extra, { extraColumns: "drop" });
    strictEqual(result.count, frameRecords(data));
    deepStrictEqual(
      result.warnings.filter((w) => w.code === "extra_column_dropped").map((w) => w.field),
      ["arm_label", "bmi_group"],
    );
  } finally {
    console.warn = warn;
  }
  ok(printed.some((p) => p.includes("arm_label, bmi_group")), printed.join("\n"));
});

function frameRecords(df: pl.DataFrame): number {
  return new Set(df.getColumn("record_id").toArray()).size;
}

Deno.test("validation errors are grouped per kind with counts, records and the expected value", async () => {
  const { client } = await projectClient("demo", { demoRecords: 20 });
  const ae = (await readInstruments(client, { forms: ["adverse_events"] })).get("adverse_events")!;
  const rows = ae.shape.height;
  ok(rows > 3);
  const bad = ae.withColumns(
    pl.lit("soon").alias("ae_onset"),
    pl.lit("9").alias("ae_severity"),
  );
  await rejects(writeRecords(client, bad), (e: unknown) => {
    ok(e instanceof ImportValidationError);
    const lines = e.message.split("\n").filter((l) => l.startsWith("- "));
    strictEqual(lines.length, 2, e.message);
    const date = lines.find((l) => l.includes("[bad_date]"))!;
    ok(date.includes(`${rows} values in ae_onset`), date);
    ok(date.includes("Expected: date YYYY-MM-DD."), date);
    const choice = lines.find((l) => l.includes("[not_a_choice]"))!;
    ok(choice.includes("Expected: one of 1, 2, 3."), choice);
    ok(/records "[^"]+", "[^"]+", "[^"]+", … \d+ records in all/.test(choice), choice);
    strictEqual(e.errors.length, 2 * rows, "every rejected value is kept in .issues");
    ok(e.errors.every((i) => i.expected !== undefined));
    return true;
  });
});

Deno.test("the dry run names new records, labels codes and the blanks normal will not erase", async () => {
  const { client } = await projectClient("demo", { demoRecords: 5 });
  const { data, dictionary } = await readRecords(client, {
    records: ["1"],
    forms: ["enrollment"],
    labels: "code",
  });
  const base = data.filter(pl.col("sex").isNotNull().and(pl.col("first_name").isNotNull()));
  strictEqual(base.shape.height, 1);
  const sex = String(base.getColumn("sex").toArray()[0]);
  const other = sex === "1" ? "2" : "1";
  const edited = pl.concat([
    base.withColumns(pl.lit(other).alias("sex"), pl.lit(null).cast(pl.String).alias("first_name")),
    base.withColumns(pl.lit("900").alias("record_id"), pl.col("sex").cast(pl.String)),
  ]);
  const { changes } = await writeRecords(client, edited, { dryRun: true });
  deepStrictEqual(changes!.newRecords, ["900"]);
  const change = changes!.changes.find((c) => c.record === "1" && c.field === "sex")!;
  const labels = new Map(dictionary.choices("sex").map((c) => [c.code, c.label]));
  ok(labels.size >= 2);
  deepStrictEqual(
    [change.old, change.oldLabel, change.new, change.newLabel],
    [sex, labels.get(sex), other, labels.get(other)],
  );
  deepStrictEqual(changes!.wouldErase.map((c) => [c.record, c.field]), [["1", "first_name"]]);
  ok(!changes!.changes.some((c) => c.record === "1" && c.field === "first_name"));
  const frame = changes!.toFrame();
  ok(frame.columns.includes("old_label") && frame.columns.includes("new_label"));
  ok(String(changes).includes("1 record(s) are new: 900"), String(changes));
  ok(String(changes).includes('will not erase stored values (overwriteBehavior "normal"'));
});

Deno.test("a frame read with exportDataAccessGroups (group names) writes back as unique names", async () => {
  const { client } = await projectClient("demo", { demoRecords: 10 });
  const read = () => readRecords(client, { forms: ["enrollment"], exportDataAccessGroups: true });
  const { data } = await read();
  const names = data.getColumn("redcap_data_access_group").cast(pl.String).toArray();
  ok(names.includes("Boston General"), "the read labels groups with their names");
  const preview = await writeRecords(client, data, { dryRun: true });
  strictEqual(preview.changes?.size, 0);
  const moved = data.withColumns(
    pl.when(pl.col("redcap_data_access_group").cast(pl.String).eq(pl.lit("Boston General")))
      .then(pl.lit("Denver Clinic")).otherwise(pl.col("redcap_data_access_group").cast(pl.String))
      .alias("redcap_data_access_group"),
  );
  await writeRecords(client, moved);
  const after = (await read()).data.getColumn("redcap_data_access_group").cast(pl.String)
    .toArray();
  ok(!after.includes("Boston General"));
  strictEqual(
    after.filter((n) => n === "Denver Clinic").length,
    names.filter((n) => n === "Denver Clinic" || n === "Boston General").length,
  );
});

Deno.test({
  name: "REDCapR's dag Project XML: group names (dag-a) write back as unique names (daga)",
  ignore: NO_CORPUS,
  fn: async () => {
    const { client } = await projectClient(`${PROJECTS}dag/project.xml`);
    const read = async () =>
      (await readRecords(client, { exportDataAccessGroups: true })).data
        .select("record_id", "redcap_data_access_group");
    const before = await read();
    deepStrictEqual(
      [...new Set(before.getColumn("redcap_data_access_group").cast(pl.String).toArray())],
      ["dag-a", "dag-b"],
    );
    const all = (await readRecords(client, { exportDataAccessGroups: true })).data;
    strictEqual((await writeRecords(client, all, { dryRun: true })).changes?.size, 0);
    const moved = all.withColumns(pl.lit("dag-b").alias("redcap_data_access_group"));
    await writeRecords(client, moved);
    deepStrictEqual(
      (await read()).getColumn("redcap_data_access_group").cast(pl.String).toArray(),
      before.getColumn("record_id").toArray().map(() => "dag-b"),
    );
    const raw = await client.exportRecords({ exportDataAccessGroups: true });
    ok(
      raw.getColumn("redcap_data_access_group").toArray().every((g) => g === "dagb"),
      "stored as the unique name",
    );
  },
});

Deno.test({
  name: "REDCapR's checkboxes-1 Project XML: extra columns, grouped errors and the change set",
  ignore: NO_CORPUS,
  fn: async () => {
    const { client } = await projectClient(`${PROJECTS}checkboxes-1/project.xml`);
    const form = (await readInstruments(client, { forms: ["form_2"] })).get("form_2")!;
    const one = pl.col("record_id").eq(pl.lit("1"));
    const edited = pl.concat([
      form.withColumns(
        pl.when(one).then(pl.lit(true)).otherwise(pl.col("check_one___2")).alias("check_one___2"),
        pl.when(one).then(pl.lit(null)).otherwise(pl.col("desired_result"))
          .alias("desired_result"),
      ),
      form.filter(one).withColumns(pl.lit("9").alias("record_id")),
    ]).withColumns(pl.lit("x").alias("bmi_group"));
    await rejects(writeRecords(client, edited, { dryRun: true }), (e: unknown) => {
      ok(e instanceof ImportValidationError);
      ok(e.message.includes("1 column is not a field of the project: bmi_group"), e.message);
      return true;
    });
    const warn = console.warn;
    console.warn = () => {};
    let changes;
    try {
      changes = (await writeRecords(client, edited, { dryRun: true, extraColumns: "drop" }))
        .changes!;
    } finally {
      console.warn = warn;
    }
    deepStrictEqual(changes.newRecords, ["9"]);
    const toggled = changes.changes.find((c) => c.record === "1" && c.field === "check_one___2")!;
    deepStrictEqual([toggled.oldLabel, toggled.newLabel], ["Unchecked", "Checked"]);
    deepStrictEqual(changes.wouldErase.map((c) => [c.record, c.field]), [["1", "desired_result"]]);
    const bad = form.withColumns(pl.lit("7").alias("form_2_complete"));
    await rejects(writeRecords(client, bad), (e: unknown) => {
      ok(e instanceof ImportValidationError);
      const lines = e.message.split("\n").filter((l) => l.startsWith("- "));
      strictEqual(lines.length, 1, e.message);
      ok(lines[0].startsWith(`- [bad_form_status] ${form.shape.height} values in form_2_complete`));
      ok(lines[0].includes("Expected: one of 0, 1, 2."), lines[0]);
      strictEqual(e.errors.length, form.shape.height);
      return true;
    });
  },
});
