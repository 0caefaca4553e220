/**
 * Fewer silent surprises in reads: names checked before the request, one shadowing warning per
 * read, the export options an analyst needs (DAGs, survey fields, date ranges).
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { readEavRecords, readRecords } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

/** A client on an in-process server, counting record exports. */
function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  const seen = { records: 0 };
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (String(init?.body ?? "").includes("content=record")) seen.records++;
    return server.fetch(input, init);
  }) as typeof globalThis.fetch;
  return { client: new RedcapClient("http://redcap.test/api/", server.token, { fetch }), seen };
}

/** Runs `fn`, returning what it printed with console.warn. */
async function warnings<T>(fn: () => Promise<T>): Promise<[T, string[]]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.join(" "));
  try {
    return [await fn(), seen];
  } finally {
    console.warn = original;
  }
}

Deno.test("readRecords() checks fields, forms and events before the request, with a suggestion", async () => {
  const { client, seen } = clientOf();
  await rejects(
    readRecords(client, { fields: ["sex", "hieght", "race___2"], forms: ["vital"] }),
    (error: Error) => {
      ok(error instanceof RangeError);
      ok(error.message.includes(`"hieght" is not a field of the project; did you mean "height"?`));
      ok(error.message.includes(`"race___2" is not a field of the project; did you mean "race"?`));
      ok(
        error.message.includes(
          `"vital" is not an instrument of the project; did you mean "vitals"?`,
        ),
      );
      return true;
    },
  );
  await rejects(
    readRecords(client, { events: ["week4_arm_1"] }),
    /"week4_arm_1" is not an event of the project; did you mean "week_4_arm_1"\?/,
  );
  await rejects(readEavRecords(client, { fields: ["sbpp"] }), /did you mean "sbp"/);
  strictEqual(seen.records, 0, "no export was requested");
});

Deno.test({
  name: "readRecords() refuses events for a classic project (REDCapR's simple Project XML)",
  ignore: NO_CORPUS,
  fn: async () => {
    const { client } = clientOf(
      `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/simple/project.xml`,
    );
    await rejects(readRecords(client, { events: ["event_1_arm_1"] }), /not longitudinal/);
  },
});

Deno.test("readRecords() warns once per read about columns shadowing DataFrame members", async () => {
  const { client } = clientOf();
  const [result, printed] = await warnings(() => readRecords(client, { forms: ["vitals"] }));
  strictEqual(printed.length, 1);
  ok(printed[0].includes("height") && printed[0].includes("df.shape.height"));
  ok(result.notes.some((n) => n.includes(`df.getColumn("height")`)));
  const [, none] = await warnings(() => readRecords(client, { forms: ["labs"] }));
  deepStrictEqual(none, []);
});

Deno.test("readRecords() with filterLogic comparing a label warns with the code to use", async () => {
  const { client } = clientOf();
  const [result] = await warnings(() =>
    readRecords(client, { forms: ["enrollment"], filterLogic: "[sex] = 'Female'" })
  );
  // REDCap's filter compares codes: nothing matches, and the read says why.
  strictEqual(result.data.getColumn("record_id").len(), 0);
  ok(result.notes.some((n) => n.includes("write [sex] = '1'")));
});

Deno.test("readRecords() accepts exportDataAccessGroups and labels the DAG column", async () => {
  const { client } = clientOf();
  const dags = new Map(
    (await client.exportDags()).map((d) => [d.unique_group_name, d.data_access_group_name]),
  );
  const coded = await readRecords(client, {
    forms: ["enrollment"],
    exportDataAccessGroups: true,
    labels: "code",
  });
  const labelled = await readRecords(client, {
    forms: ["enrollment"],
    exportDataAccessGroups: true,
  });
  const codes = coded.data.getColumn("redcap_data_access_group").toArray();
  ok(codes.some((c) => dags.has(String(c))));
  deepStrictEqual(
    labelled.data.getColumn("redcap_data_access_group").toArray(),
    codes.map((c) => c === null ? null : dags.get(String(c))),
  );
  const both = await readRecords(client, {
    forms: ["enrollment"],
    exportDataAccessGroups: true,
    labels: "both",
  });
  const at = both.data.columns.indexOf("redcap_data_access_group");
  strictEqual(both.data.columns[at + 1], "redcap_data_access_group__label");
});

Deno.test("readRecords() accepts exportSurveyFields: survey timestamps are Datetime", async () => {
  const { client } = clientOf();
  const { data, invalid } = await readRecords(client, {
    forms: ["quality_of_life"],
    exportSurveyFields: true,
  });
  ok(data.columns.includes("redcap_survey_identifier"));
  ok(String(data.getColumn("quality_of_life_timestamp").dtype).startsWith("DataType(Datetime"));
  ok(
    (data.getColumn("quality_of_life_timestamp").toArray() as unknown[]).some((v) =>
      v instanceof Date
    ),
  );
  strictEqual(invalid.getColumn("record").len(), 0);
  await rejects(readEavRecords(client, { exportSurveyFields: true }), /for readRecords/);
});

Deno.test("readRecords() accepts dateRangeBegin/dateRangeEnd (incremental reads)", async () => {
  const { client } = clientOf();
  const all = await readRecords(client, { fields: ["record_id"] });
  ok(all.data.getColumn("record_id").len() > 0);
  const future = await readRecords(client, {
    fields: ["record_id"],
    dateRangeBegin: "2999-01-01 00:00:00",
  });
  strictEqual(future.data.getColumn("record_id").len(), 0);
  const past = await readEavRecords(client, {
    fields: ["record_id"],
    dateRangeEnd: new Date("1999-01-01"),
  });
  strictEqual(past.data.getColumn("record_id").len(), 0);
});

Deno.test({
  name:
    "readRecords() on REDCapR's dag and longitudinal Project XML: DAG labels, one shadow warning",
  ignore: NO_CORPUS,
  fn: async () => {
    const projects = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/`;
    const { client } = clientOf(`${projects}dag/project.xml`);
    const dags = await client.exportDags();
    ok(dags.length > 0);
    const names = new Map(dags.map((d) => [d.unique_group_name, d.data_access_group_name]));
    const [both] = await warnings(() =>
      readRecords(client, { exportDataAccessGroups: true, labels: "both" })
    );
    const codes = both.data.getColumn("redcap_data_access_group").toArray();
    ok(codes.some((c) => c !== null));
    deepStrictEqual(
      both.data.getColumn("redcap_data_access_group__label").toArray(),
      codes.map((c) => c === null ? null : names.get(String(c))),
    );
    const long = clientOf(`${projects}longitudinal/project.xml`).client;
    const [longRead, printed] = await warnings(() => readRecords(long));
    // In the read's notes; printed once per process (an earlier read may have printed it).
    strictEqual(longRead.notes.filter((n) => n.includes("shadow")).length, 1);
    ok(longRead.notes.some((n) => n.includes("height") && n.includes("df.shape.height")));
    ok(printed.filter((p) => p.includes("shadow")).length <= 1);
  },
});
