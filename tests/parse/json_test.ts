import assert from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { parseRedcapJson, rowsToFrame } from "../../lib/parse/json.ts";
import { RedcapResponseError } from "../../lib/errors.ts";

Deno.test("rowsToFrame() makes string columns in first-seen key order, blanks null", () => {
  const df = rowsToFrame([
    { record_id: "1", redcap_repeat_instance: "", age: "30" },
    { record_id: "2", redcap_repeat_instance: 3, extra: true },
  ]);
  assert.deepEqual(df.getColumns().map((s) => s.name), [
    "record_id",
    "redcap_repeat_instance",
    "age",
    "extra",
  ]);
  assert.ok(df.dtypes.every((d) => d.equals(pl.String)));
  assert.deepEqual(df.toRecords()[1], {
    record_id: "2",
    redcap_repeat_instance: "3",
    age: null,
    extra: "true",
  });
  assert.equal(rowsToFrame([]).getColumns().length, 0);
});

Deno.test("rowsToFrame() and parseRedcapJson() reject bad shapes and cut bodies", () => {
  assert.throws(() => rowsToFrame([1]), RedcapResponseError);
  assert.throws(() => rowsToFrame([{ a: { b: 1 } }]), /nested value in "a"/);
  assert.throws(
    () => parseRedcapJson('[{"a":', "record"),
    (e: Error) => e instanceof RedcapResponseError && e.problem === "truncated",
  );
  assert.deepEqual(parseRedcapJson('\uFEFF{"count":1}', "record"), { count: 1 });
});
