/**
 * The one project builder: turns what a project loader read (a project folder, a Project XML
 * file) into a {@linkcode ProjectDefinition}, with the same settings defaults and the same
 * structure flags whichever loader read it.
 *
 * @module
 */
import type {
  Arm,
  DataAccessGroup,
  EventDefinition,
  FieldMetadata,
  FormEventMapping,
  Instrument,
  ProjectDefinition,
  RepeatingFormEvent,
  ReportDefinition,
  StoredFile,
  SurveySettings,
  UserRole,
} from "./project.ts";

/** A project's parts as a loader read them. */
export interface ProjectParts {
  /** The title when the settings name none. */
  title: string;
  /** The settings read (they win over the defaults). */
  info: Record<string, string | number>;
  metadata: FieldMetadata[];
  instruments: Instrument[];
  /** Empty for a classic project, as `events` and `formEventMapping` are. */
  arms: Arm[];
  events: EventDefinition[];
  formEventMapping: FormEventMapping[];
  repeating: RepeatingFormEvent[];
  dags: DataAccessGroup[];
  surveys: SurveySettings[];
  records: Record<string, string>[];
  recordDags: Record<string, string>;
  roles?: UserRole[];
  files?: StoredFile[];
  reports?: ReportDefinition[];
}

/**
 * Builds the project definition. A project is longitudinal when it has events. Settings not read
 * take REDCap's defaults for a new project (surveys enabled when a form is a survey, the
 * Today/Now button shown); `is_longitudinal` and `has_repeating_instruments_or_events` always
 * follow the project's structure. A loaded project has no users (tokens are declared apart).
 *
 * @example
 * ```ts
 * import { buildProject } from "./_project_builder.ts";
 * const project = buildProject({
 *   title: "Study", info: { purpose: 2 }, metadata: [], instruments: [], arms: [], events: [],
 *   formEventMapping: [], repeating: [], dags: [], surveys: [], records: [], recordDags: {},
 * });
 * if (project.info.project_title !== "Study" || project.info.is_longitudinal !== 0) {
 *   throw new Error("defaults");
 * }
 * ```
 *
 * @param parts What the loader read.
 * @returns The project definition.
 */
export function buildProject(parts: ProjectParts): ProjectDefinition {
  const longitudinal = parts.events.length > 0;
  const info: Record<string, string | number> = {
    project_title: parts.title,
    purpose: 0,
    purpose_other: "",
    project_notes: "",
    custom_record_label: "",
    secondary_unique_field: "",
    in_production: 0,
    project_language: "English",
    surveys_enabled: parts.surveys.length > 0 ? 1 : 0,
    scheduling_enabled: 0,
    record_autonumbering_enabled: 0,
    randomization_enabled: 0,
    ddp_enabled: 0,
    display_today_now_button: 1,
    missing_data_codes: "",
    ...parts.info,
    is_longitudinal: longitudinal ? 1 : 0,
    has_repeating_instruments_or_events: parts.repeating.length > 0 ? 1 : 0,
  };
  const project: ProjectDefinition = {
    info,
    metadata: parts.metadata,
    instruments: parts.instruments,
    arms: parts.arms,
    events: parts.events,
    formEventMapping: parts.formEventMapping,
    repeating: parts.repeating,
    dags: parts.dags,
    surveys: parts.surveys,
    users: [],
    records: parts.records,
    recordDags: parts.recordDags,
    longitudinal,
  };
  if ("roles" in parts) project.roles = parts.roles;
  if ("files" in parts) project.files = parts.files;
  if ("reports" in parts) project.reports = parts.reports;
  return project;
}
