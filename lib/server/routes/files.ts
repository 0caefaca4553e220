/**
 * `content=file`: export, import and delete the file of a file-upload field of one record,
 * event and repeat instance.
 *
 * @module
 */
import { type ApiContext, ApiError, fileHeaders, ok } from "../_http.ts";
import type { EventModel } from "../model.ts";
import type { FieldMetadata } from "../project.ts";
import { hiddenAtLevel } from "../records/export_plan.ts";
import {
  FORM_EDIT,
  FORM_NO_ACCESS,
  FORM_READ_ONLY,
  formEntryRight,
  formExportRight,
} from "./rights.ts";
import { NO_IMPORT_RIGHTS } from "./records_import.ts";
import { noSuchRecord, recordVisible } from "./records_manage.ts";

interface FileTarget {
  record: string;
  field: FieldMetadata;
  event: EventModel;
  instance: number;
}

/** Reads and checks `record`, `field`, `event` and `repeat_instance`. */
function readTarget(ctx: ApiContext): FileTarget {
  const { params, project } = ctx;
  const fieldName = params.get("field")?.trim() ?? "";
  const field = project.fieldByName.get(fieldName);
  if (!field || (field.field_type !== "file" && field.field_type !== "signature")) {
    throw new ApiError(400, `The field '${fieldName}' does not exist or is not a 'file' field`);
  }
  const record = params.get("record")?.trim() ?? "";
  if (record === "") throw new ApiError(400, `The parameter "record" is missing`);
  if (!recordVisible(ctx, record)) throw new ApiError(400, noSuchRecord(record));
  let event = project.events[0];
  if (project.longitudinal) {
    const name = params.get("event")?.trim() ?? "";
    const found = project.eventByName.get(name);
    if (!found) {
      throw new ApiError(
        400,
        name === ""
          ? `The parameter "event" is required in a longitudinal project`
          : `The value of the parameter "event" is not valid: "${name}" is not a unique event name of this project`,
      );
    }
    event = found;
    if (!event.forms.includes(field.form_name)) {
      throw new ApiError(
        400,
        `The field '${fieldName}' is on the instrument '${field.form_name}', which is not ` +
          `designated for the event '${name}'`,
      );
    }
  }
  const instanceText = params.get("repeat_instance")?.trim() || "1";
  if (!/^\d+$/.test(instanceText) || Number(instanceText) < 1) {
    throw new ApiError(
      400,
      `The value of the parameter "repeat_instance" is not valid: "${instanceText}" is not a positive integer`,
    );
  }
  return { record, field, event, instance: Number(instanceText) };
}

/**
 * Refuses a write to a file field on a form the user may not edit: form-level rights no access
 * (128) or read only (129), as REDCap refuses it.
 */
function checkFormEditable(ctx: ApiContext, field: FieldMetadata, action: string): void {
  const right = formEntryRight(ctx.grant.rights, field.form_name);
  if (right >= FORM_EDIT) return;
  const level = right === FORM_READ_ONLY ? "read-only" : "no access";
  throw new ApiError(
    403,
    `You do not have permission to edit the instrument "${field.form_name}" (your form-level ` +
      `rights to it are ${level}), so you cannot ${action} the field "${field.field_name}"`,
  );
}

/**
 * Refuses to export a file the user's form rights hide: no access to its instrument, or an
 * export right that leaves the field out of a record export (no access; identifiers when
 * de-identified or identifiers removed).
 */
function checkFormReadable(ctx: ApiContext, field: FieldMetadata): void {
  const noAccess = formEntryRight(ctx.grant.rights, field.form_name) === FORM_NO_ACCESS;
  const level = formExportRight(ctx.grant.rights, field.form_name);
  if (!noAccess && !hiddenAtLevel(ctx.project, field, level)) return;
  throw new ApiError(
    403,
    `You do not have permission to export the field "${field.field_name}": your form-level ` +
      `rights to the instrument "${field.form_name}" do not include its data`,
  );
}

function currentDoc(ctx: ApiContext, target: FileTarget): number | undefined {
  const [value] = ctx.store.values(
    ctx.projectId,
    target.record,
    target.event.event_id,
    target.instance,
    target.field.field_name,
  );
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return ctx.store.file(ctx.projectId, Number(value)) ? Number(value) : undefined;
}

/**
 * Export a File: the bytes, with the file name in `Content-Type` (`<mime>; name="<file>"`)
 * as REDCap sends it.
 */
export function exportFile(ctx: ApiContext): Response {
  if (!ctx.grant.rights.api_export) {
    throw new ApiError(403, "You do not have API Export privileges");
  }
  const target = readTarget(ctx);
  checkFormReadable(ctx, target.field);
  const docId = currentDoc(ctx, target);
  const file = docId === undefined ? undefined : ctx.store.file(ctx.projectId, docId);
  if (!file) throw new ApiError(400, "There is no file to download for this record");
  return new Response(file.content as BodyInit, {
    status: 200,
    headers: fileHeaders(file.name, file.mime_type),
  });
}

/**
 * Import a File (multipart part `file`): stores it in the field, replacing any earlier file;
 * the record must exist. Answers an empty body.
 */
export function importFile(ctx: ApiContext): Response {
  const { store, projectId, grant, project } = ctx;
  if (!grant.rights.api_import) throw new ApiError(403, NO_IMPORT_RIGHTS);
  const target = readTarget(ctx);
  checkFormEditable(ctx, target.field, "upload a file to");
  if (
    target.field.field_type === "signature" ||
    target.field.text_validation_type_or_show_slider_number.trim() === "signature"
  ) {
    throw new ApiError(
      400,
      `Cannot import a file into the field '${target.field.field_name}': it is a signature field, ` +
        `and signatures can only be captured on the form`,
    );
  }
  const upload = ctx.file;
  if (!upload) {
    throw new ApiError(400, `Cannot import a file: the request has no multipart part named "file"`);
  }
  const { record, field, event, instance } = target;
  store.transaction(() => {
    const old = currentDoc(ctx, target);
    const docId = store.addFile(projectId, upload.name, upload.type, upload.content);
    store.setValues(projectId, record, event.event_id, instance, field.field_name, [String(docId)]);
    if (old !== undefined) store.deleteFile(projectId, old);
    store.ensureRecord(projectId, record, event.arm_num, store.recordDag(projectId, record) ?? "");
    const idField = project.recordIdField;
    if (store.values(projectId, record, event.event_id, 1, idField).length === 0) {
      store.setValues(projectId, record, event.event_id, 1, idField, [record]);
    }
    store.log({
      project_id: projectId,
      username: grant.username,
      action: "DOC_UPLOAD",
      record,
      event_id: event.event_id,
      details: (instance > 1 ? `[instance = ${instance}], ` : "") +
        `${field.field_name} = '${docId}'`,
      description: "Upload document",
    });
  });
  return ok("", ctx.returnFormat);
}

/** Delete a File: removes the field's file. Answers an empty body. */
export function deleteFile(ctx: ApiContext): Response {
  const { store, projectId, grant } = ctx;
  if (!grant.rights.api_import) throw new ApiError(403, NO_IMPORT_RIGHTS);
  const target = readTarget(ctx);
  checkFormEditable(ctx, target.field, "delete the file of");
  const docId = currentDoc(ctx, target);
  if (docId === undefined) throw new ApiError(400, "There is no file to delete for this record");
  const { record, field, event, instance } = target;
  store.transaction(() => {
    store.setValues(projectId, record, event.event_id, instance, field.field_name, []);
    store.deleteFile(projectId, docId);
    store.log({
      project_id: projectId,
      username: grant.username,
      action: "DOC_DELETE",
      record,
      event_id: event.event_id,
      details: (instance > 1 ? `[instance = ${instance}], ` : "") + `${field.field_name} = ''`,
      description: "Delete uploaded document",
    });
  });
  return ok("", ctx.returnFormat);
}
