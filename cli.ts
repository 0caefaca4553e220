/**
 * The denocap command line: `deno task cli <command>` or `deno run -A cli.ts <command>`.
 *
 * Commands: `export`, `import`, `codebook`, `serve` (each with `--help`). The connection comes
 * from `REDCAP_API_URL` and `REDCAP_API_TOKEN`. Exit codes: 0 done; 1 the job failed; 2 the
 * command line is wrong.
 *
 * @module
 */
import { runCli } from "./lib/cli/main.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args);
  // `serve` never returns; every other command ends here.
  Deno.exit(code);
}
