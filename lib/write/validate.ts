/**
 * Pre-flight validation of a record import against the data dictionary, mirroring the checks
 * (and messages) of REDCap's import: unknown fields, choice codes, checkbox 0/1, validation
 * types, hard and soft min/max, form-event designation, repeating instruments and instances,
 * DAGs and duplicate keys. Checks run as Polars expressions; only failing cells reach
 * JavaScript, where the exact rule (and message) is applied.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import {
  filterFrame,
  firstRow,
  frameColumns,
  frameHeight,
  selectFrame,
  withColumnsFrame,
} from "../frame.ts";
import { checkTextValue, type DateFormat, dateKind } from "../dictionary/validate.ts";
import type { FieldMetadata } from "../dictionary/metadata.ts";
import { datetimeFormatOf, isDtype, isIn, isIntegerCode, serializeFrame } from "./_serialize.ts";

export type { DateFormat } from "../dictionary/validate.ts";

/** Stable codes of {@linkcode ImportIssue}. */
export type ImportIssueCode =
  | "missing_record_id"
  | "blank_record_id"
  | "unknown_field"
  | "read_only_field"
  | "unknown_event"
  | "unknown_dag"
  | "bad_instance"
  | "bad_repeat_instrument"
  | "not_repeating"
  | "not_designated"
  | "not_on_repeating_instrument"
  | "needs_repeat_instrument"
  | "not_a_choice"
  | "bad_checkbox"
  | "bad_form_status"
  | "bad_integer"
  | "bad_number"
  | "bad_date"
  | "bad_datetime"
  | "bad_time"
  | "bad_format"
  | "out_of_range"
  | "soft_range"
  | "duplicate_key";

/** One problem with one value (or column) of an import. */
export interface ImportIssue {
  /** The record (as given), `""` for column-level issues. */
  record: string;
  /** The column: a field, `field___code`, `{form}_complete` or `redcap_*`. */
  field: string;
  /** The value as it would be sent. */
  value: string;
  /** What is wrong; REDCap's own message where REDCap reports the problem. */
  message: string;
  /** A stable code. */
  code: ImportIssueCode;
  /** `error`: REDCap would reject the import; `warning`: it would be accepted. */
  severity: "error" | "warning";
  /** The row's event (longitudinal projects). */
  event?: string;
  /** The row's repeat instrument. */
  instrument?: string;
  /** The row's repeat instance as given. */
  instance?: string;
  /** The 0-based row of the frame. */
  row?: number;
}

/** Options for {@linkcode validateRecords}. */
export interface ValidateRecordsOptions {
  /** Order of date parts in date and datetime values given as text.
   * @default {"YMD"}
   */
  dateFormat?: DateFormat;
  /** Unique names of the project's data access groups; `redcap_data_access_group` values
   * are checked against them when given. */
  dags?: readonly string[];
  /** The clock for `today`/`now` bounds.
   * @default {new Date()}
   */
  now?: Date;
}

// REDCap's messages (the server's, word for word).
const INVALID_CATEGORY = (field: string) => `The value is not a valid category for ${field}`;
const CHECKBOX_VALUE_MESSAGE =
  "The value of a checkbox option must be 0 (unchecked) or 1 (checked)";
const NOT_REPEATING =
  "redcap_repeat_instance cannot have a value since this instrument or event is not a " +
  "repeating instrument or repeating event, respectively.  The redcap_repeat_instance field " +
  "must be left blank for this row of data.";
const NOT_A_REPEATING_FORM =
  "redcap_repeat_instrument must be the unique form name of a Repeating Instrument. It " +
  "currently does not match the unique form name of any Repeating Instruments.  " +
  "Please fix this in the data import file and try again.";
const MAX_INSTANCE = 32767;
const STRUCTURAL = new Set([
  "redcap_event_name",
  "redcap_repeat_instrument",
  "redcap_repeat_instance",
  "redcap_data_access_group",
  "redcap_survey_identifier",
]);

type Kind = "value" | "status" | "checkbox";
interface ColumnPlan {
  column: string;
  kind: Kind;
  form: string;
  field: FieldInfo;
  /** The base field name (a checkbox column's field). */
  target: string;
}

/** Outside-context messages of REDCap, by kind. */
function outsideMessage(
  kind: "not_designated" | "not_on_repeating_instrument" | "needs_repeat_instrument",
  target: string,
  form: string,
  event: string,
  repeatForm: string,
): string {
  if (kind === "not_designated") {
    return `The field '${target}' is on the instrument '${form}', which is not designated for ` +
      `the event '${event}'.`;
  }
  if (kind === "not_on_repeating_instrument") {
    return `This field ('${target}') is not on the Repeating Instrument '${repeatForm}' named ` +
      `in redcap_repeat_instrument for this row of data.`;
  }
  return `This field ('${target}') exists on a Repeating Instrument named '${form}'. However, ` +
    `the fields 'redcap_repeat_instance' and/or 'redcap_repeat_instrument' for this row of ` +
    `data have no value, which are both required for importing data into a Repeating ` +
    `Instrument.  You are not allowed to import data for this field into a non-repeating ` +
    `instrument.`;
}

interface Context {
  id: number;
  event: string;
  instrument: string;
  /** Resolved event name (the first event for a blank one in longitudinal projects). */
  resolved: string;
  problem?: "unknown_event" | "repeating_event" | "not_repeating_form";
  repeatingEvent: boolean;
  repeatForm: string;
  /** Per form: why its fields cannot hold values in this context. */
  outside: Map<
    string,
    "not_designated" | "not_on_repeating_instrument" | "needs_repeat_instrument"
  >;
}

function buildContext(
  dd: DataDictionary,
  id: number,
  event: string,
  instrument: string,
): Context {
  const ctx: Context = {
    id,
    event,
    instrument,
    resolved: event,
    repeatingEvent: false,
    repeatForm: "",
    outside: new Map(),
  };
  if (dd.longitudinal) {
    if (event === "") ctx.resolved = dd.events[0]?.uniqueName ?? "";
    else if (!dd.event(event)) {
      ctx.problem = "unknown_event";
      return ctx;
    }
  }
  const ev = dd.longitudinal ? dd.event(ctx.resolved) : undefined;
  ctx.repeatingEvent = ev?.repeating ?? false;
  if (instrument !== "") {
    if (ctx.repeatingEvent) {
      ctx.problem = "repeating_event";
      return ctx;
    }
    if (!dd.form(instrument) || !dd.isRepeatingForm(instrument, ctx.resolved)) {
      ctx.problem = "not_repeating_form";
      return ctx;
    }
    ctx.repeatForm = instrument;
  }
  const designated = new Set(dd.designatedForms(dd.longitudinal ? ctx.resolved : undefined));
  for (const form of dd.forms) {
    if (dd.longitudinal && !designated.has(form.name)) {
      ctx.outside.set(form.name, "not_designated");
    } else if (ctx.repeatForm !== "" && form.name !== ctx.repeatForm) {
      ctx.outside.set(form.name, "not_on_repeating_instrument");
    } else if (
      ctx.repeatForm === "" && !ctx.repeatingEvent &&
      dd.isRepeatingForm(form.name, ctx.resolved)
    ) {
      ctx.outside.set(form.name, "needs_repeat_instrument");
    }
  }
  return ctx;
}

/** The server's dictionary row for a field (for the shared value checks). */
function metadataOf(field: FieldInfo): FieldMetadata {
  return {
    field_name: field.name,
    form_name: field.form,
    field_type: field.type,
    text_validation_type_or_show_slider_number: field.validation,
    text_validation_min: field.min,
    text_validation_max: field.max,
    field_annotation: field.annotation,
  } as FieldMetadata;
}

/** A validation type's code when a value fails it. */
function badCode(field: FieldInfo): ImportIssueCode {
  if (field.type === "slider") return "bad_integer";
  const v = field.validation.trim();
  const kind = dateKind(v);
  if (kind === "date") return "bad_date";
  if (kind) return "bad_datetime";
  if (v === "integer") return "bad_integer";
  if (v.startsWith("number")) return "bad_number";
  if (v.startsWith("time")) return "bad_time";
  return "bad_format";
}

/** Conservative Rust-regex fast paths: a match is always accepted by the exact check. */
function fastPattern(field: FieldInfo, dateFormat: DateFormat): string | undefined {
  if (field.type === "slider") return "^[-+]?[0-9]+$";
  const v = field.validation.trim();
  const dp = /^number_(\d)dp(_comma_decimal)?$/.exec(v);
  if (dp) return `^[-+]?[0-9]+${dp[2] ? "," : "\\."}[0-9]{${dp[1]}}$`;
  const kind = dateKind(v);
  if (kind && dateFormat !== "YMD") return undefined;
  switch (kind) {
    case "date":
      return "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
    case "datetime":
      return "^[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]$";
    case "datetime_seconds":
      return "^[0-9]{4}-[0-9]{2}-[0-9]{2} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$";
  }
  switch (v) {
    case "integer":
      return "^[-+]?[0-9]+$";
    case "number":
      return "^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)$";
    case "number_comma_decimal":
      return "^[-+]?([0-9]+,?[0-9]*|,[0-9]+)$";
    case "time":
      return "^([01][0-9]|2[0-3]):[0-5][0-9]$";
    case "time_hh_mm_ss":
      return "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$";
    case "time_mm_ss":
      return "^[0-5][0-9]:[0-5][0-9]$";
    case "zipcode":
      return "^[0-9]{5}(-[0-9]{4})?$";
    case "email":
      return "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$";
    case "phone":
      return "^\\(?[2-9][0-8][0-9]\\)?[ .-]*[2-9][0-9]{2}[ .-]*[0-9]{4}$";
  }
  return undefined;
}

/** Whether a field's values get a value check at all. */
function checked(field: FieldInfo): boolean {
  return field.type === "slider" || (field.type === "text" && field.validation.trim() !== "");
}

/** A min/max bound in the field's stored form: `today`/`now` resolved; piped → undefined. */
function resolveBound(bound: string, type: string, now: Date): string | undefined {
  const b = bound.trim();
  if (b === "" || b.includes("[")) return undefined;
  const p = (n: number) => String(n).padStart(2, "0");
  const today = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  if (b.toLowerCase() === "today") return today;
  if (b.toLowerCase() === "now") {
    const time = `${p(now.getHours())}:${p(now.getMinutes())}`;
    return dateKind(type) === "datetime_seconds"
      ? `${today} ${time}:${p(now.getSeconds())}`
      : `${today} ${time}`;
  }
  return b;
}

function comparable(value: string, type: string): number | string | undefined {
  if (dateKind(type) || type.startsWith("time")) return value;
  const n = Number(value.replace(",", "."));
  return Number.isFinite(n) ? n : undefined;
}

/** The bounds of a text field, or undefined when it has none. */
function rangeOf(field: FieldInfo, now: Date) {
  if (field.type !== "text") return undefined;
  const type = field.validation.trim();
  if (type === "") return undefined;
  const min = resolveBound(field.min, type, now);
  const max = resolveBound(field.max, type, now);
  if (min === undefined && max === undefined) return undefined;
  const numeric = !(dateKind(type) || type.startsWith("time"));
  return { type, min, max, numeric };
}

/** Whether a typed column's extreme values leave the range (then its cells need a look). */
function outOfRange(
  raw: pl.DataFrame,
  columns: string[],
  range: NonNullable<ReturnType<typeof rangeOf>>,
  datetimeFormat: string,
): boolean {
  const p = (n: number) => String(n).padStart(2, "0");
  const text = (v: unknown): string | number | undefined => {
    if (v === null || v === undefined) return undefined;
    if (v instanceof Date) {
      const date = `${v.getUTCFullYear()}-${p(v.getUTCMonth() + 1)}-${p(v.getUTCDate())}`;
      if (!dateKind(range.type)?.startsWith("datetime")) return date;
      const time = `${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
      return datetimeFormat.endsWith("%S")
        ? `${date} ${time}:${p(v.getUTCSeconds())}`
        : `${date} ${time}`;
    }
    return Number(v);
  };
  const extremes = firstRow(selectFrame(
    raw,
    ...columns.flatMap((c, i) => [pl.col(c).min().alias(`a${i}`), pl.col(c).max().alias(`b${i}`)]),
  )).map(text);
  const lo = range.min === undefined ? undefined : comparable(range.min, range.type);
  const hi = range.max === undefined ? undefined : comparable(range.max, range.type);
  return extremes.some((v) =>
    v !== undefined && ((lo !== undefined && v < lo) || (hi !== undefined && v > hi))
  );
}

/** A superset of out-of-range cells, as an expression (numbers as numbers, dates as text). */
function rangeExpr(
  c: pl.Expr,
  range: NonNullable<ReturnType<typeof rangeOf>>,
  text: boolean,
): pl.Expr {
  let out: pl.Expr = pl.lit(false);
  if (range.numeric) {
    const v = text ? c.str.replace(",", ".", true).cast(pl.Float64, false) : c.cast(pl.Float64);
    const lo = range.min === undefined ? NaN : Number(range.min.replace(",", "."));
    const hi = range.max === undefined ? NaN : Number(range.max.replace(",", "."));
    if (!Number.isNaN(lo)) out = out.or(v.lt(pl.lit(lo)).fillNull(false));
    if (!Number.isNaN(hi)) out = out.or(v.gt(pl.lit(hi)).fillNull(false));
    // Values that do not read as numbers go to the exact check anyway.
    out = out.or(v.isNull());
  } else {
    if (range.min !== undefined) out = out.or(c.lt(pl.lit(range.min)).fillNull(false));
    if (range.max !== undefined) out = out.or(c.gt(pl.lit(range.max)).fillNull(false));
  }
  return out;
}

/**
 * Validates a raw import frame (all text, blanks null: what {@linkcode serializeFrame}
 * gives) against the dictionary. Returns every issue; none with severity `error` means REDCap
 * would accept the import.
 *
 * @param raw The raw frame.
 * @param dd The project's dictionary.
 * @param options Date order, DAG names, clock.
 * @param hints What the caller already knows: whether each record's rows are contiguous.
 * @returns The issues, in row order.
 */
export function validateRawFrame(
  raw: pl.DataFrame,
  dd: DataDictionary,
  options: ValidateRecordsOptions = {},
  hints: { contiguous?: boolean } = {},
): ImportIssue[] {
  const dateFormat = options.dateFormat ?? "YMD";
  const now = options.now ?? new Date();
  const issues: ImportIssue[] = [];
  const columns = frameColumns(raw);
  const n = frameHeight(raw);
  const id = dd.recordIdField;
  const error = (
    code: ImportIssueCode,
    field: string,
    message: string,
    extra: Partial<ImportIssue> = {},
  ) => issues.push({ record: "", field, value: "", message, code, severity: "error", ...extra });

  // --- columns -----------------------------------------------------------------------------
  const plans: ColumnPlan[] = [];
  for (const column of columns) {
    if (column === id || STRUCTURAL.has(column)) continue;
    const info = dd.columnInfo(column);
    const field = info?.field ? dd.field(info.field) : undefined;
    if (info?.role === "timestamp") continue;
    if (
      !info || !field || (info.role === "field" && ["checkbox", "descriptive"].includes(field.type))
    ) {
      error(
        "unknown_field",
        column,
        `The following fields were not found in the project as real data fields: ${column}`,
      );
      continue;
    }
    const kind: Kind = info.role === "checkbox"
      ? "checkbox"
      : info.role === "form_status"
      ? "status"
      : "value";
    plans.push({ column, kind, form: field.form, field, target: field.name });
  }
  if (!columns.includes(id)) {
    error(
      "missing_record_id",
      id,
      `Cannot import records: the data has no column for the record ID field "${id}"`,
    );
    return issues;
  }
  if (n === 0) return issues;

  // --- row keys and contexts -------------------------------------------------------------------
  // Keys as given (REDCap trims them; frames from exports hold no surrounding spaces).
  const text = (name: string) =>
    columns.includes(name)
      ? pl.col(name).cast(pl.String).fillNull(pl.lit(""))
      : pl.lit("").cast(pl.String);
  const typedInstance = columns.includes("redcap_repeat_instance") &&
    isDtype(raw.getColumn("redcap_repeat_instance").dtype, "Int", "UInt");
  const keyed = selectFrame(
    raw,
    text(id).alias("__rec"),
    text("redcap_event_name").alias("__ev"),
    text("redcap_repeat_instrument").alias("__ins"),
    // Typed instances stay numbers; their text is made only for the few rows reported.
    typedInstance
      ? pl.col("redcap_repeat_instance").cast(pl.Int64).alias("__instTyped")
      : text("redcap_repeat_instance").alias("__inst"),
    ...(columns.includes("redcap_data_access_group")
      ? [text("redcap_data_access_group").alias("__dag")]
      : []),
  ).withRowIndex("__row");
  const combos = keyed.select("__ev", "__ins").unique({ maintainOrder: true })
    .toRecords() as { __ev: string; __ins: string }[];
  const contexts = combos.map((c, i) => buildContext(dd, i, c.__ev, c.__ins));
  const ctxFrame = pl.DataFrame({
    __ev: contexts.map((c) => c.event),
    __ins: contexts.map((c) => c.instrument),
    __ctx: contexts.map((c) => c.id),
  }, { schema: { __ev: pl.String, __ins: pl.String, __ctx: pl.Int64 } });
  const inst = pl.col("__inst");
  /** The instance as text (for reported rows). */
  const instText = typedInstance
    ? pl.col("__instTyped").cast(pl.String).fillNull(pl.lit("")).alias("__inst")
    : pl.col("__inst");
  const instColumn = typedInstance ? "__instTyped" : "__inst";
  const instNumber = inst.cast(pl.Int64, false);
  const repeatsCtx = contexts.filter((c) => c.repeatForm !== "" || c.repeatingEvent)
    .map((c) => c.id);
  const okCtx = contexts.filter((c) => !c.problem).map((c) => c.id);
  // A left join keeps the left frame's row order.
  const keys = keyed.join(ctxFrame, { on: ["__ev", "__ins"], how: "left" });
  const ctxCol = pl.col("__ctx");
  // Rows whose structure is fine (the usual case) skip the detailed checks below.
  // Typed instances (Int64) need no text parsing.
  const instanceOk = typedInstance
    ? pl.col("__instTyped").isNull().or(
      isIn(ctxCol, repeatsCtx).and(pl.col("__instTyped").gtEq(pl.lit(1)))
        .and(pl.col("__instTyped").ltEq(pl.lit(MAX_INSTANCE))),
    )
    : inst.eq(pl.lit("")).or(
      isIn(ctxCol, repeatsCtx).and(
        inst.str.toLowerCase().eq(pl.lit("new")).or(
          inst.str.contains("^[0-9]+$").and(instNumber.gtEq(pl.lit(1)))
            .and(instNumber.ltEq(pl.lit(MAX_INSTANCE))),
        ),
      ),
    );
  const rowOk = pl.col("__rec").neq(pl.lit("")).and(isIn(ctxCol, okCtx)).and(instanceOk)
    .fillNull(false);
  const withOk = keys.withColumns(rowOk.alias("__ok"));
  const badRows = withOk.filter(pl.col("__ok").not())
    .select("__row", "__rec", "__ev", "__ins", "__ctx", instText).toRecords() as {
      __row: number;
      __rec: string;
      __ev: string;
      __ins: string;
      __inst: string;
      __ctx: number;
    }[];
  const reportedEvents = new Set<string>();
  for (const r of badRows) {
    const ctx = contexts[r.__ctx];
    const where = {
      record: r.__rec,
      row: r.__row,
      event: r.__ev,
      instrument: r.__ins,
      instance: r.__inst,
    };
    if (ctx.problem === "unknown_event") {
      if (!reportedEvents.has(r.__ev)) {
        reportedEvents.add(r.__ev);
        error(
          "unknown_event",
          "redcap_event_name",
          `The following values of redcap_event_name are invalid: ${r.__ev}`,
          { ...where, value: r.__ev },
        );
      }
      continue;
    }
    const instText = r.__inst;
    const isNew = instText.toLowerCase() === "new";
    if (instText !== "" && !isNew && (!/^\d+$/.test(instText) || Number(instText) < 1)) {
      error(
        "bad_instance",
        "redcap_repeat_instance",
        `The record name (${r.__rec}) has an invalid value for 'redcap_repeat_instance'. The ` +
          `value must either be a positive integer or the value 'new'. Value provided: ` +
          instText,
        { ...where, value: instText },
      );
      continue;
    }
    if (r.__rec === "") {
      error("blank_record_id", id, "The record ID cannot be blank", where);
      continue;
    }
    if (ctx.problem === "repeating_event") {
      error(
        "bad_repeat_instrument",
        "redcap_repeat_instrument",
        `redcap_repeat_instrument must be left blank because the event '${ctx.resolved}' is a ` +
          `repeating event (all its instruments repeat together).`,
        { ...where, value: r.__ins },
      );
      continue;
    }
    if (ctx.problem === "not_repeating_form") {
      error("bad_repeat_instrument", "redcap_repeat_instrument", NOT_A_REPEATING_FORM, {
        ...where,
        value: r.__ins,
      });
      if (instText !== "") {
        error("not_repeating", "redcap_repeat_instance", NOT_REPEATING, {
          ...where,
          value: instText,
        });
      }
      continue;
    }
    if (!ctx.repeatForm && !ctx.repeatingEvent && instText !== "") {
      error("not_repeating", "redcap_repeat_instance", NOT_REPEATING, {
        ...where,
        value: instText,
      });
      continue;
    }
    if (!isNew && Number(instText) > MAX_INSTANCE) {
      error(
        "bad_instance",
        "redcap_repeat_instance",
        `redcap_repeat_instance must be a whole number from 1 to ${MAX_INSTANCE}`,
        { ...where, value: instText },
      );
    }
  }

  // DAG names.
  if (options.dags && columns.includes("redcap_data_access_group")) {
    const bad = keys.filter(
      pl.col("__dag").neq(pl.lit("")).and(isIn(pl.col("__dag"), [...options.dags]).not()),
    ).select("__row", "__rec", "__dag").toRecords() as {
      __row: number;
      __rec: string;
      __dag: string;
    }[];
    for (const r of bad) {
      error(
        "unknown_dag",
        "redcap_data_access_group",
        `The following values of redcap_data_access_group are not valid unique group names of ` +
          `this project: ${r.__dag}`,
        { record: r.__rec, value: r.__dag, row: r.__row },
      );
    }
  }

  // Duplicate keys (REDCap would merge them: the last non-blank value wins). Keys are
  // integers when each record's rows are contiguous (the usual case): hashing them is cheap.
  const ctxKeyIds = new Map<string, number>();
  const ctxKeys = contexts.map((x) => {
    const key = `${x.resolved}\u0001${x.instrument}`;
    if (!ctxKeyIds.has(key)) ctxKeyIds.set(key, ctxKeyIds.size);
    return ctxKeyIds.get(key)!;
  });
  const runStart = pl.col("__rec").neq(pl.col("__rec").shift(1)).fillNull(true);
  let contiguous = hints.contiguous;
  if (contiguous === undefined) {
    const runIds = keys.filter(runStart).getColumn("__rec").toArray() as string[];
    contiguous = new Set(runIds).size === runIds.length;
  }
  const instKey = typedInstance
    ? pl.col("__instTyped").fillNull(pl.lit(1)).cast(pl.Int64)
    : pl.when(inst.eq(pl.lit(""))).then(pl.lit(1)).otherwise(inst.cast(pl.Int64, false))
      .cast(pl.Int64);
  const ctxKey = ctxCol.replaceStrict(contexts.map((x) => x.id), ctxKeys, pl.lit(-1), pl.Int64);
  const dupKey = contiguous
    ? runStart.cast(pl.Int64).cumSum().cast(pl.Int64).mul(pl.lit(ctxKeyIds.size * 40000))
      .add(ctxKey.mul(pl.lit(40000))).add(instKey)
    : pl.concatString([pl.col("__rec"), ctxKey.cast(pl.String), instKey.cast(pl.String)], "\u0001");
  let dupMask = dupKey.isDuplicated().and(pl.col("__ok"));
  if (!typedInstance) dupMask = dupMask.and(inst.str.toLowerCase().neq(pl.lit("new")));
  const dups = withOk.filter(dupMask).select("__row", "__rec", "__ev", "__ins", instText, "__ctx")
    .toRecords() as {
      __row: number;
      __rec: string;
      __ev: string;
      __ins: string;
      __inst: string;
      __ctx: number;
    }[];
  const seenKeys = new Set<string>();
  for (const r of dups) {
    const key = JSON.stringify([r.__rec, ctxKeys[r.__ctx], r.__inst || "1"]);
    if (!seenKeys.has(key)) {
      seenKeys.add(key);
      continue;
    }
    error(
      "duplicate_key",
      id,
      `Row ${r.__row + 1} repeats record "${r.__rec}"` +
        (r.__ev ? ` in event "${r.__ev}"` : "") +
        (r.__ins ? `, instrument "${r.__ins}"` : "") +
        (r.__inst ? `, instance ${r.__inst}` : "") +
        `; REDCap would merge the rows (the last non-blank value wins)`,
      {
        record: r.__rec,
        value: r.__rec,
        row: r.__row,
        event: r.__ev,
        instrument: r.__ins,
        instance: r.__inst,
      },
    );
  }

  // --- values ------------------------------------------------------------------------------
  // Columns checked alike share one multi-column expression (building thousands of
  // single-column expressions costs more than running them).
  const missingCodes = dd.missingDataCodes.map((m) => m.code);
  const dtypes = new Map(raw.getColumns().map((x) => [x.name, x.dtype]));
  // Per form, once: rows outside its context (`__outN`) and rows inside it (`__inN`), both
  // among structurally sound rows.
  const formsOutside = new Map<string, number>();
  const outsideExprs: pl.Expr[] = [];
  for (const form of dd.forms) {
    const ids = contexts.filter((x) => !x.problem && x.outside.has(form.name)).map((x) => x.id);
    if (ids.length === 0) continue;
    const n = formsOutside.size;
    formsOutside.set(form.name, n);
    const outside = isIn(ctxCol, ids);
    outsideExprs.push(
      pl.col("__ok").and(outside).alias(`__out${n}`),
      pl.col("__ok").and(outside.not()).alias(`__in${n}`),
    );
  }
  const frame = withColumnsFrame(
    raw.withColumns(
      ...["__ctx", "__rec", "__ev", "__ins", instColumn, "__row"].map((k) => keys.getColumn(k)),
      withOk.getColumn("__ok"),
    ),
    ...outsideExprs,
  );
  const groups = new Map<string, { plan: ColumnPlan; dtype: pl.DataType; columns: string[] }>();
  for (const plan of plans) {
    const dtype = dtypes.get(plan.column)!;
    const field = plan.field;
    const key = JSON.stringify([
      plan.kind,
      plan.form,
      String(dtype),
      plan.kind === "value"
        ? [
          field.type,
          field.validation,
          field.min,
          field.max,
          field.annotation,
          field.choices.map((c) => c.code),
        ]
        : [],
    ]);
    const group = groups.get(key);
    if (group) group.columns.push(plan.column);
    else groups.set(key, { plan, dtype, columns: [plan.column] });
  }
  const maskExprs: pl.Expr[] = [];
  const maskOutputs: string[][] = [];
  for (const { plan, dtype, columns: cols } of groups.values()) {
    const text = isDtype(dtype, "String", "Utf8");
    const col = pl.cols(cols);
    // Typed wire columns (UInt8 Booleans, Int64, Float64 number_1dp, Date) are checked as
    // typed values; others as text.
    const c = text
      ? col
      : isDtype(dtype, "Datetime")
      ? col.dt.strftime(datetimeFormatOf(plan.field))
      : col.cast(pl.String);
    // Blank text ("") is not a value: such cells are let through here and dropped in JS.
    const present = col.isNotNull();
    const formIndex = formsOutside.get(plan.form);
    const bool01 = isDtype(dtype, "UInt8");
    if (formIndex !== undefined) {
      let bad = present.and(pl.col(`__out${formIndex}`));
      if (plan.kind === "checkbox") {
        bad = bad.and(
          text
            ? col.str.strip().neq(pl.lit("0"))
            : bool01
            ? col.neq(pl.lit(0))
            : isDtype(dtype, "Int")
            ? col.cast(pl.Int64).neq(pl.lit(0))
            : c.neq(pl.lit("0")),
        );
      }
      maskExprs.push(bad.fillNull(false).prefix("__o__"));
      maskOutputs.push(cols.map((x) => `__o__${x}`));
    }
    const inContext = formIndex !== undefined ? pl.col(`__in${formIndex}`) : pl.col("__ok");
    let valueBad: pl.Expr | undefined;
    const coded = plan.kind === "status" ||
      ["radio", "dropdown", "yesno", "truefalse", "select"].includes(plan.field.type);
    if (isDtype(dtype, "Categorical") && plan.kind !== "checkbox" && coded) {
      // A Categorical holds few distinct values: check those, flag rows only when one is bad.
      const allowed = new Set([
        ...(plan.kind === "status" ? ["0", "1", "2"] : plan.field.choices.map((x) => x.code)),
        ...(plan.kind === "value" && !/@NOMISSING\b/.test(plan.field.annotation)
          ? missingCodes
          : []),
      ]);
      const bad = new Set<string>();
      for (const name of cols) {
        for (const v of raw.getColumn(name).unique().toArray() as (string | null)[]) {
          if (v !== null && v !== "" && !allowed.has(v)) bad.add(v);
        }
      }
      if (bad.size > 0) valueBad = isIn(c, [...bad]);
    } else if (plan.kind === "status") {
      valueBad = isDtype(dtype, "Int")
        ? isIn(col, [0, 1, 2]).not()
        : isIn(c, ["0", "1", "2"]).not();
    } else if (plan.kind === "checkbox") valueBad = bool01 ? undefined : isIn(c, ["0", "1"]).not();
    else if (!isDtype(dtype, "Categorical") || !coded) {
      const field = plan.field;
      const allowMissing = text && missingCodes.length > 0 &&
        !/@NOMISSING\b/.test(field.annotation);
      const notMissing = allowMissing ? isIn(c, missingCodes).not() : undefined;
      const validation = field.validation.trim();
      const kind = dateKind(validation);
      if (["radio", "dropdown", "yesno", "truefalse", "select"].includes(field.type)) {
        const codes = field.choices.map((x) => x.code);
        if (isDtype(dtype, "Int")) {
          // Integer codes compare as numbers (no text per row).
          valueBad = isIn(col, codes.filter(isIntegerCode).map(Number)).not();
        } else if (!(bool01 && codes.includes("0") && codes.includes("1"))) {
          valueBad = isIn(c, codes).not();
          if (notMissing) valueBad = valueBad.and(notMissing);
        }
      } else if (checked(field)) {
        const range = rangeOf(field, now);
        const typedOk = (isDtype(dtype, "Int") &&
          (field.type === "slider" || ["integer", "number"].includes(validation))) ||
          (isDtype(dtype, "Float64") && ["number_1dp", "number"].includes(validation)) ||
          (isDtype(dtype, "Date") && kind === "date") ||
          (isDtype(dtype, "Datetime") && (kind === "datetime" || kind === "datetime_seconds"));
        let candidate: pl.Expr | undefined;
        if (typedOk) {
          // Valid by construction; only the range needs a look, and only when the column's
          // smallest or largest value is outside it.
          if (range && outOfRange(raw, cols, range, datetimeFormatOf(field))) {
            candidate = rangeExpr(range.numeric ? col : c, range, !range.numeric);
          }
        } else {
          const pattern = fastPattern(field, dateFormat);
          candidate = pattern ? c.str.contains(pattern).not() : pl.lit(true);
          if (pattern && kind) {
            // The regex passes impossible dates (2023-02-30): parse the date part too.
            candidate = candidate.or(
              c.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d").isNull(),
            );
          }
          if (range) candidate = candidate.or(rangeExpr(c, range, true));
        }
        if (field.type === "slider") {
          const v = c.cast(pl.Float64, false);
          const lo = field.min.trim() === "" ? 0 : Number(field.min);
          const hi = field.max.trim() === "" ? 100 : Number(field.max);
          const out = v.lt(pl.lit(lo)).or(v.gt(pl.lit(hi))).fillNull(true);
          candidate = candidate ? candidate.or(out) : out;
        }
        if (candidate) valueBad = notMissing ? candidate.and(notMissing) : candidate;
      }
    }
    if (valueBad) {
      maskExprs.push(present.and(valueBad).and(inContext).fillNull(false).prefix("__v__"));
      maskOutputs.push(cols.map((x) => `__v__${x}`));
    }
  }
  if (maskExprs.length === 0) return sortIssues(issues);
  // One pass of `any` per mask; masks with a hit are materialised afterwards.
  const anyFrame = selectFrame(frame, ...maskExprs.map((m) => m.any()));
  const anyValues = firstRow(anyFrame);
  const anyMask = new Map(frameColumns(anyFrame).map((n, i) => [n, anyValues[i] === true]));
  const hit = maskExprs.filter((_, i) => maskOutputs[i].some((n) => anyMask.get(n)));
  if (hit.length === 0) return sortIssues(issues);
  const masked = withColumnsFrame(frame, ...hit);
  const keyCols = ["__row", "__rec", "__ev", "__ins", "__ctx"];
  const rowsOf = (mask: string, column: string) =>
    selectFrame(
      filterFrame(masked, pl.col(mask)),
      ...keyCols.map((k) => pl.col(k)),
      instText,
      (isDtype(dtypes.get(column)!, "Datetime")
        ? pl.col(column).dt.strftime(datetimeFormatOf(dd.field(dd.columnInfo(column)?.field ?? "")))
        : pl.col(column).cast(pl.String)).alias("__value"),
    ).toRecords().filter((r) => r.__value !== "") as {
      __row: number;
      __rec: string;
      __ev: string;
      __ins: string;
      __inst: string;
      __ctx: number;
      __value: string;
    }[];
  const planMasks = plans.map((plan) => ({
    plan,
    outside: anyMask.get(`__o__${plan.column}`) ? `__o__${plan.column}` : undefined,
    value: anyMask.get(`__v__${plan.column}`) ? `__v__${plan.column}` : undefined,
  }));
  for (const { plan, outside, value } of planMasks) {
    const where = (r: ReturnType<typeof rowsOf>[number]) => ({
      record: r.__rec,
      field: plan.column,
      value: r.__value,
      row: r.__row,
      event: r.__ev,
      instrument: r.__ins,
      instance: r.__inst,
    });
    if (outside !== undefined) {
      for (const r of rowsOf(outside, plan.column)) {
        const ctx = contexts[r.__ctx];
        const kind = ctx.outside.get(plan.form)!;
        issues.push({
          ...where(r),
          code: kind,
          severity: "error",
          message: outsideMessage(kind, plan.target, plan.form, ctx.resolved, ctx.repeatForm),
        });
      }
    }
    if (value === undefined) continue;
    const field = plan.field;
    const meta = metadataOf(field);
    const force = /@FORCE-MINMAX\b/.test(field.annotation);
    const range = rangeOf(field, now);
    for (const r of rowsOf(value, plan.column)) {
      const v = r.__value;
      if (plan.kind === "status") {
        issues.push({
          ...where(r),
          code: "bad_form_status",
          severity: "error",
          message: INVALID_CATEGORY(plan.column),
        });
      } else if (plan.kind === "checkbox") {
        issues.push({
          ...where(r),
          code: "bad_checkbox",
          severity: "error",
          message: CHECKBOX_VALUE_MESSAGE,
        });
      } else if (!checked(field)) {
        issues.push({
          ...where(r),
          code: "not_a_choice",
          severity: "error",
          message: INVALID_CATEGORY(field.name),
        });
      } else {
        const result = checkTextValue(meta, v, dateFormat, now);
        if (result.error !== undefined) {
          issues.push({
            ...where(r),
            code: /outside the allowed range|must be an integer between/.test(result.error)
              ? "out_of_range"
              : badCode(field),
            severity: "error",
            message: result.error,
          });
        } else if (range && !force) {
          const x = comparable(result.value, range.type);
          const lo = range.min === undefined ? undefined : comparable(range.min, range.type);
          const hi = range.max === undefined ? undefined : comparable(range.max, range.type);
          if (x !== undefined && ((lo !== undefined && x < lo) || (hi !== undefined && x > hi))) {
            issues.push({
              ...where(r),
              code: "soft_range",
              severity: "warning",
              message: `The value is outside the suggested range (${range.min ?? ""} - ` +
                `${range.max ?? ""}) of this field; REDCap saves it with a warning`,
            });
          }
        }
      }
    }
  }
  return sortIssues(issues);
}

function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) =>
    (a.issue.row ?? -1) - (b.issue.row ?? -1) || a.i - b.i
  ).map((x) => x.issue);
}

/**
 * Checks a frame before import, without sending anything: the frame is serialised as
 * {@linkcode writeRecords} would send it (labels → codes, Booleans → 0/1, dates → ISO) and
 * checked as REDCap checks an import. Each issue names the record, field (column), value,
 * REDCap's message and a stable code; `severity: "warning"` marks values REDCap would accept
 * (soft min/max, read-only columns left out).
 *
 * @example A value outside the choices
 * ```ts
 * import { DataDictionary, validateRecords } from "denocap";
 * import pl from "nodejs-polars";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "sex", form_name: "f", field_type: "radio", select_choices_or_calculations: "0, Female | 1, Male" },
 * ]);
 * const issues = validateRecords(pl.DataFrame({ id: ["1", "2"], sex: ["Male", "9"] }), dd);
 * strictEqual(issues.length, 1);
 * strictEqual(issues[0].record, "2");
 * strictEqual(issues[0].code, "not_a_choice");
 * ```
 *
 * @param frame A typed frame (as `castRecords` gives) or a raw string frame.
 * @param dictionary The project's dictionary.
 * @param options Date order, DAG names, clock.
 * @returns Every issue, in row order (empty when REDCap would accept the frame as is).
 */
export function validateRecords(
  frame: pl.DataFrame,
  dictionary: DataDictionary,
  options: ValidateRecordsOptions = {},
): ImportIssue[] {
  const { raw, issues } = serializeFrame(frame, dictionary);
  return sortIssues([...issues, ...validateRawFrame(raw, dictionary, options)]);
}
