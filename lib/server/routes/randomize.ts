/**
 * `content=record&action=randomize`: this server models no randomization allocation tables, so
 * it answers as REDCap does for a project without randomization.
 *
 * @module
 */
import { type ApiContext, ApiError } from "../_http.ts";
import { NO_IMPORT_RIGHT, requireRight } from "./_structure_io.ts";
import { noSuchRecord, recordVisible } from "./records_manage.ts";

/**
 * Message for a project without randomization. REDCap answers 400; its exact text is not in the
 * reference material, so the wording is ours.
 */
export const RANDOMIZATION_NOT_ENABLED = "Randomization is not enabled in this project";

/**
 * Answers `action=randomize`: needs API Import/Update, then a 400 because randomization is not
 * enabled (or, in a project that claims it is, because no allocation table exists for the
 * `randomization_id`).
 */
export function randomizeRecord(ctx: ApiContext): Response {
  requireRight(ctx, "api_import", NO_IMPORT_RIGHT);
  const enabled = Number(ctx.project.definition.info.randomization_enabled ?? 0) === 1;
  if (!enabled) throw new ApiError(400, RANDOMIZATION_NOT_ENABLED);
  const record = (ctx.params.get("record") ?? "").trim();
  if (record === "") throw new ApiError(400, `The parameter "record" is missing`);
  if (!recordVisible(ctx, record)) throw new ApiError(400, noSuchRecord(record));
  const id = (ctx.params.get("randomization_id") ?? "").trim();
  throw new ApiError(
    400,
    `The value of the parameter "randomization_id" is not valid: '${id}' (this server has no ` +
      "randomization allocation tables)",
  );
}
