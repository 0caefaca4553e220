/** Clients over in-process servers for the write tests. */
import pl from "../../lib/deps/polars.ts";
import { RedcapClient } from "../../lib/client.ts";
import type { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";
import { readDictionary } from "../../lib/read/dictionary.ts";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { loadProject, type ProjectSource } from "../../lib/server/load.ts";
import { RedcapStore } from "../../lib/server/store.ts";

/** A client over a fresh in-memory server holding one project. */
export interface ProjectClient {
  client: RedcapClient;
  store: RedcapStore;
  projectId: number;
  dd: DataDictionary;
  /** Requests the handler answered. */
  requests: () => number;
}

/** Options of {@linkcode projectClient}. */
export interface ProjectClientOptions {
  demoRecords?: number;
  /** Wraps the handler's fetch (to inject failures). */
  wrap?: (
    fetch: (request: Request) => Promise<Response>,
  ) => (request: Request) => Promise<Response>;
}

/** Loads a project into a fresh store and returns a client for it. */
export async function projectClient(
  source: ProjectSource,
  options: ProjectClientOptions = {},
): Promise<ProjectClient> {
  const store = RedcapStore.open(":memory:", { now: () => new Date(2026, 0, 15, 10, 30, 0) });
  const { projectId, tokens } = loadProject(store, source, { demoRecords: options.demoRecords });
  const handler = createRedcapHandler(store);
  let count = 0;
  const counted = (request: Request) => {
    count++;
    return handler(request);
  };
  const send = options.wrap ? options.wrap(counted) : counted;
  const client = new RedcapClient("http://redcap.test/api/", tokens[0], {
    fetch: (input, init) => send(new Request(input, init)),
    retry: { limit: 3, backoff: 1, maxDelay: 5 },
    progressBar: false,
  });
  const dd = await readDictionary(client);
  return { client, store, projectId, dd, requests: () => count };
}

/** Frames as plain rows (JSON-comparable: dates as ISO text). */
export function plainRows(df: pl.DataFrame): unknown[] {
  return JSON.parse(JSON.stringify(df.toRecords()));
}

/** A frame of strings from rows (missing keys → null). */
export function stringFrame(rows: Record<string, string | null>[]): pl.DataFrame {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const data: Record<string, (string | null)[]> = {};
  for (const c of columns) data[c] = rows.map((r) => r[c] ?? null);
  return pl.DataFrame(data, { schema: Object.fromEntries(columns.map((c) => [c, pl.String])) });
}
