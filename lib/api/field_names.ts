/**
 * `content=exportFieldNames`: the export column names of each field (one per checkbox option).
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { checkKeys, checkString } from "./_check.ts";
import { requestJson } from "./call.ts";
import { text } from "./_schema.ts";

const FieldNameSchema: z.ZodType<FieldName> = z.looseObject({
  original_field_name: z.string(),
  choice_value: text,
  export_field_name: z.string(),
});

/** One export column of a field. Other keys REDCap sends pass through. */
export interface FieldName {
  /** Field name in the data dictionary. */
  original_field_name: string;
  /** Checkbox option code; blank for other fields. */
  choice_value: string;
  /** Column name in exports (`field___code` for checkbox options). */
  export_field_name: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

/** Options for {@linkcode exportFieldNames}. */
export interface ExportFieldNamesOptions {
  /** Only this field (REDCap's `field`). By default, every field. */
  field?: string;
}

/**
 * Exports the export column names of the fields (`content=exportFieldNames`): checkbox fields
 * give one row per option (`field___code`); calc, file and descriptive fields are left out by
 * REDCap. Cached per client.
 *
 * @example List export names
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
 * const names = await client.exportFieldNames();
 * ok(names.length > 0);
 * ```
 *
 * @param client The client.
 * @param options Which field.
 * @returns One row per export column.
 */
export async function exportFieldNames(
  client: RedcapConnection,
  options: ExportFieldNamesOptions = {},
): Promise<FieldName[]> {
  checkKeys("export field names", options, ["field"]);
  const field = checkString("export field names", "field", options.field);
  return await requestJson(
    client,
    { content: "exportFieldNames", field },
    z.array(FieldNameSchema),
    { cacheKey: `exportFieldNames:${field ?? ""}` },
  );
}
