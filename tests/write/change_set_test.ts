import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { ChangeSet, compareWithStored } from "../../lib/write/change_set.ts";
import { stringFrame } from "./_setup.ts";

const dd = DataDictionary.fromMetadata([
  { field_name: "id", form_name: "f", field_type: "text" },
  { field_name: "name", form_name: "f", field_type: "text" },
  {
    field_name: "x",
    form_name: "f",
    field_type: "text",
    text_validation_type_or_show_slider_number: "number",
  },
  {
    field_name: "race",
    form_name: "f",
    field_type: "checkbox",
    select_choices_or_calculations: "1, A | 2, B",
  },
]);

const stored = stringFrame([
  { id: "1", name: "Ann", x: "0.90", race___1: "1", race___2: "0", f_complete: "0" },
]);

Deno.test("compareWithStored() ignores equal numbers and unchecked options written as 0", () => {
  const payload = stringFrame([{ id: "1", name: "Ann", x: "0.9", race___1: "1", race___2: "0" }]);
  const changes = compareWithStored(payload, stored, dd, "normal");
  strictEqual(changes.size, 0);
  deepStrictEqual(changes.wouldErase, []);
});

Deno.test("compareWithStored() lists updates, additions and erasures per overwrite behaviour", () => {
  const payload = stringFrame([
    { id: "1", name: null, x: "1.5", race___1: "0", race___2: "1" },
    { id: "2", name: "Bo", x: null, race___1: "0", race___2: "0" },
  ]);
  const normal = compareWithStored(payload, stored, dd, "normal");
  deepStrictEqual(normal.changes.map((c) => [c.record, c.field, c.old, c.new, c.action]), [
    ["1", "x", "0.90", "1.5", "update"],
    ["1", "race___1", "1", "0", "update"],
    ["1", "race___2", "0", "1", "add"],
    ["2", "name", null, "Bo", "add"],
  ]);
  deepStrictEqual(normal.wouldErase.map((c) => c.field), ["name"]);
  deepStrictEqual(normal.records, ["1", "2"]);
  const overwrite = compareWithStored(payload, stored, dd, "overwrite");
  ok(overwrite.changes.some((c) => c.field === "name" && c.action === "erase" && c.new === null));
  deepStrictEqual(overwrite.wouldErase, []);
});

Deno.test("compareWithStored() leaves cells an EAV frame does not send alone", () => {
  const payload = stringFrame([{ id: "1", name: null, x: "" }]);
  const changes = compareWithStored(payload, stored, dd, "overwrite", false);
  deepStrictEqual(changes.changes.map((c) => [c.field, c.action]), [["x", "erase"]]);
});

Deno.test("ChangeSet shows as an HTML table in Jupyter and as one line of text", () => {
  const set = new ChangeSet(
    [{
      record: "1",
      event: "",
      instrument: "",
      instance: "1",
      field: "name",
      old: "<b>Ann</b>",
      new: "Anne",
      action: "update",
    }],
    [],
    "normal",
  );
  const bundle = set[Symbol.for("Jupyter.display") as keyof ChangeSet] as unknown as () => {
    "text/html": string;
    "text/plain": string;
  };
  const shown = bundle.call(set);
  ok(shown["text/html"].includes("&lt;b&gt;Ann&lt;/b&gt;"), "values are escaped");
  strictEqual(shown["text/plain"], "ChangeSet: 1 value(s) in 1 record(s) would change");
  strictEqual(set.toFrame().getColumns()[0].len(), 1);
});
