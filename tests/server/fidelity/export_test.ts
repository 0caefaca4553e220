import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject, serve } from "../records/_projects.ts";

Deno.test("a flat CSV export matching no record is an empty body (REDCap 14+), JSON []", async () => {
  const s = serve(classicProject());
  await s.post({ content: "record", format: "csv", data: "record_id,name\n1,Ann\n" });
  const answers: string[] = [];
  for (const format of ["csv", "json", "csv"]) {
    const response = await s.post({
      content: "record",
      format,
      filterLogic: answers.length < 2 ? "[name] = 'nobody'" : "",
    });
    strictEqual(response.status, 200);
    answers.push(await response.text());
  }
  deepStrictEqual(answers.slice(0, 2), ["", "[]"]);
  strictEqual(answers[2].split("\n")[0].split(",")[0], "record_id", "rows still get the header");
});

Deno.test("an empty flat CSV export over a socket is an empty body too", async () => {
  const server = await serveRedcap({ projects: [classicProject()] });
  try {
    const response = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({
        token: server.tokens[0].token,
        content: "record",
        format: "csv",
        dateRangeBegin: "2999-01-01 00:00:00",
      }),
    });
    strictEqual(response.status, 200);
    strictEqual(await response.text(), "");
  } finally {
    await server.close();
  }
});

Deno.test("an EAV export gives each record's rows in the order of the fields parameter", async () => {
  const s = serve(classicProject());
  const imported = await s.post({
    content: "record",
    format: "csv",
    data: "record_id,name,age\n1,Ann,30\n2,Bob,41\n",
  });
  strictEqual(imported.status, 200);
  for (const format of ["json", "csv"]) {
    const response = await s.post({
      content: "record",
      type: "eav",
      format,
      fields: "age,name,record_id",
    });
    const text = await response.text();
    const fields = format === "json"
      ? JSON.parse(text).map((r: { field_name: string }) => r.field_name)
      : text.trim().split("\n").slice(1).map((line) => line.split(",")[1]);
    deepStrictEqual(fields, [
      "age",
      "name",
      "record_id",
      "age",
      "name",
      "record_id",
    ], format);
  }
  const other = await s.post({
    content: "record",
    type: "eav",
    format: "json",
    records: "1",
    fields: "age,name",
  });
  deepStrictEqual(
    (await other.json()).map((r: { field_name: string }) => r.field_name),
    ["age", "name"],
  );
});

Deno.test("format=odm exports the records as a CDISC ODM document, one ItemData per stored value", async () => {
  const s = serve(classicProject());
  await s.post({
    content: "record",
    format: "csv",
    data: "record_id,name,age\n1,Ann,30\n2,Bob,\n",
  });
  const response = await s.post({ content: "record", format: "odm", records: "2" });
  strictEqual(response.status, 200);
  const xml = await response.text();
  strictEqual(xml.startsWith('<?xml version="1.0" encoding="UTF-8" ?>\n<ODM '), true);
  strictEqual(xml.includes("<Study"), false, "data only, as REDCap's record export");
  const items = [...xml.matchAll(/<ItemData ItemOID="([^"]+)" Value="([^"]*)"/g)]
    .map(([, oid, value]) => `${oid}=${value}`);
  // Checkboxes give one ItemData per option (0/1), as REDCap's Project XML does.
  deepStrictEqual(items.filter((i) => !i.startsWith("race")), ["record_id=2", "name=Bob"]);
  strictEqual(items.some((i) => i.startsWith("age=")), false, "no ItemData for a blank");
  strictEqual(xml.includes('SubjectKey="1"'), false, "records narrows the subjects");
});
