import { ok, strictEqual } from "node:assert/strict";
import { importFlatRows } from "../../../lib/server/records/import.ts";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject, setup } from "../routes/_setup.ts";

/** The text drawn on the pages (the local server writes uncompressed `(...) Tj` operators). */
function drawn(bytes: Uint8Array): string[] {
  const raw = Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  return [...raw.matchAll(/\(((?:[^()\\]|\\.)*)\) Tj/g)].map((m) => m[1]);
}

Deno.test("content=pdf prints 'Label value' without a colon, and compactDisplay leaves out empty fields and unselected options", async () => {
  const s = setup(classicProject());
  importFlatRows(s.store, s.projectId, [{ record_id: "1", name: "Ann", race___2: "1" }], {
    username: "alice",
  });
  const handler = s.post;
  const full = await handler({ content: "pdf", record: "1", instrument: "demographics" });
  strictEqual(full.status, 200);
  strictEqual(full.type, "text/html; charset=UTF-8");
  const fullBytes = new TextEncoder().encode(full.text);
  const compactAnswer = await handler({
    content: "pdf",
    record: "1",
    instrument: "demographics",
    compactDisplay: "true",
  });
  const fullLines = drawn(fullBytes);
  const compactLines = drawn(new TextEncoder().encode(compactAnswer.text));
  ok(fullLines.some((l) => l.startsWith("Name, full Ann")), fullLines.join(" | "));
  ok(!fullLines.some((l) => l.startsWith("Name, full:")), "no colon after the label");
  ok(fullLines.includes("[ ] White") && fullLines.includes("[X] Black"));
  ok(compactLines.some((l) => l.startsWith("Name, full Ann")));
  ok(compactLines.includes("[X] Black"));
  ok(!compactLines.includes("[ ] White"), "compact: unselected options are left out");
  ok(!compactLines.some((l) => l.startsWith("Photo")), "compact: fields without data left out");
  ok(compactAnswer.text.length < full.text.length, "the compact rendering is smaller");
});

Deno.test("content=pdf over a socket answers REDCap 14's Content-Type: text/html; charset=UTF-8", async () => {
  const server = await serveRedcap({ projects: [classicProject()] });
  try {
    const response = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({ token: server.tokens[0].token, content: "pdf" }),
    });
    strictEqual(response.headers.get("content-type"), "text/html; charset=UTF-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    strictEqual(new TextDecoder().decode(bytes.slice(0, 5)), "%PDF-");
  } finally {
    await server.close();
  }
});
