/**
 * Turns a notebook's code cells into one runnable module, for running notebooks without
 * Jupyter: each cell's final expression (what Deno's kernel displays) is passed to a `__show`
 * that renders it as the kernel does and prints it.
 *
 * @module
 */
import { showLastExpression } from "../tools/notebook_cells.ts";

/** The code a module needs to show values as the kernel would. */
const PRELUDE = `
const __display = Symbol.for("Jupyter.display");
let __count = 0;
async function __show(value: unknown): Promise<void> {
  if (value === undefined) return;
  const index = __count++;
  const target = value as Record<symbol, () => unknown>;
  if (value !== null && typeof value === "object" && typeof target[__display] === "function") {
    const bundle = await target[__display]() as Record<string, unknown>;
    console.log("@@display " + index + " " + Object.keys(bundle).join(","));
    for (const [mime, content] of Object.entries(bundle)) {
      if (mime === "image/svg+xml") console.log("@@svg");
      if (mime === "image/png") console.log("@@png");
      console.log(typeof content === "string" ? content : JSON.stringify(content));
    }
    return;
  }
  const frame = value as { toRecords?: () => unknown; columns?: unknown };
  if (typeof frame.toRecords === "function" && Array.isArray(frame.columns)) {
    console.log("@@display " + index + " dataframe");
    console.log(JSON.stringify(frame.toRecords()));
    return;
  }
  console.log("@@display " + index + " text/plain");
  console.log(Deno.inspect(value, { depth: 8, colors: false }));
}
`;

/**
 * One module from a notebook's code cells, in order, each displaying its final value.
 *
 * @param cells The code cells' sources.
 * @returns TypeScript source.
 */
export function notebookModule(cells: readonly string[]): string {
  const body = cells.map((cell, i) => `// ---- cell ${i}\n${showLastExpression(cell)}\n`);
  return `${PRELUDE}\n${body.join("\n")}`;
}
