import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { codebook } from "../../lib/dictionary/codebook.ts";
import { clinic } from "../transform/_fixtures.ts";

Deno.test("codebook() has one row per flat-export column", () => {
  const { dd, flat } = clinic();
  const cb = codebook(dd);
  assertEquals(cb.getColumn("name").toArray(), flat.columns);
  assertEquals(cb.columns, ["name", "form", "type", "validation", "label", "choices"]);
  const rows = cb.toRecords() as Record<string, string>[];
  const race = rows.find((r) => r.name === "race____99")!;
  assertEquals([race.type, race.form, race.choices], ["checkbox", "enrollment", "-99, Refused"]);
  assertEquals(
    rows.find((r) => r.name === "race___2")!.label,
    "Race (choice=Black, or African American)",
  );
  assertEquals(rows.find((r) => r.name === "sex")!.choices, "0, Female | 1, Male");
  assertEquals(rows.find((r) => r.name === "redcap_event_name")!.type, "structural");
});

Deno.test("codebook() renders escaped HTML for Jupyter", () => {
  const { dd } = clinic();
  const bundle = (codebook(dd)[Symbol.for("Jupyter.display")] as () => Record<string, string>)();
  const html = bundle["text/html"];
  ok(html.includes("Name &lt;b&gt;(first)&lt;/b&gt;"));
  ok(!html.includes("<b>(first)"));
});

Deno.test("codebook() adds survey timestamps when asked", () => {
  const { dd } = clinic();
  const names = codebook(dd, { surveyFields: true, dataAccessGroups: true }).getColumn("name")
    .toArray();
  ok(names.includes("redcap_data_access_group"));
  ok(names.includes("redcap_survey_identifier"));
});
