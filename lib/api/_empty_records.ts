/**
 * What a record export holds when REDCap sends no rows: which EAV exports have a row for every
 * record, and the columns of an empty flat export (REDCap 14 and later send an empty body, no
 * header, for a flat CSV export that matches no record; JSON gives `[]`).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { RedcapConnection } from "../_request.ts";
import { flatExportColumns } from "../dictionary/export_columns.ts";
import { metadataRows } from "./metadata.ts";

/**
 * Whether an EAV export of **fields** and **forms** holds the record-id field, so a row for
 * every record: with neither, or when either names it. REDCap's EAV export has rows only for
 * stored, non-blank values, and it stores the record id in every event with data.
 */
export async function eavHasEveryRecord(
  client: RedcapConnection,
  idField: string,
  fields: readonly string[] | undefined,
  forms: readonly string[] | undefined,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (!fields && !forms) return true;
  if (fields?.includes(idField)) return true;
  if (!forms) return false;
  const idForm = (await metadataRows(client, signal))[0]?.form_name;
  return typeof idForm === "string" && forms.includes(idForm);
}

/** What decides the header of a flat raw export. */
export interface EmptyFlatRequest {
  fields?: readonly string[];
  forms?: readonly string[];
  exportDataAccessGroups?: boolean;
  exportSurveyFields?: boolean;
  signal?: AbortSignal;
}

/**
 * An empty frame with the columns REDCap's header line would have had: the same frame whether
 * the server sent the header alone (before REDCap 14), an empty body (REDCap 14 and later) or
 * `[]` (JSON). Built from the data dictionary (cached by the client).
 */
export async function emptyFlatFrame(
  client: RedcapConnection,
  request: EmptyFlatRequest,
): Promise<pl.DataFrame> {
  // Imported when needed: the read layer's dictionary is built from api/ functions.
  const { readDictionary } = await import("../read/dictionary.ts");
  const dictionary = await readDictionary(client, { signal: request.signal });
  const columns = flatExportColumns(dictionary, request);
  return pl.DataFrame({}, { schema: Object.fromEntries(columns.map((c) => [c, pl.String])) });
}
