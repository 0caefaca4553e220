/**
 * Serving the local REDCap API on a socket, in-process ({@linkcode serveRedcap}) or from the
 * command line (`deno task serve --project PATH [--db FILE] [--port N] [--host H] [--token T]
 * [--super-token T64] [--base-url URL] [--user NAME[:role=ROLE][:dag=GROUP]]...`). The demo's
 * tokens are generated at each start unless `--token` fixes the first one (`--token demo`: the
 * demo's published tokens); a `--db` that already holds projects keeps its tokens. A host other
 * than loopback prints a warning.
 *
 * @module
 */
import { errorResponse } from "./_http.ts";
import { createRedcapHandler } from "./handler.ts";
import { loadProject, type ProjectSource } from "./load.ts";
import { RedcapStore } from "./store.ts";
import { fullRights } from "./project.ts";
import { checkBaseUrl } from "./_public_url.ts";
import { addServeUser, parseServeUser, type ServeUser } from "./_serve_users.ts";

export type { ServeUser };
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
  /**
   * Fixed full-rights token (32 hexadecimal characters) for the first project, or `"demo"` for
   * the demo's published tokens (`DEMO_TOKEN`, `DEMO_DAG_TOKEN`). Otherwise
   * the demo's tokens are generated afresh at every start, so a web page cannot guess them.
   */
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
  /**
   * The base URL the server's absolute links use (survey links), as REDCap's configured base
   * URL behind a web server; without it a proxy's `X-Forwarded-Proto`/`X-Forwarded-Host` apply.
   */
  baseUrl?: string;
  /**
   * Users to add, as a REDCap administrator adds them by hand: each joins the first `projects`
   * loaded projects (all when left out) with its role's rights and DAG (full rights otherwise)
   * and gets a token. A Project XML's user of that name keeps their role and DAG.
   */
  users?: (ServeUser & { projects?: number })[];
}

/** A running local server. */
export interface RunningRedcapServer {
  /** The API endpoint, `http://HOST:PORT/api/`. */
  url: string;
  /** Tokens by project: `{ token, username, projectId }`. */
  tokens: { token: string; username: string; projectId?: number }[];
  /** The store the server answers from (closed by `close()`). */
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
  const published = options.token === "demo";
  let loaded = store.projectIds();
  if (loaded.length === 0) {
    loaded = (options.projects ?? ["demo"]).map((source, index) => {
      const token = index === 0 && !published ? options.token : undefined;
      return loadProject(store, source, {
        token,
        demoRecords: options.demoRecords,
        freshTokens: source === "demo" && !published,
      }).projectId;
    });
  }
  try {
    if (options.baseUrl !== undefined) checkBaseUrl(options.baseUrl);
    for (const user of options.users ?? []) {
      for (const projectId of loaded.slice(0, user.projects ?? loaded.length)) {
        addServeUser(store, projectId, user);
      }
    }
  } catch (error) {
    store.close();
    return Promise.reject(error);
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
  const handler = createRedcapHandler(store, { baseUrl: options.baseUrl });
  const hostname = options.hostname ?? "127.0.0.1";
  if (!isLoopback(hostname)) {
    console.warn(
      `Warning: serving the REDCap API on ${hostname}, which is not a loopback interface: ` +
        `anyone who can reach this machine can call it with a token. Use --host 127.0.0.1 ` +
        `unless other machines must reach it.`,
    );
  }
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
    }, isLoopback(hostname) ? loopbackOnly(handler) : handler);
  });
}

/**
 * Answers only requests addressed to a loopback name: a web page that points its own host
 * name at 127.0.0.1 (DNS rebinding) sends its own name in `Host`, and its `Origin` matches it.
 */
function loopbackOnly(
  handler: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return (request) => {
    const host = new URL(request.url).hostname;
    if (isLoopback(host)) return handler(request);
    return Promise.resolve(
      errorResponse(
        403,
        `The request was addressed to "${host}", not to this server's loopback address: ` +
          `use http://127.0.0.1/ or http://localhost/ (a web page may be pointing its own name ` +
          `at this machine)`,
        "xml",
      ),
    );
  };
}

/** Whether a host name or address is a loopback interface (`localhost`, 127.0.0.0/8, ::1). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(host);
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
      case "--base-url":
        options.baseUrl = value;
        break;
      case "--user":
        // The user joins the projects named before this option (every project when none is).
        (options.users ??= []).push({
          ...parseServeUser(value),
          projects: projects.length > 0 ? projects.length : undefined,
        });
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
