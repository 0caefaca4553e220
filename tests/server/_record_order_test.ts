import { deepStrictEqual } from "node:assert/strict";
import { compareRecordNames, sortRecordEntries } from "../../lib/server/_record_order.ts";

Deno.test("compareRecordNames() sorts numeric names by value before text names", () => {
  const names = ["b", "10", "2", "a", "1", "2-10", "2-9", "10.5"];
  deepStrictEqual(names.sort(compareRecordNames), [
    "1",
    "2",
    "2-9",
    "2-10",
    "10",
    "10.5",
    "a",
    "b",
  ]);
});

Deno.test("sortRecordEntries() sorts as compareRecordNames, then by arm", () => {
  const entries = ["b", "10", "2", "2-10", "2-9", "a", "2"].map((record, i) => ({
    record,
    arm_num: i === 6 ? 1 : 2,
  }));
  deepStrictEqual(sortRecordEntries(entries).map((e) => `${e.record}@${e.arm_num}`), [
    "2@1",
    "2@2",
    "2-9@2",
    "2-10@2",
    "10@2",
    "a@2",
    "b@2",
  ]);
});
