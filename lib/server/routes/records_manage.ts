/**
 * `content=record` with `action=delete` or `action=rename`, and `content=generateNextRecordName`.
 *
 * @module
 */
import { type ApiContext, ApiError, ok } from "../_http.ts";
import type { EventModel } from "../model.ts";
import { recordNamer } from "../records/next_name.ts";
import { NO_IMPORT_RIGHTS } from "./records_import.ts";

/** The token user's DAG (unique group name), or `undefined` when in none. */
export function userDag(ctx: ApiContext): string | undefined {
  const dag = ctx.grant.rights.data_access_group?.trim();
  return dag ? dag : undefined;
}

/** Whether a record exists and the token user may see it (same DAG when the user is in one). */
export function recordVisible(ctx: ApiContext, record: string): boolean {
  const dag = ctx.store.recordDag(ctx.projectId, record);
  if (dag === undefined) return false;
  const mine = userDag(ctx);
  return mine === undefined || dag === mine;
}

/** REDCap's message for a record that does not exist (or is outside the user's DAG). */
export function noSuchRecord(record: string): string {
  return `The record "${record}" does not exist`;
}

function readArm(ctx: ApiContext): number | undefined {
  const text = ctx.params.get("arm")?.trim();
  if (!text) return undefined;
  const arm = Number(text);
  if (!/^\d+$/.test(text) || !ctx.project.arms.some((a) => a.arm_num === arm)) {
    throw new ApiError(
      400,
      `The value of the parameter "arm" is not valid: "${text}" is not an arm of this project`,
    );
  }
  return arm;
}

function readEvent(ctx: ApiContext): EventModel | undefined {
  const name = ctx.params.get("event")?.trim();
  if (!name) return undefined;
  if (!ctx.project.longitudinal) return undefined;
  const event = ctx.project.eventByName.get(name);
  if (!event) {
    throw new ApiError(
      400,
      `The value of the parameter "event" is not valid: "${name}" is not a unique event name of this project`,
    );
  }
  return event;
}

function readInstance(ctx: ApiContext, name = "repeat_instance"): number | undefined {
  const text = ctx.params.get(name)?.trim();
  if (!text) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ApiError(
      400,
      `The value of the parameter "${name}" is not valid: "${text}" is not a positive integer`,
    );
  }
  return Number(text);
}

/**
 * `action=delete`: deletes whole records (`records` must be an array), or with `arm`,
 * `event`, `instrument` and `repeat_instance` only that part of them. Answers the number of
 * records affected.
 */
export function deleteRecords(ctx: ApiContext): Response {
  const { params, grant, store, projectId, project } = ctx;
  if (!grant.rights.api_import) throw new ApiError(403, NO_IMPORT_RIGHTS);
  if (!grant.rights.record_delete) {
    throw new ApiError(403, "You do not have Delete Record privileges");
  }
  if (!params.isArray("records")) {
    throw new ApiError(
      400,
      `The parameter "records" is missing or is not an array: send records[0]=..., records[1]=...`,
    );
  }
  const records = [...new Set(params.list("records") ?? [])];
  if (records.length === 0) throw new ApiError(400, `The parameter "records" has no record names`);
  const arm = readArm(ctx);
  const event = readEvent(ctx);
  const instance = readInstance(ctx);
  const instrumentName = params.get("instrument")?.trim() || undefined;
  const form = instrumentName ? project.formByName.get(instrumentName) : undefined;
  if (instrumentName && !form) {
    throw new ApiError(
      400,
      `The value of the parameter "instrument" is not valid: "${instrumentName}" is not an instrument of this project`,
    );
  }
  if (form && project.longitudinal && !event) {
    throw new ApiError(
      400,
      `The parameter "event" is required when deleting an instrument's data in a longitudinal project`,
    );
  }
  if (event && arm !== undefined && event.arm_num !== arm) {
    throw new ApiError(400, `The event "${event.unique_event_name}" is not in arm ${arm}`);
  }
  const missing = records.filter((r) => {
    if (!recordVisible(ctx, r)) return true;
    return arm !== undefined && !store.recordArms(projectId, r).includes(arm);
  });
  if (missing.length > 0) {
    throw new ApiError(
      400,
      `One or more of the records provided cannot be deleted because they do not exist in the ` +
        `project. The following records do not exist: ${missing.join(", ")}`,
    );
  }
  const idField = project.recordIdField;
  const whole = !form && !event && instance === undefined;
  const fileFields = project.fields.filter((f) =>
    f.field_type === "file" || f.field_type === "signature"
  )
    .map((f) => f.field_name);
  const dropFiles = (
    record: string,
    eventIds: number[] | undefined,
    fields: string[] | undefined,
  ) => {
    for (const field of fileFields) {
      if (fields && !fields.includes(field)) continue;
      const rows = store.sql(
        "SELECT event_id, instance, value FROM data WHERE project_id = ? AND record = ? AND field_name = ?",
      ).all(projectId, record, field);
      for (const row of rows) {
        if (eventIds && !eventIds.includes(Number(row.event_id))) continue;
        if (instance !== undefined && Number(row.instance) !== instance) continue;
        store.deleteFile(projectId, Number(row.value));
      }
    }
  };
  store.transaction(() => {
    for (const record of records) {
      if (whole) {
        const arms = store.recordArms(projectId, record);
        if (arm !== undefined && arms.length > 1) {
          const eventIds = project.events.filter((e) => e.arm_num === arm).map((e) => e.event_id);
          dropFiles(record, eventIds, undefined);
          store.deleteRecord(projectId, record, eventIds);
          store.dropRecordEntry(projectId, record, arm);
        } else {
          dropFiles(record, undefined, undefined);
          store.deleteRecord(projectId, record);
          store.dropRecordEntry(projectId, record);
        }
        store.log({
          project_id: projectId,
          username: grant.username,
          action: "DELETE",
          record,
          event_id: null,
          details: `${idField} = '${record}'` + (arm !== undefined ? `, arm = '${arm}'` : ""),
          // REDCap's Logging action for an API delete: "Delete record (API) <record>".
          description: "Delete record (API)",
        });
        continue;
      }
      const events = event
        ? [event]
        : project.events.filter((e) => arm === undefined || e.arm_num === arm);
      const fields = form
        ? [
          ...form.fields.map((f) => f.field_name).filter((f) => f !== idField),
          `${form.name}_complete`,
          `${form.name}_timestamp`,
        ]
        : undefined;
      dropFiles(record, events.map((e) => e.event_id), fields);
      for (const e of events) {
        store.deleteValues(projectId, record, e.event_id, fields, instance);
        // REDCap: once every instrument of an event is deleted for a record, the record-id
        // value of that event goes too, so the event's row leaves the flat export.
        if (form && !hasOtherValues(ctx, record, e.event_id)) {
          store.deleteValues(projectId, record, e.event_id, [idField]);
        }
      }
      const scope = [
        event ? `event = '${event.unique_event_name}'` : "",
        form ? `instrument = '${form.name}'` : "",
        instance !== undefined ? `instance = ${instance}` : "",
      ].filter(Boolean).join(", ");
      store.log({
        project_id: projectId,
        username: grant.username,
        action: "DELETE",
        record,
        event_id: event?.event_id ?? null,
        details: `${idField} = '${record}'${scope ? `, ${scope}` : ""}`,
        description: form ? "Delete all record data for single form" : "Delete record data",
      });
    }
  });
  return ok(String(records.length), ctx.returnFormat);
}

/** Whether a record holds values other than its record id in an event. */
function hasOtherValues(ctx: ApiContext, record: string, eventId: number): boolean {
  return ctx.store.sql(
    "SELECT 1 FROM data WHERE project_id = ? AND record = ? AND event_id = ? AND field_name != ? " +
      "LIMIT 1",
  ).all(ctx.projectId, record, eventId, ctx.project.recordIdField).length > 0;
}

/** `action=rename`: renames a record (optionally in one arm only); answers `1`. */
export function renameRecord(ctx: ApiContext): Response {
  const { params, grant, store, projectId, project } = ctx;
  if (!grant.rights.api_import) throw new ApiError(403, NO_IMPORT_RIGHTS);
  if (!grant.rights.record_rename) {
    throw new ApiError(403, "You do not have Rename Record privileges");
  }
  const record = params.get("record")?.trim() ?? "";
  const newName = params.get("new_record_name")?.trim() ?? "";
  if (record === "") throw new ApiError(400, `The parameter "record" is missing`);
  if (newName === "") throw new ApiError(400, `The parameter "new_record_name" is missing`);
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(newName)) {
    // Record names are single-line printable text (as record import checks them).
    throw new ApiError(
      400,
      `Cannot rename record "${record}": the parameter "new_record_name" holds a control character`,
    );
  }
  const arm = readArm(ctx);
  if (!recordVisible(ctx, record)) throw new ApiError(400, noSuchRecord(record));
  const arms = store.recordArms(projectId, record);
  if (arm !== undefined && !arms.includes(arm)) {
    throw new ApiError(400, `The record "${record}" does not exist in arm ${arm}`);
  }
  const targetArms = arm !== undefined ? [arm] : arms;
  const taken = store.recordArms(projectId, newName);
  if (newName !== record && targetArms.some((a) => taken.includes(a))) {
    throw new ApiError(
      400,
      `Cannot rename record "${record}": the record "${newName}" already exists`,
    );
  }
  if (newName === record) return ok("1", ctx.returnFormat);
  const idField = project.recordIdField;
  store.transaction(() => {
    if (arm !== undefined && arms.length > 1) {
      const dag = store.recordDag(projectId, record) ?? "";
      const eventIds = project.events.filter((e) => e.arm_num === arm).map((e) => e.event_id);
      store.moveValues(projectId, record, newName, eventIds);
      store.dropRecordEntry(projectId, record, arm);
      store.ensureRecord(projectId, newName, arm, dag);
    } else {
      store.renameRecord(projectId, record, newName);
    }
    store.log({
      project_id: projectId,
      username: grant.username,
      action: "UPDATE",
      record: newName,
      event_id: null,
      details: `${idField} = '${newName}' (renamed from '${record}')`,
      description: "Update record (API)",
    });
  });
  return ok("1", ctx.returnFormat);
}

/**
 * `content=generateNextRecordName`: the largest whole-number record name plus one, or
 * `{group id}-{n}` for a user in a data access group.
 */
export function generateNextRecordName(ctx: ApiContext): Response {
  return ok(recordNamer(ctx.store, ctx.projectId, userDag(ctx))(), "text");
}
