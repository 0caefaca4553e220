/**
 * The routing table: `content` → action → route. Routes live in `routes/`, one file per API
 * area. An entry `super` answers super-token requests for that content.
 *
 * @module
 */
import type { Route } from "./_http.ts";
import { exportVersion } from "./routes/version.ts";

/** Routes by `content`, then by action (`export`, `import`, `delete`, ...). */
export const ROUTES: Record<string, Partial<Record<string, Route>> & { super?: Route }> = {
  version: { export: exportVersion, super: exportVersion },
};
