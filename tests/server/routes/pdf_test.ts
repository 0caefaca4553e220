import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { wrapText, writePdf } from "../../../lib/server/_pdf.ts";
import { classicProject, longitudinalProject, setup } from "./_setup.ts";

let pdftotext = false;
try {
  pdftotext =
    (await new Deno.Command("pdftotext", { args: ["-v"], stderr: "null", stdout: "null" }).output())
      .success;
} catch {
  pdftotext = false;
}
if (!pdftotext) {
  console.log("pdf_test: pdftotext (poppler-utils) is absent; checking the PDF structure only");
}

/** Checks header, xref offsets and trailer; answers the page count and the raw text. */
function checkStructure(bytes: Uint8Array): { pages: number; raw: string } {
  const raw = Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  ok(raw.startsWith("%PDF-1.3\n"), "PDF header");
  ok(raw.endsWith("%%EOF\n"), "PDF trailer");
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(raw)![1]);
  strictEqual(raw.slice(startxref, startxref + 5), "xref\n", "startxref points at the xref table");
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(raw.slice(startxref))!;
  strictEqual(first, "0");
  const entries = raw.slice(startxref).split("\n").slice(2, 2 + Number(count));
  strictEqual(entries[0], "0000000000 65535 f ");
  for (let i = 1; i < entries.length; i++) {
    const offset = Number(entries[i].slice(0, 10));
    strictEqual(
      raw.slice(offset, offset + `${i} 0 obj`.length),
      `${i} 0 obj`,
      `object ${i}'s offset`,
    );
  }
  match(raw, new RegExp(`/Size ${count} /Root 1 0 R`));
  for (
    const [, length, stream] of raw.matchAll(/<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/g)
  ) {
    strictEqual(stream.length, Number(length), "stream length");
  }
  const pages = Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(raw)![1]);
  strictEqual((raw.match(/\/Type \/Page /g) ?? []).length, pages);
  return { pages, raw };
}

async function textOf(bytes: Uint8Array): Promise<string | undefined> {
  if (!pdftotext) return undefined;
  const child = new Deno.Command("pdftotext", {
    args: ["-layout", "-", "-"],
    stdin: "piped",
    stdout: "piped",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const output = await child.output();
  strictEqual(output.success, true, "pdftotext reads the PDF");
  return new TextDecoder().decode(output.stdout);
}

function seeded() {
  const project = classicProject();
  project.metadata[2].identifier = "y"; // name
  const s = setup(project);
  importFlatRows(s.store, s.projectId, [
    { record_id: "1", name: "Ann Über", race___2: "1", height: "150", demographics_complete: "2" },
    { record_id: "2", name: "Bob", height: "180", redcap_data_access_group: "site_a" },
  ], { username: "alice" });
  return s;
}

async function pdf(s: ReturnType<typeof setup>, params: Record<string, string>, token = s.token) {
  const response = await createRedcapHandler(s.store)(
    new Request("http://redcap.test/api/", {
      method: "POST",
      body: new URLSearchParams({ token, content: "pdf", ...params }),
    }),
  );
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

Deno.test("writePdf() writes valid xrefs, wraps long text and breaks pages", async () => {
  const lines = Array.from(
    { length: 120 },
    (_, i) => ({ text: `Line ${i} (with parentheses) \\ and é` }),
  );
  lines.push({ text: "word ".repeat(200) });
  const bytes = writePdf(lines, { title: "Long" });
  const { pages } = checkStructure(bytes);
  ok(pages >= 3, `${pages} pages`);
  const text = await textOf(bytes);
  if (text !== undefined) {
    match(text, /Line 0 \(with parentheses\) \\ and é/);
    match(text, /Line 119/);
    match(text, /Page 1 of \d/);
  }
  for (const line of wrapText("x ".repeat(300), 200, 10)) ok(line.length < 100);
});

Deno.test("exportPdf() answers a blank instrument with its labels and choices", async () => {
  const s = seeded();
  const answer = await pdf(s, { instrument: "demographics" });
  strictEqual(answer.status, 200);
  strictEqual(answer.type, "text/html; charset=UTF-8", "REDCap 14's content type");
  const { pages } = checkStructure(answer.bytes);
  strictEqual(pages, 1);
  const text = await textOf(answer.bytes);
  if (text !== undefined) {
    match(text, /Demographics/);
    match(text, /Name, full _+/);
    match(text, /\[ \] White/);
    match(text, /\[ \] Unknown/);
    strictEqual(text.includes("Ann"), false);
  }
  const everyForm = await pdf(s, {});
  strictEqual(checkStructure(everyForm.bytes).pages, 2, "one page per instrument");
});

Deno.test("exportPdf() fills one record, or every record with allRecords", async () => {
  const s = seeded();
  const one = await pdf(s, { record: "1", instrument: "demographics" });
  strictEqual(one.status, 200);
  checkStructure(one.bytes);
  const text = await textOf(one.bytes);
  if (text !== undefined) {
    match(text, /Record ID 1/);
    match(text, /Name, full Ann Über/);
    match(text, /\[X\] Black/);
    match(text, /\[ \] White/);
    match(text, /Complete\? Complete/);
  }
  const all = await pdf(s, { allRecords: "" });
  const { pages } = checkStructure(all.bytes);
  strictEqual(pages, 4, "two records, two instruments each");
  const allText = await textOf(all.bytes);
  if (allText !== undefined) {
    match(allText, /Record ID 2/);
    match(allText, /Height 180/);
  }
});

Deno.test("exportPdf() applies DAGs, de-identification and form export rights; refuses bad parameters", async () => {
  const s = seeded();
  const dagUser = s.tokenWith({ data_access_group: "site_a" });
  const hiddenRecord = await pdf(s, { record: "1", returnFormat: "json" }, dagUser);
  strictEqual(hiddenRecord.status, 400);
  deepStrictEqual(JSON.parse(new TextDecoder().decode(hiddenRecord.bytes)), {
    error: "The record '1' does not exist",
  });
  const dagAll = await pdf(s, { allRecords: "1" }, dagUser);
  strictEqual(checkStructure(dagAll.bytes).pages, 2, "only the DAG's record");
  const deid = await pdf(
    s,
    { record: "1", instrument: "demographics" },
    s.tokenWith({ data_export: 2 }),
  );
  const deidText = await textOf(deid.bytes);
  if (deidText !== undefined) {
    match(deidText, /Name, full \[\*DATA REMOVED\*\]/);
    strictEqual(deidText.includes("Ann"), false);
  }
  const partial = await pdf(
    s,
    { record: "1" },
    s.tokenWith({ forms_export: { demographics: 0, health: 1 } }),
  );
  strictEqual(checkStructure(partial.bytes).pages, 1, "forms without export rights are left out");
  const none = await pdf(s, { record: "1", returnFormat: "json" }, s.tokenWith({ data_export: 0 }));
  strictEqual(none.status, 403);
  const blank = await pdf(s, {}, s.tokenWith({ data_export: 0 }));
  strictEqual(blank.status, 200, "blank instruments need no data rights");
  const bad = await pdf(s, { instrument: "nope", returnFormat: "json" });
  strictEqual(bad.status, 400);
  const noExport = await pdf(s, { returnFormat: "json" }, s.tokenWith({ api_export: 0 }));
  strictEqual(noExport.status, 403);
});

Deno.test("exportPdf() narrows a longitudinal record by event and repeat_instance", async () => {
  const s = setup(longitudinalProject());
  importFlatRows(s.store, s.projectId, [
    {
      study_id: "1",
      redcap_event_name: "enrollment_arm_1",
      redcap_repeat_instrument: "",
      redcap_repeat_instance: "",
      dob: "2000-01-01",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_1_arm_1",
      redcap_repeat_instrument: "visit",
      redcap_repeat_instance: "1",
      weight: "70",
    },
    {
      study_id: "1",
      redcap_event_name: "visit_1_arm_1",
      redcap_repeat_instrument: "visit",
      redcap_repeat_instance: "2",
      weight: "71",
    },
  ], { username: "alice" });
  strictEqual(checkStructure((await pdf(s, { record: "1" })).bytes).pages, 3);
  const visit = await pdf(s, { record: "1", event: "visit_1_arm_1", repeat_instance: "2" });
  strictEqual(checkStructure(visit.bytes).pages, 1);
  const text = await textOf(visit.bytes);
  if (text !== undefined) {
    match(text, /Record ID 1 \(Visit 1 \(Arm 1: Drug A\)\) - #2/);
    match(text, /weight: 71/);
  }
  const bad = await pdf(s, { record: "1", event: "nope", returnFormat: "json" });
  strictEqual(bad.status, 400);
});
