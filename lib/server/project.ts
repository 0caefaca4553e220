/**
 * The in-memory description of one REDCap project: what a Project XML, a folder of API exports or
 * the built-in demo turn into, and what the store is seeded from.
 *
 * Every shape mirrors what REDCap's own API exports for it, with REDCap's column names, so a
 * definition can be written back out unchanged.
 *
 * @module
 */

import { type FieldMetadata, fieldMetadata, METADATA_COLUMNS } from "../dictionary/metadata.ts";

// The data dictionary row is the shared project model's (lib/dictionary); re-exported here.
export { type FieldMetadata, fieldMetadata, METADATA_COLUMNS };

/** An instrument (`content=instrument`). */
export interface Instrument {
  instrument_name: string;
  instrument_label: string;
}

/** An arm (`content=arm`). */
export interface Arm {
  arm_num: number;
  name: string;
}

/** An event (`content=event`). */
export interface EventDefinition {
  event_name: string;
  arm_num: number;
  unique_event_name: string;
  custom_event_label: string;
  event_id: number;
  day_offset: number;
  offset_min: number;
  offset_max: number;
}

/** One designation of a form for an event (`content=formEventMapping`). */
export interface FormEventMapping {
  arm_num: number;
  unique_event_name: string;
  form: string;
}

/**
 * A repeating instrument or event (`content=repeatingFormsEvents`). `event_name` is the unique
 * event name (blank in classic projects); a blank `form_name` means the whole event repeats.
 */
export interface RepeatingFormEvent {
  event_name: string;
  form_name: string;
  custom_form_label: string;
}

/** A data access group (`content=dag`). */
export interface DataAccessGroup {
  data_access_group_name: string;
  unique_group_name: string;
  data_access_group_id: number;
}

/** A survey-enabled instrument. */
export interface SurveySettings {
  form_name: string;
  title: string;
}

/**
 * Rights of one API user. The names follow `content=user`; values are REDCap's (0/1, export level
 * 0 = no access, 1 = full, 2 = de-identified, 3 = remove identifiers).
 */
export interface UserRights {
  username: string;
  email?: string;
  firstname?: string;
  lastname?: string;
  /** Unique name of the user's data access group; blank for none. */
  data_access_group?: string;
  api_export: 0 | 1;
  api_import: 0 | 1;
  /** Legacy data export level: 0 none, 1 full, 2 de-identified, 3 remove identifiers. */
  data_export: 0 | 1 | 2 | 3;
  record_create: 0 | 1;
  record_delete: 0 | 1;
  record_rename: 0 | 1;
  design: 0 | 1;
  user_rights: 0 | 1;
  data_access_groups: 0 | 1;
  file_repository: 0 | 1;
  logging: 0 | 1;
  /** Access expiry date (`YYYY-MM-DD`), blank for none. */
  expiration?: string;
  /** Unique name of the user's role (`content=userRoleMapping`); blank or absent for none. */
  role?: string;
  /** Form-level data entry rights by form (REDCap 15.6+: 128 none, 129 read only, 130 edit). */
  forms?: Record<string, number>;
  /** Form-level export rights by form (0 none, 1 full, 2 de-identified, 3 remove identifiers). */
  forms_export?: Record<string, number>;
  alerts?: number;
  reports?: number;
  stats_and_charts?: number;
  manage_survey_participants?: number;
  calendar?: number;
  data_import_tool?: number;
  data_comparison_tool?: number;
  email_logging?: number;
  data_quality_create?: number;
  data_quality_execute?: number;
  api_modules?: number;
  mobile_app?: number;
  mobile_app_download_data?: number;
  lock_records_all_forms?: number;
  lock_records?: number;
  lock_records_customization?: number;
}

/**
 * A user role (`content=userRole`): a named set of rights. A user assigned to a role has the
 * role's rights instead of their own.
 */
export interface UserRole {
  /** REDCap's generated name, `U-` and ten upper-case letters or digits. */
  unique_role_name: string;
  role_label: string;
  /** REDCap's numeric role id (`role_id`, as File Repository folders take it); when left out,
   * the role's position in the list, from 1. */
  role_id?: number;
  /** The role's rights (without `username`, e-mail, names or DAG). */
  rights: Partial<UserRights>;
}

/** A token declared for a project, with the user it acts as. */
export interface TokenDefinition {
  /** 32 hex characters, upper-case as REDCap issues them. */
  token: string;
  username: string;
}

/** One stored value: REDCap's `redcap_data` row. Checkbox options are one row per checked code. */
export interface DataPoint {
  record: string;
  /** The event's numeric id (the project's only event in classic projects). */
  event_id: number;
  /** Repeat instance, 1 for non-repeating data. */
  instance: number;
  field_name: string;
  value: string;
}

/** A file attached to a file-upload field. */
export interface StoredFile {
  record: string;
  event_id: number;
  instance: number;
  field_name: string;
  name: string;
  mime_type: string;
  content: Uint8Array;
}

/**
 * A saved report (REDCap's report builder), as a Project XML's `redcap:Reports` element holds
 * it: every setting an attribute (`title`, `unique_report_name`, `redcap_reports_fields`,
 * `advanced_logic`, `filter_type`, `orderby_field1`, `orderby_sort1`, `combine_checkbox_values`,
 * `output_dags`, `output_survey_fields`, `remove_line_breaks_in_values`,
 * `redcap_reports_filter_events`, `redcap_reports_filter_dags`, ...).
 */
export interface ReportDefinition {
  /** REDCap's numeric report id (`report_id`), unique across the server; 0 before loading. */
  report_id: number;
  /** The element's attributes, as REDCap wrote them. */
  attributes: Record<string, string>;
}

/** Everything the store needs to create one project. */
export interface ProjectDefinition {
  /** `content=project` keys (project_title, purpose, missing_data_codes, ...). */
  info: Record<string, string | number>;
  metadata: FieldMetadata[];
  instruments: Instrument[];
  /** Empty for classic projects; classic projects still get one implicit arm and event. */
  arms: Arm[];
  events: EventDefinition[];
  formEventMapping: FormEventMapping[];
  repeating: RepeatingFormEvent[];
  dags: DataAccessGroup[];
  surveys: SurveySettings[];
  users: UserRights[];
  /** User roles (`content=userRole`); absent means none. */
  roles?: UserRole[];
  /**
   * DAG Switcher assignments (REDCap's `redcap_data_access_groups_users`): by username, the
   * unique names of the groups an administrator lets the user switch into, `""` standing for
   * "[No Assignment]". A user may always stay in their current group; absent means no
   * assignments beyond that.
   */
  dagSwitcher?: Record<string, string[]>;
  /** Records as flat raw rows (REDCap's import shape), loaded through the import code path. */
  records: Record<string, string>[];
  /** Record DAG assignments: record name to unique group name. */
  recordDags?: Record<string, string>;
  files?: StoredFile[];
  /** Fixed tokens; otherwise one full-rights token is generated for the first user. */
  tokens?: TokenDefinition[];
  /** Whether the project is longitudinal (has events defined by the designer). */
  longitudinal: boolean;
  /** Saved reports; absent means none. */
  reports?: ReportDefinition[];
}

/** Full rights for a user, as the project creator has them. */
export function fullRights(username: string): UserRights {
  return {
    username,
    api_export: 1,
    api_import: 1,
    data_export: 1,
    record_create: 1,
    record_delete: 1,
    record_rename: 1,
    design: 1,
    user_rights: 1,
    data_access_groups: 1,
    file_repository: 1,
    logging: 1,
  };
}

/**
 * A role's numeric id as REDCap gives it (`role_id`): its own, else its position from 1.
 *
 * @example
 * ```ts
 * import { roleId } from "./project.ts";
 * const roles = [{ unique_role_name: "U-A", role_label: "A", rights: {} }];
 * if (roleId(roles, roles[0]) !== 1) throw new Error("first role is 1");
 * ```
 */
export function roleId(roles: readonly UserRole[], role: UserRole): number {
  return role.role_id ?? roles.indexOf(role) + 1;
}
