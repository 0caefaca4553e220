/**
 * The logic engine against real REDCap data: the calc values REDCap stored in the corpus
 * projects, and the record-events REDCap returned for `filterLogic` requests.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RedcapStore } from "../../lib/server/store.ts";
import { importFlatRows } from "../../lib/server/records/import.ts";
import { readProjectXml } from "../../lib/server/odm/project_xml.ts";
import { ProjectModel } from "../../lib/server/model.ts";
import { ApiError } from "../../lib/server/_http.ts";
import { compileFilterLogic, logicValueOf } from "../../lib/server/_filter_logic.ts";
import {
  calculatedFields,
  computeCalculatedField,
  recomputeCalculations,
} from "../../lib/server/_calc.ts";

const CORPUS = fileURLToPath(
  new URL("../../../shared/redcap-corpus/OuhscBbmc/REDCapR/inst/test-data/", import.meta.url),
);
const missing = !existsSync(CORPUS);
if (missing) console.log(`Skipping corpus logic tests: ${CORPUS} is absent`);

function projectXml(tag: string): string {
  return `${CORPUS}projects/${tag}/project.xml`;
}

/** Loads a corpus project the way `loadProject` seeds one (calc values kept as stored). */
function loadProject(store: RedcapStore, path: string): { projectId: number } {
  const definition = readProjectXml(readFileSync(path, "utf8"));
  const projectId = store.createProject(definition);
  store.transaction(() =>
    importFlatRows(store, projectId, definition.records, { username: "test", seed: true })
  );
  return { projectId };
}

interface RFrame {
  nrow: number;
  columns: { name: string; values: unknown[] }[];
}

function column(path: string, name: string): unknown[] {
  const frame = JSON.parse(readFileSync(path, "utf8")) as RFrame;
  return frame.columns.find((c) => c.name === name)!.values;
}

const CALC_TAGS = [
  "simple",
  "longitudinal",
  "decimal-dot",
  "decimal-comma-and-dot",
  "validation-types-1",
];
for (const tag of CALC_TAGS) {
  Deno.test({
    name: `computeCalculatedField() reproduces the calc values REDCap stored in "${tag}"`,
    ignore: missing,
    fn() {
      const definition = readProjectXml(readFileSync(projectXml(tag), "utf8"));
      const project = new ProjectModel(definition);
      const calcs = calculatedFields(project);
      ok(calcs.length > 0);
      let compared = 0;
      for (const row of definition.records) {
        for (const calc of calcs) {
          const name = calc.field.field_name;
          // "today" moves: REDCap computed those on another day.
          if (!(name in row) || /today|now/i.test(calc.field.select_choices_or_calculations)) {
            continue;
          }
          const context = {
            value: (field: string) => logicValueOf(project, field, row[field] ?? ""),
          };
          const computed = computeCalculatedField(calc, context);
          if (row[name] === "" && computed === "") continue;
          strictEqual(computed, row[name], `${name} of record ${row[project.recordIdField]}`);
          compared++;
        }
      }
      console.log(`${tag}: ${compared} calculated values match`);
      ok(compared >= 1, `compared ${compared} values`);
    },
  });
}

Deno.test({
  name: "recomputeCalculations() rewrites a wrong stored bmi with REDCap's value",
  ignore: missing,
  fn() {
    const store = RedcapStore.open();
    const { projectId } = loadProject(store, projectXml("simple"));
    const before = store.values(projectId, "1", 1, 1, "bmi");
    ok(before.length === 1);
    store.setValues(projectId, "1", 1, 1, "bmi", ["999"]);
    store.setValues(projectId, "2", 1, 1, "weight", []);
    recomputeCalculations(store, projectId, ["1", "2"]);
    deepStrictEqual(store.values(projectId, "1", 1, 1, "bmi"), before);
    deepStrictEqual(store.values(projectId, "2", 1, 1, "bmi"), []);
  },
});

function passing(tag: string, logic: string): string[] {
  const store = RedcapStore.open();
  const { projectId } = loadProject(store, projectXml(tag));
  const project = store.project(projectId);
  const filter = compileFilterLogic(project, logic);
  const names = store.records(projectId).map((r) => r.record);
  const result: string[] = [];
  for (const { record, points } of store.readRecords(projectId, names)) {
    for (const event of project.events) {
      if (!points.some((p) => p.event_id === event.event_id)) continue;
      if (filter(record, points, event)) {
        result.push(project.longitudinal ? `${record}|${event.unique_event_name}` : record);
      }
    }
  }
  return result;
}

const SIMPLE_CASES = [
  ["[age] >= 61", "read-oneshot/filter-numeric.R.json"],
  ["[name_first] = 'John Lee'", "read-oneshot/filter-character.R.json"],
];
for (const [logic, file] of SIMPLE_CASES) {
  Deno.test({
    name: `compileFilterLogic() selects the records REDCap returned for ${logic}`,
    ignore: missing,
    fn() {
      const expected = column(`${CORPUS}specific-redcapr/${file}`, "record_id").map(String);
      deepStrictEqual(passing("simple", logic), expected);
    },
  });
}

const LONGITUDINAL_CASES = [
  ["[bmi] > 25", "filter-numeric.R.json"],
  ["[email] = 'zlehnox@gmail.com'", "filter-character.R.json"],
];
for (const [logic, file] of LONGITUDINAL_CASES) {
  Deno.test({
    name: `compileFilterLogic() selects the record-events REDCap returned for ${logic}`,
    ignore: missing,
    fn() {
      const path = `${CORPUS}projects/longitudinal/expected/${file}`;
      const ids = column(path, "study_id"), events = column(path, "redcap_event_name");
      deepStrictEqual(passing("longitudinal", logic), ids.map((id, i) => `${id}|${events[i]}`));
    },
  });
}

Deno.test({
  name: "compileFilterLogic() answers 400 naming the problem for invalid logic",
  ignore: missing,
  fn() {
    const project = new ProjectModel(
      readProjectXml(readFileSync(projectXml("longitudinal"), "utf8")),
    );
    for (
      const [logic, fragment] of [
        ["[bmi] >", "Expected a value"],
        ["[no_such_field] = 1", 'Unknown field "no_such_field"'],
        ["[no_event][bmi] = 1", 'Unknown event "no_event"'],
        ["frobnicate([bmi])", 'Unknown function "frobnicate"'],
      ]
    ) {
      throws(() => compileFilterLogic(project, logic), (e: unknown) => {
        ok(e instanceof ApiError);
        strictEqual(e.status, 400);
        ok(e.message.includes(fragment), e.message);
        return true;
      });
    }
  },
});
