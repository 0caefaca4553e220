/**
 * Reads a project from a folder of REDCap API exports (`metadata.csv`, `events.csv`,
 * `records.csv`, ...) into a {@linkcode ProjectDefinition}, built by the server's one project
 * builder (`_project_builder.ts`), as a Project XML file's is.
 *
 * @module
 */
import { join } from "node:path";
import { CsvSyntaxError, parseCsv } from "../parse/csv_rows.ts";
import { uniqueEventName, uniqueGroupName } from "./_unique_names.ts";
import { unescapeCsvInjection } from "./_csv_injection.ts";
import { buildProject } from "./_project_builder.ts";
import {
  type Arm,
  type DataAccessGroup,
  type EventDefinition,
  type FieldMetadata,
  fieldMetadata,
  type FormEventMapping,
  type Instrument,
  METADATA_COLUMNS,
  type ProjectDefinition,
  type RepeatingFormEvent,
  type SurveySettings,
} from "./project.ts";
import { FIELD_TYPES, LEGACY_FIELD_TYPES, LEGACY_VALIDATIONS } from "../dictionary/field_types.ts";

/** The web UI's data-dictionary headers, keyed by a normalised form, to API column names. */
const UI_HEADERS: Record<string, keyof FieldMetadata> = {
  "variable / field name": "field_name",
  "form name": "form_name",
  "section header": "section_header",
  "field type": "field_type",
  "field label": "field_label",
  "choices, calculations, or slider labels": "select_choices_or_calculations",
  "choices or calculations": "select_choices_or_calculations",
  "field note": "field_note",
  "text validation type or show slider number": "text_validation_type_or_show_slider_number",
  "text validation type": "text_validation_type_or_show_slider_number",
  "text validation min": "text_validation_min",
  "text validation max": "text_validation_max",
  "identifier?": "identifier",
  "branching logic (show field only if...)": "branching_logic",
  "required field?": "required_field",
  "custom alignment": "custom_alignment",
  "question number (surveys only)": "question_number",
  "matrix group name": "matrix_group_name",
  "matrix ranking?": "matrix_ranking",
  "field annotation": "field_annotation",
};

/** A CSV table with the 1-based line each data row starts on. */
interface Table {
  file: string;
  header: string[];
  rows: { line: number; cells: Record<string, string> }[];
}

/** Start line of every non-blank CSV record, matching `parseCsv`'s rows. */
function recordLines(text: string): number[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines: number[] = [];
  let line = 1;
  let inQuote = false;
  let atStart = true;
  let blank = true;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (atStart) {
      start = line;
      atStart = false;
      blank = true;
    }
    if (c === '"') inQuote = !inQuote;
    if (c === "\n") line++;
    if (!inQuote && (c === "\n" || c === "\r")) {
      if (!blank) lines.push(start);
      if (c === "\r" && text[i + 1] === "\n") i++;
      if (c === "\r") line++;
      atStart = true;
      continue;
    }
    blank = false;
  }
  if (!atStart && !blank) lines.push(start);
  return lines;
}

function readTable(folder: string, file: string, required = false): Table | undefined {
  const path = join(folder, file);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      if (!required) return undefined;
      throw new RangeError(`Cannot read project folder "${folder}": ${file} is missing`);
    }
    throw error;
  }
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new SyntaxError(`Cannot read ${file} line ${error.line}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  const lines = recordLines(text);
  if (rows.length === 0) return { file, header: [], rows: [] };
  const header = rows[0].map((h) => h.trim());
  return {
    file,
    header,
    rows: rows.slice(1).map((cells, index) => {
      const line = lines[index + 1] ?? index + 2;
      if (cells.length > header.length) {
        throw new SyntaxError(
          `Cannot read ${file} line ${line}: the row has ${cells.length} cells but the header has ${header.length}`,
        );
      }
      const object: Record<string, string> = {};
      for (let k = 0; k < header.length; k++) object[header[k]] = cells[k] ?? "";
      return { line, cells: object };
    }),
  };
}

function requireColumns(table: Table, columns: string[]): void {
  const missing = columns.filter((c) => !table.header.includes(c));
  if (missing.length > 0) {
    throw new SyntaxError(
      `Cannot read ${table.file} line 1: missing column${missing.length > 1 ? "s" : ""} ${
        missing.map((c) => `"${c}"`).join(", ")
      }`,
    );
  }
}

function integer(
  table: Table,
  line: number,
  column: string,
  value: string,
  fallback?: number,
): number {
  if (value.trim() === "" && fallback !== undefined) return fallback;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new SyntaxError(
      `Cannot read ${table.file} line ${line}: ${column} "${value}" is not an integer`,
    );
  }
  return Number(value);
}

/** `demographics` → `Demographics`, `adverse_events` → `Adverse events`. */
function formLabel(form: string): string {
  const spaced = form.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function readMetadata(folder: string): FieldMetadata[] {
  const table = readTable(folder, "metadata.csv", true)!;
  const columnOf = new Map<string, keyof FieldMetadata>();
  const apiColumns = new Set<string>(METADATA_COLUMNS);
  table.header.forEach((header) => {
    const api = apiColumns.has(header)
      ? header as keyof FieldMetadata
      : UI_HEADERS[header.toLowerCase().replace(/\s+/g, " ")];
    if (!api) {
      throw new SyntaxError(`Cannot read metadata.csv line 1: unknown column "${header}"`);
    }
    columnOf.set(header, api);
  });
  const mapped = new Set(columnOf.values());
  for (const required of ["field_name", "form_name", "field_type"] as const) {
    if (!mapped.has(required)) {
      throw new SyntaxError(`Cannot read metadata.csv line 1: missing column "${required}"`);
    }
  }
  const seen = new Set<string>();
  const metadata = table.rows.map(({ line, cells }) => {
    const row: Partial<FieldMetadata> = {};
    for (const [header, value] of Object.entries(cells)) row[columnOf.get(header)!] = value;
    const field = fieldMetadata({
      ...row,
      field_name: (row.field_name ?? "").trim(),
      form_name: (row.form_name ?? "").trim(),
      field_type: (row.field_type ?? "").trim(),
    });
    if (!/^[a-z][a-z0-9_]*$/.test(field.field_name)) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field name "${field.field_name}" must be lower-case letters, digits and underscores, starting with a letter`,
      );
    }
    if (seen.has(field.field_name)) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field "${field.field_name}" is defined twice`,
      );
    }
    seen.add(field.field_name);
    if (!field.form_name) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field "${field.field_name}" has no form name`,
      );
    }
    field.field_type = LEGACY_FIELD_TYPES[field.field_type] ?? field.field_type;
    if (!FIELD_TYPES.includes(field.field_type)) {
      throw new SyntaxError(
        `Cannot read metadata.csv line ${line}: field "${field.field_name}" has unknown field type "${field.field_type}"`,
      );
    }
    const validation = field.text_validation_type_or_show_slider_number;
    field.text_validation_type_or_show_slider_number = LEGACY_VALIDATIONS[validation] ?? validation;
    return field;
  });
  if (metadata.length === 0) {
    throw new RangeError(`Cannot read project folder "${folder}": metadata.csv has no fields`);
  }
  return metadata;
}

/**
 * Reads a project from a folder of REDCap exports, in the API's CSV shapes.
 *
 * The folder holds `metadata.csv` (the data dictionary, with API column names or the web UI's
 * "Variable / Field Name" headers) and optionally `project.json` (`content=project` keys),
 * `instruments.csv`, `arms.csv`, `events.csv`, `form_event_mapping.csv`,
 * `repeating_forms_events.csv`, `dags.csv`, `surveys.csv` (`form_name,title`) and `records.csv`
 * (flat raw rows, kept as they are). The project is longitudinal when `events.csv` has rows.
 * Without `instruments.csv`, labels come from form names (`adverse_events` → `Adverse events`);
 * without `arms.csv`, arms are named `Arm N`; a longitudinal project without
 * `form_event_mapping.csv` has every form in every event.
 *
 * @example Read a folder with just a dictionary
 * ```ts
 * import { readProjectFolder } from "denocap/server";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 *
 * const folder = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(
 *   `${folder}/metadata.csv`,
 *   "field_name,form_name,field_type,field_label\nrecord_id,enrolment_form,text,Record ID\n",
 * );
 * const project = readProjectFolder(folder);
 * assertEquals(project.instruments, [
 *   { instrument_name: "enrolment_form", instrument_label: "Enrolment form" },
 * ]);
 * assertEquals(project.longitudinal, false);
 * Deno.removeSync(folder, { recursive: true });
 * ```
 *
 * @param path The folder.
 * @returns The project definition.
 * @throws {SyntaxError} For malformed files, naming the file and line.
 * @throws {RangeError} When `metadata.csv` is missing or the folder does not exist.
 */
export function readProjectFolder(path: string): ProjectDefinition {
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(path);
  } catch {
    throw new RangeError(`Cannot read project folder "${path}": it does not exist`);
  }
  if (!stat.isDirectory) throw new RangeError(`Cannot read project folder "${path}": not a folder`);

  const metadata = readMetadata(path);
  const forms = [...new Set(metadata.map((f) => f.form_name))];
  const formSet = new Set(forms);

  // Project settings.
  const info: Record<string, string | number> = {};
  try {
    const text = Deno.readTextFileSync(join(path, "project.json"));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (error) {
      throw new SyntaxError(`Cannot read project.json: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed) && parsed.length === 1) parsed = parsed[0];
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new SyntaxError("Cannot read project.json: expected one object of project settings");
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === "number") info[key] = value;
      else if (typeof value === "boolean") info[key] = value ? 1 : 0;
      else info[key] = value === null || value === undefined ? "" : String(value);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }

  // Instruments.
  let instruments: Instrument[];
  const instrumentTable = readTable(path, "instruments.csv");
  if (instrumentTable) {
    requireColumns(instrumentTable, ["instrument_name", "instrument_label"]);
    const labels = new Map<string, string>();
    for (const { line, cells } of instrumentTable.rows) {
      if (!formSet.has(cells.instrument_name)) {
        throw new SyntaxError(
          `Cannot read instruments.csv line ${line}: instrument "${cells.instrument_name}" has no fields in metadata.csv`,
        );
      }
      labels.set(cells.instrument_name, cells.instrument_label);
    }
    instruments = forms.map((form) => ({
      instrument_name: form,
      instrument_label: labels.get(form) || formLabel(form),
    }));
  } else {
    instruments = forms.map((form) => ({
      instrument_name: form,
      instrument_label: formLabel(form),
    }));
  }

  // Arms and events.
  const events: EventDefinition[] = [];
  const eventTable = readTable(path, "events.csv");
  if (eventTable && eventTable.rows.length > 0) {
    requireColumns(eventTable, ["event_name", "arm_num"]);
    const ids = new Set<number>();
    const names = new Set<string>();
    eventTable.rows.forEach(({ line, cells }, index) => {
      const arm = integer(eventTable, line, "arm_num", cells.arm_num);
      if (!cells.event_name) {
        throw new SyntaxError(`Cannot read events.csv line ${line}: event_name is blank`);
      }
      const unique = cells.unique_event_name || uniqueEventName(cells.event_name, arm);
      if (names.has(unique)) {
        throw new SyntaxError(
          `Cannot read events.csv line ${line}: unique event name "${unique}" is used twice`,
        );
      }
      names.add(unique);
      const id = integer(eventTable, line, "event_id", cells.event_id ?? "", index + 1);
      if (ids.has(id)) {
        throw new SyntaxError(`Cannot read events.csv line ${line}: event_id ${id} is used twice`);
      }
      ids.add(id);
      events.push({
        event_name: cells.event_name,
        arm_num: arm,
        unique_event_name: unique,
        custom_event_label: cells.custom_event_label ?? "",
        event_id: id,
        day_offset: Number(cells.day_offset || "0"),
        offset_min: Number(cells.offset_min || "0"),
        offset_max: Number(cells.offset_max || "0"),
      });
    });
  }
  const longitudinal = events.length > 0;
  const arms: Arm[] = [];
  const armTable = readTable(path, "arms.csv");
  if (longitudinal) {
    if (armTable) {
      requireColumns(armTable, ["arm_num", "name"]);
      for (const { line, cells } of armTable.rows) {
        arms.push({ arm_num: integer(armTable, line, "arm_num", cells.arm_num), name: cells.name });
      }
    }
    const known = new Set(arms.map((a) => a.arm_num));
    for (const event of events) {
      if (known.has(event.arm_num)) continue;
      if (armTable) {
        const line = eventTable!.rows[events.indexOf(event)].line;
        throw new SyntaxError(
          `Cannot read events.csv line ${line}: arm ${event.arm_num} is not in arms.csv`,
        );
      }
      known.add(event.arm_num);
      arms.push({ arm_num: event.arm_num, name: `Arm ${event.arm_num}` });
    }
    arms.sort((a, b) => a.arm_num - b.arm_num);
  }
  const eventByName = new Map(events.map((e) => [e.unique_event_name, e]));

  // Designations.
  const formEventMapping: FormEventMapping[] = [];
  const mappingTable = readTable(path, "form_event_mapping.csv");
  if (longitudinal && mappingTable) {
    requireColumns(mappingTable, ["unique_event_name", "form"]);
    for (const { line, cells } of mappingTable.rows) {
      const event = eventByName.get(cells.unique_event_name);
      if (!event) {
        throw new SyntaxError(
          `Cannot read form_event_mapping.csv line ${line}: event "${cells.unique_event_name}" is not in events.csv`,
        );
      }
      if (!formSet.has(cells.form)) {
        throw new SyntaxError(
          `Cannot read form_event_mapping.csv line ${line}: form "${cells.form}" is not in metadata.csv`,
        );
      }
      formEventMapping.push({
        arm_num: event.arm_num,
        unique_event_name: event.unique_event_name,
        form: cells.form,
      });
    }
  } else if (longitudinal) {
    for (const event of events) {
      for (const form of forms) {
        formEventMapping.push({
          arm_num: event.arm_num,
          unique_event_name: event.unique_event_name,
          form,
        });
      }
    }
  }

  // Repeating instruments and events.
  const repeating: RepeatingFormEvent[] = [];
  const repeatingTable = readTable(path, "repeating_forms_events.csv");
  if (repeatingTable) {
    requireColumns(repeatingTable, longitudinal ? ["event_name", "form_name"] : ["form_name"]);
    for (const { line, cells } of repeatingTable.rows) {
      const eventName = longitudinal ? cells.event_name : "";
      if (longitudinal && !eventByName.has(eventName)) {
        throw new SyntaxError(
          `Cannot read repeating_forms_events.csv line ${line}: event "${eventName}" is not in events.csv`,
        );
      }
      if (cells.form_name && !formSet.has(cells.form_name)) {
        throw new SyntaxError(
          `Cannot read repeating_forms_events.csv line ${line}: form "${cells.form_name}" is not in metadata.csv`,
        );
      }
      if (!longitudinal && !cells.form_name) {
        throw new SyntaxError(
          `Cannot read repeating_forms_events.csv line ${line}: a classic project can only repeat instruments`,
        );
      }
      repeating.push({
        event_name: eventName,
        form_name: cells.form_name,
        custom_form_label: cells.custom_form_label ?? "",
      });
    }
  }

  // Data access groups.
  const dags: DataAccessGroup[] = [];
  const dagTable = readTable(path, "dags.csv");
  if (dagTable) {
    requireColumns(dagTable, ["data_access_group_name"]);
    for (const { line, cells } of dagTable.rows) {
      const unique = cells.unique_group_name || uniqueGroupName(cells.data_access_group_name);
      if (!unique) {
        throw new SyntaxError(`Cannot read dags.csv line ${line}: the group has no name`);
      }
      dags.push({
        data_access_group_name: cells.data_access_group_name,
        unique_group_name: unique,
        data_access_group_id: integer(
          dagTable,
          line,
          "data_access_group_id",
          cells.data_access_group_id ?? "",
          dags.length + 1,
        ),
      });
    }
  }

  // Surveys.
  const surveys: SurveySettings[] = [];
  const surveyTable = readTable(path, "surveys.csv");
  if (surveyTable) {
    requireColumns(surveyTable, ["form_name"]);
    for (const { line, cells } of surveyTable.rows) {
      if (!formSet.has(cells.form_name)) {
        throw new SyntaxError(
          `Cannot read surveys.csv line ${line}: form "${cells.form_name}" is not in metadata.csv`,
        );
      }
      surveys.push({
        form_name: cells.form_name,
        title: cells.title || formLabel(cells.form_name),
      });
    }
  }

  // Records.
  const records: Record<string, string>[] = [];
  const recordDags: Record<string, string> = {};
  const recordTable = readTable(path, "records.csv");
  const idField = metadata[0].field_name;
  if (recordTable && recordTable.rows.length > 0) {
    requireColumns(recordTable, [idField]);
    for (const { line, cells } of recordTable.rows) {
      if (!cells[idField]) {
        throw new SyntaxError(`Cannot read records.csv line ${line}: ${idField} is blank`);
      }
      const dag = cells.redcap_data_access_group;
      if (dag) recordDags[cells[idField]] = dag;
      // A real project's UI download escapes CSV injection (" -100"); REDCap's CSV import
      // removes that space, and so does loading the folder.
      for (const [key, value] of Object.entries(cells)) cells[key] = unescapeCsvInjection(value);
      records.push(cells);
    }
  }

  return buildProject({
    title: path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "",
    info,
    metadata,
    instruments,
    arms,
    events,
    formEventMapping,
    repeating,
    dags,
    surveys,
    records,
    recordDags,
  });
}
