/**
 * What every read shares: its options, its result, and typing a raw frame into that result.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { castRecords, type CastRecordsOptions } from "../transform/cast.ts";
import { flatExportColumns } from "../dictionary/export_columns.ts";
import { labelRecords } from "../transform/label.ts";
import type { Format } from "../types.ts";
import { displayInvalid, displayMissing } from "../jupyter/reports.ts";
import { type HtmlDisplay, JUPYTER_DISPLAY } from "../jupyter/display.ts";
import { shadowedWarning } from "../transform/shadowed.ts";
import { labelComparisons } from "../logic/label_comparisons.ts";

/** Options for {@linkcode readRecords} and {@linkcode readEavRecords}. */
export interface ReadRecordsOptions {
  /** Only these records. By default, every record. */
  records?: readonly (string | number)[];
  /** Only these fields (checkbox fields by base name). The record id is always added. */
  fields?: readonly string[];
  /** Only the fields of these instruments. The record id is always added. */
  forms?: readonly string[];
  /** Only these events (unique event names; longitudinal projects). */
  events?: readonly string[];
  /** REDCap logic, e.g. `[age] >= 18`, evaluated by the server. Comparing a coded field
   * with one of its labels (`[sex] = 'Female'`, which matches nothing: logic uses codes) gets a
   * warning in `notes` naming the code to use. */
  filterLogic?: string;
  /** Add `redcap_data_access_group`, labelled with the groups' names as coded columns are
   * (see **labels**; the names come from `exportDags()`).
   * @default {false}
   */
  exportDataAccessGroups?: boolean;
  /** Add `redcap_survey_identifier` and each survey's `{form}_timestamp` (Datetime; REDCap's
   * `[not completed]` is blank, not invalid).
   * @default {false}
   */
  exportSurveyFields?: boolean;
  /** Only records created or changed since (`YYYY-MM-DD HH:MM:SS` or a Date, server time):
   * incremental reads. */
  dateRangeBegin?: string | Date;
  /** Only records created or changed before (`YYYY-MM-DD HH:MM:SS` or a Date, server time). */
  dateRangeEnd?: string | Date;
  /** More values read as missing (null, listed in `missing`): for every field, or per field
   * (`{ weight: ["999"] }`); see `castRecords()`. `@NOMISSING` fields take only their own.
   * @default {[]}
   */
  naValues?: CastRecordsOptions["naValues"];
  /** Per-field type overrides (`{ zipcode: "string" }`); see `castRecords()`.
   * @default {{}}
   */
  types?: CastRecordsOptions["types"];
  /** Radio, dropdown, yesno, truefalse and form-status columns as Categorical *code*s,
   * Categorical *label*s (see `levels()` for the dictionary order), or *both* (codes, with
   * labels added as `field__label`).
   * @default {"label"}
   */
  labels?: "code" | "label" | "both";
  /** Checkbox options as one Boolean column each (null where the form does not belong to the
   * row), or one List(Utf8) column of checked labels per field.
   * @default {"boolean"}
   */
  checkboxes?: "boolean" | "list";
  /** Records per request. *auto*: record ids first, then batches of 10,000 records for flat
   * exports (as `exportRecords`; their CSV bodies are parsed once, together) and of 2,500
   * records for EAV exports (each turned into flat rows, on a worker for CSV, and typed as it
   * arrives); `Infinity`: one request.
   * @default {"auto"}
   */
  batchSize?: number | "auto";
  /** Wire format of the export (the frame is the same in each).
   * @default {"csv"}
   */
  format?: Format;
  /** Cancels the export. */
  signal?: AbortSignal;
}

/** What {@linkcode readRecords} returns. */
export interface ReadRecordsResult {
  /** One typed, labelled row per record-event-instance; column labels recorded
   * (`columnLabels(data)`). */
  data: DataFrame;
  /** Every value that did not cast: `record, event, instance, field, form, value, reason`
   * (renders as a table in Jupyter). */
  invalid: DataFrame;
  /** Every missing-data code met: `record, event, instance, field, code`. */
  missing: DataFrame;
  /** Columns read as text for a reason (unknown validation type, unknown column), and
   * warnings (a column shadowing a DataFrame member, filter logic comparing a label). */
  notes: string[];
  /** The dictionary the frame was typed with. */
  dictionary: DataDictionary;
}

export const READ_KEYS = [
  "records",
  "fields",
  "forms",
  "events",
  "filterLogic",
  "exportDataAccessGroups",
  "exportSurveyFields",
  "dateRangeBegin",
  "dateRangeEnd",
  "naValues",
  "types",
  "labels",
  "checkboxes",
  "batchSize",
  "format",
  "signal",
];

export function checkReadOptions(action: string, options: ReadRecordsOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${action}: options must be an object`);
  }
  for (const key of Object.keys(options)) {
    if (!READ_KEYS.includes(key)) throw new TypeError(`Cannot ${action}: unknown option "${key}"`);
  }
  const { labels, checkboxes } = options;
  if (labels !== undefined && !["code", "label", "both"].includes(labels)) {
    throw new RangeError(
      `Cannot ${action}: "labels" must be "code", "label" or "both", got ${JSON.stringify(labels)}`,
    );
  }
  if (checkboxes !== undefined && !["boolean", "list"].includes(checkboxes)) {
    throw new RangeError(
      `Cannot ${action}: "checkboxes" must be "boolean" or "list", got ${
        JSON.stringify(checkboxes)
      }`,
    );
  }
}

/** The fields to ask for: the record id added when `fields`/`forms` would leave it out. */
export function withRecordId(
  dictionary: DataDictionary,
  options: ReadRecordsOptions,
): string[] | undefined {
  const { fields, forms } = options;
  if (!fields && !forms) return undefined;
  const id = dictionary.recordIdField;
  const idForm = dictionary.field(id)!.form;
  const list = [...(fields ?? [])];
  if (!list.includes(id) && !(forms ?? []).includes(idForm)) list.unshift(id);
  // The client refuses an empty `fields` list: leave it out when only `forms` were asked for.
  return list.length > 0 ? list : undefined;
}

/** The columns a flat export of `fields`/`forms` has, in export order (the record id is
 * always asked for). */
export function exportColumns(dictionary: DataDictionary, options: ReadRecordsOptions): string[] {
  return flatExportColumns(dictionary, {
    fields: withRecordId(dictionary, options),
    forms: options.forms,
    exportDataAccessGroups: options.exportDataAccessGroups === true,
    exportSurveyFields: options.exportSurveyFields === true,
  });
}

export function emptyFrame(columns: readonly string[]): pl.DataFrame {
  return pl.DataFrame({}, { schema: Object.fromEntries(columns.map((c) => [c, pl.String])) });
}

/** Makes a report frame render with `display` in Jupyter (and returns it). */
export function withDisplay<T extends pl.DataFrame>(df: T, display: (df: T) => HtmlDisplay): T {
  Object.defineProperty(df, JUPYTER_DISPLAY, {
    enumerable: false,
    configurable: true,
    value: () => display(df)[JUPYTER_DISPLAY](),
  });
  return df;
}

/** Warnings printed so far (each is printed once per process, as label comparisons are). */
const printed = new Set<string>();

/**
 * The warnings of a read, once each: a column that shadows a DataFrame member (`height`) and
 * filter logic comparing a coded field with a label. Kept in `notes` of every read, printed
 * (`console.warn`) the first time only: a notebook that reads the same project five times
 * shows it once.
 */
export function withWarnings(
  result: ReadRecordsResult,
  options: ReadRecordsOptions,
): ReadRecordsResult {
  const warnings = [
    shadowedWarning(result.data),
    ...(options.filterLogic ? filterLogicWarnings(options.filterLogic, result.dictionary) : []),
  ].filter((w): w is string => w !== undefined);
  for (const warning of warnings) {
    if (printed.has(warning)) continue;
    printed.add(warning);
    console.warn(`Warning: ${warning}`);
  }
  result.notes.push(...warnings);
  return result;
}

/** Label comparisons in filter logic; none when the logic does not parse here (the server
 * accepted it, and the read stands). */
function filterLogicWarnings(logic: string, dictionary: DataDictionary): string[] {
  try {
    return labelComparisons(logic, dictionary.metadata).map((c) => c.message);
  } catch {
    return [];
  }
}

/**
 * Casts and labels a flat raw frame: the shared second half of every read (records, EAV
 * records, reports).
 */
export function typedResult(
  raw: pl.DataFrame,
  dictionary: DataDictionary,
  options: ReadRecordsOptions,
): ReadRecordsResult {
  const { labels = "label", checkboxes = "boolean" } = options;
  // Labels in one pass: castRecords maps radio, dropdown, yesno, truefalse and form-status
  // codes to labels itself, which is what labelRecords(castRecords(raw)) gives.
  const cast = castRecords(raw, dictionary, {
    labels: labels === "label" ? "label" : "code",
    naValues: options.naValues,
    types: options.types,
  });
  let data = cast.data;
  if (labels === "both" || checkboxes === "list") {
    data = labelRecords(data, dictionary, {
      labels: labels === "both" ? "both" : "code",
      checkboxes,
    });
  }
  return {
    data,
    invalid: withDisplay(cast.invalid, displayInvalid),
    missing: withDisplay(cast.missing, displayMissing),
    notes: cast.notes,
    dictionary,
  };
}
