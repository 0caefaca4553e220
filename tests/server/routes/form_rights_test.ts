import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { fieldMetadata } from "../../../lib/server/project.ts";
import { classicProject, dump, serve } from "../records/_projects.ts";

const USER = { username: "tester" };

/** The classic project with `name` tagged as an identifier and two records. */
function seeded() {
  const definition = classicProject();
  definition.metadata = definition.metadata.map((f) =>
    f.field_name === "name" ? fieldMetadata({ ...f, identifier: "y" }) : f
  );
  const s = serve(definition);
  importFlatRows(s.store, s.projectId, [
    { record_id: "1", name: "Ann", age: "30", notes: "free text" },
    {
      record_id: "1",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "1",
      visit_date: "2026-01-02",
      visit_score: "7",
    },
    { record_id: "2", name: "Bob", age: "41" },
  ], USER);
  return s;
}

async function exportJson(
  s: ReturnType<typeof seeded>,
  token: string,
  extra: Record<string, string> = {},
) {
  const response = await s.post(
    { content: "record", format: "json", returnFormat: "json", ...extra },
    undefined,
    token,
  );
  return { status: response.status, body: JSON.parse(await response.text()) };
}

Deno.test("content=record export leaves out the fields of forms with forms_export 0", async () => {
  const s = seeded();
  const token = s.tokenFor({ username: "partial", forms_export: { intake: 1, visits: 0 } });
  const { status, body } = await exportJson(s, token);
  strictEqual(status, 200);
  const keys = Object.keys(body[0]);
  ok(keys.includes("name") && keys.includes("intake_complete"));
  ok(!keys.some((k) => k.startsWith("visit")), `visits fields exported: ${keys.join(",")}`);
  // The intake row of each record is still there; the record ID always stays.
  deepStrictEqual(
    body.filter((r: Record<string, string>) => r.record_id === "1").length >= 1,
    true,
  );
  const none = s.tokenFor({ username: "visits_only", forms_export: { intake: 0, visits: 1 } });
  const other = await exportJson(s, none, { type: "eav" });
  strictEqual(other.status, 200);
  const fields = new Set(other.body.map((r: Record<string, string>) => r.field_name));
  ok(fields.has("visit_score") && !fields.has("name") && !fields.has("age"));
  ok(!fields.has("intake_complete"));
});

Deno.test("content=record export de-identifies per form: level 2 and 3 as REDCap does", async () => {
  const s = seeded();
  // Level 2 on intake: identifiers, free text (notes, unvalidated text) and dates go.
  const deid = s.tokenFor({ username: "deid", forms_export: { intake: 2, visits: 1 } });
  let { body } = await exportJson(s, deid, { fields: "record_id,name,notes,age,visit_date" });
  let keys = Object.keys(body[0]);
  ok(!keys.includes("name") && !keys.includes("notes"), keys.join(","));
  ok(keys.includes("age") && keys.includes("visit_date"), keys.join(","));
  // Level 3 on visits only: identifiers go there, dates stay.
  const strip = s.tokenFor({ username: "strip", forms_export: { intake: 1, visits: 3 } });
  ({ body } = await exportJson(s, strip, { fields: "record_id,name,notes,visit_date" }));
  keys = Object.keys(body[0]);
  ok(keys.includes("name") && keys.includes("notes") && keys.includes("visit_date"));
  // Every form at No Access is REDCap's "No Access" error.
  const none = s.tokenFor({ username: "none", forms_export: { intake: 0, visits: 0 } });
  const refused = await exportJson(s, none);
  strictEqual(refused.status, 403);
  match(refused.body.error, /'No Access' data export rights/);
  // Only fields of a no-access form requested: everything removed.
  const partial = s.tokenFor({ username: "p", forms_export: { intake: 1, visits: 0 } });
  const removed = await exportJson(s, partial, { fields: "visit_score" });
  strictEqual(removed.status, 400);
  match(removed.body.error, /will be removed due to your limited Data Export/);
});

Deno.test("content=record export hashes record names when the record ID's form is de-identified", async () => {
  const definition = classicProject();
  definition.metadata = definition.metadata.map((f) =>
    f.field_name === "record_id" ? fieldMetadata({ ...f, identifier: "y" }) : f
  );
  const s = serve(definition);
  importFlatRows(s.store, s.projectId, [{ record_id: "1", age: "30" }], USER);
  const hashed = s.tokenFor({ username: "h", forms_export: { intake: 2, visits: 1 } });
  let response = await s.post(
    { content: "record", format: "csv", fields: "record_id" },
    undefined,
    hashed,
  );
  // md5("1")
  strictEqual(
    await response.text(),
    "record_id,redcap_repeat_instrument,redcap_repeat_instance\n" +
      "c4ca4238a0b923820dcc509a6f75849b,,\n",
  );
  const plain = s.tokenFor({ username: "p", forms_export: { intake: 1, visits: 2 } });
  response = await s.post(
    { content: "record", format: "csv", fields: "record_id" },
    undefined,
    plain,
  );
  strictEqual(
    await response.text(),
    "record_id,redcap_repeat_instrument,redcap_repeat_instance\n1,,\n",
  );
});

Deno.test("content=record import refuses values for forms the user cannot edit and writes nothing", async () => {
  const s = seeded();
  const before = dump(s.store, s.projectId);
  for (const [right, level] of [[129, "read-only"], [128, "no access"]] as const) {
    const token = s.tokenFor({ username: `u${right}`, forms: { intake: 130, visits: right } });
    const response = await s.post(
      {
        content: "record",
        format: "csv",
        returnFormat: "csv",
        data: "record_id,age,redcap_repeat_instrument,redcap_repeat_instance,visit_score\n" +
          "1,31,,,\n1,,visits,1,9\n",
      },
      undefined,
      token,
    );
    strictEqual(response.status, 403);
    strictEqual(
      await response.text(),
      `ERROR: You do not have permission to edit the instrument 'visits' (your form-level ` +
        `rights to it are ${level}), so data cannot be saved for its fields: visit_score`,
    );
    deepStrictEqual(dump(s.store, s.projectId), before);
  }
  // Blank cells of a read-only form write nothing and pass; the editable form is saved.
  const token = s.tokenFor({ username: "reader", forms: { intake: 130, visits: 129 } });
  const response = await s.post(
    {
      content: "record",
      format: "csv",
      data: "record_id,age,visit_score\n2,42,\n",
    },
    undefined,
    token,
  );
  strictEqual(response.status, 200);
  deepStrictEqual(s.store.values(s.projectId, "2", 1, 1, "age"), ["42"]);
  // ...but with overwriteBehavior=overwrite a blank would erase, so it is refused.
  const erase = await s.post(
    {
      content: "record",
      format: "csv",
      overwriteBehavior: "overwrite",
      returnFormat: "csv",
      data: "record_id,redcap_repeat_instrument,redcap_repeat_instance,visit_score\n1,visits,1,\n",
    },
    undefined,
    token,
  );
  strictEqual(erase.status, 403);
  match(await erase.text(), /instrument 'visits'.*read-only/);
});

Deno.test("content=file import and delete refuse fields on forms the user cannot edit", async () => {
  const s = seeded();
  const upload = await s.post(
    {
      content: "file",
      action: "import",
      record: "1",
      field: "photo",
    },
    new File(["x"], "a.txt", { type: "text/plain" }),
  );
  strictEqual(upload.status, 200);
  for (const [right, level] of [[129, "read-only"], [128, "no access"]] as const) {
    const token = s.tokenFor({ username: `f${right}`, forms: { intake: right, visits: 130 } });
    let response = await s.post(
      { content: "file", action: "import", record: "1", field: "photo", returnFormat: "csv" },
      new File(["y"], "b.txt", { type: "text/plain" }),
      token,
    );
    strictEqual(response.status, 403);
    strictEqual(
      await response.text(),
      `ERROR: You do not have permission to edit the instrument 'intake' (your form-level ` +
        `rights to it are ${level}), so you cannot upload a file to the field 'photo'`,
    );
    response = await s.post(
      { content: "file", action: "delete", record: "1", field: "photo", returnFormat: "csv" },
      undefined,
      token,
    );
    strictEqual(response.status, 403);
    match(await response.text(), /cannot delete the file of the field 'photo'/);
  }
  // The file is still there.
  const kept = await s.post({ content: "file", action: "export", record: "1", field: "photo" });
  strictEqual(await kept.text(), "x");
});
