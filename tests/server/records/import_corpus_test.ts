import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { parseCsv } from "../../../lib/parse/csv_rows.ts";
import { readProjectXml } from "../../../lib/server/odm/project_xml.ts";
import { CORPUS_DIR, NO_CORPUS } from "../../_helpers.ts";
import { serve } from "./_projects.ts";

const PROJECTS = "OuhscBbmc/REDCapR/inst/test-data/projects/";

/** Folders whose data.csv REDCap itself would reject (edited by R after export). */
const REJECTED: Record<string, RegExp> = {
  // R wrote the truefalse field `sex` as TRUE/FALSE.
  simple: /"1","sex","FALSE","The value is not a valid category for sex"/,
  // Values entered before validation was added to the field.
  "potentially-problematic-values": /"1","date_before_validation","before validation 1"/,
  // R's write.csv added a row-name column with a blank header.
  russian: /^ERROR: The following fields were not found in the project as real data fields: $/m,
};

function cases(): { name: string; xml: string; csv: string }[] {
  if (!CORPUS_DIR) return [];
  const found = [];
  for (const entry of Deno.readDirSync(CORPUS_DIR + PROJECTS)) {
    const dir = `${CORPUS_DIR}${PROJECTS}${entry.name}/`;
    try {
      found.push({
        name: entry.name,
        xml: Deno.readTextFileSync(dir + "project.xml"),
        csv: Deno.readTextFileSync(dir + "data.csv"),
      });
    } catch {
      // Folders without both files are not import cases.
    }
  }
  return found.sort((a, b) => a.name < b.name ? -1 : 1);
}

Deno.test({
  name: "content=record import accepts the real REDCap data of every corpus project",
  ignore: NO_CORPUS,
  async fn() {
    const all = cases();
    ok(all.length >= 20, `only ${all.length} corpus projects found`);
    for (const { name, xml, csv } of all) {
      const definition = readProjectXml(xml);
      definition.records = [];
      const s = serve(definition);
      const response = await s.post({
        content: "record",
        format: "csv",
        returnFormat: "csv",
        data: csv,
      });
      const body = await response.text();
      if (name in REJECTED) {
        strictEqual(response.status, 400, name);
        ok(
          REJECTED[name].test(body),
          `${name}: ${body.slice(0, 300)}`,
        );
        deepStrictEqual(s.store.records(s.projectId), [], name);
        continue;
      }
      strictEqual(response.status, 200, `${name}: ${body.slice(0, 300)}`);
      const rows = parseCsv(csv);
      const idColumn = rows[0]?.indexOf(definition.metadata[0].field_name) ?? -1;
      const ids = new Set(rows.slice(1).map((r) => r[idColumn]));
      strictEqual(body, String(ids.size), name);
      strictEqual(s.store.records(s.projectId).length >= ids.size, true, name);
    }
  },
});
