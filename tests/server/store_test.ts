import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { RedcapStore } from "../../lib/server/store.ts";
import { recordsRowsSql } from "../../lib/server/_data_keys.ts";
import { fullRights } from "../../lib/server/project.ts";
import { tinyProject } from "./_fixtures.ts";

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
    // Key order: event, then field key (given as a field is first stored), instance, value.
    { record: "2", rows: [[1, 1, "record_id", "2"], [1, 1, "age", "42"], [1, 2, "age", "52"]] },
    { record: "1", rows: [[1, 1, "record_id", "1"], [1, 1, "age", "41"], [1, 2, "age", "51"]] },
    { record: "9", rows: [] },
  ]);
  // The same values, in the same order, as readRecords' points; `only` filters alike.
  const points = [...store.readRecords(id, ["2", "1", "9"], 2)];
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

/** SQLite's plan for a query, one line per step. */
function planOf(store: RedcapStore, sql: string, ...args: (string | number)[]): string {
  return store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args)
    .map((row) => String(row.detail)).join("\n");
}

Deno.test("RedcapStore keeps values under record and field keys, read by name through `data`", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  store.transaction(() => {
    store.ensureRecord(id, "1", 1);
    store.insertValues(id, ["1", 1, 1, "record_id", "1", "1", 1, 1, "age", "30"]);
    store.setValues(id, "2", 1, 1, "age", ["40"]);
  });
  deepStrictEqual(
    store.db.prepare("SELECT rec_id, field_id, value FROM data_values").all()
      .map((r) => [r.rec_id, r.field_id, r.value]),
    [[1, 1, "1"], [1, 2, "30"], [2, 2, "40"]],
  );
  deepStrictEqual(
    store.sql("SELECT record, field_name, value FROM data WHERE project_id = ? ORDER BY 1, 2")
      .all(id).map((r) => [r.record, r.field_name, r.value]),
    [["1", "age", "30"], ["1", "record_id", "1"], ["2", "age", "40"]],
  );
  // A record's read is one seek in the table's key, from the record key's unique index.
  const plan = planOf(
    store,
    "SELECT event_id, instance, field_id, value FROM data_values WHERE project_id = ? AND " +
      "rec_id = (SELECT rec_id FROM record_keys WHERE project_id = ? AND record = ?)",
    id,
    id,
    "1",
  );
  deepStrictEqual(/SEARCH data_values USING PRIMARY KEY/.test(plan), true, plan);
  deepStrictEqual(/SCAN/.test(plan), false, plan);
  // readRecords' chunk read and the view: the records first, then their rows by key (a plan
  // that searched the data by project alone read every row of the project per chunk).
  const steps = (sql: string, ...args: (string | number)[]) =>
    planOf(store, sql, ...args).split("\n").filter((line) => line.startsWith("SEARCH"))
      .map((line) => line.replace(/ USING .*\((project_id=\?( AND \w+=\?)?).*/, " $1"));
  deepStrictEqual(steps(recordsRowsSql(""), id, '["1","2"]'), [
    "SEARCH k project_id=? AND record=?",
    "SEARCH d project_id=? AND rec_id=?",
  ]);
  deepStrictEqual(
    steps(
      "SELECT value FROM data WHERE project_id = ? AND record IN (SELECT value FROM json_each(?))",
      id,
      '["1"]',
    ),
    [
      "SEARCH k project_id=? AND record=?",
      "SEARCH d project_id=? AND rec_id=?",
      "SEARCH f USING INTEGER PRIMARY KEY (rowid=?)",
    ],
  );
});

Deno.test("RedcapStore.renameRecord() and moveValues() move values under the new name", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  store.transaction(() => {
    for (const record of ["1", "2"]) {
      store.ensureRecord(id, record, 1);
      store.setValues(id, record, 1, 1, "record_id", [record]);
      store.setValues(id, record, 1, 1, "age", [`${record}0`]);
    }
    store.renameRecord(id, "1", "a");
    // Into a name whose key outlived its data: the values move to that key.
    store.deleteRecord(id, "2");
    store.moveValues(id, "a", "2", [1]);
  });
  deepStrictEqual(store.values(id, "2", 1, 1, "record_id"), ["2"]);
  deepStrictEqual(store.values(id, "2", 1, 1, "age"), ["10"]);
  deepStrictEqual(store.values(id, "a", 1, 1, "age"), []);
});

Deno.test("RedcapStore forgets field keys made in a transaction that rolled back", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  throws(() =>
    store.transaction(() => {
      store.setValues(id, "1", 1, 1, "age", ["30"]);
      throw new Error("boom");
    }), /boom/);
  // The key the rolled-back field had is given to another field: reads name that one.
  store.transaction(() => store.setValues(id, "1", 1, 1, "record_id", ["1"]));
  deepStrictEqual([...store.readRecordRows(id, ["1"])][0].rows, [[1, 1, "record_id", "1"]]);
  deepStrictEqual(store.values(id, "1", 1, 1, "age"), []);
});

Deno.test("RedcapStore.open() moves a database made before the keys, with the same values", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/old.db`;
    const old = new DatabaseSync(path);
    old.exec(
      "CREATE TABLE data (project_id INTEGER NOT NULL, record TEXT NOT NULL, " +
        "event_id INTEGER NOT NULL, instance INTEGER NOT NULL, field_name TEXT NOT NULL, " +
        "value TEXT NOT NULL); CREATE INDEX data_key ON data (project_id, record, event_id, " +
        "field_name, instance, value);",
    );
    const insert = old.prepare("INSERT INTO data VALUES (?, ?, ?, ?, ?, ?)");
    for (
      const row of [
        [1, "7", 1, 1, "record_id", "7"],
        [1, "7", 1, 1, "colors", "b"],
        [1, "7", 1, 1, "colors", "a"],
        [2, "7", 1, 1, "colors", "z"],
        [1, "3", 1, 2, "age", "30"],
      ]
    ) insert.run(...row);
    old.close();
    const store = RedcapStore.open(path);
    deepStrictEqual(
      [...store.readRecords(1, ["7", "3"])].map((r) => r.points.map((p) => p.value)),
      [["7", "a", "b"], ["30"]],
    );
    deepStrictEqual(store.values(1, "7", 1, 1, "colors"), ["a", "b"]);
    deepStrictEqual(store.values(2, "7", 1, 1, "colors"), ["z"]);
    deepStrictEqual(
      store.db.prepare(
        "SELECT name, type FROM sqlite_master WHERE name IN " +
          "('data', 'data_key', 'data_by_name') ORDER BY name",
      ).all().map((r) => [r.name, r.type]),
      [["data", "view"]],
    );
    store.close();
    // Opened again (or by a second process that waited for the first): nothing left to move.
    const again = RedcapStore.open(path);
    deepStrictEqual(again.values(1, "7", 1, 1, "colors"), ["a", "b"]);
    again.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
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

Deno.test("RedcapStore.sql() keeps a statement that returns arrays apart from the same text's", () => {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  store.ensureRecord(id, "1", 1, "g");
  const text = "SELECT record, arm_num, dag FROM records WHERE project_id = ?";
  deepStrictEqual(store.sql(text, true).all(id), [["1", 1, "g"]]);
  deepStrictEqual({ ...store.sql(text).all(id)[0] }, { record: "1", arm_num: 1, dag: "g" });
  deepStrictEqual(store.records(id), [{ record: "1", arm_num: 1, dag: "g" }]);
  deepStrictEqual(store.sql(text).all(id).length, 1);
  strictEqual(Array.isArray(store.sql(text).all(id)[0]), false);
});
