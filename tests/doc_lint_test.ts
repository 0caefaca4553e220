/**
 * `deno doc --lint` is clean for the package and for each entry point: every public symbol has a
 * doc comment, every type a public signature names is public, every export has an explicit type.
 *
 * The package run lints the five entry points together, as `deno publish` does: a type is public
 * when some entry point exports it. Each entry point is clean on its own too (`denocap/demo`
 * re-exports, as types, the denocap types its functions name).
 */
import { strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ENTRY_POINTS = [
  "mod.ts",
  "lib/server/mod.ts",
  "lib/plot/mod.ts",
  "lib/jupyter/mod.ts",
  "lib/demo/mod.ts",
];

/** Runs `deno doc --lint` on the files; returns its exit code and the error lines. */
async function docLint(files: string[]): Promise<{ code: number; errors: string[] }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...files],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  const lines = text.split("\n");
  // Each diagnostic is `error[rule]: message` followed by ` --> file:line:col`.
  const errors = lines.flatMap((line, i) =>
    line.startsWith("error[") ? [`${line} ${lines[i + 1]?.trim() ?? ""}`] : []
  );
  return { code, errors };
}

Deno.test("deno doc --lint is clean for the package (all entry points together)", async () => {
  const { code, errors } = await docLint(ENTRY_POINTS);
  strictEqual(errors.join("\n"), "");
  strictEqual(code, 0);
});

for (const entry of ENTRY_POINTS) {
  Deno.test(`deno doc --lint is clean for ${entry} on its own`, async () => {
    const { code, errors } = await docLint([entry]);
    strictEqual(errors.join("\n"), "");
    strictEqual(code, 0);
  });
}

Deno.test("the doc lint catches an undocumented export (the check can fail)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/undocumented.ts`;
    await Deno.writeTextFile(
      file,
      "/**\n * A module.\n *\n * @module\n */\n\n/** Documented. */\nexport interface A {\n  x: number;\n}\n",
    );
    const { code, errors } = await docLint([file]);
    strictEqual(code, 1);
    strictEqual(errors.length, 1);
    strictEqual(errors[0].startsWith("error[missing-jsdoc]"), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
