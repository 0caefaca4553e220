/**
 * The structural routes against real REDCap output in the corpus (REDCapR expected files,
 * PyCap doctest transcripts, redcap-etl API dumps). Skipped when the corpus is absent.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { loadProject } from "../../../lib/server/load.ts";
import { RedcapStore } from "../../../lib/server/store.ts";
import { PROJECT_INFO_KEYS } from "../../../lib/server/routes/project_info.ts";
import { USER_COLUMNS } from "../../../lib/server/routes/users.ts";
import { CORPUS_DIR, NO_CORPUS } from "../../_helpers.ts";

const REDCAPR = "OuhscBbmc/REDCapR/inst/test-data/";
const PYCAP = "redcap-tools/PyCap/";
const ETL = "IUREDCap/redcap-etl/tests/data/projects/";

interface Loaded {
  // deno-lint-ignore no-explicit-any
  post(params: Record<string, string>): Promise<{ status: number; text: string; json(): any }>;
  store: RedcapStore;
  projectId: number;
}

function load(path: string): Loaded {
  const store = RedcapStore.open();
  const { projectId, tokens } = loadProject(store, CORPUS_DIR + path);
  const handler = createRedcapHandler(store);
  return {
    store,
    projectId,
    async post(params) {
      const response = await handler(
        new Request("http://redcap.test/api/", {
          method: "POST",
          body: new URLSearchParams({ token: tokens[0], ...params }),
        }),
      );
      const text = await response.text();
      return { status: response.status, text, json: () => JSON.parse(text) };
    },
  };
}

function readText(path: string): string {
  return Deno.readTextFileSync(CORPUS_DIR + path);
}

/** Rows of a REDCapR `.R.json` expected frame. */
function expectedRows(path: string): Record<string, unknown>[] {
  const frame = JSON.parse(readText(path));
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < frame.nrow; i++) {
    rows.push(Object.fromEntries(
      frame.columns.map((c: { name: string; values: unknown[] }) => [c.name, c.values[i]]),
    ));
  }
  return rows;
}

/**
 * Choices of a project made from a Project XML come back from REDCap joined by a bare `|`;
 * lib/server/odm/project_xml.ts joins them with ` | ` (reported to its owner), so compare without spaces.
 */
function choices(text: unknown): unknown {
  return typeof text === "string" ? text.replace(/\s*\|\s*/g, "|") : text;
}

/** Metadata rows with {@linkcode choices} applied. */
function normalizeChoices(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => ({
    ...r,
    select_choices_or_calculations: r.field_type === "calc" || r.field_type === "sql"
      ? r.select_choices_or_calculations
      : choices(r.select_choices_or_calculations),
  }));
}

/** A server value as readr reads it: `""` is NA, numbers compare as numbers. */
function asReadr(value: unknown, expected: unknown): unknown {
  if (value === "" || value === null || value === undefined) return null;
  if (typeof expected === "number") return Number(value);
  if (typeof expected === "boolean") return Number(value) === 1;
  return value;
}

function compareFrame(actual: Record<string, unknown>[], expected: Record<string, unknown>[]) {
  strictEqual(actual.length, expected.length, "row count");
  expected.forEach((row, i) => {
    for (const [key, want] of Object.entries(row)) {
      deepStrictEqual(asReadr(actual[i][key], want), want, `row ${i + 1}, ${key}`);
    }
  });
}

const corpusTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: NO_CORPUS, fn });

for (const tag of ["longitudinal", "arm-single-longitudinal", "arm-multiple-delete"]) {
  corpusTest(`exportEvents() matches REDCapR projects/${tag}/event.csv`, async () => {
    const project = load(`${REDCAPR}projects/${tag}/project.xml`);
    const answer = await project.post({ content: "event", format: "csv" });
    strictEqual(answer.status, 200);
    const expected = readText(`${REDCAPR}projects/${tag}/event.csv`).replace(/\n?$/, "\n");
    const actual = parseCsvObjects(answer.text);
    const wanted = parseCsvObjects(expected);
    deepStrictEqual(
      actual.map(({ event_id: _, ...rest }) => rest),
      wanted.map(({ event_id: _, ...rest }) => rest),
    );
    // Event ids are the exporting server's; the Project XML does not carry them. The header is
    // REDCap's; the quoting of event.csv is not compared: REDCapR reads it with readr, and
    // REDCap 15's Project::eventsToCSV writes fputcsv (quoting only names with spaces).
    strictEqual(answer.text.split("\n")[0], expected.split("\n")[0]);
  });

  corpusTest(`exportArms() matches REDCapR projects/${tag}/arm.csv`, async () => {
    const project = load(`${REDCAPR}projects/${tag}/project.xml`);
    const answer = await project.post({ content: "arm", format: "csv" });
    deepStrictEqual(
      parseCsvObjects(answer.text),
      parseCsvObjects(readText(`${REDCAPR}projects/${tag}/arm.csv`)),
    );
  });
}

corpusTest(
  "exportFormEventMapping() matches REDCapR event-instruments for arms filters",
  async () => {
    const long = load(`${REDCAPR}projects/longitudinal/project.xml`);
    for (
      const [arms, file] of [
        ["1,2", "2-arms-retrieve-both-arms"],
        ["1", "2-arms-retrieve-only-arm-1"],
        ["2", "2-arms-retrieve-only-arm-2"],
      ]
    ) {
      const answer = await long.post({ content: "formEventMapping", format: "csv", arms });
      compareFrame(
        parseCsvObjects(answer.text),
        expectedRows(`${REDCAPR}specific-redcapr/event-instruments/${file}.R.json`),
      );
    }
    const single = load(`${REDCAPR}projects/arm-single-longitudinal/project.xml`);
    const empty = await single.post({ content: "formEventMapping", format: "csv", arms: "2" });
    strictEqual(empty.text, "arm_num,unique_event_name,form");
    const classic = load(`${REDCAPR}projects/simple/project.xml`);
    const refused = await classic.post({ content: "formEventMapping", format: "csv", arms: "2" });
    strictEqual(refused.status, 400);
    strictEqual(refused.text, "ERROR: You cannot export form/event mappings for classic projects");
  },
);

corpusTest("exportFieldNames() matches REDCapR variables/default (simple)", async () => {
  const simple = load(`${REDCAPR}projects/simple/project.xml`);
  const answer = await simple.post({ content: "exportFieldNames", format: "csv" });
  compareFrame(
    parseCsvObjects(answer.text),
    expectedRows(`${REDCAPR}specific-redcapr/variables/default.R.json`),
  );
});

corpusTest("exportInstruments() matches REDCapR instruments/default (simple)", async () => {
  const simple = load(`${REDCAPR}projects/simple/project.xml`);
  const answer = await simple.post({ content: "instrument", format: "csv" });
  compareFrame(
    parseCsvObjects(answer.text),
    expectedRows(`${REDCAPR}specific-redcapr/instruments/default.R.json`),
  );
});

corpusTest("exportMetadata() matches REDCapR metadata-read (simple, by form)", async () => {
  const simple = load(`${REDCAPR}projects/simple/project.xml`);
  const cases: [Record<string, string>, string][] = [
    [{}, "normal"],
    [{ "forms[0]": "demographics" }, "normal-filter-form-demographics"],
    [{ "forms[0]": "health" }, "normal-filter-form-health"],
    [{ "forms[0]": "race_and_ethnicity" }, "normal-filter-form-race_and_ethnicity"],
    [
      { "forms[0]": "demographics", "forms[1]": "race_and_ethnicity" },
      "normal-filter-form-all-three",
    ],
    [
      { "forms[0]": "race_and_ethnicity", "forms[1]": "demographics", "forms[2]": "health" },
      "normal",
    ],
  ];
  for (const [params, file] of cases) {
    const answer = await simple.post({ content: "metadata", format: "json", ...params });
    compareFrame(
      normalizeChoices(answer.json()),
      expectedRows(`${REDCAPR}specific-redcapr/metadata-read/${file}.R.json`),
    );
  }
});

corpusTest(
  "exportProjectInfo() has REDCapR's 27 columns and the simple project's values",
  async () => {
    const simple = load(`${REDCAPR}projects/simple/project.xml`);
    const answer = await simple.post({ content: "project", format: "csv" });
    const [row] = parseCsvObjects(answer.text);
    const [expected] = expectedRows(`${REDCAPR}specific-redcapr/project-info-read/simple.R.json`);
    deepStrictEqual(Object.keys(row), Object.keys(expected));
    deepStrictEqual(PROJECT_INFO_KEYS.map((k) => k.key), Object.keys(expected));
    // Server-specific values: the project id, creation time and the server's external modules.
    const serverSpecific = new Set(["project_id", "creation_time", "external_modules"]);
    for (const [key, want] of Object.entries(expected)) {
      if (serverSpecific.has(key)) continue;
      deepStrictEqual(asReadr(row[key], want), want, key);
    }
  },
);

corpusTest(
  "exportUsers() and exportLog() columns follow REDCapR's users-export and log-read",
  () => {
    const [user] = expectedRows(
      `${REDCAPR}specific-redcapr/users-export/without-dags--user.R.json`,
    );
    // REDCapR drops `email` and moves `forms` to a separate table; the rest keeps REDCap's order.
    const kept = USER_COLUMNS.filter((c) => c in user);
    deepStrictEqual(kept, Object.keys(user));
    const [log] = expectedRows(`${REDCAPR}specific-redcapr/log-read/2024-10-11.R.json`);
    deepStrictEqual(Object.keys(log), ["timestamp", "username", "action", "details", "record"]);
    return Promise.resolve();
  },
);

// --- PyCap doctest transcripts (redcapdemo.vumc.org, REDCap 15.2.1) -----------------------------

/** Parses a Python repr of lists/dicts of str/int (as the transcripts print them). */
function pythonValue(text: string): unknown {
  const json = text
    .replace(/'((?:[^'\\]|\\.)*)'/g, (_, s: string) => JSON.stringify(s.replace(/\\'/g, "'")))
    .replace(/\bNone\b/g, "null").replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, "false");
  return JSON.parse(json);
}

function transcript(fn: string, source?: string): string {
  const { examples } = JSON.parse(readText(`${PYCAP}_derived/doctest-transcripts.json`));
  const found = examples.find((e: { function: string; source: string }) =>
    e.function === fn && (source === undefined || e.source.includes(source))
  );
  return found.want;
}

corpusTest(
  "PyCap doctest project: arms, events, mappings, repeating, field names, instruments",
  async () => {
    const doctest = load(`${PYCAP}tests/data/doctest_project.xml`);
    deepStrictEqual(
      (await doctest.post({ content: "arm", format: "json" })).json(),
      pythonValue(transcript("export_arms")),
    );
    const events = (await doctest.post({ content: "event", format: "json" })).json();
    // The transcript elides the event id and the second event with "...".
    deepStrictEqual({ ...events[0], event_id: "..." }, {
      event_name: "Event 1",
      arm_num: 1,
      unique_event_name: "event_1_arm_1",
      custom_event_label: "",
      event_id: "...",
    });
    strictEqual(typeof events[0].event_id, "number");
    strictEqual(events[1].event_name, "Event 2");
    deepStrictEqual(
      (await doctest.post({ content: "formEventMapping", format: "json" })).json()[0],
      (pythonValue(transcript("export_instrument_event_mappings")) as unknown[])[0],
    );
    deepStrictEqual(
      (await doctest.post({ content: "repeatingFormsEvents", format: "json" })).json(),
      pythonValue(transcript("export_repeating_instruments_events", "proj.export_repeating")),
    );
    deepStrictEqual(
      (await doctest.post({ content: "exportFieldNames", format: "json" })).json(),
      pythonValue(transcript("export_field_names").replace(/\n/g, "")),
    );
    deepStrictEqual(
      (await doctest.post({ content: "instrument", format: "json" })).json(),
      pythonValue(transcript("export_instruments")),
    );
  },
);

corpusTest(
  "PyCap doctest project: structural imports and deletes answer REDCap's counts",
  async () => {
    const doctest = load(`${PYCAP}tests/data/doctest_project.xml`);
    const post = (params: Record<string, string>) => doctest.post({ format: "json", ...params });
    strictEqual(
      (await post({ content: "arm", action: "import", data: '[{"arm_num": 2, "name": "Arm 2"}]' }))
        .text,
      transcript("import_arms", "proj.import_arms"),
    );
    strictEqual(
      (await post({ content: "arm", action: "delete", "arms[0]": "2" })).text,
      transcript("delete_arms", "proj.delete_arms"),
    );
    const before = (await post({ content: "event" })).json().length;
    strictEqual(
      (await post({
        content: "event",
        action: "import",
        data: '[{"event_name": "Event 3", "arm_num": "1"}]',
      })).text,
      "1",
    );
    strictEqual(
      (await post({ content: "event", action: "delete", "events[0]": "event_3_arm_1" })).text,
      "1",
    );
    strictEqual((await post({ content: "event" })).json().length, before);
    strictEqual(
      (await post({
        content: "formEventMapping",
        data: '[{"arm_num": "1", "unique_event_name": "event_1_arm_1", "form": "form_1"}]',
      })).text,
      transcript("import_instrument_event_mappings", "proj.import_instrument_event_mappings"),
    );
    const repeating = (await doctest.post({ content: "repeatingFormsEvents", format: "csv" })).text;
    strictEqual(
      (await post({ content: "repeatingFormsEvents", format: "csv", data: repeating })).text,
      "1",
    );
    const metadata = (await doctest.post({ content: "metadata", format: "csv" })).text;
    strictEqual(
      (await doctest.post({
        content: "metadata",
        format: "csv",
        returnFormat: "json",
        data: metadata,
      })).text,
      transcript("import_metadata", "proj.import_metadata"),
    );
  },
);

corpusTest("PyCap long project: 2 arms, 16 events, 44 mappings, 9 instruments", async () => {
  const long = load(`${PYCAP}tests/data/test_long_project.xml`);
  deepStrictEqual((await long.post({ content: "arm", format: "json" })).json(), [
    { arm_num: 1, name: "Drug A" },
    { arm_num: 2, name: "Drug B" },
  ]);
  strictEqual((await long.post({ content: "event", format: "json" })).json().length, 16);
  const mappings = (await long.post({ content: "formEventMapping", format: "json" })).json();
  strictEqual(mappings.length, 44);
  strictEqual(typeof mappings[0].arm_num, "number");
  strictEqual((await long.post({ content: "instrument", format: "json" })).json().length, 9);
  strictEqual((await long.post({ content: "project", format: "json" })).json().purpose, 0);
  // Override: arms come back, their events and mappings are gone until re-imported.
  const events = (await long.post({ content: "event", format: "json" })).json();
  const arms = await long.post({
    content: "arm",
    action: "import",
    override: "1",
    format: "json",
    data: JSON.stringify([{ arm_num: 1, name: "Drug A" }, { arm_num: 2, name: "Drug B" }]),
  });
  strictEqual(arms.text, "2");
  strictEqual((await long.post({ content: "event", format: "json" })).json().length, 0);
  const reimport = await long.post({
    content: "event",
    action: "import",
    format: "json",
    data: JSON.stringify(events),
  });
  strictEqual(reimport.status, 200);
  strictEqual(reimport.text, "16");
  const mapped = await long.post({
    content: "formEventMapping",
    format: "json",
    data: JSON.stringify(mappings),
  });
  strictEqual(mapped.text, "44");
});

corpusTest("PyCap simple project: 15 metadata rows, 16 field names, classic refusals", async () => {
  const simple = load(`${PYCAP}tests/data/test_simple_project.xml`);
  strictEqual((await simple.post({ content: "metadata", format: "json" })).json().length, 15);
  strictEqual(
    (await simple.post({ content: "exportFieldNames", format: "json" })).json().length,
    16,
  );
  strictEqual(
    (await simple.post({ content: "exportFieldNames", format: "json", field: "first_name" })).json()
      .length,
    1,
  );
  strictEqual((await simple.post({ content: "instrument", format: "json" })).json().length, 1);
  strictEqual(
    (await simple.post({ content: "project", format: "json" })).json().is_longitudinal,
    0,
  );
  for (const content of ["arm", "event", "formEventMapping"]) {
    strictEqual((await simple.post({ content, format: "json" })).status, 400, content);
  }
});

// --- redcap-etl API dumps (REDCap 9.1.3) ------------------------------------------------------------

for (const name of ["basic-demography", "visits", "repeating-events"]) {
  corpusTest(
    `redcap-etl ${name}: metadata, fieldNames, instruments, mappings, projectInfo`,
    async () => {
      const project = load(`${ETL}${name}.xml`);
      const dump = JSON.parse(readText(`${ETL}${name}.json`));
      deepStrictEqual(
        normalizeChoices((await project.post({ content: "metadata", format: "json" })).json()),
        dump.metadata,
      );
      deepStrictEqual(
        (await project.post({ content: "exportFieldNames", format: "json" })).json(),
        dump.fieldNames,
      );
      const instruments = (await project.post({ content: "instrument", format: "json" })).json();
      deepStrictEqual(
        Object.fromEntries(
          instruments.map((i: Record<string, string>) => [i.instrument_name, i.instrument_label]),
        ),
        dump.instruments,
      );
      if (dump.instrumentEventMappings) {
        deepStrictEqual(
          (await project.post({ content: "formEventMapping", format: "json" })).json(),
          dump.instrumentEventMappings,
        );
      }
      const info = (await project.post({ content: "project", format: "json" })).json();
      for (const [key, value] of Object.entries(dump.projectInfo)) {
        if (["project_id", "creation_time"].includes(key)) continue;
        deepStrictEqual(info[key], value, key);
      }
    },
  );
}
