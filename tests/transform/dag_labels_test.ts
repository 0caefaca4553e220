/** labelDataAccessGroups(): unique group names labelled as REDCap's label export does. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { labelDataAccessGroups } from "../../lib/transform/dag_labels.ts";
import { columnLabels } from "../../lib/transform/label.ts";

const DAGS = [
  { unique_group_name: "boston", data_access_group_name: "Boston General" },
  { unique_group_name: "lyon", data_access_group_name: "Lyon Sud" },
];
const df = pl.DataFrame({
  record_id: ["1", "2", "3", "4"],
  redcap_data_access_group: ["lyon", null, "boston", "closed_site"],
  age: [30, 40, 50, 60],
});

Deno.test("label mode replaces the names; a group deleted since keeps its unique name", () => {
  const out = labelDataAccessGroups(df, DAGS, "label");
  deepStrictEqual(out.getColumn("redcap_data_access_group").toArray(), [
    "Lyon Sud",
    null,
    "Boston General",
    "closed_site",
  ]);
  strictEqual(columnLabels(out).redcap_data_access_group, "Data Access Group");
});

Deno.test("both mode adds the label column right after the names; code mode changes nothing", () => {
  const both = labelDataAccessGroups(df, DAGS, "both");
  deepStrictEqual(both.columns, [
    "record_id",
    "redcap_data_access_group",
    "redcap_data_access_group__label",
    "age",
  ]);
  deepStrictEqual(
    both.getColumn("redcap_data_access_group").toArray(),
    df.getColumn(
      "redcap_data_access_group",
    ).toArray(),
  );
  strictEqual(labelDataAccessGroups(df, DAGS, "code"), df);
  const noDag = pl.DataFrame({ record_id: ["1"] });
  strictEqual(labelDataAccessGroups(noDag, DAGS, "label"), noDag);
});
