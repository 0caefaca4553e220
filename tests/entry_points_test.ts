/**
 * denocap is usable from anyone's project: every entry point imports with no configuration of
 * its own. The source names each dependency's pinned `npm:` specifier once, in `lib/deps/`, and
 * imports everything else by relative path; a script in a temporary folder outside the checkout
 * imports every entry point by path and runs.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The entry points a user imports: deno.json's `exports`, each imported by the script below. */
const ENTRY_POINTS = [
  "mod.ts",
  "lib/server/mod.ts",
  "lib/plot/mod.ts",
  "lib/jupyter/mod.ts",
  "lib/demo/mod.ts",
];

function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...tsFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) found.push(path);
  }
  return found;
}

/** The module specifiers a file's code imports (comments, and so doc examples, left out). */
function importSpecifiers(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const specifiers: string[] = [];
  const patterns = [
    /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+|\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?)(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?\s*from\s*["']([^"']+)["']/gm,
    /^[ \t]*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) specifiers.push(match[1]);
  }
  return specifiers;
}

/** The files whose imports must resolve with no import map: lib/ and the entry scripts. */
function shippedFiles(): string[] {
  return [...tsFiles(join(ROOT, "lib")), join(ROOT, "mod.ts"), join(ROOT, "demo.ts")];
}

Deno.test("importSpecifiers finds static, side-effect and dynamic imports, not comments", () => {
  const source = [
    `/** @example\n * import pl from "nodejs-polars";\n */`,
    `import pl from "../deps/polars.ts";`,
    `import {\n  a,\n  type B,\n} from "zod";`,
    `export { c } from "./c.ts"; // from "vega"`,
    `import "fast-xml-parser";`,
    `const m = await import("vega-lite");`,
    `const url = "http://example.org";\nimport type { D } from "node:path";`,
    `send({ action: "import", format: "json" }); // from "x"`,
  ].join("\n");
  deepStrictEqual(importSpecifiers(source).sort(), [
    "../deps/polars.ts",
    "./c.ts",
    "fast-xml-parser",
    "node:path",
    "vega-lite",
    "zod",
  ]);
});

Deno.test("lib/, mod.ts and demo.ts import no bare specifier: dependencies come from lib/deps", () => {
  const bad: string[] = [];
  for (const file of shippedFiles()) {
    const name = relative(ROOT, file);
    const inDeps = name.startsWith(join("lib", "deps"));
    for (const specifier of importSpecifiers(Deno.readTextFileSync(file))) {
      const fine = specifier.startsWith("./") || specifier.startsWith("../") ||
        specifier.startsWith("node:") || (inDeps && specifier.startsWith("npm:"));
      if (!fine) bad.push(`${name} imports "${specifier}"`);
    }
  }
  deepStrictEqual(
    bad,
    [],
    "these imports need the checkout's import map; import the dependency from lib/deps/ " +
      "(or another file by relative path) instead",
  );
});

Deno.test("lib/deps names each npm package once, at an exact version", () => {
  const seen = new Map<string, string>();
  for (const file of tsFiles(join(ROOT, "lib", "deps"))) {
    for (const specifier of importSpecifiers(Deno.readTextFileSync(file))) {
      const match = specifier.match(/^npm:((?:@[^/]+\/)?[^@/]+)@([^/]+)(\/.*)?$/);
      ok(match, `${relative(ROOT, file)}: "${specifier}" is not an npm: specifier with a version`);
      const [, name, version] = match;
      ok(/^\d+\.\d+\.\d+$/.test(version), `${name} is not pinned: "${version}"`);
      const other = seen.get(name);
      ok(other === undefined || other === version, `${name} at two versions: ${other}, ${version}`);
      seen.set(name, version);
    }
  }
  strictEqual(seen.get("nodejs-polars"), "0.25.2");
  const lock = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.lock"))) as {
    specifiers: Record<string, string>;
  };
  for (const [name, version] of seen) {
    ok(
      `npm:${name}@${version}` in lock.specifiers,
      `deno.lock does not pin npm:${name}@${version}`,
    );
  }
});

Deno.test({
  name: "a script outside the repository imports every entry point by path and runs",
  async fn() {
    const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
    deepStrictEqual(
      Object.values(config.exports).map((p) => String(p).replace(/^\.\//, "")).sort(),
      [...ENTRY_POINTS].sort(),
      "a new entry point: add it to ENTRY_POINTS and to the script",
    );
    const dir = await Deno.makeTempDir({ prefix: "denocap_outside_" });
    try {
      ok(!relative(ROOT, dir).match(/^[^.]/), "the temporary folder is outside the checkout");
      const url = (path: string) => new URL(path, `file://${ROOT}`).href;
      const script = `
import { readRecords, RedcapClient } from "${url("mod.ts")}";
import { serveRedcap } from "${url("lib/server/mod.ts")}";
import { plotField } from "${url("lib/plot/mod.ts")}";
import { displayFrame } from "${url("lib/jupyter/mod.ts")}";
import { createDemoClient, demoReport } from "${url("lib/demo/mod.ts")}";

const server = await serveRedcap({ demoRecords: 5 });
try {
  const client = new RedcapClient(server.url, server.tokens[0].token);
  const { data, dictionary } = await readRecords(client);
  const svg = await plotField(data, dictionary, "sex").toSVG();
  const html = displayFrame(data.head(2))[Symbol.for("Jupyter.display")]()["text/html"];
  console.log(JSON.stringify({
    rows: data.shape.height,
    svg: svg.startsWith("<svg"),
    html: html.includes("<table"),
    report: typeof demoReport,
    demo: typeof createDemoClient,
  }));
} finally {
  await server.close();
}
`;
      await Deno.writeTextFile(join(dir, "use_denocap.ts"), script);
      // The permissions the README's "Use it in your project" lists.
      const run = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-config",
          "--no-prompt",
          "--allow-net=127.0.0.1",
          "--allow-read",
          "--allow-ffi",
          "--allow-sys",
          "use_denocap.ts",
        ],
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      strictEqual(run.code, 0, `the script failed:\n${stderr.slice(-3000)}`);
      const shown = JSON.parse(new TextDecoder().decode(run.stdout).trim().split("\n").at(-1)!);
      deepStrictEqual(
        { svg: shown.svg, html: shown.html, report: shown.report, demo: shown.demo },
        { svg: true, html: true, report: "function", demo: "function" },
      );
      ok(shown.rows > 0, "the demo project has records");

      // The demo, run by path from the same folder with no configuration.
      const demo = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-config", "-A", url("demo.ts"), "--records", "5", "--out", "report"],
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const demoErr = new TextDecoder().decode(demo.stderr);
      strictEqual(demo.code, 0, `the demo failed:\n${demoErr.slice(-3000)}`);
      ok(Deno.statSync(join(dir, "report", "index.html")).size > 1000, "the demo wrote its report");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
