/** displayCodebook(), displayInvalid(), displayMissing(): the reports as notebook tables. */
import { ok } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import type { HtmlDisplay } from "../../lib/jupyter/display.ts";
import { displayCodebook, displayInvalid, displayMissing } from "../../lib/jupyter/reports.ts";

const html = (shown: HtmlDisplay) => shown[Symbol.for("Jupyter.display")]()["text/html"];

Deno.test("displayCodebook() titles the table and counts fields and forms", () => {
  const dictionary = DataDictionary.fromMetadata([
    { field_name: "record_id", form_name: "enrollment", field_type: "text" },
    { field_name: "age", form_name: "enrollment", field_type: "text", field_label: "Age <years>" },
  ]);
  const out = html(displayCodebook(dictionary));
  ok(out.includes("Codebook"));
  ok(out.includes(`${dictionary.fields.length} fields in 1 forms`));
  ok(out.includes("Age &lt;years&gt;"), "labels are escaped");
});

Deno.test("displayInvalid() counts what did not cast, and says so when everything did", () => {
  const invalid = pl.DataFrame({
    record: ["7", "8"],
    field: ["age", "age"],
    value: ["forty", "<b>"],
    reason: ["not an integer", "not an integer"],
  });
  const out = html(displayInvalid(invalid));
  ok(out.includes("2 values did not cast"));
  ok(out.includes("&lt;b&gt;") && !out.includes("<b>"));
  ok(html(displayInvalid(invalid.head(0))).includes("every value cast"));
});

Deno.test("displayMissing() counts the values that held a missing-data code", () => {
  const missing = pl.DataFrame({ record: ["1"], column: ["ethnicity"], code: ["UNK"] });
  const out = html(displayMissing(missing));
  ok(out.includes("Missing-data codes"));
  ok(out.includes("1 value held a missing-data code"));
  ok(out.includes("UNK"));
});
