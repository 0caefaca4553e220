/**
 * Test helpers: a local server in-process, seeded from the demo or any project source.
 *
 * @module
 */
import { createRedcapHandler } from "../lib/server/handler.ts";
import { loadProject, type LoadProjectOptions, type ProjectSource } from "../lib/server/load.ts";
import { RedcapStore } from "../lib/server/store.ts";

/** An in-process server for one project. */
export interface TestServer {
  store: RedcapStore;
  projectId: number;
  token: string;
  handler: (request: Request) => Promise<Response>;
  /** A `fetch` that calls the handler directly (inject it into clients). */
  fetch: typeof fetch;
  /** POSTs form fields to the handler and returns the response. */
  post(params: Record<string, string>): Promise<Response>;
}

/** Starts an in-process server for a project (the demo, 30 records, by default). */
export function createTestServer(
  source: ProjectSource = "demo",
  options: LoadProjectOptions = { demoRecords: 30 },
): TestServer {
  const store = RedcapStore.open();
  const { projectId, tokens } = loadProject(store, source, options);
  const handler = createRedcapHandler(store);
  const fetchFn =
    ((input: RequestInfo | URL, init?: RequestInit) =>
      handler(new Request(input, init))) as typeof fetch;
  return {
    store,
    projectId,
    token: tokens[0],
    handler,
    fetch: fetchFn,
    post: (params) =>
      handler(
        new Request("http://redcap.test/api/", {
          method: "POST",
          body: new URLSearchParams({ token: tokens[0], ...params }),
        }),
      ),
  };
}

/** The corpus folder beside the checkout, or `undefined` when it is absent. */
export const CORPUS_DIR: string | undefined = (() => {
  const path = new URL("../../shared/redcap-corpus/", import.meta.url).pathname;
  try {
    return Deno.statSync(path).isDirectory ? path : undefined;
  } catch {
    return undefined;
  }
})();

/** `ignore` for corpus tests: true (with a message printed once) when the corpus is absent. */
export const NO_CORPUS: boolean = (() => {
  if (CORPUS_DIR === undefined) {
    console.warn("Skipping corpus tests: ../shared/redcap-corpus is absent");
    return true;
  }
  return false;
})();
