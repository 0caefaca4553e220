/**
 * `deno task demo`: starts the embedded REDCap server with the demo study, runs an analysis end
 * to end through the API (read, type, label, pivot the EAV export, plot, validate and write back
 * a derived variable) and writes a self-contained HTML report, `demo-report/index.html`. No
 * credentials needed.
 *
 * Options: `--out DIR` (default `demo-report`), `--records N` (default 300).
 *
 * @module
 */
import { resolve } from "node:path";
import { RedcapClient } from "./mod.ts";
import { serveRedcap } from "./lib/server/mod.ts";
import { demoReport } from "./lib/demo/mod.ts";

function option(name: string, fallback: string): string {
  const index = Deno.args.indexOf(name);
  return index >= 0 && Deno.args[index + 1] !== undefined ? Deno.args[index + 1] : fallback;
}

const out = resolve(option("--out", "demo-report"));
const records = Number(option("--records", "300"));
if (!Number.isInteger(records) || records < 1) {
  console.error(`Cannot run the demo: --records must be a whole number, got "${records}"`);
  Deno.exit(2);
}

const server = await serveRedcap({ demoRecords: records });
try {
  console.log(`denocap demo: embedded REDCap server at ${server.url} (${records} records)`);
  const client = new RedcapClient(server.url, server.tokens[0].token);
  const report = await demoReport(client);
  await Deno.mkdir(out, { recursive: true });
  const path = resolve(out, "index.html");
  await Deno.writeTextFile(path, report.html);
  console.log(`Read ${report.rows} rows; drew ${report.charts.length} charts.`);
  console.log(
    `Wrote back a derived variable: ${report.flagged.length} participants flagged, ` +
      `${report.imported} records imported, ${report.verified ? "verified" : "NOT verified"}.`,
  );
  console.log(`Report: ${path}`);
} finally {
  await server.close();
}
