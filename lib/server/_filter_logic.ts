/**
 * `filterLogic` on record exports: compiles REDCap logic into a predicate over one record-event.
 *
 * @module
 */
import { ApiError } from "./_http.ts";
import type { EventModel, ProjectModel } from "./model.ts";
import type { DataPoint } from "./project.ts";

/** Decides whether one record-event (or, in classic projects, one record) passes the filter. */
export type RecordEventFilter = (
  record: string,
  points: readonly DataPoint[],
  event: EventModel,
) => boolean;

/**
 * Compiles `filterLogic` for a project. Throws {@linkcode ApiError} (400) for logic REDCap
 * would reject.
 */
export function compileFilterLogic(_project: ProjectModel, _logic: string): RecordEventFilter {
  throw new ApiError(400, "The parameter filterLogic is not supported by this server yet");
}
