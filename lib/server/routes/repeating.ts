/**
 * `content=repeatingFormsEvents`: the repeating instruments and events of a project (export and
 * import).
 *
 * @module
 */
import { type ApiContext, ApiError, cdata, formatRows, ok, XML_DECLARATION } from "../_http.ts";
import type { RepeatingFormEvent } from "../project.ts";
import {
  copyDefinition,
  countResponse,
  exportFormat,
  readImportRows,
  requireDesign,
  requireDesignImport,
  requireExport,
} from "./_structure_io.ts";

/** REDCap's message when the project has no repeating instruments or events. */
export const NO_REPEATING =
  "You cannot export repeating instruments and events because the project does not contain " +
  "any repeating instruments and events";

function columns(longitudinal: boolean): string[] {
  return longitudinal
    ? ["event_name", "form_name", "custom_form_label"]
    : ["form_name", "custom_form_label"];
}

/** REDCap builds this CSV itself: quotes are doubled but cells are never wrapped in quotes. */
function repeatingCsv(rows: readonly Record<string, string>[], cols: string[]): string {
  const lines = [cols.join(",")];
  for (const row of rows) lines.push(cols.map((c) => row[c].replaceAll('"', '""')).join(","));
  return lines.join("\n") + "\n";
}

/** REDCap's XML: names as plain text, the custom label in CDATA. */
function repeatingXml(rows: readonly Record<string, string>[], cols: string[]): string {
  const items = rows.map((row) =>
    "<item>" + cols.map((c) => {
      const v = row[c];
      if (v === "") return `<${c}></${c}>`;
      return c === "custom_form_label" ? `<${c}>${cdata(v)}</${c}>` : `<${c}>${v}</${c}>`;
    }).join("") + "</item>\n"
  );
  return `${XML_DECLARATION}\n<repeatingFormsEvents>\n${items.join("")}</repeatingFormsEvents>\n`;
}

/**
 * `content=repeatingFormsEvents` export (needs design rights, as in REDCap): one row per
 * repeating instrument (with its custom label) or repeating event (blank `form_name`). In
 * longitudinal projects rows follow the events, then the order the setup was saved in; in
 * classic projects the form order.
 */
export function exportRepeating(ctx: ApiContext): Response {
  requireExport(ctx);
  requireDesign(ctx);
  const model = ctx.project;
  if (!model.hasRepeating) throw new ApiError(400, NO_REPEATING);
  const rows: Record<string, string>[] = [];
  if (model.longitudinal) {
    for (const event of model.events) {
      for (const r of model.definition.repeating) {
        if (r.event_name !== event.unique_event_name) continue;
        if (r.form_name !== "" && !model.formByName.has(r.form_name)) continue;
        rows.push({
          event_name: event.unique_event_name,
          form_name: r.form_name,
          custom_form_label: r.form_name === "" ? "" : r.custom_form_label ?? "",
        });
      }
    }
  } else {
    const labels = new Map(
      model.definition.repeating.map((r) => [r.form_name, r.custom_form_label]),
    );
    for (const form of model.forms) {
      if (!labels.has(form.name)) continue;
      rows.push({
        event_name: "",
        form_name: form.name,
        custom_form_label: labels.get(form.name) ?? "",
      });
    }
  }
  const cols = columns(model.longitudinal);
  const format = exportFormat(ctx);
  if (format === "csv") return ok(repeatingCsv(rows, cols), format);
  if (format === "xml") return ok(repeatingXml(rows, cols), format);
  return ok(formatRows(rows, cols, format), format);
}

/**
 * `content=repeatingFormsEvents` import: replaces the repeating setup. Longitudinal projects
 * need `event_name` on every row (a blank `form_name` makes the whole event repeat); classic
 * projects can only repeat instruments. Answers the number of rows imported.
 */
export function importRepeating(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  const model = ctx.project;
  const rows = readImportRows(ctx, "repeating instruments and events");
  const problems: string[] = [];
  const seen = new Set<string>();
  const repeatingEvents = new Set<string>();
  const repeatingFormEvents = new Set<string>();
  const entries: RepeatingFormEvent[] = [];
  rows.forEach((row, index) => {
    const where = `row ${index + 1}`;
    const eventName = (row.event_name ?? "").trim();
    const form = (row.form_name ?? "").trim();
    const label = row.custom_form_label ?? "";
    if (model.longitudinal) {
      const event = model.eventByName.get(eventName);
      if (!event) {
        problems.push(`${where}: the event "${eventName}" does not exist`);
        return;
      }
      if (form !== "" && !event.forms.includes(form)) {
        problems.push(
          model.formByName.has(form)
            ? `${where}: the form "${form}" is not designated for the event "${eventName}"`
            : `${where}: the form "${form}" does not exist`,
        );
        return;
      }
      if (form === "") repeatingEvents.add(eventName);
      else repeatingFormEvents.add(eventName);
    } else {
      if (eventName !== "") {
        problems.push(`${where}: event_name must be blank in a classic project`);
        return;
      }
      if (form === "") {
        problems.push(`${where}: form_name is blank (classic projects cannot repeat events)`);
        return;
      }
      if (!model.formByName.has(form)) {
        problems.push(`${where}: the form "${form}" does not exist`);
        return;
      }
    }
    const key = `${eventName}\u0000${form}`;
    if (seen.has(key)) {
      problems.push(`${where}: "${form || eventName}" is given more than once`);
      return;
    }
    seen.add(key);
    entries.push({
      event_name: eventName,
      form_name: form,
      custom_form_label: form === "" ? "" : label,
    });
  });
  for (const event of repeatingEvents) {
    if (repeatingFormEvents.has(event)) {
      problems.push(
        `the event "${event}" cannot both repeat as a whole and have repeating instruments`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ApiError(
      400,
      `Cannot import repeating instruments and events: ${problems.join("; ")}`,
    );
  }
  const definition = copyDefinition(ctx);
  definition.repeating = entries;
  ctx.store.transaction(() => ctx.store.updateProject(ctx.projectId, definition));
  return countResponse(entries.length, ctx);
}
