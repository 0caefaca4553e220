/**
 * `content=project`: project settings.
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { num, text } from "./_schema.ts";

const ProjectInfoSchema: z.ZodType<ProjectInfo> = z.looseObject({
  project_id: num,
  project_title: text,
  creation_time: text.optional(),
  production_time: text.optional(),
  in_production: num.optional(),
  project_language: text.optional(),
  purpose: num.optional(),
  is_longitudinal: num,
  has_repeating_instruments_or_events: num.optional(),
  surveys_enabled: num.optional(),
  record_autonumbering_enabled: num.optional(),
  secondary_unique_field: text.optional(),
  missing_data_codes: text.optional(),
});

/** Project settings (REDCap's `0`/`1` flags as numbers; other keys pass through). Other keys REDCap sends pass through. */
export interface ProjectInfo {
  /** REDCap's numeric project id. */
  project_id: number;
  /** Project title. */
  project_title: string;
  /** When the project was created. */
  creation_time?: string;
  /** When the project moved to production; blank if not. */
  production_time?: string;
  /** 1 in production, 0 in development. */
  in_production?: number;
  /** Project language (`English`). */
  project_language?: string;
  /** REDCap's purpose code (0 practice, 1 other, 2 research, 3 quality, 4 operational). */
  purpose?: number;
  /** 1 when the project has events. */
  is_longitudinal: number;
  /** 1 when some instrument or event repeats. */
  has_repeating_instruments_or_events?: number;
  /** 1 when surveys are enabled. */
  surveys_enabled?: number;
  /** 1 when record names are auto-numbered. */
  record_autonumbering_enabled?: number;
  /** The secondary unique field; blank for none. */
  secondary_unique_field?: string;
  /** Missing-data codes (`CODE, label | ...`); blank for none. */
  missing_data_codes?: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/**
 * Exports the project settings (`content=project`). Cached per client.
 *
 * @example Read the title
 * ```ts
 * import { RedcapClient } from "denocap";
 * import { createRedcapHandler, loadProject, RedcapStore } from "denocap/server";
 * import { ok } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 5 });
 * const handler = createRedcapHandler(store);
 * const client = new RedcapClient("http://localhost/api/", tokens[0], {
 *   fetch: (input, init) => handler(new Request(input, init)),
 * });
 * const info = await client.exportProjectInfo();
 * ok(info.project_title.length > 0);
 * ```
 *
 * @param client The client.
 * @returns The settings.
 */
export async function exportProjectInfo(client: RedcapConnection): Promise<ProjectInfo> {
  // Some REDCap versions wrap the object in a one-element array.
  const schema = z.union([ProjectInfoSchema, z.array(ProjectInfoSchema)]).transform((v, ctx) => {
    if (!Array.isArray(v)) return v;
    if (v.length !== 1) {
      ctx.addIssue({ code: "custom", message: `expected one project, got ${v.length}` });
      return z.NEVER;
    }
    return v[0];
  });
  return await requestJson(client, { content: "project" }, schema, { cacheKey: "project" });
}
