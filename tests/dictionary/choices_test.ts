import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkboxSuffix, parseChoices } from "../../lib/dictionary/choices.ts";

Deno.test("parseChoices() splits on the first comma so labels keep their commas", () => {
  assertEquals(parseChoices("1, Good, very | 2, Bad"), [
    { code: "1", label: "Good, very" },
    { code: "2", label: "Bad" },
  ]);
});

Deno.test("parseChoices() accepts bare | separators, legacy label-only choices and blanks", async (t) => {
  const cases: [string, { code: string; label: string }[]][] = [
    ["1, one|2, two", [{ code: "1", label: "one" }, { code: "2", label: "two" }]],
    ["Fair | 2, Bad", [{ code: "Fair", label: "Fair" }, { code: "2", label: "Bad" }]],
    ["-99, Refused |  | aa, A", [{ code: "-99", label: "Refused" }, { code: "aa", label: "A" }]],
    ["", []],
    ["   ", []],
  ];
  for (const [input, expected] of cases) {
    await t.step(JSON.stringify(input), () => assertEquals(parseChoices(input), expected));
  }
});

Deno.test("checkboxSuffix() follows REDCap's rule for negative, dotted and upper-case codes", async (t) => {
  const cases: [string, string][] = [
    ["1", "1"],
    ["-99", "_99"],
    ["1.5", "1_5"],
    ["ABC", "abc"],
    ["K>=9", "k9"],
    ["0", "0"],
    ["b1b", "b1b"],
  ];
  for (const [code, suffix] of cases) {
    await t.step(code, () => assertEquals(checkboxSuffix(code), suffix));
  }
});
