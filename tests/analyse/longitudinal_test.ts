import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { columnLabels, tableOne, tabulate, withEventColumns } from "../../mod.ts";
import { RedcapClient } from "../../lib/client.ts";
import { CORPUS_DIR, createTestServer, NO_CORPUS } from "../_helpers.ts";

function clientOf(source: string = "demo") {
  const server = createTestServer(source);
  return new RedcapClient("http://redcap.test/api/", server.token, { fetch: server.fetch });
}

Deno.test("withEventColumns() adds arm, arm name, event label and instance from the dictionary", async () => {
  const { data, dictionary } = await clientOf().readRecords({
    forms: ["vitals", "adverse_events"],
  });
  const out = withEventColumns(data, dictionary);
  deepStrictEqual(out.columns.slice(0, 6), [
    "record_id",
    "redcap_event_name",
    "arm",
    "arm_name",
    "event_label",
    "instance",
  ]);
  const events = data.getColumn("redcap_event_name").toArray();
  const instances = data.getColumn("redcap_repeat_instance").toArray();
  out.toRecords().forEach((row, i) => {
    const event = dictionary.event(String(events[i]))!;
    strictEqual(row.arm, event.arm);
    strictEqual(row.arm_name, dictionary.arms.find((a) => a.arm === event.arm)!.name);
    strictEqual(row.event_label, event.label);
    strictEqual(row.instance, instances[i] === null ? 1 : Number(instances[i]));
  });
  // Repeat instances keep their number; other rows are instance 1.
  strictEqual(Math.max(...out.getColumn("instance").toArray().map(Number)) > 1, true);
  strictEqual(columnLabels(out).event_label, "Event");
  throws(
    () => withEventColumns(out, dictionary),
    /already has arm, arm_name, event_label, instance/,
  );
  throws(
    () => withEventColumns(data.drop("redcap_event_name"), dictionary),
    /no redcap_event_name/,
  );
  const odd = data.withColumns(pl.lit("week_99_arm_1").alias("redcap_event_name"));
  throws(() => withEventColumns(odd, dictionary), /"week_99_arm_1", which is not an event/);
});

Deno.test({
  name: "withEventColumns() on redcap-etl's repeating-events Project XML (arms, repeating events)",
  ignore: NO_CORPUS,
  fn: async () => {
    const path = `${CORPUS_DIR}IUREDCap/redcap-etl/tests/data/projects/repeating-events.xml`;
    const { data, dictionary } = await clientOf(path).readRecords();
    const out = withEventColumns(data, dictionary);
    const events = data.getColumn("redcap_event_name").toArray();
    deepStrictEqual(
      out.getColumn("event_label").toArray(),
      events.map((e) => dictionary.event(String(e))!.label),
    );
    deepStrictEqual(
      out.getColumn("instance").toArray(),
      data.getColumn("redcap_repeat_instance").toArray().map((v) => v === null ? 1 : Number(v)),
    );
  },
});

Deno.test("tableOne() and tabulate() list arms and visit labels in the project's order", async () => {
  const { data, dictionary } = await clientOf().readRecords({ forms: ["vitals"] });
  const rows = withEventColumns(data, dictionary);
  const table = tableOne(rows, dictionary, { by: "arm_name", fields: ["sbp"] });
  deepStrictEqual(table.columns.slice(3), dictionary.arms.map((a) => a.name));
  const visits = tabulate(rows, dictionary, "smoker", { by: "event_label" });
  const seen = new Set(rows.getColumn("event_label").toArray());
  deepStrictEqual(
    [...new Set(visits.getColumn("event_label").toArray())],
    [...new Set(dictionary.events.map((e) => e.label))].filter((l) => seen.has(l)),
  );
});
