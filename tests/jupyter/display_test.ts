import { ok, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { displayFrame, displayHtml, JUPYTER_DISPLAY } from "../../lib/jupyter/display.ts";

const TOKEN = "FEDCBA9876543210FEDCBA9876543210";

Deno.test("displayHtml() returns an object Deno's kernel displays as HTML", () => {
  const shown = displayHtml("<p>3 records &amp; 2 events</p>");
  strictEqual(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const bundle = shown[Symbol.for("Jupyter.display")]();
  strictEqual(bundle["text/html"], "<p>3 records &amp; 2 events</p>");
  strictEqual(bundle["text/plain"], "3 records & 2 events");
});

Deno.test("displayHtml() redacts tokens from both the HTML and the text fallback", () => {
  const bundle = displayHtml(`<p>token ${TOKEN}</p>`)[JUPYTER_DISPLAY]();
  ok(!JSON.stringify(bundle).includes(TOKEN));
  strictEqual(bundle["text/html"], "<p>token [token]</p>");
});

Deno.test("displayFrame() bundles the HTML table and a size line", () => {
  const df = pl.DataFrame({ record_id: ["1", "2", "3"], note: ["a", "<b>", TOKEN] });
  const bundle = displayFrame(df, { maxRows: 2, title: "Notes" })[JUPYTER_DISPLAY]();
  strictEqual(bundle["text/plain"], "3 rows × 2 columns: Notes");
  ok(bundle["text/html"].includes("&lt;b&gt;"));
  ok(bundle["text/html"].includes("… 1 more row"));
  ok(!bundle["text/html"].includes(TOKEN));
});

Deno.test("displayFrame() accepts plain rows", () => {
  const bundle = displayFrame([{ a: 1 }, { b: 2 }])[JUPYTER_DISPLAY]();
  strictEqual(bundle["text/plain"], "2 rows × 2 columns");
});
