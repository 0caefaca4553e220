/**
 * The command line, run as a process (`deno run -A cli.ts ...`) against the local server over
 * a socket: every command, its help, its exit codes, and the token kept off the command line
 * and out of the output.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { RedcapClient } from "../../lib/client.ts";
import { readDataset } from "../../lib/dataset/read.ts";
import { serveRedcap } from "../../lib/server/serve.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function withServer(fn: (env: Record<string, string>, token: string) => Promise<void>) {
  const server = await serveRedcap({ demoRecords: 15 });
  const token = server.tokens[0].token;
  try {
    await fn({ REDCAP_API_URL: server.url, REDCAP_API_TOKEN: token }, token);
  } finally {
    await server.close();
  }
}

/** Record 1's baseline event (its arm is the demo's own pick). */
async function baselineOfRecord1(client: RedcapClient): Promise<string> {
  const events = (await client.exportRecords({ records: ["1"], fields: ["record_id"] }))
    .getColumn("redcap_event_name").toArray() as string[];
  return events.find((e) => e.startsWith("baseline_"))!;
}

/** Record 1's stored weights, as text. */
async function weightsOfRecord1(client: RedcapClient): Promise<unknown[]> {
  return (await client.exportRecords({ records: ["1"], fields: ["weight"] }))
    .getColumn("weight").toArray();
}

Deno.test("cli export writes the labelled hand-off (hive partition) and a report", async () => {
  await withServer(async (env, token) => {
    const dir = await Deno.makeTempDir();
    try {
      const run = await cli(
        ["export", "--out", dir, "--instruments", "enrollment,vitals", "--hive"],
        env,
      );
      strictEqual(run.code, 0, run.stderr);
      ok(run.stdout.includes("enrollment: 15 rows"));
      ok(!run.stdout.includes(token) && !run.stderr.includes(token));
      const back = await readDataset(dir, { project: 1 });
      deepStrictEqual([...back.frames.keys()], ["enrollment", "vitals"]);
      strictEqual(back.frames.get("enrollment")!.shape.height, 15);

      const report = await cli(
        ["export", "--out", `${dir}/r`, "--report", "2", "--format", "csv", "--labels", "code"],
        env,
      );
      strictEqual(report.code, 0, report.stderr);
      const frame = pl.readCSV(`${dir}/r/report_2.csv`);
      deepStrictEqual(frame.columns.slice(0, 2), ["record_id", "redcap_event_name"]);
      const sbp = frame.getColumn("sbp").toArray() as number[];
      ok(sbp.every((v) => v >= 140), "the report's logic applies");
      deepStrictEqual(sbp, [...sbp].sort((a, b) => b - a), "the report's order applies");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("cli import: a dry run prints the change set, then the import writes", async () => {
  await withServer(async (env) => {
    const dir = await Deno.makeTempDir();
    try {
      const client = new RedcapClient(env.REDCAP_API_URL, env.REDCAP_API_TOKEN);
      const baseline = await baselineOfRecord1(client);
      const file = `${dir}/weights.csv`;
      await Deno.writeTextFile(file, `record_id,redcap_event_name,weight\n1,${baseline},99.5\n`);
      const dry = await cli(["import", file, "--dry-run"], env);
      strictEqual(dry.code, 0, dry.stderr);
      ok(/1 record/.test(dry.stdout), dry.stdout);
      ok(/^1 +baseline_arm_\d +1 +weight +[\d.]+ +99\.5 +update$/m.test(dry.stdout), dry.stdout);
      ok(!(await weightsOfRecord1(client)).includes("99.5"), "the dry run sent nothing");
      const run = await cli(["import", file], env);
      strictEqual(run.code, 0, run.stderr);
      strictEqual(run.stdout.trim(), "imported 1 records");
      ok((await weightsOfRecord1(client)).includes("99.5"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("cli import: a column that is no field stops the import, or is dropped on request", async () => {
  await withServer(async (env) => {
    const dir = await Deno.makeTempDir();
    try {
      const client = new RedcapClient(env.REDCAP_API_URL, env.REDCAP_API_TOKEN);
      const baseline = await baselineOfRecord1(client);
      const file = `${dir}/derived.csv`;
      await Deno.writeTextFile(
        file,
        `record_id,redcap_event_name,weight,weight_lb\n1,${baseline},98.5,217.2\n`,
      );
      const refused = await cli(["import", file], env);
      strictEqual(refused.code === 0, false);
      ok(/not a field of the project: weight_lb/.test(refused.stderr), refused.stderr);
      ok(refused.stderr.includes("--drop-extra-columns"), refused.stderr);
      ok(!(await weightsOfRecord1(client)).includes("98.5"), "nothing was sent");
      const dropped = await cli(["import", file, "--drop-extra-columns"], env);
      strictEqual(dropped.code, 0, dropped.stderr);
      ok(/warning: .*weight_lb/.test(dropped.stderr), dropped.stderr);
      strictEqual(dropped.stdout.trim(), "imported 1 records");
      ok((await weightsOfRecord1(client)).includes("98.5"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("cli codebook prints a table or writes a file", async () => {
  await withServer(async (env) => {
    const run = await cli(["codebook"], env);
    strictEqual(run.code, 0, run.stderr);
    const [header, rule, first] = run.stdout.split("\n");
    ok(header.startsWith("name") && header.includes("choices"));
    ok(/^-+ {2}-+/.test(rule));
    ok(first.startsWith("record_id"));
    const dir = await Deno.makeTempDir();
    const out = await cli(["codebook", "--out", `${dir}/book.csv`], env);
    strictEqual(out.code, 0, out.stderr);
    ok(pl.readCSV(`${dir}/book.csv`).columns.includes("label"));
    await Deno.remove(dir, { recursive: true });
  });
});

Deno.test("cli serve prints the URL, tokens and reports, and answers requests", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "serve", "--records", "5", "--port", "0"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/report 2 project 1 .*\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const lines = text.trim().split("\n");
  try {
    ok(lines[0].startsWith("denocap server listening on http://127.0.0.1:"));
    ok(lines.some((l) => /^token [0-9A-F]{32} user \S+ project 1$/.test(l)));
    ok(lines.includes("report 1 project 1 R-DEMOENROLL Enrolled participants"));
    const url = lines[0].split(" ").at(-1)!;
    const token = lines.find((l) => l.startsWith("token "))!.split(" ")[1];
    const body = new URLSearchParams({ token, content: "report", report_id: "1", format: "json" });
    const response = await fetch(url, { method: "POST", body });
    strictEqual(response.status, 200);
    ok((await response.json()).length > 0);
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.stderr.cancel();
    await child.status;
  }
});

Deno.test("cli: help, and one clear line with exit code 2 for a wrong command line", async () => {
  const env = { REDCAP_API_URL: "http://127.0.0.1:9/api/", REDCAP_API_TOKEN: "A".repeat(32) };
  for (const command of ["export", "import", "codebook", "serve"]) {
    const help = await cli([command, "--help"], env);
    strictEqual(help.code, 0);
    ok(help.stdout.startsWith(`Usage: deno task cli ${command}`), command);
  }
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["frobnicate"], env, /unknown command "frobnicate"/],
    [["export"], env, /--out DIR is required/],
    [["export", "--out", "x", "--format", "xlsx"], env, /--format must be "parquet" or "csv"/],
    [["export", "--out", "x", "--report", "two"], env, /--report must be a report id/],
    [["codebook", "--token", "B".repeat(32)], env, /REDCAP_API_TOKEN only/],
    [["codebook"], { REDCAP_API_URL: "http://x/api/", REDCAP_API_TOKEN: "" }, /TOKEN is not set/],
    [["import"], env, /FILE is required/],
    [["import", "data.xlsx"], env, /must end in \.csv or \.parquet/],
    [["serve", "--port", "99999"], env, /not a port number/],
  ];
  for (const [args, environment, message] of cases) {
    const run = await cli(args, environment);
    strictEqual(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    ok(message.test(run.stderr), `${args.join(" ")}: ${run.stderr}`);
    strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr);
  }
});

Deno.test("cli: REDCap's refusal is exit code 1, one line, without the token", async () => {
  await withServer(async (env) => {
    const wrong = "0123456789ABCDEF".repeat(2);
    const run = await cli(["codebook"], { ...env, REDCAP_API_TOKEN: wrong });
    strictEqual(run.code, 1);
    ok(run.stderr.includes("permissions to use the API"), run.stderr);
    ok(!run.stderr.includes(wrong));
    strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr);
    const unknown = await cli(["export", "--out", "x", "--instruments", "nope"], env);
    strictEqual(unknown.code, 2);
    ok(/unknown instrument "nope"/.test(unknown.stderr));
  });
});
