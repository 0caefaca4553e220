/**
 * Tests mirror lib/: every public (not `_`-prefixed) file `lib/<path>.ts` has a test file
 * `tests/<path>_test.ts`, unless listed below with the reason it has none.
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Public lib files without a same-name test, each with why. An entry must name a file that
 * exists and still has no test (the test below fails on a stale entry): remove it when its
 * test is written.
 */
const NO_TEST_FILE: Record<string, string> = {
  // Entry points that only re-export: their exports are checked by tests/entry_points_test.ts
  // (imported from outside the repository) and tests/doc_lint_test.ts.
  "lib/demo/mod.ts": "re-exports only",
  // The chart kinds' hub (each kind is tested beside its own file, e.g. tests/plot/box_test.ts).
  "lib/plot/vega_lite.ts": "re-exports only",
  "lib/jupyter/mod.ts": "re-exports only",
  "lib/plot/mod.ts": "re-exports only",
  "lib/server/mod.ts": "re-exports only",
  // Pinned npm: specifiers, one per dependency: tests/entry_points_test.ts checks them against
  // deno.lock.
  "lib/deps/polars.ts": "a pinned specifier and type aliases",
  "lib/deps/polars_internal.ts": "a pinned specifier",
  "lib/deps/vega.ts": "a pinned specifier",
  "lib/deps/xml.ts": "a pinned specifier",
  "lib/deps/zod.ts": "a pinned specifier",
  // Types only: nothing runs.
  "lib/types.ts": "types only",
};

function publicLibFiles(dir = join(ROOT, "lib")): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...publicLibFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.startsWith("_")) {
      found.push(relative(ROOT, path));
    }
  }
  return found.sort();
}

/** `lib/a/b.ts` -> `tests/a/b_test.ts`. */
function mirror(file: string): string {
  return file.replace(/^lib\//, "tests/").replace(/\.ts$/, "_test.ts");
}

Deno.test("mirror: every public lib file has a same-name test, or a reason listed", () => {
  const missing = publicLibFiles().filter((file) =>
    !existsSync(join(ROOT, mirror(file))) && !(file in NO_TEST_FILE)
  );
  deepStrictEqual(missing, [], `public lib files without ${missing.map(mirror).join(", ")}`);
});

Deno.test("mirror: every listed file exists and still has no test (no stale entry)", () => {
  const stale = Object.keys(NO_TEST_FILE).filter((file) =>
    !existsSync(join(ROOT, file)) || existsSync(join(ROOT, mirror(file)))
  );
  deepStrictEqual(stale, []);
});

Deno.test("mirror: the mapping names the test beside its lib path", () => {
  deepStrictEqual(mirror("lib/api/arms.ts"), "tests/api/arms_test.ts");
  deepStrictEqual(mirror("lib/client.ts"), "tests/client_test.ts");
  ok(publicLibFiles().includes("lib/client.ts"));
  ok(!publicLibFiles().some((f) => f.split("/").pop()!.startsWith("_")));
});
