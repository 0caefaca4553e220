/**
 * Project-level administration: creating a project with a super token (`content=project` with
 * `data`, optionally a Project XML in `odm`), importing project settings
 * (`content=project_settings`) and exporting the whole project as Project XML
 * (`content=project_xml`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { XMLParser } from "../../deps/xml.ts";
import { CsvSyntaxError, parseCsvObjects } from "../../parse/csv_rows.ts";
import { type ApiContext, ApiError, ok } from "../_http.ts";
import { compileFilterLogic } from "../_filter_logic.ts";
import { generateToken, loadProject } from "../load.ts";
import { CLASSIC_EVENT_ID, ProjectModel } from "../model.ts";
import { readProjectXml } from "../odm/project_xml.ts";
import { fieldMetadata, fullRights, type ProjectDefinition, type UserRights } from "../project.ts";
import { hiddenAtLevel } from "../records/export_plan.ts";
import { copyDefinition, requireDesignImport, requireExport } from "./_structure_io.ts";
import { NO_EXPORT_ACCESS } from "./logging.ts";
import { formExportRight, logManage } from "./rights.ts";
import { writeProjectXml, type XmlRecord } from "./_project_xml.ts";
import { PROJECT_INFO_KEYS, projectInfo } from "./project_info.ts";
import { readXml } from "../_xml.ts";

/** Message for a project creation sent with a project token. */
export const NEEDS_SUPER_TOKEN =
  "Cannot create a project: creating projects needs a super API token (64 characters)";

/** Settings `content=project_settings` may change. */
export const PROJECT_SETTINGS: readonly string[] = [
  "project_title",
  "project_language",
  "purpose",
  "purpose_other",
  "project_notes",
  "custom_record_label",
  "secondary_unique_field",
  "is_longitudinal",
  "surveys_enabled",
  "scheduling_enabled",
  "record_autonumbering_enabled",
  "randomization_enabled",
  "project_irb_number",
  "project_grant_number",
  "project_pi_firstname",
  "project_pi_lastname",
  "display_today_now_button",
  "bypass_branching_erase_field_prompt",
  "missing_data_codes",
];

/** Settings a new project may be created with (`content=project` import). */
const CREATE_SETTINGS = [
  "project_title",
  "purpose",
  "purpose_other",
  "project_notes",
  "is_longitudinal",
  "surveys_enabled",
  "record_autonumbering_enabled",
];

const FLAGS = new Set([
  "is_longitudinal",
  "surveys_enabled",
  "scheduling_enabled",
  "record_autonumbering_enabled",
  "randomization_enabled",
  "display_today_now_button",
  "bypass_branching_erase_field_prompt",
]);

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
});

/**
 * Reads a settings `data` parameter: a JSON object or an array of one, a CSV header and row, or
 * XML (`<item>` under any root, or the values directly under the root).
 */
function readSettings(ctx: ApiContext, what: string): Record<string, string> {
  const data = ctx.params.get("data");
  if (data === undefined || data.trim() === "") {
    throw new ApiError(400, `Cannot ${what}: the parameter "data" is missing or empty`);
  }
  const format = ctx.format === "odm" ? "xml" : ctx.format;
  let row: unknown;
  if (format === "json") {
    try {
      row = JSON.parse(data);
    } catch {
      throw new ApiError(400, `Cannot ${what}: the data is not valid JSON`);
    }
    if (Array.isArray(row)) row = row[0];
  } else if (format === "csv") {
    try {
      row = parseCsvObjects(data)[0];
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        throw new ApiError(400, `Cannot ${what}: ${error.message}`);
      }
      throw error;
    }
  } else {
    const document = readXml(data, xmlParser, what);
    const rootName = Object.keys(document).find((k) => k !== "?xml");
    let root = rootName === undefined ? undefined : document[rootName];
    if (root && typeof root === "object" && "item" in root) {
      root = (root as Record<string, unknown>).item;
      if (Array.isArray(root)) root = root[0];
    }
    row = root;
  }
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new ApiError(400, `Cannot ${what}: the data holds no settings`);
  }
  return Object.fromEntries(
    Object.entries(row as Record<string, unknown>).map((
      [k, v],
    ) => [k, v === null || v === undefined ? "" : String(v)]),
  );
}

/** Checks and converts setting values: flags are 0/1, `purpose` is 0 to 4. */
function settingValues(
  row: Record<string, string>,
  allowed: readonly string[],
  what: string,
  readOnly: ReadonlySet<string> = new Set(),
): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const [key, raw] of Object.entries(row)) {
    if (readOnly.has(key) && !allowed.includes(key)) continue;
    if (!allowed.includes(key)) {
      throw new ApiError(400, `Cannot ${what}: "${key}" is not a setting that can be set`);
    }
    const value = raw.trim();
    if (FLAGS.has(key)) {
      if (value !== "0" && value !== "1") {
        throw new ApiError(400, `Cannot ${what}: "${key}" must be 0 or 1, not "${value}"`);
      }
      result[key] = Number(value);
    } else if (key === "purpose") {
      if (!/^[0-4]$/.test(value)) {
        throw new ApiError(
          400,
          `Cannot ${what}: "purpose" must be 0 (Practice / Just for fun), 1 (Other), ` +
            `2 (Research), 3 (Quality Improvement) or 4 (Operational Support), not "${value}"`,
        );
      }
      result[key] = Number(value);
    } else result[key] = raw;
  }
  return result;
}

/** A new project's definition as REDCap makes it: one instrument with the record id field. */
function blankProject(longitudinal: boolean): ProjectDefinition {
  return {
    info: {},
    metadata: [
      fieldMetadata({
        field_name: "record_id",
        form_name: "my_first_instrument",
        field_type: "text",
        field_label: "Record ID",
      }),
    ],
    instruments: [{
      instrument_name: "my_first_instrument",
      instrument_label: "My First Instrument",
    }],
    arms: longitudinal ? [{ arm_num: 1, name: "Arm 1" }] : [],
    events: longitudinal ? [defaultEvent()] : [],
    formEventMapping: longitudinal
      ? [{ arm_num: 1, unique_event_name: "event_1_arm_1", form: "my_first_instrument" }]
      : [],
    repeating: [],
    dags: [],
    surveys: [],
    users: [],
    records: [],
    longitudinal,
  };
}

function defaultEvent() {
  return {
    event_name: "Event 1",
    arm_num: 1,
    unique_event_name: "event_1_arm_1",
    custom_event_label: "",
    event_id: CLASSIC_EVENT_ID,
    day_offset: 1,
    offset_min: 0,
    offset_max: 0,
  };
}

/** `content=project` import with a project token: REDCap creates projects with super tokens only. */
export function rejectProjectCreation(_ctx: ApiContext): Response {
  throw new ApiError(400, NEEDS_SUPER_TOKEN);
}

/**
 * `content=project` with a super token and `data`: creates a project (from the Project XML in
 * `odm` when given, with its records and files) owned by the token's user with full rights, and
 * answers the new project's 32-character token as plain text.
 */
export function createProject(ctx: ApiContext): Response {
  if (!ctx.params.has("data")) {
    throw new ApiError(400, "This request needs a project token");
  }
  const what = "create project";
  const settings = settingValues(readSettings(ctx, what), CREATE_SETTINGS, what);
  if (String(settings.project_title ?? "").trim() === "") {
    throw new ApiError(400, `Cannot ${what}: "project_title" is required`);
  }
  if (settings.purpose === undefined) {
    throw new ApiError(400, `Cannot ${what}: "purpose" is required`);
  }
  if (settings.purpose === 1 && String(settings.purpose_other ?? "").trim() === "") {
    throw new ApiError(
      400,
      `Cannot ${what}: "purpose_other" is required when "purpose" is 1 (Other)`,
    );
  }
  const odm = ctx.params.get("odm") ?? "";
  let definition: ProjectDefinition;
  if (odm.trim() !== "") {
    try {
      definition = readProjectXml(odm);
      // REDCap's ODM import stores the XML's data without its calculated values and computes
      // none at creation: a calc (or @CALCTEXT/@CALCDATE) field reads blank until the record is
      // saved again. (Loading a file with --project keeps them, as a snapshot of the project.)
      const model = new ProjectModel(definition);
      for (const row of definition.records) {
        for (const column of Object.keys(row)) {
          if (model.isCalculated(column)) delete row[column];
        }
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(400, `Cannot ${what}: ${(error as Error).message}`);
    }
  } else definition = blankProject(settings.is_longitudinal === 1);
  const { is_longitudinal: _l, ...info } = settings;
  definition.info = { ...definition.info, ...info, in_production: 0, project_id: 0 };
  delete definition.info.project_id;
  definition.info.creation_time = ctx.store.timestamp();
  const owner: UserRights = { ...fullRights(ctx.grant.username) };
  definition.users = [owner];
  definition.tokens = undefined;
  const token = generateToken();
  try {
    ctx.store.transaction(() => {
      const { projectId } = loadProject(ctx.store, definition, { token });
      ctx.store.log({
        project_id: projectId,
        username: ctx.grant.username,
        action: "MANAGE",
        record: "",
        event_id: null,
        details: "",
        description: "Create project (API)",
      });
    });
  } catch (error) {
    if (error instanceof ApiError) throw new ApiError(400, `Cannot ${what}: ${error.message}`);
    if (error instanceof RangeError || error instanceof SyntaxError) {
      throw new ApiError(400, `Cannot ${what}: ${error.message}`);
    }
    throw error;
  }
  return ok(token, "text");
}

/**
 * `content=project_settings` import: changes the project's settings (needs API Import and
 * Project Design rights). Answers the number of settings given. Making a classic project
 * longitudinal gives it one arm and event with every instrument; making it classic again needs
 * it to have a single event.
 */
export function importProjectSettings(ctx: ApiContext): Response {
  requireDesignImport(ctx);
  const what = "import project settings";
  // REDCap's project_settings import takes the row content=project exports: the attributes it
  // cannot set (project_id, creation_time, in_production, ddp_enabled, ...) are skipped silently.
  const exported = new Set(PROJECT_INFO_KEYS.map((k) => k.key));
  const settings = settingValues(readSettings(ctx, what), PROJECT_SETTINGS, what, exported);
  if ("project_title" in settings && String(settings.project_title).trim() === "") {
    throw new ApiError(400, `Cannot ${what}: "project_title" cannot be blank`);
  }
  const definition = copyDefinition(ctx);
  const { is_longitudinal: longitudinal, ...rest } = settings;
  Object.assign(definition.info, rest);
  ctx.store.transaction(() => {
    if (longitudinal === 1 && !definition.longitudinal) {
      definition.longitudinal = true;
      definition.arms = [{ arm_num: 1, name: "Arm 1" }];
      definition.events = [defaultEvent()];
      definition.formEventMapping = definition.instruments.map((i) => ({
        arm_num: 1,
        unique_event_name: "event_1_arm_1",
        form: i.instrument_name,
      }));
      definition.repeating = definition.repeating.map((r) => ({
        ...r,
        event_name: "event_1_arm_1",
      }));
    } else if (longitudinal === 0 && definition.longitudinal) {
      if (definition.events.length > 1) {
        throw new ApiError(
          400,
          `Cannot ${what}: the project has ${definition.events.length} events; delete all but ` +
            "one before making it classic",
        );
      }
      const event = definition.events[0];
      if (event && event.event_id !== CLASSIC_EVENT_ID) {
        ctx.store.moveEventValues(ctx.projectId, event.event_id, CLASSIC_EVENT_ID);
      }
      definition.longitudinal = false;
      definition.arms = [];
      definition.events = [];
      definition.formEventMapping = [];
      definition.repeating = definition.repeating.map((r) => ({ ...r, event_name: "" }));
    }
    ctx.store.updateProject(ctx.projectId, definition);
    logManage(ctx, "Modify project settings (API)");
  });
  return ok(String(Object.keys(settings).length), ctx.returnFormat);
}

/** Field names a user's export rights leave out (level 2 de-identified, 3 no identifiers). */
function removedFields(model: ProjectModel, rights: UserRights): Set<string> {
  const removed = new Set<string>();
  for (const field of model.fields) {
    const level = formExportRight(rights, field.form_name);
    if (hiddenAtLevel(model, field, level)) removed.add(field.field_name);
    if (level === 0) removed.add(`${field.form_name}_complete`);
  }
  return removed;
}

/**
 * `content=project_xml`: the project as Project XML (ODM 1.3.1 with REDCap's extensions):
 * metadata only with `returnMetadataOnly`, else with the records the user may see (`records`,
 * `fields`, `events` and `filterLogic` narrow them; `exportSurveyFields`,
 * `exportDataAccessGroups` and `exportFiles` add survey timestamps, DAGs and embedded files).
 * The user's data export rights apply as in record exports.
 */
export function exportProjectXml(ctx: ApiContext, dataOnly = false): Response {
  requireExport(ctx);
  const { params, project, store, projectId } = ctx;
  const rights = ctx.grant.rights;
  const metadataOnly = !dataOnly && params.bool("returnMetadataOnly");
  const userDag = (rights.data_access_group ?? "").trim();
  const info = projectInfo(ctx);
  let records: XmlRecord[] = [];
  const options: Parameters<typeof writeProjectXml>[1] = {
    dataOnly,
    info,
    now: store.timestamp(),
    records,
    surveyFields: params.bool("exportSurveyFields"),
    dataAccessGroups: params.bool("exportDataAccessGroups") && userDag === "" &&
      project.dags.length > 0,
  };
  if (!metadataOnly) {
    if (Number(rights.data_export ?? 0) === 0 && !rights.forms_export) {
      throw new ApiError(403, NO_EXPORT_ACCESS);
    }
    const clean = (v: string) => v.replace(/['"]/g, "").trim();
    const requestedFields = params.list("fields")?.map(clean);
    if (requestedFields) {
      const invalid = requestedFields.filter((f) =>
        !project.fieldByName.has(f) && !project.isFormStatus(f)
      );
      if (invalid.length > 0) {
        throw new ApiError(
          400,
          `The following values in the parameter "fields" are not valid: ${
            invalid.map((f) => `'${f}'`).join(", ")
          }`,
        );
      }
    }
    const requestedEvents = params.list("events")?.map(clean);
    if (requestedEvents && project.longitudinal) {
      const invalid = requestedEvents.filter((e) => !project.eventByName.has(e));
      if (invalid.length > 0) {
        throw new ApiError(
          400,
          `The following values in the parameter "events" are not valid: ${
            invalid.map((e) => `'${e}'`).join(", ")
          }`,
        );
      }
      options.eventIds = new Set(requestedEvents.map((e) => project.eventByName.get(e)!.event_id));
    }
    const removed = removedFields(project, rights);
    const allowed = project.fields.map((f) => f.field_name)
      .concat(project.forms.map((f) => `${f.name}_complete`))
      .filter((f) => !removed.has(f) && (!requestedFields || requestedFields.includes(f)));
    if (requestedFields || removed.size > 0) options.fields = new Set(allowed);
    const idField = project.fieldByName.get(project.recordIdField);
    const level = Number(rights.data_export ?? 0);
    if (level >= 2 && idField?.identifier === "y") {
      options.hashRecordId = (record) => createHash("md5").update(record).digest("hex");
    }
    if (params.bool("exportFiles")) {
      options.exportFiles = (docId) => store.file(projectId, Number(docId));
    } else options.fileName = (docId) => store.file(projectId, Number(docId))?.name;
    const filterLogic = params.get("filterLogic") ?? "";
    const filter = filterLogic.trim() === "" ? undefined : compileFilterLogic(project, filterLogic);
    const wanted = params.list("records")?.map((r) => r.replaceAll("'", "").trim());
    const dags = new Map<string, string>();
    for (const entry of store.records(projectId, userDag === "" ? {} : { dag: userDag })) {
      if (!dags.has(entry.record)) dags.set(entry.record, entry.dag);
    }
    const names = [...dags.keys()].filter((r) => !wanted || wanted.includes(r));
    records = [];
    for (const { record, points } of store.readRecords(projectId, names)) {
      if (filter) {
        const eventIds = new Set(points.map((p) => p.event_id));
        const passes = project.events.some((e) =>
          eventIds.has(e.event_id) && filter(record, points, e)
        );
        if (!passes) continue;
      }
      records.push({ record, dag: dags.get(record) ?? "", points });
    }
    options.records = records;
  }
  const xml = writeProjectXml(project, options);
  store.log({
    project_id: projectId,
    username: ctx.grant.username,
    action: "EXPORT",
    record: "",
    event_id: null,
    details: "",
    description: dataOnly
      ? "Data export (API)"
      : metadataOnly
      ? "Download REDCap project XML file (metadata only) (API)"
      : "Download REDCap project XML file (API)",
  });
  return ok(xml, "xml");
}
