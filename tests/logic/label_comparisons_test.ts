/** The warning for logic that compares a coded field with one of its labels. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { evaluateLogic, labelComparisons } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

/** Runs `fn` and returns what it printed with console.warn. */
function warnings(fn: () => void): string[] {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.join(" "));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return seen;
}

Deno.test("labelComparisons() names the code for a label compared with a coded field of the demo", async () => {
  const { dictionary } = await clientOf().readRecords({ records: ["1"] });
  const metadata = dictionary.metadata;
  const found = labelComparisons(
    "[sex] = 'Female' or 'Yes' = [consent] or [enrollment_complete] <> 'complete'",
    metadata,
  );
  deepStrictEqual(found.map((f) => [f.field, f.label, f.code]), [
    ["sex", "Female", "1"],
    ["consent", "Yes", "1"],
    ["enrollment_complete", "Complete", "2"],
  ]);
  ok(found[2].message.includes("matches every record"));
  ok(found[0].message.endsWith("write [sex] = '1'"));
  // Codes, text fields and numbers are fine.
  deepStrictEqual(
    labelComparisons("[sex] = '1' and [first_name] = 'Female' and [sbp] > 140", metadata),
    [],
  );
});

Deno.test("evaluateLogic() warns once about a label comparison, which matches no row", async () => {
  const { data, dictionary } = await clientOf().readRecords({ forms: ["enrollment"] });
  const logic = "[sex] = 'Male' and [ethnicity] = '1'";
  let result: unknown[] = [];
  const printed = warnings(() => {
    result = [...evaluateLogic(data, dictionary.metadata, logic)];
  });
  strictEqual(printed.length, 1);
  ok(printed[0].includes(`write [sex] = '2'`));
  ok(result.every((v) => v === false), "REDCap logic compares codes: a label matches nothing");
  strictEqual(warnings(() => evaluateLogic(data, dictionary.metadata, logic)).length, 0);
  strictEqual(warnings(() => evaluateLogic(data, dictionary.metadata, "[sex] = '2'")).length, 0);
});

Deno.test({
  name: "labelComparisons() on REDCapR's longitudinal Project XML (dropdown and yesno fields)",
  ignore: NO_CORPUS,
  fn: async () => {
    const path = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/longitudinal/project.xml`;
    const { dictionary } = await clientOf(path).readRecords();
    const race = dictionary.choices("race")[1];
    const found = labelComparisons(
      `[race] = "${race.label}" and [given_birth] = 'no'`,
      dictionary.metadata,
    );
    deepStrictEqual(found.map((f) => f.code), [race.code, "0"]);
  },
});
