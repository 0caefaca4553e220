/**
 * Survey endpoints for survey-enabled instruments: `surveyLink`, `surveyQueueLink`,
 * `surveyAccessCode`, `surveyReturnCode` (plain text) and `participantList`. Each record, event,
 * instrument and repeat instance gets one survey hash, access code (9 characters) and return code
 * (8 characters), made when first asked for and kept in the store.
 *
 * @module
 */
import { type ApiContext, ApiError, ok } from "../_http.ts";
import type { EventModel, FormModel } from "../model.ts";
import { FORM_NO_ACCESS, formEntryRight } from "./rights.ts";
import { exportFormat, requireExport, rowsBody } from "./_structure_io.ts";
import { noSuchRecord, recordVisible } from "./records_manage.ts";

/** Message when the user lacks Survey Distribution Tools rights (REDCap's text is not on record). */
export const NO_SURVEY_RIGHT = "You do not have Survey Distribution Tools privileges";

/** `content=participantList` columns. */
export const PARTICIPANT_COLUMNS: readonly string[] = [
  "email",
  "email_occurrence",
  "identifier",
  "record",
  "invitation_sent_status",
  "invitation_send_time",
  "response_status",
  "survey_access_code",
  "survey_link",
];

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomText(length: number, alphabet: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

interface SurveyCodes {
  hash: string;
  access_code: string;
  return_code: string;
}

/** The survey codes of one record-event-instrument-instance, made on first use. */
function surveyCodes(
  ctx: ApiContext,
  record: string,
  form: string,
  eventId: number,
  instance: number,
): SurveyCodes {
  const key = [ctx.projectId, record, form, eventId, instance] as const;
  const select = "SELECT hash, access_code, return_code FROM survey_codes WHERE project_id = ? " +
    "AND record = ? AND form = ? AND event_id = ? AND instance = ?";
  const found = ctx.store.sql(select).get(...key);
  if (found) {
    return {
      hash: String(found.hash),
      access_code: String(found.access_code),
      return_code: String(found.return_code),
    };
  }
  const codes = {
    hash: randomText(10, MIXED),
    access_code: randomText(9, UPPER),
    return_code: randomText(8, UPPER),
  };
  ctx.store.sql(
    "INSERT INTO survey_codes (project_id, record, form, event_id, instance, hash, access_code, " +
      "return_code) VALUES (?,?,?,?,?,?,?,?)",
  ).run(...key, codes.hash, codes.access_code, codes.return_code);
  return codes;
}

/** The server's survey page base: the API URL with `api/` replaced by `surveys/`. */
function surveyBase(ctx: ApiContext): string {
  const url = new URL(ctx.url ?? "http://localhost/api/");
  const path = url.pathname.replace(/api\/?$/, "");
  return `${url.origin}${path.endsWith("/") ? path : path + "/"}surveys/`;
}

function readInstrument(ctx: ApiContext): FormModel {
  const name = (ctx.params.get("instrument") ?? "").trim();
  if (name === "") throw new ApiError(400, `The parameter "instrument" is missing`);
  const form = ctx.project.formByName.get(name);
  if (!form) throw new ApiError(400, `The instrument "${name}" does not exist`);
  if (!form.survey) {
    throw new ApiError(400, `The instrument "${name}" has not been enabled as a survey`);
  }
  // A survey's link and codes open its responses: not for a user with no access to the form.
  if (formEntryRight(ctx.grant.rights, form.name) === FORM_NO_ACCESS) {
    throw new ApiError(
      403,
      `You do not have permission to the instrument "${name}" (your form-level rights to it ` +
        `are no access)`,
    );
  }
  return form;
}

function readEvent(ctx: ApiContext, form: FormModel): EventModel {
  if (!ctx.project.longitudinal) return ctx.project.events[0];
  const name = (ctx.params.get("event") ?? "").trim();
  if (name === "") {
    throw new ApiError(400, `The parameter "event" is required in a longitudinal project`);
  }
  const event = ctx.project.eventByName.get(name);
  if (!event) {
    throw new ApiError(
      400,
      `The value of the parameter "event" is not valid: "${name}" is not a unique event name of this project`,
    );
  }
  if (!event.forms.includes(form.name)) {
    throw new ApiError(
      400,
      `The instrument "${form.name}" is not designated for the event "${name}"`,
    );
  }
  return event;
}

function readRecord(ctx: ApiContext): string {
  const record = (ctx.params.get("record") ?? "").trim();
  if (record === "") throw new ApiError(400, `The parameter "record" is missing`);
  if (!recordVisible(ctx, record)) throw new ApiError(400, noSuchRecord(record));
  return record;
}

function readInstance(ctx: ApiContext): number {
  const text = (ctx.params.get("repeat_instance") ?? "").trim() || "1";
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ApiError(
      400,
      `The value of the parameter "repeat_instance" is not valid: "${text}" is not a positive integer`,
    );
  }
  return Number(text);
}

/** Reads and checks record, instrument, event and instance, then the survey's codes. */
function participant(ctx: ApiContext): SurveyCodes {
  requireExport(ctx);
  const record = readRecord(ctx);
  const form = readInstrument(ctx);
  const event = readEvent(ctx, form);
  const instance = readInstance(ctx);
  return ctx.store.transaction(() => surveyCodes(ctx, record, form.name, event.event_id, instance));
}

/** `content=surveyLink`: the record's survey URL, `…/surveys/?s=HASH`, as plain text. */
export function exportSurveyLink(ctx: ApiContext): Response {
  const codes = participant(ctx);
  return ok(`${surveyBase(ctx)}?s=${codes.hash}`, "text");
}

/** `content=surveyAccessCode`: the 9-character access code, as plain text. */
export function exportSurveyAccessCode(ctx: ApiContext): Response {
  return ok(participant(ctx).access_code, "text");
}

/** `content=surveyReturnCode`: the 8-character return code, as plain text. */
export function exportSurveyReturnCode(ctx: ApiContext): Response {
  return ok(participant(ctx).return_code, "text");
}

/**
 * `content=surveyQueueLink`: the record's survey queue URL, `…/surveys/?sq=HASH`. Needs a
 * survey-enabled instrument in the project.
 */
export function exportSurveyQueueLink(ctx: ApiContext): Response {
  requireExport(ctx);
  const record = readRecord(ctx);
  if (!ctx.project.forms.some((f) => f.survey)) {
    throw new ApiError(400, "The survey queue is not enabled in this project");
  }
  const codes = ctx.store.transaction(() => surveyCodes(ctx, record, "", 0, 1));
  return ok(`${surveyBase(ctx)}?sq=${codes.hash}`, "text");
}

/**
 * `content=participantList`: one row per record of the event's arm (and the user's DAG), with
 * its response status (0 none, 1 partial, 2 completed: `{form}_complete` = 2), access code and
 * link. Needs Survey Distribution Tools rights.
 */
export function exportParticipantList(ctx: ApiContext): Response {
  requireExport(ctx);
  // Unset means the default a project creator has: allowed.
  if (Number(ctx.grant.rights.manage_survey_participants ?? 1) === 0) {
    throw new ApiError(403, NO_SURVEY_RIGHT);
  }
  const form = readInstrument(ctx);
  const event = readEvent(ctx, form);
  const dag = (ctx.grant.rights.data_access_group ?? "").trim();
  const entries = ctx.store.records(ctx.projectId, dag === "" ? {} : { dag })
    .filter((e) => e.arm_num === event.arm_num);
  const fields = form.fields
    .filter((f) => f.field_name !== ctx.project.recordIdField && f.field_type !== "descriptive")
    .map((f) => f.field_name);
  const base = surveyBase(ctx);
  const rows = ctx.store.transaction(() =>
    entries.map((entry) => {
      const codes = surveyCodes(ctx, entry.record, form.name, event.event_id, 1);
      const status = ctx.store.values(
        ctx.projectId,
        entry.record,
        event.event_id,
        1,
        `${form.name}_complete`,
      )[0];
      const started = fields.some((f) =>
        ctx.store.values(ctx.projectId, entry.record, event.event_id, 1, f).length > 0
      );
      return {
        email: "",
        email_occurrence: 1,
        identifier: "",
        record: entry.record,
        invitation_sent_status: 0,
        invitation_send_time: "",
        response_status: status === "2" ? 2 : started ? 1 : 0,
        survey_access_code: codes.access_code,
        survey_link: `${base}?s=${codes.hash}`,
      };
    })
  );
  const format = exportFormat(ctx);
  return ok(rowsBody(rows, PARTICIPANT_COLUMNS, format, "records"), format);
}
