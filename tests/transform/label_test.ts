import { deepStrictEqual as assertEquals } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { castRecords } from "../../lib/transform/cast.ts";
import { columnLabels, labelRecords, levels, withColumnLabels } from "../../lib/transform/label.ts";
import { clinic, rows } from "./_fixtures.ts";

Deno.test("labelRecords() replaces codes with labels in raw and cast frames alike", () => {
  const { dd, flat } = clinic();
  const fromRaw = labelRecords(flat, dd);
  const fromCast = labelRecords(castRecords(flat, dd).data, dd);
  for (const df of [fromRaw, fromCast]) {
    assertEquals(df.getColumn("sex").toArray().slice(0, 1), ["Female"]);
    assertEquals(df.getColumn("consent").toArray()[0], "Yes");
    assertEquals(df.getColumn("consent").toArray()[6], "No");
    assertEquals(df.getColumn("flag").toArray().slice(2, 4), ["True", "False"]);
    assertEquals(df.getColumn("status").toArray().slice(0, 2), ["Good, very", "Fair"]);
    assertEquals(df.getColumn("visit_complete").toArray().slice(0, 2), ["Complete", "Incomplete"]);
    assertEquals(String(df.getColumn("sex").dtype), String(pl.Categorical));
  }
  // A code not in the dictionary becomes null (castRecords() reports it).
  assertEquals(fromRaw.getColumn("status").toArray()[6], null);
});

Deno.test("labelRecords() with labels 'both' keeps codes and adds field__label", () => {
  const { dd, flat } = clinic();
  const df = labelRecords(flat, dd, { labels: "both" });
  const i = df.columns.indexOf("sex");
  assertEquals(df.columns.slice(i, i + 2), ["sex", "sex__label"]);
  assertEquals(rows(df.select("sex", "sex__label").head(1)), [{ sex: "0", sex__label: "Female" }]);
  assertEquals(columnLabels(df).sex__label, "Sex");
});

Deno.test("labelRecords() with checkboxes 'list' gives one list of chosen labels per field", () => {
  const { dd, flat } = clinic();
  const df = labelRecords(flat, dd, { checkboxes: "list" });
  assertEquals(df.columns.filter((c) => c.startsWith("race")), ["race"]);
  assertEquals(df.getColumn("race").toArray(), [["White", "Other"], null, null, null, null, null, [
    "Unknown",
  ], []]);
  assertEquals(df.getColumn("route").toArray().slice(2, 4), [["oral"], ["iv"]]);
  assertEquals(columnLabels(df).race, "Race");
});

Deno.test("levels() gives labels in dictionary order", () => {
  const { dd } = clinic();
  assertEquals(levels(dd, "status"), ["Good, very", "Bad", "Fair"]);
  assertEquals(levels(dd, "meds_complete"), ["Incomplete", "Unverified", "Complete"]);
  assertEquals(levels(dd, "name"), []);
  assertEquals(dd.levels("consent"), ["Yes", "No"]);
});

Deno.test("columnLabels() is empty for unknown frames and withColumnLabels() sets it", () => {
  const df = pl.DataFrame({ a: [1] });
  assertEquals(columnLabels(df), {});
  withColumnLabels(df, { a: "Age" });
  assertEquals(columnLabels(df), { a: "Age" });
});
