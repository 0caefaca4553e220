/**
 * Longitudinal structure routes: `content=arm`, `content=event` and `content=formEventMapping`
 * (export, import, and delete for arms and events). Changes replace the project definition in one
 * transaction; deleting arms or events deletes their data too, as REDCap does.
 *
 * Unique event names are derived from the event names, as REDCap derives them, every time the
 * events change; designations and repeating setup follow their event through a rename.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type ApiContext, ApiError, ok } from "../_http.ts";
import { CLASSIC_EVENT_ID } from "../model.ts";
import type { EventDefinition, ProjectDefinition } from "../project.ts";
import {
  copyDefinition,
  countResponse,
  deleteEventData,
  exportFormat,
  readImportRows,
  requireDesignImport,
  requireDevelopment,
  requireExport,
  rowsBody,
  trimmedCsv,
} from "./_structure_io.ts";

/** REDCap's message for `content=arm` in a classic project. */
export const ARMS_CLASSIC = "You cannot export arms for classic projects";
/** REDCap's message for `content=event` in a classic project. */
export const EVENTS_CLASSIC = "You cannot export events for classic projects";
/** REDCap's message for `content=formEventMapping` in a classic project. */
export const MAPPING_CLASSIC = "You cannot export form/event mappings for classic projects";

/**
 * The part of a unique event name REDCap takes from the event name: characters other than
 * letters, digits, `_` and spaces dropped, spaces to `_`, the first 18 characters, lower-cased,
 * leading and trailing `_` removed (the MD5 of the name's first 10 hex digits when nothing is
 * left).
 */
export function eventNameSlug(eventName: string): string {
  const name = eventName.trim();
  let text = name.replace(/[^0-9a-z_ ]/gi, "").replaceAll(" ", "_").slice(0, 18).toLowerCase();
  text = text.replace(/^_+/, "").replace(/_+$/, "");
  return text === "" ? createHash("md5").update(name).digest("hex").slice(0, 10) : text;
}

/**
 * REDCap's unique event names for events in project order: `{slug}_arm_{n}`, and for the 2nd,
 * 3rd, ... event with the same name a letter (`b`, `c`, ...; then two letters).
 *
 * @example Truncation and clashes as REDCap makes them
 * ```ts
 * import { uniqueEventNames } from "./events.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(
 *   uniqueEventNames([
 *     { event_name: "Deadline to opt out of study", arm_num: 2 },
 *     { event_name: "Visit", arm_num: 1 },
 *     { event_name: "Visit!", arm_num: 1 },
 *   ]),
 *   ["deadline_to_opt_ou_arm_2", "visit_arm_1", "visit_arm_1b"],
 * );
 * ```
 *
 * @param events Event names and arms, in project order (arm, then event order).
 * @returns The unique event name of each event, in the same order.
 */
export function uniqueEventNames(
  events: readonly { event_name: string; arm_num: number }[],
): string[] {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const base = `${eventNameSlug(event.event_name)}_arm_${event.arm_num}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    let suffix = "";
    if (count > 0 && count < 26) suffix = String.fromCharCode(97 + count);
    else if (count >= 26 && count < 702) {
      suffix = String.fromCharCode(96 + Math.floor(count / 26)) +
        String.fromCharCode(97 + (count % 26));
    } else if (count >= 702) suffix = "??";
    return base + suffix;
  });
}

/**
 * Sorts events by arm (definition order within an arm) and derives their unique names again;
 * designations and repeating setup follow their events.
 */
function renameEvents(definition: ProjectDefinition): void {
  const armOrder = new Map(
    [...definition.arms].sort((a, b) => a.arm_num - b.arm_num).map((a, i) => [a.arm_num, i]),
  );
  definition.events = definition.events.map((e, i) => ({ e, i }))
    .sort((a, b) =>
      (armOrder.get(a.e.arm_num) ?? 0) - (armOrder.get(b.e.arm_num) ?? 0) || a.i - b.i
    )
    .map(({ e }) => e);
  const names = uniqueEventNames(definition.events);
  const renamed = new Map<string, string>();
  definition.events.forEach((event, i) => {
    if (event.unique_event_name !== names[i]) renamed.set(event.unique_event_name, names[i]);
  });
  if (renamed.size === 0) return;
  // Old names may be reused by other events: map through event ids, not names.
  const idByOld = new Map(definition.events.map((e) => [e.unique_event_name, e.event_id]));
  definition.events.forEach((event, i) => (event.unique_event_name = names[i]));
  const nameById = new Map(definition.events.map((e) => [e.event_id, e.unique_event_name]));
  const rename = (old: string) => nameById.get(idByOld.get(old) ?? -1) ?? old;
  definition.formEventMapping = definition.formEventMapping.map((m) => ({
    ...m,
    unique_event_name: rename(m.unique_event_name),
  }));
  definition.repeating = definition.repeating.map((r) => ({
    ...r,
    event_name: r.event_name === "" ? "" : rename(r.event_name),
  }));
}

function requireLongitudinal(ctx: ApiContext, message: string): void {
  if (!ctx.project.longitudinal) throw new ApiError(400, message);
}

/** The `arms` filter as numbers (unparseable entries match nothing). */
function armsFilter(ctx: ApiContext): Set<number> | undefined {
  const arms = ctx.params.list("arms");
  return arms ? new Set(arms.map(Number)) : undefined;
}

/** REDCap's wording for data that lacks the columns an import needs. */
function missingColumns(what: string, columns: string): ApiError {
  return new ApiError(400, `Cannot import ${what}: the data must have the columns ${columns}`);
}

function isInteger(text: string | undefined): boolean {
  return /^-?\d+$/.test((text ?? "").trim());
}

// --- arms --------------------------------------------------------------------------------------

/**
 * `content=arm` export: `arm_num` (JSON integer), `name`, for arms that have events (`arms`
 * filters). REDCap builds the CSV itself and always quotes the name.
 */
export function exportArms(ctx: ApiContext): Response {
  requireExport(ctx);
  requireLongitudinal(ctx, ARMS_CLASSIC);
  const filter = armsFilter(ctx);
  const withEvents = new Set(ctx.project.events.map((e) => e.arm_num));
  const rows = [...ctx.project.arms]
    .filter((a) => withEvents.has(a.arm_num) && (!filter || filter.has(a.arm_num)))
    .sort((a, b) => a.arm_num - b.arm_num)
    .map((a) => ({ arm_num: a.arm_num, name: a.name }));
  const format = exportFormat(ctx);
  if (format === "csv") {
    const lines = rows.map((r) => `${r.arm_num},"${r.name.replaceAll('"', '""')}"\n`);
    return ok(`arm_num,name\n${lines.join("")}`, format);
  }
  return ok(rowsBody(rows, ["arm_num", "name"], format, "arms"), format);
}

/** Arms and the events left in each after a change, for {@linkcode deleteEventData}. */
function eventsByArm(definition: ProjectDefinition): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const arm of definition.arms) map.set(arm.arm_num, []);
  for (const event of definition.events) {
    if (!map.has(event.arm_num)) map.set(event.arm_num, []);
    map.get(event.arm_num)!.push(event.event_id);
  }
  return map;
}

/** Drops events (and their designations and repeating setup) not kept; returns removed ids. */
function keepEvents(
  definition: ProjectDefinition,
  keep: (e: EventDefinition) => boolean,
): number[] {
  const removed = definition.events.filter((e) => !keep(e));
  const names = new Set(removed.map((e) => e.unique_event_name));
  definition.events = definition.events.filter(keep);
  definition.formEventMapping = definition.formEventMapping.filter((m) =>
    !names.has(m.unique_event_name)
  );
  definition.repeating = definition.repeating.filter((r) => !names.has(r.event_name));
  return removed.map((e) => e.event_id);
}

/** Saves a changed definition and deletes the data of removed events, in one transaction. */
function save(
  ctx: ApiContext,
  definition: ProjectDefinition,
  removedEvents: readonly number[],
  previousArms: readonly number[],
): void {
  renameEvents(definition);
  ctx.store.transaction(() => {
    ctx.store.updateProject(ctx.projectId, definition);
    const arms = eventsByArm(definition);
    for (const arm of previousArms) if (!arms.has(arm)) arms.set(arm, []);
    deleteEventData(ctx, removedEvents, arms);
  });
}

/**
 * `content=arm` import: adds arms or renames them (`arm_num` 1-99, `name` up to 50 characters;
 * a blank name becomes `Arm {n}`); `override=1` first deletes every arm with its events,
 * designations and data. Answers the number of arms imported.
 */
export function importArms(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  requireLongitudinal(ctx, "You cannot import arms for classic projects");
  requireDevelopment(ctx);
  const rows = readImportRows(ctx, "arms");
  if (rows.length === 0 || !("arm_num" in rows[0]) || !("name" in rows[0])) {
    throw missingColumns("arms", "arm_num, name");
  }
  const problems: string[] = [];
  const seen = new Set<number>();
  const arms = rows.map((row, index) => {
    const where = `row ${index + 1}`;
    const text = (row.arm_num ?? "").trim();
    const num = Number(text);
    const name = (row.name ?? "").trim() || `Arm ${text}`;
    if (!isInteger(text) || num <= 0) {
      problems.push(`${where}: arm_num "${text}" must be a positive integer`);
    } else if (num > 99) problems.push(`${where}: arm_num "${text}" must be 99 or less`);
    else if (seen.has(num)) problems.push(`${where}: arm ${num} is given more than once`);
    if (name.length > 50) problems.push(`${where}: the arm name "${name}" is longer than 50`);
    seen.add(num);
    return { arm_num: num, name };
  });
  if (problems.length > 0) throw new ApiError(400, `Cannot import arms: ${problems.join("\n")}`);
  const definition = copyDefinition(ctx);
  const previousArms = definition.arms.map((a) => a.arm_num);
  let removed: number[] = [];
  if (ctx.params.bool("override")) {
    removed = keepEvents(definition, () => false);
    definition.arms = arms;
  } else {
    for (const arm of arms) {
      const existing = definition.arms.find((a) => a.arm_num === arm.arm_num);
      if (existing) existing.name = arm.name;
      else definition.arms.push(arm);
    }
  }
  definition.arms.sort((a, b) => a.arm_num - b.arm_num);
  save(ctx, definition, removed, previousArms);
  return countResponse(arms.length, ctx);
}

/**
 * `content=arm&action=delete` with `arms[]`: deletes arms with their events and data. Answers the
 * number of arms deleted.
 */
export function deleteArms(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  requireLongitudinal(ctx, "You cannot delete arms for classic projects");
  requireDevelopment(ctx);
  const requested = ctx.params.list("arms");
  if (!requested) throw new ApiError(400, 'Cannot delete arms: the parameter "arms" is missing');
  const definition = copyDefinition(ctx);
  const invalid = requested.filter((a) => !definition.arms.some((x) => String(x.arm_num) === a));
  if (invalid.length > 0) {
    throw new ApiError(400, `Cannot delete arms: these arms do not exist: ${invalid.join(", ")}`);
  }
  const drop = new Set(requested.map(Number));
  const previousArms = definition.arms.map((a) => a.arm_num);
  const removed = keepEvents(definition, (e) => !drop.has(e.arm_num));
  definition.arms = definition.arms.filter((a) => !drop.has(a.arm_num));
  save(ctx, definition, removed, previousArms);
  return countResponse(drop.size, ctx);
}

// --- events ------------------------------------------------------------------------------------

/**
 * Event export columns: the scheduling offsets (between `arm_num` and `unique_event_name`)
 * only when scheduling is enabled, as REDCap's `getEventRecords` does.
 */
function eventColumns(definition: ProjectDefinition): string[] {
  const scheduling = Number(definition.info.scheduling_enabled ?? 0) === 1;
  return [
    "event_name",
    "arm_num",
    ...(scheduling ? ["day_offset", "offset_min", "offset_max"] : []),
    "unique_event_name",
    "custom_event_label",
    "event_id",
  ];
}

/**
 * `content=event` export: events in arm then definition order (`arms` filters); `arm_num`,
 * `event_id` and the offsets are JSON integers. CSV is `fputcsv` trimmed (no final line break).
 */
export function exportEvents(ctx: ApiContext): Response {
  requireExport(ctx);
  requireLongitudinal(ctx, EVENTS_CLASSIC);
  const filter = armsFilter(ctx);
  const columns = eventColumns(ctx.project.definition);
  const rows = ctx.project.events
    .filter((e) => !filter || filter.has(e.arm_num))
    .map((e) => ({
      event_name: e.event_name,
      arm_num: e.arm_num,
      day_offset: Math.trunc(e.day_offset ?? 0),
      offset_min: Math.trunc(e.offset_min ?? 0),
      offset_max: Math.trunc(e.offset_max ?? 0),
      unique_event_name: e.unique_event_name,
      custom_event_label: e.custom_event_label ?? "",
      event_id: e.event_id,
    }));
  const format = exportFormat(ctx);
  if (format === "csv") return ok(trimmedCsv(rows, columns), format);
  return ok(rowsBody(rows, columns, format, "events"), format);
}

function nextEventId(ctx: ApiContext, definition: ProjectDefinition): number {
  const stored = ctx.store.maxEventId(ctx.projectId);
  return Math.max(CLASSIC_EVENT_ID, stored, ...definition.events.map((e) => e.event_id)) + 1;
}

/**
 * `content=event` import: creates events (new event ids) or, when a row names an existing
 * `unique_event_name`, updates it (an unknown name creates a new event, so an export re-imports
 * after `override`); `override=1` first deletes every event with its data. A missing
 * `day_offset` is the row's position (1, 2, ...), missing `offset_min`/`offset_max` are 0, as in
 * REDCap. Answers the number of events imported.
 */
export function importEvents(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  requireLongitudinal(ctx, "You cannot import events for classic projects");
  requireDevelopment(ctx);
  const rows = readImportRows(ctx, "events");
  const override = ctx.params.bool("override");
  if (rows.length === 0 || !("event_name" in rows[0]) || !("arm_num" in rows[0])) {
    throw missingColumns("events", "event_name,arm_num" + (override ? "" : ",unique_event_name"));
  }
  const definition = copyDefinition(ctx);
  const previousArms = definition.arms.map((a) => a.arm_num);
  let nextId = nextEventId(ctx, ctx.project.definition);
  const removed = override ? keepEvents(definition, () => false) : [];
  const arms = new Set(definition.arms.map((a) => a.arm_num));
  const problems: string[] = [];
  rows.forEach((row, index) => {
    const where = `row ${index + 1}`;
    const name = (row.event_name ?? "").trim();
    const armText = (row.arm_num ?? "").trim();
    const text = (key: string, fallback: string) => {
      const value = (row[key] ?? "").trim();
      return value === "" ? fallback : value;
    };
    const dayOffset = text("day_offset", String(index + 1));
    const offsetMin = text("offset_min", "0");
    const offsetMax = text("offset_max", "0");
    if (!isInteger(armText) || Number(armText) < 0) {
      problems.push(`${where}: arm_num "${armText}" must be a number of an arm`);
      return;
    }
    if (!arms.has(Number(armText))) {
      problems.push(`${where}: arm ${armText} does not exist`);
      return;
    }
    if (Number.isNaN(Number(dayOffset))) {
      problems.push(`${where}: day_offset "${dayOffset}" must be a number`);
      return;
    }
    for (const [key, value] of [["offset_min", offsetMin], ["offset_max", offsetMax]]) {
      if (Number.isNaN(Number(value)) || Number(value) < 0) {
        problems.push(`${where}: ${key} "${value}" must be a number of at least 0`);
        return;
      }
    }
    if (name === "") {
      problems.push(`${where}: the event name is blank`);
      return;
    }
    if ([...name].length > 30) {
      problems.push(`${where}: the event name "${name}" is longer than 30 characters`);
      return;
    }
    const fields = {
      event_name: name,
      custom_event_label: row.custom_event_label ?? "",
      day_offset: Math.trunc(Number(dayOffset)),
      offset_min: Math.trunc(Number(offsetMin)),
      offset_max: Math.trunc(Number(offsetMax)),
    };
    const unique = (row.unique_event_name ?? "").trim();
    const existing = override || unique === ""
      ? undefined
      : definition.events.find((e) => e.unique_event_name === unique);
    if (existing) {
      Object.assign(existing, fields);
      return;
    }
    definition.events.push({
      ...fields,
      arm_num: Number(armText),
      unique_event_name: "",
      event_id: nextId++,
    });
  });
  if (problems.length > 0) throw new ApiError(400, `Cannot import events: ${problems.join("\n")}`);
  save(ctx, definition, removed, previousArms);
  return countResponse(rows.length, ctx);
}

/**
 * `content=event&action=delete` with `events[]` (unique event names): deletes the events, their
 * designations, repeating setup and data. Answers the number of events deleted.
 */
export function deleteEvents(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  requireLongitudinal(ctx, "You cannot delete events for classic projects");
  requireDevelopment(ctx);
  const requested = ctx.params.list("events")?.map((v) => v.replace(/['"]/g, ""));
  if (!requested) {
    throw new ApiError(400, 'Cannot delete events: the parameter "events" is missing');
  }
  const definition = copyDefinition(ctx);
  const invalid = requested.filter((n) =>
    !definition.events.some((e) => e.unique_event_name === n)
  );
  if (invalid.length > 0) {
    throw new ApiError(
      400,
      `Cannot delete events: these events do not exist: ${invalid.join(", ")}`,
    );
  }
  const drop = new Set(requested);
  const previousArms = definition.arms.map((a) => a.arm_num);
  const removed = keepEvents(definition, (e) => !drop.has(e.unique_event_name));
  save(ctx, definition, removed, previousArms);
  return countResponse(drop.size, ctx);
}

// --- form-event mapping ------------------------------------------------------------------------

const MAPPING_COLUMNS = ["arm_num", "unique_event_name", "form"];

/**
 * `content=formEventMapping` export: `arm_num` (JSON integer), `unique_event_name`, `form` in
 * event order, forms in project order; `arms` filters. Like REDCap, no designation at all gives
 * one blank row in JSON and XML and a header alone in CSV (which is trimmed).
 */
export function exportFormEventMapping(ctx: ApiContext): Response {
  requireExport(ctx);
  requireLongitudinal(ctx, MAPPING_CLASSIC);
  const filter = armsFilter(ctx);
  const rows: Record<string, string | number>[] = ctx.project.events
    .filter((e) => !filter || filter.has(e.arm_num))
    .flatMap((e) =>
      e.forms.map((form) => ({ arm_num: e.arm_num, unique_event_name: e.unique_event_name, form }))
    );
  const format = exportFormat(ctx);
  if (format === "csv") return ok(trimmedCsv(rows, MAPPING_COLUMNS), format);
  if (rows.length === 0) rows.push({ arm_num: "", unique_event_name: "", form: "" });
  return ok(rowsBody(rows, MAPPING_COLUMNS, format, "items"), format);
}

/**
 * `content=formEventMapping` import: replaces every designation of the project, as REDCap does.
 * Designations dropped this way also drop their repeating-instrument setup. Answers the number
 * of designations imported.
 */
export function importFormEventMapping(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  requireLongitudinal(ctx, "You cannot import form/event mappings for classic projects");
  const rows = readImportRows(ctx, "form/event mappings");
  if (
    rows.length === 0 ||
    !MAPPING_COLUMNS.every((c) => c in rows[0])
  ) throw missingColumns("form/event mappings", "arm_num,unique_event_name,form");
  const model = ctx.project;
  const arms = new Set(model.definition.arms.map((a) => a.arm_num));
  const problems: string[] = [];
  const seen = new Set<string>();
  const mappings: { arm_num: number; unique_event_name: string; form: string }[] = [];
  rows.forEach((row, index) => {
    const where = `row ${index + 1}`;
    const armText = (row.arm_num ?? "").trim();
    const unique = (row.unique_event_name ?? "").trim();
    const form = (row.form ?? "").trim();
    const before = problems.length;
    if (!isInteger(armText) || Number(armText) < 0) {
      problems.push(`${where}: arm_num "${armText}" must be a number of an arm`);
    } else if (!arms.has(Number(armText))) problems.push(`${where}: arm ${armText} does not exist`);
    const event = model.eventByName.get(unique);
    if (!event) problems.push(`${where}: the event "${unique}" does not exist`);
    if (!model.formByName.has(form)) problems.push(`${where}: the form "${form}" does not exist`);
    if (problems.length > before || !event) return;
    const key = `${unique}\u0000${form}`;
    if (seen.has(key)) return;
    seen.add(key);
    mappings.push({ arm_num: event.arm_num, unique_event_name: unique, form });
  });
  if (problems.length > 0) {
    throw new ApiError(400, `Cannot import form/event mappings: ${problems.join("\n")}`);
  }
  const definition = copyDefinition(ctx);
  definition.formEventMapping = mappings;
  const designated = new Set(mappings.map((m) => `${m.unique_event_name}\u0000${m.form}`));
  definition.repeating = definition.repeating.filter((r) =>
    r.form_name === "" || designated.has(`${r.event_name}\u0000${r.form_name}`)
  );
  ctx.store.transaction(() => ctx.store.updateProject(ctx.projectId, definition));
  return countResponse(mappings.length, ctx);
}
