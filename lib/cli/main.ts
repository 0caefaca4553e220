/**
 * The `denocap` command line: `export`, `import`, `codebook` and `serve`, run by `cli.ts`.
 *
 * The connection comes from `REDCAP_API_URL` and `REDCAP_API_TOKEN`; a token is never taken
 * from the command line, where other users of the machine see it in the process list.
 *
 * Exit codes: 0 done; 1 the job failed (REDCap or the network refused, a file could not be
 * read or written, the data did not validate); 2 the command line is wrong (unknown command
 * or option, a missing or bad value, an unset environment variable).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import { RedcapClient } from "../client.ts";
import { codebook } from "../dictionary/codebook.ts";
import { readDictionary } from "../read/dictionary.ts";
import { readInstruments } from "../read/read_records.ts";
import { readReport } from "../read/read_report.ts";
import { writeDataset, type WriteDatasetResult } from "../dataset/write.ts";
import { ImportValidationError } from "../write/errors.ts";
import { oneOf, parseArgs, UsageError } from "./_args.ts";

/** Where the CLI reads its environment and writes its output (tests pass their own). */
export interface CliIo {
  env: (name: string) => string | undefined;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  env: (name) => Deno.env.get(name),
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
};

/** Exit code: done. */
export const EXIT_OK = 0;
/** Exit code: the job failed (REDCap, network, files, validation). */
export const EXIT_FAILED = 1;
/** Exit code: the command line is wrong. */
export const EXIT_USAGE = 2;

const HELP: Record<string, string> = {
  main: `Usage: deno task cli <command> [options]

Commands:
  export     Write the project's instruments (or a report) as labelled Parquet or CSV files
  import     Write a CSV or Parquet file's records back to REDCap
  codebook   Print the project's codebook, or write it to a file
  serve      Run the local REDCap-compatible server

The connection comes from REDCAP_API_URL and REDCAP_API_TOKEN (never from the command line).
Run "deno task cli <command> --help" for a command's options.

Exit codes: 0 done; 1 the job failed (REDCap, network, files, validation);
            2 the command line is wrong (unknown option, bad value, unset variable).`,
  export: `Usage: deno task cli export --out DIR [options]

Writes one file per instrument, a codebook and dataset.json into DIR; Parquet files carry
their columns' labels, types, units and value labels in their key-value metadata.

Options:
  --out DIR                     Folder to write (created when missing); required
  --format parquet|csv          File format (default parquet)
  --labels label|code           Coded fields as labels or codes (default label)
  --instruments a,b             Only these instruments
  --report ID                   A saved report instead of the instruments
  --hive                        Write under DIR/project=<project id>/ (hive partitioning)
  --help                        Show this help`,
  import: `Usage: deno task cli import FILE [--dry-run] [--overwrite] [--drop-extra-columns]

Writes a CSV or Parquet file's records (one row per record-event-instance, raw codes or the
typed frame a hand-off holds) back to REDCap through writeRecords.

Options:
  --dry-run                     Compare with what is stored and print the change set; send nothing
  --overwrite                   Blank cells erase stored values (REDCap's overwriteBehavior)
  --drop-extra-columns          Leave out (with a warning) columns that are not project fields,
                                such as derived ones; without it they stop the import
  --help                        Show this help`,
  codebook: `Usage: deno task cli codebook [--out FILE]

Prints the project's codebook (one row per export column) as a table, or writes it to FILE
(.csv or .parquet).

Options:
  --out FILE                    Write to FILE instead of the terminal
  --help                        Show this help`,
  serve: `Usage: deno task cli serve [--project PATH|demo]... [--db FILE] [--port N] [--host H]
                            [--token T] [--super-token T64] [--records N]

Runs the local REDCap-compatible server, as "deno task serve" does, printing its URL, its
tokens and its saved reports.`,
};

/** Builds a client from the environment; a usage error names the unset variable. */
function connect(command: string, io: CliIo): { client: RedcapClient; token: string } {
  const url = io.env("REDCAP_API_URL")?.trim();
  const token = io.env("REDCAP_API_TOKEN")?.trim();
  if (!url) throw new UsageError(`${command}: REDCAP_API_URL is not set`);
  if (!token) throw new UsageError(`${command}: REDCAP_API_TOKEN is not set`);
  try {
    return { client: new RedcapClient(url, token), token };
  } catch (error) {
    // The client's messages never hold the token.
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs(
    "export",
    args,
    ["out", "format", "labels", "instruments", "report"],
    ["hive"],
  );
  if (positionals.length > 0) {
    throw new UsageError(`export: unexpected argument "${positionals[0]}" (see --help)`);
  }
  const out = options.get("out");
  if (!out) throw new UsageError("export: --out DIR is required");
  const format = oneOf("export", "format", options.get("format"), ["parquet", "csv"], "parquet");
  const labels = oneOf("export", "labels", options.get("labels"), ["label", "code"], "label");
  const report = options.get("report");
  if (report !== undefined && !/^\d+$/.test(report)) {
    throw new UsageError(`export: --report must be a report id (a whole number), got "${report}"`);
  }
  const instruments = options.get("instruments")?.split(",").map((s) => s.trim())
    .filter((s) => s !== "");
  if (instruments !== undefined && instruments.length === 0) {
    throw new UsageError("export: --instruments needs at least one instrument name");
  }
  if (report !== undefined && instruments !== undefined) {
    throw new UsageError("export: give --report or --instruments, not both");
  }
  const { client } = connect("export", io);
  const hive = options.has("hive");
  const { frames, result } = await runExport(client, {
    out,
    format,
    labels,
    instruments,
    report,
    hive,
  });
  for (const [name, frame] of frames) {
    io.stdout(`${name}: ${frame.shape.height} rows x ${frame.shape.width} columns`);
  }
  io.stdout(`wrote ${result.files.length} files to ${result.dir}`);
  return EXIT_OK;
}

/** What `export` does once its arguments are checked (the bench runs it with its own client). */
export async function runExport(
  client: RedcapClient,
  options: {
    out: string;
    format: "parquet" | "csv";
    labels: "label" | "code";
    instruments?: string[];
    report?: string;
    hive?: boolean;
  },
): Promise<{ frames: Map<string, pl.DataFrame>; result: WriteDatasetResult }> {
  const { out, format, labels, instruments, report } = options;
  const dictionary = await readDictionary(client);
  if (instruments) {
    const unknown = instruments.filter((name) => !dictionary.form(name));
    if (unknown.length > 0) {
      throw new UsageError(
        `export: unknown instrument "${unknown[0]}" (the project has ${
          dictionary.forms.map((f) => f.name).join(", ")
        })`,
      );
    }
  }
  const frames = report !== undefined
    ? new Map([[`report_${report}`, (await readReport(client, report, { labels })).data]])
    : await readInstruments(client, { labels, forms: instruments });
  const project = options.hive ? String((await client.exportProjectInfo()).project_id) : undefined;
  const result = await writeDataset(frames, out, { dictionary, format, project });
  return { frames, result };
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs("import", args, [], [
    "dry-run",
    "overwrite",
    "drop-extra-columns",
  ]);
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "import: FILE is required (a .csv or .parquet file)"
        : `import: one FILE only, got ${positionals.length}`,
    );
  }
  const file = positionals[0];
  const kind = /\.parquet$/i.test(file) ? "parquet" : /\.csv$/i.test(file) ? "csv" : undefined;
  if (!kind) throw new UsageError(`import: "${file}" must end in .csv or .parquet`);
  try {
    await Deno.stat(file);
  } catch {
    throw new UsageError(`import: cannot read "${file}": no such file`);
  }
  const { client } = connect("import", io);
  // CSV cells stay text (REDCap's raw values); Parquet keeps its types.
  const frame = kind === "parquet"
    ? pl.readParquet(file)
    : pl.readCSV(file, { inferSchemaLength: 0 });
  const result = await client.writeRecords(frame, {
    dryRun: options.has("dry-run"),
    overwriteBehavior: options.has("overwrite") ? "overwrite" : "normal",
    extraColumns: options.has("drop-extra-columns") ? "drop" : "error",
  }).catch((error) => {
    if (!(error instanceof ImportValidationError)) throw error;
    // Every problem, one line per kind (each names its columns and records), not only the
    // summary line; and the command line's way to leave extra columns out.
    io.stderr(`denocap import: ${error.message.replace(/ \(every one is in \.issues\)/, "")}`);
    if (error.issues.some((issue) => issue.code === "unknown_field")) {
      io.stderr("(columns that are no field of the project: --drop-extra-columns leaves them out)");
    }
    return undefined;
  });
  if (!result) return EXIT_FAILED;
  for (const warning of result.warnings) io.stderr(`warning: ${warning.message}`);
  if (result.dryRun) {
    // The change set's summary, then its first changes as a table.
    const changes = result.changes;
    io.stdout(String(changes ?? "ChangeSet: no changes").replace(/^ChangeSet: /, ""));
    if (changes && changes.size > 0) {
      const shown = changes.changes.slice(0, DRY_RUN_ROWS);
      io.stdout(textTable(shown as unknown as Record<string, unknown>[], [
        "record",
        "event",
        "instrument",
        "instance",
        "field",
        "old",
        "new",
        "action",
      ]));
      if (changes.size > shown.length) io.stdout(`... and ${changes.size - shown.length} more`);
    }
    return EXIT_OK;
  }
  io.stdout(`imported ${result.count} records`);
  if (result.failed.length > 0 || result.notSent.length > 0) {
    io.stderr(
      `not imported: ${result.failed.length} refused, ${result.notSent.length} not sent` +
        (result.uncertain?.length ? `, ${result.uncertain.length} uncertain` : ""),
    );
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

/** Changes a dry run lists (the summary counts them all). */
const DRY_RUN_ROWS = 50;

/** A plain-text table: columns padded to their widths (line breaks shown as spaces). */
export function textTable(rows: readonly Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => String(v ?? "").replace(/\s+/g, " ");
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd();
  return [
    line(columns),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join("\n");
}

async function codebookCommand(args: string[], io: CliIo): Promise<number> {
  const { options, positionals } = parseArgs("codebook", args, ["out"]);
  if (positionals.length > 0) {
    throw new UsageError(`codebook: unexpected argument "${positionals[0]}" (see --help)`);
  }
  const out = options.get("out");
  if (out !== undefined && !/\.(csv|parquet)$/i.test(out)) {
    throw new UsageError(`codebook: --out "${out}" must end in .csv or .parquet`);
  }
  const { client } = connect("codebook", io);
  const book = codebook(await readDictionary(client));
  if (out === undefined) {
    io.stdout(textTable(book.toRecords(), book.columns));
  } else {
    if (/\.parquet$/i.test(out)) book.writeParquet(out);
    else book.writeCSV(out);
    io.stdout(`wrote the codebook (${book.shape.height} columns described) to ${out}`);
  }
  return EXIT_OK;
}

async function serveCommand(args: string[]): Promise<number> {
  // The same program as `deno task serve`, in a child process: the client side of denocap
  // never imports the server, and the server prints its own start-up lines.
  const script = new URL("../server/serve.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const forward = () => child.kill("SIGTERM");
  Deno.addSignalListener("SIGINT", forward);
  try {
    const { code } = await child.status;
    // serve.ts exits with 2 for a bad option, as every command here does.
    return code;
  } finally {
    Deno.removeSignalListener("SIGINT", forward);
  }
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  export: exportCommand,
  import: importCommand,
  codebook: codebookCommand,
  serve: serveCommand,
};

/**
 * Runs one CLI command and returns its exit code; errors are printed as one line on stderr,
 * with the token (if it ever appeared) replaced by `***`.
 *
 * @example Ask for a command's help
 * ```ts
 * import { runCli } from "./main.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const io = { env: () => undefined, stdout: (t: string) => lines.push(t), stderr: () => {} };
 * strictEqual(await runCli(["codebook", "--help"], io), 0);
 * ok(lines[0].startsWith("Usage: deno task cli codebook"));
 * strictEqual(await runCli(["codebook"], io), 2); // REDCAP_API_URL is not set
 * ```
 *
 * @param args The arguments after the script name.
 * @param io Environment and output (the process's by default).
 * @returns The exit code (0 done, 1 failed, 2 usage).
 */
export async function runCli(args: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "help" || command === "-h") {
    io.stdout(HELP.main);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`denocap: unknown command "${command}" (export, import, codebook or serve)`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(HELP[command]);
    return EXIT_OK;
  }
  const token = io.env("REDCAP_API_TOKEN")?.trim();
  const scrub = (text: string) => token ? text.replaceAll(token, "***") : text;
  try {
    return await run([...rest], io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`denocap ${scrub(error.message)}`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`denocap ${command}: ${scrub(message.split("\n")[0])}`);
    return EXIT_FAILED;
  }
}
