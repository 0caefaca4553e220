import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { compareRecordNames, RedcapStore } from "../../lib/server/store.ts";
import { fullRights } from "../../lib/server/project.ts";
import { tinyProject } from "./_fixtures.ts";

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

Deno.test("RedcapStore.transaction() rolls back every write when the function throws", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  store.transaction(() => {
    store.ensureRecord(id, "1", 1);
    store.setValues(id, "1", 1, 1, "age", ["30"]);
  });
  throws(() =>
    store.transaction(() => {
      store.setValues(id, "1", 1, 1, "age", ["31"]);
      store.ensureRecord(id, "2", 1);
      throw new Error("boom");
    }), /boom/);
  deepStrictEqual(store.values(id, "1", 1, 1, "age"), ["30"]);
  deepStrictEqual(store.records(id).map((r) => r.record), ["1"]);
});

Deno.test("RedcapStore.setValues() replaces a field's values and reports whether it changed", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  strictEqual(store.setValues(id, "1", 1, 1, "age", ["1", "3"]), true);
  strictEqual(store.setValues(id, "1", 1, 1, "age", ["1", "3"]), false);
  strictEqual(store.setValues(id, "1", 1, 1, "age", []), true);
  deepStrictEqual(store.values(id, "1", 1, 1, "age"), []);
});

Deno.test("RedcapStore.readRecords() yields every record in the order asked, chunk by chunk", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  for (let i = 1; i <= 7; i++) {
    store.ensureRecord(id, String(i), 1);
    store.setValues(id, String(i), 1, 1, "age", [String(20 + i)]);
  }
  const got = [...store.readRecords(id, ["3", "1", "7", "2"], 2)];
  deepStrictEqual(got.map((g) => g.record), ["3", "1", "7", "2"]);
  deepStrictEqual(got.map((g) => g.points[0].value), ["23", "21", "27", "22"]);
});

Deno.test("RedcapStore.readRecordRows() hands over the key-order read as [event, instance, field, value]", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  for (const record of ["2", "1"]) {
    store.ensureRecord(id, record, 1);
    store.setValues(id, record, 1, 1, "record_id", [record]);
    store.setValues(id, record, 1, 1, "age", [`4${record}`]);
    store.setValues(id, record, 1, 2, "age", [`5${record}`]);
  }
  const rows = [...store.readRecordRows(id, ["2", "1", "9"])];
  deepStrictEqual(rows, [
    { record: "2", rows: [[1, 1, "age", "42"], [1, 2, "age", "52"], [1, 1, "record_id", "2"]] },
    { record: "1", rows: [[1, 1, "age", "41"], [1, 2, "age", "51"], [1, 1, "record_id", "1"]] },
    { record: "9", rows: [] },
  ]);
  // The same values, in the same order, as readRecords' key-order points; `only` filters alike.
  const points = [...store.readRecords(id, ["2", "1", "9"], 500, true)];
  deepStrictEqual(
    rows.map((r) => r.rows),
    points.map((r) => r.points.map((p) => [p.event_id, p.instance, p.field_name, p.value])),
  );
  const only = { fields: ["record_id"], events: [1] };
  deepStrictEqual(
    [...store.readRecordRows(id, ["1"], only)][0].rows,
    [[1, 1, "record_id", "1"]],
  );
});

/** The data index's definition, or `undefined` when the store has none. */
function dataIndex(store: RedcapStore): string | undefined {
  const row = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'data_key'").get();
  return row === undefined ? undefined : String(row.sql);
}

Deno.test("RedcapStore.bulkLoad() loads a new store without the data index, then builds it", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  const before = dataIndex(store);
  let during: string | undefined = "";
  store.transaction(() =>
    store.bulkLoad(() => {
      during = dataIndex(store);
      store.ensureRecord(id, "1", 1);
      store.setValues(id, "1", 1, 1, "age", ["30"]);
    })
  );
  strictEqual(during, undefined);
  strictEqual(dataIndex(store), before);
  const plan = store.db.prepare(
    "EXPLAIN QUERY PLAN SELECT value FROM data WHERE project_id = 1 AND record = '1'",
  ).all().map((row) => String(row.detail)).join("\n");
  deepStrictEqual(/data_key/.test(plan), true, plan);
  deepStrictEqual(store.values(id, "1", 1, 1, "age"), ["30"]);
});

Deno.test("RedcapStore.bulkLoad() keeps the index when the store holds data, or the load fails", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  const before = dataIndex(store);
  throws(() =>
    store.transaction(() =>
      store.bulkLoad(() => {
        store.setValues(id, "1", 1, 1, "age", ["30"]);
        throw new Error("boom");
      })
    ), /boom/);
  strictEqual(dataIndex(store), before);
  deepStrictEqual(store.values(id, "1", 1, 1, "age"), []);
  store.transaction(() => store.setValues(id, "1", 1, 1, "age", ["30"]));
  let during: string | undefined;
  store.transaction(() => store.bulkLoad(() => during = dataIndex(store)));
  strictEqual(during, before);
  throws(() => store.bulkLoad(() => 0), /inside a transaction/);
});

Deno.test("RedcapStore persists projects, tokens and data in a file across reopenings", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const first = RedcapStore.open(`${dir}/x.db`);
    const id = first.createProject(tinyProject());
    first.addToken("A".repeat(32), id, fullRights("u"));
    first.transaction(() => {
      first.ensureRecord(id, "1", 1);
      first.setValues(id, "1", 1, 1, "age", ["44"]);
    });
    first.close();
    const second = RedcapStore.open(`${dir}/x.db`);
    strictEqual(second.token("A".repeat(32))?.projectId, id);
    deepStrictEqual(second.values(id, "1", 1, 1, "age"), ["44"]);
    strictEqual(second.project(id).recordIdField, "record_id");
    second.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("RedcapStore.recordsChangedBetween() finds records logged in the time window", () => {
  let now = new Date(2024, 0, 1, 10, 0, 0);
  const store = RedcapStore.open(":memory:", { now: () => now });
  const id = store.createProject(tinyProject());
  store.log({
    project_id: id,
    username: "u",
    action: "INSERT",
    record: "1",
    event_id: 1,
    details: "",
    description: "",
  });
  now = new Date(2024, 0, 2, 10, 0, 0);
  store.log({
    project_id: id,
    username: "u",
    action: "UPDATE",
    record: "2",
    event_id: 1,
    details: "",
    description: "",
  });
  deepStrictEqual([
    ...store.recordsChangedBetween(id, "2024-01-02 00:00:00", "2024-01-03 00:00:00"),
  ], ["2"]);
  deepStrictEqual(
    [...store.recordsChangedBetween(id, "2023-01-01 00:00:00", "2025-01-01 00:00:00")].sort(),
    ["1", "2"],
  );
});

Deno.test("RedcapStore keeps the data as it was when the process dies inside a transaction", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/kill.db`;
    const store = RedcapStore.open(path);
    const id = store.createProject(tinyProject());
    store.transaction(() => {
      store.ensureRecord(id, "1", 1);
      store.setValues(id, "1", 1, 1, "age", ["50"]);
    });
    store.close();
    const script = `
      import { RedcapStore } from ${
      JSON.stringify(new URL("../../lib/server/store.ts", import.meta.url).href)
    };
      const store = RedcapStore.open(${JSON.stringify(path)});
      store.transaction(() => {
        store.setValues(${id}, "1", 1, 1, "age", ["99"]);
        for (let i = 2; i < 2000; i++) store.ensureRecord(${id}, String(i), 1);
        Deno.kill(Deno.pid, "SIGKILL");
      });`;
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "null",
      stderr: "null",
    }).output();
    strictEqual(child.signal, "SIGKILL");
    const reopened = RedcapStore.open(path);
    deepStrictEqual(reopened.values(id, "1", 1, 1, "age"), ["50"]);
    deepStrictEqual(reopened.records(id).map((r) => r.record), ["1"]);
    reopened.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
