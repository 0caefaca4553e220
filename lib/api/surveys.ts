/**
 * Surveys: a record's survey link, queue link, access code and return code, and an
 * instrument's participant list (`content=surveyLink`, `surveyQueueLink`, `surveyAccessCode`,
 * `surveyReturnCode`, `participantList`).
 *
 * @module
 */
import { z } from "../deps/zod.ts";
import type { RedcapConnection } from "../_request.ts";
import { requestJson } from "./call.ts";
import { checkInteger, checkKeys, checkString, requireString } from "./_check.ts";
import { optionalNum, text } from "./_schema.ts";
import { readLine, type SignalOptions } from "./admin.ts";

/** Where a survey response lives. */
export interface SurveyLocation extends SignalOptions {
  /** The record. */
  record: string | number;
  /** The survey's instrument. */
  instrument: string;
  /** The unique event name (longitudinal projects). */
  event?: string;
  /** The repeat instance.
   * @default {1}
   */
  repeat_instance?: number;
}

/** Options for {@linkcode exportSurveyParticipantList}. */
export interface ExportSurveyParticipantListOptions extends SignalOptions {
  /** The survey's instrument. */
  instrument: string;
  /** The unique event name (longitudinal projects). */
  event?: string;
}

/** Options for {@linkcode exportSurveyQueueLink}. */
export interface SurveyQueueLinkOptions extends SignalOptions {
  /** The record. */
  record: string | number;
}

const ParticipantSchema: z.ZodType<SurveyParticipant> = z.looseObject({
  email: text,
  email_occurrence: optionalNum.optional(),
  identifier: text,
  record: text,
  invitation_sent_status: optionalNum,
  invitation_send_time: text,
  response_status: optionalNum,
  survey_access_code: text,
  survey_link: text,
});

/** One participant of a survey: e-mail, record, invitation and response status, link. Other keys REDCap sends pass through. */
export interface SurveyParticipant {
  /** Participant e-mail; blank when not known. */
  email: string;
  /** Which occurrence of a repeated e-mail this is. */
  email_occurrence?: number | null;
  /** Participant identifier; blank for none. */
  identifier: string;
  /** Record name; blank before a response. */
  record: string;
  /** 1 when an invitation was sent. */
  invitation_sent_status: number | null;
  /** When the invitation was (or will be) sent. */
  invitation_send_time: string;
  /** 0 no response, 1 partial, 2 completed. */
  response_status: number | null;
  /** The survey access code. */
  survey_access_code: string;
  /** The participant's survey link. */
  survey_link: string;
  /** Other keys, as REDCap sent them. */
  [key: string]: unknown;
}

function location(action: string, content: string, options: SurveyLocation) {
  checkKeys(action, options ?? {}, ["record", "instrument", "event", "repeat_instance", "signal"]);
  return {
    content,
    record: requireString(action, "record", options.record),
    instrument: requireString(action, "instrument", options.instrument),
    event: checkString(action, "event", options.event),
    repeat_instance: checkInteger(action, "repeat_instance", options.repeat_instance, 1, 32767),
  };
}

/**
 * Exports the link to a record's survey (`content=surveyLink`).
 *
 * @example A record's survey link
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const [event] = (await client.exportInstrumentEventMappings())
 *   .filter((m) => m.form === "quality_of_life");
 * const link = await client.exportSurveyLink({
 *   record: "1",
 *   instrument: "quality_of_life",
 *   event: event.unique_event_name,
 * });
 * ok(link.includes("?s="));
 * ```
 *
 * @param client The client.
 * @param options The record, instrument, event and instance.
 * @returns The survey URL.
 */
export async function exportSurveyLink(
  client: RedcapConnection,
  options: SurveyLocation,
): Promise<string> {
  const params = location("export survey link", "surveyLink", options);
  return await readLine(client, params, options.signal);
}

/**
 * Exports a record's survey access code (`content=surveyAccessCode`).
 *
 * @example A record's access code
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const [event] = (await client.exportInstrumentEventMappings())
 *   .filter((m) => m.form === "quality_of_life");
 * const where = { record: "1", instrument: "quality_of_life", event: event.unique_event_name };
 * ok((await client.exportSurveyAccessCode(where)).length > 0);
 * ```
 *
 * @param client The client.
 * @param options The record, instrument, event and instance.
 * @returns The access code.
 */
export async function exportSurveyAccessCode(
  client: RedcapConnection,
  options: SurveyLocation,
): Promise<string> {
  const params = location("export survey access code", "surveyAccessCode", options);
  return await readLine(client, params, options.signal);
}

/**
 * Exports a record's survey return code (`content=surveyReturnCode`), with which a participant
 * resumes a partial response.
 *
 * @example A record's return code
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * const [event] = (await client.exportInstrumentEventMappings())
 *   .filter((m) => m.form === "quality_of_life");
 * const where = { record: "1", instrument: "quality_of_life", event: event.unique_event_name };
 * ok((await client.exportSurveyReturnCode(where)).length > 0);
 * ```
 *
 * @param client The client.
 * @param options The record, instrument, event and instance.
 * @returns The return code.
 */
export async function exportSurveyReturnCode(
  client: RedcapConnection,
  options: SurveyLocation,
): Promise<string> {
  const params = location("export survey return code", "surveyReturnCode", options);
  return await readLine(client, params, options.signal);
}

/**
 * Exports the link to a record's survey queue (`content=surveyQueueLink`); REDCap refuses when
 * the project has no survey queue.
 *
 * @example A record's survey queue link
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { ok } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 2 });
 * ok((await client.exportSurveyQueueLink({ record: "1" })).includes("?sq="));
 * ```
 *
 * @param client The client.
 * @param options The record.
 * @returns The survey queue URL.
 */
export async function exportSurveyQueueLink(
  client: RedcapConnection,
  options: SurveyQueueLinkOptions,
): Promise<string> {
  const action = "export survey queue link";
  checkKeys(action, options ?? {}, ["record", "signal"]);
  const record = requireString(action, "record", options.record);
  return await readLine(client, { content: "surveyQueueLink", record }, options.signal);
}

/**
 * Exports a survey's participant list (`content=participantList`): e-mail, record, invitation
 * and response status, access code and link per participant.
 *
 * @example The participants of the demo's survey
 * ```ts
 * import { createDemoClient } from "denocap/demo";
 * import { strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 3 });
 * const [event] = (await client.exportInstrumentEventMappings())
 *   .filter((m) => m.form === "quality_of_life");
 * const rows = await client.exportSurveyParticipantList({
 *   instrument: "quality_of_life",
 *   event: event.unique_event_name,
 * });
 * strictEqual(rows.every((r) => r.survey_link.includes("?s=")), true);
 * ```
 *
 * @param client The client.
 * @param options The instrument and event.
 * @returns One row per participant.
 */
export async function exportSurveyParticipantList(
  client: RedcapConnection,
  options: ExportSurveyParticipantListOptions,
): Promise<SurveyParticipant[]> {
  const action = "export survey participants";
  checkKeys(action, options ?? {}, ["instrument", "event", "signal"]);
  return await requestJson(
    client,
    {
      content: "participantList",
      instrument: requireString(action, "instrument", options.instrument),
      event: checkString(action, "event", options.event),
    },
    z.array(ParticipantSchema),
    { signal: options.signal },
  );
}
