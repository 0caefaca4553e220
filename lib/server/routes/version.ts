/**
 * `content=version`: the REDCap version the local server imitates, as plain text.
 *
 * @module
 */
import { type ApiContext, ok } from "../_http.ts";

/** The REDCap version whose API the local server follows. */
export const REDCAP_VERSION = "15.7.6";

/** Answers `content=version` with the version as plain text. */
export function exportVersion(_ctx: ApiContext): Response {
  return ok(REDCAP_VERSION, "text");
}
