/**
 * Charts an analyst would keep, on the demo and on real projects: every axis and legend title
 * comes from the dictionary (label and unit) for any frame, found by column name after select,
 * filter and joins; date histograms pick their bin from the span; repeat instances are handled
 * as asked.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { existsSync } from "node:fs";
import pl from "../../lib/deps/polars.ts";
import type { Chart } from "../../lib/plot/chart.ts";
import { createDemoClient } from "../../lib/demo/client.ts";
import { RedcapClient } from "../../lib/client.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { chartField, chartFields, columnField } from "../../lib/plot/field_info.ts";
import { plotField } from "../../lib/plot/auto.ts";
import {
  chart,
  plotBox,
  plotFormCompletion,
  plotHistogram,
  plotMissingness,
  plotTimeline,
} from "../../lib/plot/vega_lite.ts";
import { assertRenders, encodingOf, type Json, valuesOf } from "./_assert_chart.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

/** Every axis, legend and header title of a spec (strings, recursively). */
function titlesOf(spec: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, key?: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n));
    if (node === null || typeof node !== "object") {
      if (key === "title" && typeof node === "string") out.push(node);
      return;
    }
    if (key === "data") return;
    for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(spec);
  return out;
}

/** No title of the chart is a raw column name of the frame that the dictionary knows. */
function assertNoRawNames(c: Chart, dictionary: DataDictionary, columns: readonly string[]) {
  const fields = chartFields(dictionary);
  for (const title of titlesOf(c.spec)) {
    const raw = columns.includes(title) && columnField(fields, title) !== undefined;
    ok(!raw, `the title "${title}" is a raw field name`);
  }
}

Deno.test("the demo's charts are titled by label and unit on a filtered, selected, joined frame", async () => {
  const client = createDemoClient({ records: 20 });
  const { data, dictionary } = await client.readRecords();
  const visits = data
    .filter(pl.col("weight").isNotNull())
    .select("record_id", "redcap_event_name", "weight", "heart_rate", "visit_datetime");
  const baseline = data
    .filter(pl.col("sex").isNotNull())
    .select("record_id", "sex", "race___1", "dob");
  const joined = visits.join(baseline, { on: "record_id", how: "left" });
  strictEqual(chartField(dictionary, "weight").label, "Weight (kg)", "the field note is the unit");
  strictEqual(chartField(dictionary, "heart_rate").label, "Heart rate (beats per minute)");

  const hist = plotHistogram(joined, dictionary, "weight", { by: "sex" });
  strictEqual(encodingOf(hist).x.title, "Weight (kg)");
  strictEqual(encodingOf(hist).color.title, "Sex");
  deepStrictEqual(encodingOf(hist).color.sort.slice(0, 2), ["Female", "Male"]);
  ok(valuesOf(hist).some((v: Json) => v.group === "Female" && v.count > 0), "the join matched");
  const box = plotBox(joined, dictionary, "heart_rate", { by: "race___1" });
  strictEqual(encodingOf(box).y.title, "Heart rate (beats per minute)");
  ok(/^Race.*\(choice=.+\)$/.test(encodingOf(box).x.title), encodingOf(box).x.title);
  deepStrictEqual(encodingOf(box).x.sort.slice(0, 2), ["Checked", "Unchecked"]);
  const byEvent = plotTimeline(joined, dictionary, "weight", { by: "sex", summary: "mean" });
  deepStrictEqual(
    encodingOf(byEvent).x.sort,
    [...new Set(dictionary.events.map((e) => e.label))],
    "events in the project's order, by label",
  );
  ok(valuesOf(byEvent).every((v: Json) => !String(v.x).includes("_arm_")));
  const timeline = plotTimeline(joined, dictionary, "weight", { x: "visit_datetime" });
  strictEqual(encodingOf(timeline).x.title, "Date and time of measurement");
  strictEqual(encodingOf(timeline).x.type, "temporal");
  const option = plotField(joined, dictionary, "race___1");
  ok(/^Race.*\(choice=.+\)$/.test(encodingOf(option).x.title), "a checkbox option column by name");
  deepStrictEqual(encodingOf(option).x.sort, ["Checked", "Unchecked"]);
  const custom = chart(joined, {
    mark: "point",
    encoding: { x: "heart_rate", y: "weight", color: "redcap_event_name" },
    fields: dictionary,
  });
  deepStrictEqual(
    [encodingOf(custom).x.title, encodingOf(custom).y.title, encodingOf(custom).color.title],
    ["Heart rate (beats per minute)", "Weight (kg)", "Event"],
  );
  const dob = plotHistogram(joined, dictionary, "dob");
  strictEqual(encodingOf(dob).x.title, "Date of birth");
  ok(valuesOf(dob).length <= 40);

  const completion = plotFormCompletion(data.filter(pl.col("record_id").isNotNull()), {
    dictionary,
  });
  deepStrictEqual(encodingOf(completion).y.sort, dictionary.forms.map((f) => f.label));
  deepStrictEqual(encodingOf(completion).x.sort, [
    ...new Set(dictionary.events.map((e) => e.label)),
  ]);
  const designated = new Set(
    dictionary.events.flatMap((e) => e.forms.map((f) => `${dictionary.form(f)!.label}|${e.label}`)),
  );
  ok(valuesOf(completion).every((v: Json) => designated.has(`${v.form}|${v.event}`)));
  await assertRenders(completion, ["rect"]);

  const columns = joined.columns;
  const charts = [
    hist,
    box,
    timeline,
    custom,
    dob,
    plotMissingness(joined, { fields: dictionary }),
  ];
  for (const name of ["weight", "heart_rate", "sex", "race", "dob", "visit_datetime"]) {
    charts.push(plotField(joined, dictionary, name, { by: "sex" }));
  }
  for (const c of charts) {
    assertNoRawNames(c, dictionary, columns);
    await assertRenders(c, []);
  }
});

Deno.test("an analyst's own column is titled by its recorded label or its name", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "sbp",
      form_name: "f",
      field_type: "text",
      field_label: "Systolic blood pressure",
      field_note: "mmHg",
      text_validation_type_or_show_slider_number: "integer",
    },
  ]);
  const df = pl.DataFrame({ id: ["1", "2"], sbp: [120, 140], bmi_group: ["Normal", "Obese"] });
  const c = plotHistogram(df, dd, "sbp", { by: "bmi_group" });
  strictEqual(encodingOf(c).x.title, "Systolic blood pressure (mmHg)");
  strictEqual(encodingOf(c).color.title, "bmi_group", "not a field: its own name");
  const labelled = plotHistogram(df, dd, "sbp", { by: "bmi_group", labels: {} } as Json);
  strictEqual(encodingOf(labelled).color.title, "bmi_group");
  const custom = chart(df, {
    mark: "bar",
    encoding: { x: "bmi_group", y: "sbp" },
    fields: dd,
    labels: { bmi_group: "BMI group" },
  });
  deepStrictEqual([encodingOf(custom).x.title, encodingOf(custom).y.title], [
    "BMI group",
    "Systolic blood pressure (mmHg)",
  ]);
});

const REPEATING_EVENTS =
  `${CORPUS_DIR}IUREDCap/redcap-etl/tests/data/projects/repeating-events.json`;

Deno.test({
  name:
    "a real longitudinal export: 60+ years of birth dates in (multi-)year bars, repeat instances per record",
  ignore: NO_CORPUS || !existsSync(REPEATING_EVENTS),
  fn: async () => {
    const dump = JSON.parse(await Deno.readTextFile(REPEATING_EVENTS));
    const dd = DataDictionary.fromMetadata(dump.metadata);
    const rows = (dump.records as Record<string, unknown>[]).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === "" ? null : String(v)]))
    );
    const df = pl.DataFrame(rows);
    const births = rows.map((r) => r.birthdate).filter((v) => v !== null) as string[];
    const years = births.map((b) => Number(b.slice(0, 4)));
    const span = Math.max(...years) - Math.min(...years);
    ok(span > 40, `birth years span ${span} years`);
    const dob = plotHistogram(df, dd, "birthdate");
    const bins = valuesOf(dob);
    ok(bins.length <= 40, `${bins.length} bars for ${span} years, not ${span * 12} months`);
    ok(/^\d{4}(–\d{4})?$/.test(bins[0].bin), `yearly bins, got ${bins[0].bin}`);
    strictEqual(bins.reduce((n: number, v: Json) => n + v.count, 0), births.length);
    deepStrictEqual(encodingOf(dob).y.axis, { tickMinStep: 1, format: "d" });
    await assertRenders(dob, ["rect"]);

    // visit_arm_1 is a repeating event: several weights per record there.
    const visits = rows.filter((r) => r.redcap_event_name === "visit_arm_1" && r.weight_kg);
    const perRecord = new Map<string, number[]>();
    for (const r of visits) {
      const list = perRecord.get(r.record_id as string) ?? [];
      list.push(Number(r.weight_kg));
      perRecord.set(r.record_id as string, list);
    }
    ok([...perRecord.values()].some((l) => l.length > 1), "some records repeat the visit");
    const each = plotTimeline(df, dd, "weight_kg");
    strictEqual(valuesOf(each).filter((v: Json) => v.x === "visit_arm_1").length, visits.length);
    const mean = plotTimeline(df, dd, "weight_kg", { instances: "mean" });
    const reduced = valuesOf(mean).filter((v: Json) => v.x === "visit_arm_1");
    strictEqual(reduced.length, perRecord.size, "one point per record at the repeating event");
    for (const v of reduced.slice(0, 20)) {
      const list = perRecord.get(v.record)!;
      ok(Math.abs(v.y - list.reduce((s, y) => s + y, 0) / list.length) < 1e-9);
    }
    const grouped = plotTimeline(df, dd, "weight_kg", {
      summary: "mean",
      instances: "last",
      by: "gender",
    });
    strictEqual(encodingOf(grouped).xOffset.field, "group");
    strictEqual(encodingOf(grouped).color.title, dd.field("gender")!.label);
    await assertRenders(grouped, ["rule", "line"]);
  },
});

const VIGNETTE =
  `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/vignette-repeating/project.xml`;

Deno.test({
  name: "a real Project XML with a repeating instrument: every chart titled from the dictionary",
  ignore: NO_CORPUS || !existsSync(VIGNETTE),
  fn: async () => {
    const server = createTestServer(VIGNETTE, {});
    const client = new RedcapClient("http://redcap.test/api/", server.token, {
      fetch: server.fetch,
      progressBar: false,
    });
    const { data, dictionary } = await client.readRecords();
    ok(data.shape.height > 0, "the project has records");
    const fields = chartFields(dictionary).filter((f) =>
      f.type !== "text" && f.name !== dictionary.recordIdField
    );
    ok(fields.length > 3);
    const subset = data.filter(pl.col(dictionary.recordIdField).isNotNull());
    const by = fields.find((f) => f.type === "choice" && data.columns.includes(f.name));
    let drawn = 0;
    for (const f of fields) {
      if (!data.columns.includes(f.name) && f.type !== "checkbox") continue;
      const c = plotField(subset, dictionary, f.name, by ? { by: by.name } : {});
      const titles = titlesOf(c.spec);
      ok(titles.includes(f.label), `${f.name} is titled "${f.label}" (titles: ${titles})`);
      assertNoRawNames(c, dictionary, data.columns);
      if (drawn++ < 6) await assertRenders(c, []);
    }
    ok(drawn > 3);
  },
});
