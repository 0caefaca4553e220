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
  /** Unique form name (`instrument_name`). */
  instrument_name: string;
  /** Form label shown in REDCap (`instrument_label`). */
  instrument_label: string;
}

/** An arm (`content=arm`). */
export interface Arm {
  /** Arm number (`arm_num`), from 1. */
  arm_num: number;
  /** Arm name (`name`). */
  name: string;
}

/** An event (`content=event`). */
export interface EventDefinition {
  /** Event label (`event_name`). */
  event_name: string;
  /** Number of the arm the event belongs to. */
  arm_num: number;
  /** Unique event name (`visit_1_arm_1`). */
  unique_event_name: string;
  /** Custom event label (Smart Variable text); blank for none. */
  custom_event_label: string;
  /** REDCap's numeric event id. */
  event_id: number;
  /** Days offset from the first event (scheduling module). */
  day_offset: number;
  /** Days allowed before the offset. */
  offset_min: number;
  /** Days allowed after the offset. */
  offset_max: number;
}

/** One designation of a form for an event (`content=formEventMapping`). */
export interface FormEventMapping {
  /** Arm number of the event. */
  arm_num: number;
  /** Unique event name. */
  unique_event_name: string;
  /** Unique form name designated for the event. */
  form: string;
}

/**
 * A repeating instrument or event (`content=repeatingFormsEvents`). `event_name` is the unique
 * event name (blank in classic projects); a blank `form_name` means the whole event repeats.
 */
export interface RepeatingFormEvent {
  /** Unique event name; blank in classic projects. */
  event_name: string;
  /** Unique form name; blank when the whole event repeats. */
  form_name: string;
  /** Custom label of repeated instances (may hold piping); blank for none. */
  custom_form_label: string;
}

/** A data access group (`content=dag`). */
export interface DataAccessGroup {
  /** Group label. */
  data_access_group_name: string;
  /** Unique group name REDCap derives from the label (`site_a`). */
  unique_group_name: string;
  /** REDCap's numeric group id. */
  data_access_group_id: number;
}

/** A survey-enabled instrument. */
export interface SurveySettings {
  /** Unique form name of the survey. */
  form_name: string;
  /** Survey title. */
  title: string;
}

/**
 * Rights of one API user. The names follow `content=user`; values are REDCap's (0/1, export level
 * 0 = no access, 1 = full, 2 = de-identified, 3 = remove identifiers).
 */
export interface UserRights {
  /** Username the rights belong to. */
  username: string;
  /** E-mail address. */
  email?: string;
  /** First name. */
  firstname?: string;
  /** Last name. */
  lastname?: string;
  /** Unique name of the user's data access group; blank for none. */
  data_access_group?: string;
  /** API export right (1 = may export). */
  api_export: 0 | 1;
  /** API import right (1 = may import and update). */
  api_import: 0 | 1;
  /** Legacy data export level: 0 none, 1 full, 2 de-identified, 3 remove identifiers. */
  data_export: 0 | 1 | 2 | 3;
  /** May create records. */
  record_create: 0 | 1;
  /** May delete records. */
  record_delete: 0 | 1;
  /** May rename records. */
  record_rename: 0 | 1;
  /** Project design and setup right. */
  design: 0 | 1;
  /** User rights right (manages users and roles). */
  user_rights: 0 | 1;
  /** May manage data access groups. */
  data_access_groups: 0 | 1;
  /** File Repository right. */
  file_repository: 0 | 1;
  /** Logging right (`content=log`). */
  logging: 0 | 1;
  /** Access expiry date (`YYYY-MM-DD`), blank for none. */
  expiration?: string;
  /** Unique name of the user's role (`content=userRoleMapping`); blank or absent for none. */
  role?: string;
  /** Form-level data entry rights by form (REDCap 15.6+: 128 none, 129 read only, 130 edit). */
  forms?: Record<string, number>;
  /** Form-level export rights by form (0 none, 1 full, 2 de-identified, 3 remove identifiers). */
  forms_export?: Record<string, number>;
  /** Alerts and notifications right. */
  alerts?: number;
  /** Reports and report builder right. */
  reports?: number;
  /** Stats and charts right. */
  stats_and_charts?: number;
  /** Survey participant management right. */
  manage_survey_participants?: number;
  /** Calendar right. */
  calendar?: number;
  /** Data Import Tool right. */
  data_import_tool?: number;
  /** Data Comparison Tool right. */
  data_comparison_tool?: number;
  /** E-mail logging right. */
  email_logging?: number;
  /** Data Quality: create and edit rules. */
  data_quality_create?: number;
  /** Data Quality: execute rules. */
  data_quality_execute?: number;
  /** External modules configuration right. */
  api_modules?: number;
  /** REDCap Mobile App right. */
  mobile_app?: number;
  /** Mobile App: download data. */
  mobile_app_download_data?: number;
  /** Lock and unlock records on all forms. */
  lock_records_all_forms?: number;
  /** Record locking and e-signature right. */
  lock_records?: number;
  /** Record locking customization right. */
  lock_records_customization?: number;
}

/**
 * A user role (`content=userRole`): a named set of rights. A user assigned to a role has the
 * role's rights instead of their own.
 */
export interface UserRole {
  /** REDCap's generated name, `U-` and ten upper-case letters or digits. */
  unique_role_name: string;
  /** Role label shown in REDCap. */
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
  /** Username the token acts as. */
  username: string;
}

/**
 * A record's stored value as a bulk read hands it over: `[event_id, instance, field_name,
 * value]`, an array straight from SQLite (no object per value; a bulk export reads millions).
 */
export type StoredRow = readonly [number, number, string, string];

/** One stored value: REDCap's `redcap_data` row. Checkbox options are one row per checked code. */
export interface DataPoint {
  /** Record name. */
  record: string;
  /** The event's numeric id (the project's only event in classic projects). */
  event_id: number;
  /** Repeat instance, 1 for non-repeating data. */
  instance: number;
  /** Field name (checkbox options stored under the field's own name). */
  field_name: string;
  /** The value, as REDCap stores it (raw code, ISO date, ...). */
  value: string;
}

/** A file attached to a file-upload field. */
export interface StoredFile {
  /** Record name. */
  record: string;
  /** The event's numeric id. */
  event_id: number;
  /** Repeat instance, 1 for non-repeating data. */
  instance: number;
  /** The file-upload field. */
  field_name: string;
  /** File name as uploaded. */
  name: string;
  /** MIME type. */
  mime_type: string;
  /** The bytes. */
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
  /** The data dictionary, one row per field in form order. */
  metadata: FieldMetadata[];
  /** Instruments (`content=instrument`) in form order. */
  instruments: Instrument[];
  /** Empty for classic projects; classic projects still get one implicit arm and event. */
  arms: Arm[];
  /** Events of every arm; empty for classic projects. */
  events: EventDefinition[];
  /** Forms designated for each event; empty for classic projects. */
  formEventMapping: FormEventMapping[];
  /** Repeating instruments and events. */
  repeating: RepeatingFormEvent[];
  /** Data access groups. */
  dags: DataAccessGroup[];
  /** Survey-enabled instruments. */
  surveys: SurveySettings[];
  /** API users with their rights. */
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
  /** Files of file-upload fields, by record, event, instance and field. */
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
