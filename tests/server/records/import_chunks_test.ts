import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { ApiError } from "../../../lib/server/_http.ts";
import { importFlatRows, importRecordRows } from "../../../lib/server/records/import.ts";
import { classicProject, dump, serve } from "./_projects.ts";

const USER = { username: "tester" };

/** The ApiError `fn` throws. */
function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    ok(error instanceof ApiError, String(error));
    return error;
  }
  throw new Error("expected an ApiError");
}

/** `n` one-row records `1..n` with an age. */
function rows(n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => [String(i + 1), String(20 + (i % 50))]);
}

Deno.test("importRecordRows() writes an import larger than a chunk, in order, in one piece", () => {
  const s = serve(classicProject());
  const result = importRecordRows(
    s.store,
    s.projectId,
    ["record_id", "age"],
    rows(4500),
    USER,
  );
  strictEqual(result.count, 4500);
  deepStrictEqual(result.ids.slice(0, 3), ["1", "2", "3"]);
  strictEqual(result.ids[4499], "4500");
  deepStrictEqual(s.store.values(s.projectId, "4321", 1, 1, "age"), [String(20 + (4320 % 50))]);
  strictEqual(s.store.records(s.projectId).length, 4500);
});

Deno.test("importRecordRows() rolls back every chunk when a late row is invalid", () => {
  const s = serve(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1", age: "99" }], USER);
  const before = dump(s.store, s.projectId);
  const data = rows(4500);
  data[4400] = ["4401", "not a number"];
  data[10] = ["11", "abc"];
  const error = apiError(() =>
    importRecordRows(s.store, s.projectId, ["record_id", "age"], data, USER)
  );
  // Both problems, from different chunks, are reported.
  const message = error.message;
  match(message, /"11","age","abc"/);
  match(message, /"4401","age","not a number"/);
  deepStrictEqual(dump(s.store, s.projectId), before);
  strictEqual(s.store.records(s.projectId).length, 1);
});

Deno.test("importRecordRows() reports a bad event or instance over per-value errors of earlier chunks", () => {
  const s = serve(classicProject());
  const data: (string | undefined)[][] = rows(3000).map(([id, age]) => [id, age, ""]);
  data[5] = ["6", "x", ""];
  data[2900] = ["2901", "30", "0"];
  const error = apiError(() =>
    importRecordRows(
      s.store,
      s.projectId,
      ["record_id", "age", "redcap_repeat_instance"],
      data,
      USER,
    )
  );
  match(error.message, /^The record name \(2901\) has an invalid value/);
  strictEqual(s.store.records(s.projectId).length, 0);
});

Deno.test("importRecordRows() gives a record split across chunks all its values", () => {
  const s = serve(classicProject());
  const data: (string | undefined)[][] = rows(2500).map(([id, age]) => [id, age, undefined]);
  // Record 1 appears again after the first chunk, with another field.
  data.push(["1", undefined, "Ann"]);
  const result = importRecordRows(
    s.store,
    s.projectId,
    ["record_id", "age", "name"],
    data,
    USER,
  );
  strictEqual(result.count, 2500);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "age"), ["20"]);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "name"), ["Ann"]);
});

Deno.test("importRecordRows() recomputes calculations of every chunk from the values written", () => {
  const s = serve(classicProject());
  const calc = s.store.project(s.projectId).fields.find((f) => f.field_type === "calc");
  if (!calc) throw new Error("the classic test project has no calc field");
  const data = Array.from({ length: 2200 }, (_, i) => [String(i + 1), "180", "80.0"]);
  importRecordRows(s.store, s.projectId, ["record_id", "height", "weight"], data, USER);
  const first = s.store.values(s.projectId, "1", 1, 1, calc.field_name);
  const last = s.store.values(s.projectId, "2200", 1, 1, calc.field_name);
  deepStrictEqual(first, ["80"]);
  deepStrictEqual(last, first);
});

Deno.test("importRecordRows() with trusted rows skips value checks, not structural ones", () => {
  const s = serve(classicProject());
  // Not an integer: refused normally, stored as given when the rows are trusted (the demo's).
  apiError(() =>
    importRecordRows(s.store, s.projectId, ["record_id", "age"], [["1", "abc"]], USER)
  );
  importRecordRows(s.store, s.projectId, ["record_id", "age"], [["1", "abc"]], {
    ...USER,
    trusted: true,
  });
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "age"), ["abc"]);
  const error = apiError(() =>
    importRecordRows(s.store, s.projectId, ["record_id", "age"], [["", "30"]], {
      ...USER,
      trusted: true,
    })
  );
  match(error.message, /record ID cannot be blank/);
});

Deno.test("importRecordRows() logs each record once, in import order, across log batches", () => {
  const s = serve(classicProject());
  importRecordRows(s.store, s.projectId, ["record_id", "age"], rows(2345), USER);
  const logged = s.store.logEntries(s.projectId);
  strictEqual(logged.length, 2345);
  deepStrictEqual(logged.map((e) => e.record), rows(2345).map(([id]) => id));
  deepStrictEqual(logged[2344].details, `record_id = '2345', age = '${20 + (2344 % 50)}'`);
  ok(logged.every((e) => e.action === "INSERT" && e.username === "tester"));
});
