/**
 * `content=pdf`: instruments as a PDF, blank (no `record`), filled for one record (`record`,
 * with `event`, `instrument` and `repeat_instance` narrowing it) or for every record
 * (`allRecords`, any value). Each instrument starts a page and lists its fields with their
 * labels, choices (`[X]` checked, `[ ]` not) and values.
 *
 * @module
 */
import { type ApiContext, ApiError } from "../_http.ts";
import type { EventModel, FormModel, ProjectModel } from "../model.ts";
import type { DataPoint, FieldMetadata } from "../project.ts";
import { type PdfLine, writePdf } from "../_pdf.ts";
import { requireExport } from "./_structure_io.ts";
import { NO_EXPORT_ACCESS } from "./logging.ts";
import { hiddenAtLevel } from "../records/export_plan.ts";
import { FORM_NO_ACCESS, formEntryRight, formExportRight } from "./rights.ts";
import { noSuchRecord, recordVisible } from "./records_manage.ts";

/** What REDCap prints in place of a value the user's export rights hide. */
export const DATA_REMOVED = "[*DATA REMOVED*]";

function plain(label: string): string {
  return label.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").trim();
}

interface Page {
  record?: string;
  event?: EventModel;
  instance: number;
  form: FormModel;
  values?: Map<string, string[]>;
}

function fieldLines(
  ctx: ApiContext,
  field: FieldMetadata,
  values: Map<string, string[]> | undefined,
  hidden: boolean,
  compact: boolean,
): PdfLine[] {
  const model = ctx.project;
  const lines: PdfLine[] = [];
  const stored = values?.get(field.field_name) ?? [];
  // compactDisplay (REDCap): fields with no data saved and unselected options are left out.
  if (compact && values && (stored.length === 0 || field.field_type === "descriptive")) {
    return lines;
  }
  if (field.section_header.trim() !== "") {
    lines.push({ text: plain(field.section_header), bold: true, spaceBefore: 8 });
  }
  const label = plain(field.field_label) || field.field_name;
  if (field.field_type === "descriptive") {
    lines.push({ text: label, spaceBefore: 4 });
    return lines;
  }
  const choices = model.choices(field.field_name);
  if (choices.length > 0) {
    lines.push({ text: label, spaceBefore: 4 });
    if (hidden && stored.length > 0) {
      lines.push({ text: DATA_REMOVED, indent: 18 });
      return lines;
    }
    for (const choice of choices) {
      if (compact && values && !stored.includes(choice.code)) continue;
      const mark = stored.includes(choice.code) ? "[X]" : "[ ]";
      lines.push({ text: `${mark} ${plain(choice.label)}`, indent: 18 });
    }
    return lines;
  }
  let value = stored[0] ?? "";
  if (value !== "" && field.field_type === "file") {
    value = ctx.store.file(ctx.projectId, Number(value))?.name ?? "";
  }
  if (hidden && value !== "") value = DATA_REMOVED;
  const unit = field.field_note.trim() === "" ? "" : `  (${plain(field.field_note)})`;
  // REDCap's PDFs print the label then the value, with no colon added after the label.
  lines.push({
    text: values ? `${label} ${value}${unit}` : `${label} ______________________${unit}`,
    spaceBefore: 4,
  });
  return lines;
}

function pageLines(
  ctx: ApiContext,
  page: Page,
  hiddenFields: Set<string>,
  compact: boolean,
): PdfLine[] {
  const model = ctx.project;
  const title = String(model.definition.info.project_title ?? "");
  const lines: PdfLine[] = [
    { text: title, bold: true, size: 14, pageBreak: true },
    { text: page.form.label, bold: true, size: 12, spaceBefore: 4 },
  ];
  if (page.record !== undefined) {
    let where = `Record ID ${page.record}`;
    if (model.longitudinal && page.event) where += ` (${model.eventLabel(page.event)})`;
    if (page.event && model.repeats(page.event, page.form.name)) where += ` - #${page.instance}`;
    lines.push({ text: where, spaceBefore: 2 });
  }
  for (const field of page.form.fields) {
    lines.push(
      ...fieldLines(ctx, field, page.values, hiddenFields.has(field.field_name), compact),
    );
  }
  const status = page.values?.get(`${page.form.name}_complete`)?.[0];
  const statusLabel = model.choices(`${page.form.name}_complete`).find((c) => c.code === status)
    ?.label;
  lines.push({ text: "Form Status", bold: true, spaceBefore: 10 });
  if (page.values) lines.push({ text: `Complete? ${statusLabel ?? "Incomplete"}` });
  else {
    lines.push({ text: "Complete?" });
    for (const c of model.choices(`${page.form.name}_complete`)) {
      lines.push({ text: `[ ] ${c.label}`, indent: 18 });
    }
  }
  return lines;
}

/**
 * Fields whose values the user's export level hides, as a record export leaves them out
 * (identifiers at levels 2 and 3; dates and free text too at level 2).
 */
function hiddenFields(model: ProjectModel, ctx: ApiContext): Set<string> {
  const hidden = new Set<string>();
  for (const field of model.fields) {
    const level = formExportRight(ctx.grant.rights, field.form_name);
    if (hiddenAtLevel(model, field, level)) hidden.add(field.field_name);
  }
  return hidden;
}

function readInstance(ctx: ApiContext): number | undefined {
  const text = (ctx.params.get("repeat_instance") ?? "").trim();
  if (text === "") return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ApiError(
      400,
      `The value of the parameter "repeat_instance" is not valid: "${text}" is not a positive integer`,
    );
  }
  return Number(text);
}

/** The pages of one record: each event, designated form and instance holding data. */
function recordPages(
  ctx: ApiContext,
  record: string,
  points: readonly DataPoint[],
  forms: readonly FormModel[],
  event: EventModel | undefined,
  instance: number | undefined,
  single: boolean,
): Page[] {
  const model = ctx.project;
  const byKey = new Map<string, Map<string, string[]>>();
  for (const p of points) {
    const key = `${p.event_id}|${p.instance}`;
    let values = byKey.get(key);
    if (!values) byKey.set(key, values = new Map());
    values.set(p.field_name, [...(values.get(p.field_name) ?? []), p.value]);
  }
  const arms = new Set(ctx.store.recordArms(ctx.projectId, record));
  const pages: Page[] = [];
  for (const e of model.events) {
    if (event && e.event_id !== event.event_id) continue;
    if (!arms.has(e.arm_num)) continue;
    for (const form of forms) {
      if (!model.isDesignated(e, form.name)) continue;
      const own = new Set([
        ...form.fields.map((f) => f.field_name).filter((f) => f !== model.recordIdField),
        `${form.name}_complete`,
      ]);
      const instances = new Set<number>();
      for (const key of byKey.keys()) {
        const [eventId, inst] = key.split("|").map(Number);
        if (eventId !== e.event_id) continue;
        if ([...byKey.get(key)!.keys()].some((f) => own.has(f))) instances.add(inst);
      }
      let wanted = [...instances].sort((a, b) => a - b);
      if (instance !== undefined) wanted = [instance];
      // A single record and instrument prints even when the form is empty.
      if (wanted.length === 0 && single) wanted = [1];
      for (const inst of wanted) {
        pages.push({
          record,
          event: e,
          instance: inst,
          form,
          values: byKey.get(`${e.event_id}|${inst}`) ?? new Map(),
        });
      }
    }
  }
  return pages;
}

/**
 * Answers `content=pdf`: the PDF bytes with the headers REDCap 14 sends them with
 * (`Content-Type: text/html; charset=UTF-8`, which clients written against it check);
 * `compactDisplay=true` leaves out fields without data and unselected options.
 */
export function exportPdf(ctx: ApiContext): Response {
  requireExport(ctx);
  const { params, project } = ctx;
  const instrument = (params.get("instrument") ?? "").trim();
  let forms: readonly FormModel[] = project.forms;
  if (instrument !== "") {
    const form = project.formByName.get(instrument);
    if (!form) {
      throw new ApiError(
        400,
        `The value of the parameter "instrument" is not valid: "${instrument}" is not an instrument of this project`,
      );
    }
    forms = [form];
  }
  let event: EventModel | undefined;
  const eventName = (params.get("event") ?? "").trim();
  if (eventName !== "" && project.longitudinal) {
    event = project.eventByName.get(eventName);
    if (!event) {
      throw new ApiError(
        400,
        `The value of the parameter "event" is not valid: "${eventName}" is not a unique event name of this project`,
      );
    }
  }
  const instance = readInstance(ctx);
  const record = (params.get("record") ?? "").trim();
  const all = params.has("allRecords");
  let pages: Page[];
  if (record === "" && !all) {
    pages = forms.map((form) => ({ form, instance: 1 }));
  } else {
    if (Number(ctx.grant.rights.data_export ?? 0) === 0 && !ctx.grant.rights.forms_export) {
      throw new ApiError(403, NO_EXPORT_ACCESS);
    }
    // Forms the user may neither export nor open are left out.
    forms = forms.filter((f) =>
      formExportRight(ctx.grant.rights, f.name) !== 0 &&
      formEntryRight(ctx.grant.rights, f.name) !== FORM_NO_ACCESS
    );
    if (forms.length === 0) throw new ApiError(403, NO_EXPORT_ACCESS);
    let names: string[];
    if (record !== "" && !all) {
      if (!recordVisible(ctx, record)) throw new ApiError(400, noSuchRecord(record));
      names = [record];
    } else {
      const dag = (ctx.grant.rights.data_access_group ?? "").trim();
      names = [
        ...new Set(
          ctx.store.records(ctx.projectId, dag === "" ? {} : { dag }).map((r) => r.record),
        ),
      ];
    }
    pages = [];
    for (const { record: name, points } of ctx.store.readRecords(ctx.projectId, names)) {
      pages.push(
        ...recordPages(ctx, name, points, forms, event, instance, !all && instrument !== ""),
      );
    }
  }
  const hidden = hiddenFields(project, ctx);
  const compact = params.bool("compactDisplay");
  const lines = pages.flatMap((page) => pageLines(ctx, page, hidden, compact));
  if (lines.length === 0) {
    lines.push({ text: String(project.definition.info.project_title ?? ""), bold: true, size: 14 });
  }
  const pdf = writePdf(lines, {
    title: String(project.definition.info.project_title ?? ""),
    footer: `${ctx.store.timestamp().slice(0, 10)}  projectredcap.org`,
  });
  return new Response(pdf as BodyInit, {
    status: 200,
    // REDCap 14 sends the PDF with PHP's default content type, not application/pdf.
    headers: { "Content-Type": "text/html; charset=UTF-8" },
  });
}
