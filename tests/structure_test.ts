/**
 * The structure of lib/, checked on every test run: nothing outside lib/server imports it (lib/demo
 * aside, which wires a client to the in-process server), the server imports no client-side layer,
 * no import cycles (type imports count), no file over 800 lines, and an `_x.ts` file is imported
 * only from its own folder.
 */
import { deepEqual as assertEquals } from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = normalize(join(dirname(fromFileUrl(import.meta.url)), ".."));
const lib = join(root, "lib");

/** Client-side layers the server must not import (it may use dictionary, logic, parse, base files). */
const CLIENT_SIDE = ["api", "read", "write", "transform", "plot", "jupyter", "report", "demo"]
  .map((d) => `lib/${d}/`).concat(["lib/client.ts"]);

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']/g;

async function sources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        files.set(relative(root, path), await Deno.readTextFile(path));
      }
    }
  }
  await walk(lib);
  return files;
}

async function importGraph(): Promise<
  { files: Map<string, string>; graph: Map<string, string[]> }
> {
  const files = await sources();
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const targets = [...text.matchAll(SPECIFIER)]
      .map((m) => normalize(join(dirname(file), m[1])))
      .filter((target) => files.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return { files, graph };
}

/** Strongly connected components of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const strong = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return found;
}

const { files, graph } = await importGraph();
const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));
const show = ({ from, to }: { from: string; to: string }) => `${from} -> ${to}`;

Deno.test("structure: nothing outside lib/server imports it, except lib/demo", () => {
  const bad = edges.filter(({ from, to }) =>
    to.startsWith("lib/server/") && !from.startsWith("lib/server/") &&
    !from.startsWith("lib/demo/")
  );
  assertEquals(bad.map(show), []);
});

Deno.test("structure: the server imports no client-side layer", () => {
  const bad = edges.filter(({ from, to }) =>
    from.startsWith("lib/server/") &&
    CLIENT_SIDE.some((c) => c.endsWith("/") ? to.startsWith(c) : to === c)
  );
  assertEquals(bad.map(show), []);
});

Deno.test("structure: no import cycles in lib/ (type imports count)", () => {
  assertEquals(cycles(graph), []);
});

Deno.test("structure: the cycle finder finds a cycle", () => {
  const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
  assertEquals(cycles(graph), [["a", "b", "c"]]);
});

Deno.test("structure: no file in lib/ over 800 lines (deferred server splits aside)", () => {
  const big = [...files]
    .map(([file, text]) => ({ file, lines: text.split("\n").length - 1 }))
    .filter(({ lines }) => lines > 800)
    .map(({ file, lines }) => `${file} (${lines})`);
  assertEquals(big, []);
});

Deno.test("structure: an _x.ts file is imported only from its own folder (or folders in it)", () => {
  const bad = edges.filter(({ from, to }) =>
    to.split("/").at(-1)!.startsWith("_") && !from.startsWith(dirname(to) + "/")
  );
  assertEquals(bad.map(show), []);
});
