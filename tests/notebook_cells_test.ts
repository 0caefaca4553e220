import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import {
  codeHash,
  expectsResult,
  finalExpression,
  type Notebook,
  outputProblems,
  outputShape,
  showLastExpression,
} from "../tools/notebook_cells.ts";

function notebook(cells: [string, unknown[]][]): Notebook {
  return {
    cells: cells.map(([source, outputs]) => ({
      cell_type: "code",
      source,
      outputs: outputs as never,
      metadata: {},
    })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

const RESULT = { output_type: "execute_result", data: { "text/plain": "1" } };

Deno.test("finalExpression finds the statement the kernel displays, across lines", () => {
  strictEqual(finalExpression("const a = 1;\na + 1;"), "a + 1");
  strictEqual(finalExpression("show(\n  a,\n  { b: 1 },\n);"), "show(\n  a,\n  { b: 1 },\n)");
  strictEqual(finalExpression("const a = f(\n  1,\n);"), undefined);
  strictEqual(finalExpression("// const client = RedcapClient.fromEnv();"), undefined);
  strictEqual(finalExpression("for (const x of xs) {\n  f(x);\n}"), undefined);
  strictEqual(
    showLastExpression("const a = 1;\nf(\n  a,\n);"),
    "const a = 1;\nawait __show(f(\n  a,\n));",
  );
});

Deno.test("expectsResult is false for a cell ending with a close() call, whose value is undefined", () => {
  strictEqual(expectsResult("await server.close();"), false);
  strictEqual(expectsResult("const x = 1;"), false);
  strictEqual(expectsResult("await client.exportVersion()"), true);
  strictEqual(expectsResult("x.close;"), true);
});

Deno.test("outputProblems names a missing result, an error, a chart without PNG and a huge output", () => {
  const chart = {
    output_type: "execute_result",
    data: { "application/vnd.vegalite.v5+json": {}, "image/svg+xml": "<svg/>" },
  };
  const huge = { output_type: "execute_result", data: { "text/plain": "x".repeat(250_000) } };
  const error = { output_type: "error", ename: "TypeError" };
  deepStrictEqual(
    outputProblems(
      notebook([["a", []], ["b", [RESULT]], ["c", [chart]], ["d", [huge]], ["const e = 1;", [
        error,
      ]]]),
    ),
    [
      "cell 2: a chart without image/png (is rsvg-convert installed?)",
      "cell 3 has a 250057-byte output",
      "cell 4 raised an error",
      "cell 0 shows no result",
    ],
  );
  deepStrictEqual(outputProblems(notebook([["a", [RESULT]], ["await s.close();", []]])), []);
});

Deno.test("codeHash changes with the code, not with the outputs", async () => {
  const one = await codeHash(notebook([["a", []]]));
  strictEqual(await codeHash(notebook([["a", [RESULT]]])), one);
  notStrictEqual(await codeHash(notebook([["a;", []]])), one);
});

Deno.test("outputShape lists each cell's output types and MIME types", () => {
  deepStrictEqual(
    outputShape(notebook([["a", [RESULT, { output_type: "stream", name: "stdout" }]], ["b", []]])),
    [["execute_result:text/plain", "stream:stdout"], []],
  );
});
