/** checkCalculations(): stale calculated values (REDCap's Data Quality rule H). */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { checkCalculations, DataDictionary } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

Deno.test("checkCalculations() finds nothing on the demo, and the BMI rows whose weight changed", async () => {
  for (const labels of ["label", "code"] as const) {
    const { data, dictionary } = await clientOf().readRecords({ labels });
    strictEqual(checkCalculations(data, dictionary).getColumn("field").len(), 0, labels);
    // Double one row's weight: only that row's BMI is stale.
    const weights = data.getColumn("weight").toArray();
    const row = weights.findIndex((w) => w !== null);
    const edited = data.withColumns(
      pl.Series("weight", weights.map((w, i) => i === row ? Number(w) * 2 : w), pl.Float64),
    );
    const stale = checkCalculations(edited, dictionary).toRecords();
    strictEqual(stale.length, 1);
    const ids = data.getColumn("record_id").toArray();
    const events = data.getColumn("redcap_event_name").toArray();
    deepStrictEqual(
      [stale[0].record, stale[0].event, stale[0].field, stale[0].stored],
      [ids[row], events[row], "bmi", String(data.getColumn("bmi").toArray()[row])],
    );
    const height = Number(data.getColumn("height").toArray()[row]) / 100;
    strictEqual(
      Number(stale[0].recomputed),
      Math.round((Number(weights[row]) * 2) / (height * height) * 10) / 10,
    );
  }
});

Deno.test("checkCalculations() recomputes @CALCTEXT and @CALCDATE, with coded inputs as codes", () => {
  const dd = DataDictionary.fromMetadata([
    { field_name: "id", form_name: "f", field_type: "text" },
    {
      field_name: "sex",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "1, Female | 2, Male",
    },
    {
      field_name: "start",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "date_ymd",
    },
    {
      field_name: "sex_text",
      form_name: "f",
      field_type: "text",
      field_annotation: "@CALCTEXT(if([sex] = '1', 'F', 'M'))",
    },
    {
      field_name: "follow_up",
      form_name: "f",
      field_type: "text",
      text_validation_type_or_show_slider_number: "date_ymd",
      field_annotation: "@HIDDEN @CALCDATE([start], 30, 'd')",
    },
  ]);
  const frame = pl.DataFrame([
    pl.Series("id", ["1", "2", "3"]),
    pl.Series("sex", ["Female", "Male", "Female"]),
    pl.Series("start", [new Date("2024-01-01"), new Date("2024-02-01"), null], pl.Date),
    pl.Series("sex_text", ["F", "F", "F"]),
    pl.Series(
      "follow_up",
      [new Date("2024-01-31"), new Date("2024-03-01"), new Date("2024-01-01")],
      pl.Date,
    ),
  ]);
  deepStrictEqual(
    checkCalculations(frame, dd).toRecords().map((
      r,
    ) => [r.record, r.field, r.stored, r.recomputed]),
    [["2", "sex_text", "F", "M"], ["2", "follow_up", "2024-03-01", "2024-03-02"], [
      "3",
      "follow_up",
      "2024-01-01",
      "",
    ]],
  );
  throws(
    () => checkCalculations(frame.drop("start"), dd),
    /"follow_up" reads start, which the frame does not hold/,
  );
  throws(
    () => checkCalculations(frame, dd, { fields: ["sex"] }),
    /"sex" is not a calculated field/,
  );
});

Deno.test({
  name: "checkCalculations() on REDCapR's longitudinal Project XML (bmi, bmi2 across events)",
  ignore: NO_CORPUS,
  fn: async () => {
    const path = `${CORPUS_DIR}OuhscBbmc/REDCapR/inst/test-data/projects/longitudinal/project.xml`;
    const { data, dictionary } = await clientOf(path).readRecords();
    strictEqual(checkCalculations(data, dictionary).getColumn("field").len(), 0);
    const heights = data.getColumn("height").toArray();
    const changed = heights.filter((h) => h !== null).length;
    strictEqual(changed > 0, true);
    const taller = data.withColumns(pl.col("height").add(10));
    const stale = checkCalculations(taller, dictionary, { fields: ["bmi"] });
    strictEqual(stale.getColumn("field").len(), changed);
  },
});
