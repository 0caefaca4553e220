/**
 * What a stored example notebook must hold, shared by `tools/notebooks.ts` (which executes and
 * stores them) and the test suite (which checks the stored files without Jupyter): which code
 * cells show a value, the hash of the code that was executed, and the outputs every chart and
 * every notebook must carry.
 *
 * @module
 */

/** A notebook cell, as nbformat 4 stores it. */
export interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
}

/** A code cell's output, as nbformat 4 stores it. */
export interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  text?: string | string[];
  name?: string;
  execution_count?: number | null;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown> & { denocap?: { code_sha256?: string } };
  nbformat: number;
  nbformat_minor: number;
}

/** The largest output a stored notebook may hold (a chart with its PNG is about 70 KB). */
export const MAX_OUTPUT_BYTES = 200_000;

/** The vega-lite MIME type of a chart's display. */
const VEGA_LITE = "application/vnd.vegalite.v5+json";

const KEYWORD =
  /^(?:import|export|const|let|var|for|if|while|do|switch|function|async function|class|try|return|type|interface|throw|\/\/|\/\*|\*)\b|^(?:\/\/|\/\*)/;

/** A final `await x.close()`-style call: its value is `undefined`, so the kernel shows nothing. */
const VOID_CALL = /^await\s+[\w$.]+\.(?:close|remove)\([^()]*\)$/;

/** A cell's source as one string. */
export function cellText(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

/**
 * The final top-level expression statement of a cell (what Deno's kernel displays), or
 * `undefined` when the cell ends with a declaration, a control statement or a comment. The
 * statement starts at the last unindented line that does not continue the one before.
 */
export function finalExpression(cell: string): string | undefined {
  const lines = cell.replace(/\s+$/, "").split("\n");
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.trim() === "" || /^\s/.test(line) || /^[}\]).?:+\-*/]/.test(line)) continue;
    start = i;
    break;
  }
  if (start < 0 || KEYWORD.test(lines[start])) return undefined;
  if (/^\s*\/\//m.test(lines[lines.length - 1])) return undefined;
  return lines.slice(start).join("\n").replace(/;\s*$/, "");
}

/**
 * Rewrites a cell so its final expression statement is passed to `__show` (for running a
 * notebook as one module, without Jupyter).
 */
export function showLastExpression(cell: string): string {
  const statement = finalExpression(cell);
  if (statement === undefined) return cell;
  const lines = cell.replace(/\s+$/, "").split("\n");
  const kept = lines.slice(0, lines.length - statement.split("\n").length);
  return [...kept, `await __show(${statement});`].join("\n");
}

/** Whether the Deno kernel shows a result for this cell: it ends with a non-void expression. */
export function expectsResult(cell: string): boolean {
  const statement = finalExpression(cell);
  return statement !== undefined && !VOID_CALL.test(statement.trim());
}

/** SHA-256 (hex) of a notebook's code cells, in order: what was executed to make its outputs. */
export async function codeHash(notebook: Notebook): Promise<string> {
  const code = notebook.cells.filter((c) => c.cell_type === "code").map((c) => cellText(c.source));
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(JSON.stringify(code)),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Indices of the code cells that should show a result and have none (an `execute_result`). */
export function missingResults(notebook: Notebook): number[] {
  return notebook.cells.flatMap((cell, i) =>
    cell.cell_type === "code" && expectsResult(cellText(cell.source)) &&
      !(cell.outputs ?? []).some((o) => o.output_type === "execute_result")
      ? [i]
      : []
  );
}

/**
 * What is wrong with an executed notebook's outputs: errors, outputs over
 * {@linkcode MAX_OUTPUT_BYTES}, charts without their PNG, results missing.
 */
export function outputProblems(notebook: Notebook): string[] {
  const problems: string[] = [];
  for (const [i, cell] of notebook.cells.entries()) {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === "error") problems.push(`cell ${i} raised an error`);
      const size = JSON.stringify(output).length;
      if (size > MAX_OUTPUT_BYTES) problems.push(`cell ${i} has a ${size}-byte output`);
      const data = output.data ?? {};
      if (VEGA_LITE in data && !("image/png" in data)) {
        problems.push(`cell ${i}: a chart without image/png (is rsvg-convert installed?)`);
      }
    }
  }
  for (const i of missingResults(notebook)) problems.push(`cell ${i} shows no result`);
  return problems;
}

/** Each code cell's outputs as `type:mime,mime` strings: compares two runs' output shapes. */
export function outputShape(notebook: Notebook): string[][] {
  return notebook.cells.filter((c) => c.cell_type === "code").map((cell) =>
    (cell.outputs ?? []).map((o) =>
      `${o.output_type}:${Object.keys(o.data ?? {}).sort().join(",")}${o.name ?? ""}`
    )
  );
}
