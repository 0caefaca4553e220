/**
 * `content=version`: the REDCap version.
 *
 * @module
 */
import type { RedcapConnection } from "../_request.ts";
import { RedcapResponseError } from "../errors.ts";
import { internals } from "./call.ts";
import { ProgressTracker } from "../_progress.ts";

/**
 * Exports the REDCap version (`content=version`), e.g. `15.7.6`. Cached per client.
 *
 * @example Read the version
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { match } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * match(await client.exportVersion(), /^\d+\.\d+\.\d+$/);
 * ```
 *
 * @param client The client.
 * @returns The version as `major.minor.patch`.
 * @throws {RedcapResponseError} When the body is not a version number.
 */
export async function exportVersion(client: RedcapConnection): Promise<string> {
  const inner = internals(client);
  return await inner.cached("version", async () => {
    const tracker = new ProgressTracker("version", 1, inner.progress);
    return await inner.send(
      { params: { content: "version", format: "json", returnFormat: "json" }, retry: true },
      (response) => {
        const version = response.text().trim();
        if (!/^\d+\.\d+\.\d+$/.test(version)) {
          throw new RedcapResponseError(
            "version",
            "shape",
            `expected a version like 15.7.6, got ${JSON.stringify(version.slice(0, 40))}`,
          );
        }
        tracker.step(response.bytes.length, 1);
        return version;
      },
    );
  });
}
