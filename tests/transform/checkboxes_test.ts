import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { castRecords } from "../../lib/transform/cast.ts";
import { combineCheckboxes, expandCheckboxes } from "../../lib/transform/checkboxes.ts";
import { clinic, rows } from "./_fixtures.ts";

Deno.test("combineCheckboxes() puts a field's checked codes in one list where its first option was", () => {
  const { dd, flat } = clinic();
  const df = combineCheckboxes(flat, dd, { values: "code" });
  const i = flat.columns.indexOf("race___1");
  assertEquals(df.columns[i], "race");
  assertEquals(df.getColumn("race").toArray()[0], ["1", "ABC"]);
  assertEquals(df.getColumn("race").toArray()[1], null);
});

Deno.test("combineCheckboxes() reads Boolean checkbox columns from castRecords()", () => {
  const { dd, flat } = clinic();
  const fromCast = combineCheckboxes(castRecords(flat, dd).data, dd);
  assertEquals(
    fromCast.getColumn("race").toArray(),
    combineCheckboxes(flat, dd).getColumn("race").toArray(),
  );
});

Deno.test("expandCheckboxes() restores REDCap's 0/1 columns (blank where not designated)", () => {
  const { dd, flat } = clinic();
  const back = expandCheckboxes(combineCheckboxes(flat, dd, { values: "code" }), dd);
  assertEquals(back.columns, flat.columns);
  assertEquals(rows(back), rows(flat));
});
