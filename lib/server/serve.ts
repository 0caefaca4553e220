/**
 * Serving the local REDCap API on a socket, in-process ({@linkcode serveRedcap}) or from the
 * command line (`deno task serve --project PATH [--db FILE] [--port N] [--host H] [--token T]
 * [--super-token T64]`).
 *
 * @module
 */
import { createRedcapHandler } from "./handler.ts";
import { loadProject, type ProjectSource } from "./load.ts";
import { RedcapStore } from "./store.ts";
import { fullRights } from "./project.ts";
import { reportLines } from "./_reports.ts";

/** Options for {@linkcode serveRedcap}. */
export interface ServeRedcapOptions {
  /** Projects to create (ignored for a `db` file that already holds projects).
   * @default {["demo"]}
   */
  projects?: ProjectSource[];
  /** SQLite file that persists everything; in memory when left out. */
  db?: string;
  /** Port; 0 picks a free one.
   * @default {0}
   */
  port?: number;
  /** Interface to bind.
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /** Fixed full-rights token for the first project. */
  token?: string;
  /**
   * A super token (64 hexadecimal characters) for user `denocap_admin`: it creates projects
   * (`content=project` with `data`) and reads the version.
   */
  superToken?: string;
  /** Number of demo records.
   * @default {300}
   */
  demoRecords?: number;
}

/** A running local server. */
export interface RunningRedcapServer {
  /** The API endpoint, `http://HOST:PORT/api/`. */
  url: string;
  /** Tokens by project: `{ token, username, projectId }`. */
  tokens: { token: string; username: string; projectId?: number }[];
  store: RedcapStore;
  /** Stops the server and closes the store. */
  close(): Promise<void>;
}

/**
 * Starts the local REDCap API on a socket.
 *
 * @example Serve the demo on a free port
 * ```ts
 * import { serveRedcap } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const server = await serveRedcap({ demoRecords: 10 });
 * const body = new URLSearchParams({ token: server.tokens[0].token, content: "version" });
 * const response = await fetch(server.url, { method: "POST", body });
 * strictEqual(response.status, 200);
 * await response.body?.cancel();
 * await server.close();
 * ```
 *
 * @param options Projects, database file, port and interface.
 * @returns The server's URL, tokens, store and a `close()` function.
 */
export function serveRedcap(options: ServeRedcapOptions = {}): Promise<RunningRedcapServer> {
  const store = RedcapStore.open(options.db ?? ":memory:");
  if (store.projectIds().length === 0) {
    (options.projects ?? ["demo"]).forEach((source, index) =>
      loadProject(store, source, {
        token: index === 0 ? options.token : undefined,
        demoRecords: options.demoRecords,
      })
    );
  }
  if (options.superToken !== undefined) {
    if (!/^[0-9A-Fa-f]{64}$/.test(options.superToken)) {
      store.close();
      return Promise.reject(
        new RangeError("Cannot start server: the super token must be 64 hexadecimal characters"),
      );
    }
    store.addToken(options.superToken, undefined, fullRights("denocap_admin"));
  }
  const handler = createRedcapHandler(store);
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = Deno.serve({
      port: options.port ?? 0,
      hostname,
      onListen: ({ port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        resolve({
          url: `http://${host}:${port}/api/`,
          tokens: store.tokens(),
          store,
          close: async () => {
            await server.shutdown();
            store.close();
          },
        });
      },
    }, handler);
  });
}

/**
 * The lines the server prints at start: its URL, one line per token, then one line per saved
 * report (`report <id> project <project id> <unique report name> <title>`).
 *
 * @example List what a demo server offers
 * ```ts
 * import { serveRedcap, startupLines } from "denocap/server";
 * import { ok } from "node:assert/strict";
 *
 * const server = await serveRedcap({ demoRecords: 5 });
 * ok(startupLines(server)[1].startsWith("token "));
 * await server.close();
 * ```
 *
 * @param server The running server.
 * @returns The lines, without line ends.
 */
export function startupLines(server: RunningRedcapServer): string[] {
  const lines = [`denocap server listening on ${server.url}`];
  for (const t of server.tokens) {
    lines.push(
      t.projectId === undefined
        ? `token ${t.token} user ${t.username} super`
        : `token ${t.token} user ${t.username} project ${t.projectId}`,
    );
  }
  for (const id of server.store.projectIds()) {
    lines.push(...reportLines(id, server.store.project(id).definition.reports));
  }
  return lines;
}

/**
 * Parses `--name value` / `--name=value` command-line options (`deno task serve`, and the
 * CLI's `serve`).
 *
 * @example Two projects on a fixed port
 * ```ts
 * import { parseServeArgs } from "denocap/server";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const options = parseServeArgs(["--project", "demo", "--project=my.xml", "--port", "8080"]);
 * deepStrictEqual(options.projects, ["demo", "my.xml"]);
 * strictEqual(options.port, 8080);
 * ```
 *
 * @param args The arguments after the script name.
 * @returns The server options.
 * @throws {RangeError} For an unknown option, a missing value or a bad port.
 */
export function parseServeArgs(args: readonly string[]): ServeRedcapOptions {
  const options: ServeRedcapOptions = {};
  const projects: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let [name, value] = args[i].split(/=(.*)/s, 2);
    if (value === undefined) value = args[++i];
    if (value === undefined) throw new RangeError(`Cannot start server: ${name} needs a value`);
    switch (name) {
      case "--project":
        projects.push(value);
        break;
      case "--db":
        options.db = value;
        break;
      case "--port":
        options.port = Number(value);
        if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
          throw new RangeError(`Cannot start server: --port "${value}" is not a port number`);
        }
        break;
      case "--host":
        options.hostname = value;
        break;
      case "--token":
        options.token = value;
        break;
      case "--super-token":
        options.superToken = value;
        break;
      case "--records":
        options.demoRecords = Number(value);
        break;
      default:
        throw new RangeError(`Cannot start server: unknown option "${name}"`);
    }
  }
  options.projects = projects.length > 0 ? projects : ["demo"];
  return options;
}

if (import.meta.main) {
  try {
    const server = await serveRedcap(parseServeArgs(Deno.args));
    for (const line of startupLines(server)) console.log(line);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(2);
  }
}
