/**
 * {@linkcode castRecords}: a flat raw export (all strings) to typed Polars columns, driven by the
 * data dictionary, with every value that does not cast reported rather than silently nulled.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import type { FieldTypeInfo } from "../dictionary/field_types.ts";
import { attachColumnLabels } from "./column_labels.ts";
import { categoryIdBound, categoryIds, mapCodes } from "./_codes.ts";
import { NativeExpr } from "./_native_expr.ts";
import {
  firstRow,
  frameColumns,
  frameDtypes,
  frameHeight,
  lazyFrame,
  rechunkShort,
  selectFrame,
} from "../frame.ts";

/** Options for {@linkcode castRecords}. */
export interface CastRecordsOptions {
  /** Radio, dropdown and form-status columns as Categorical of their *code*s, or radio,
   * dropdown, form-status, yesno and truefalse columns as Categorical of their *label*s (as
   * `labelRecords()` would label them); with *code*, yesno and truefalse are Boolean.
   * @default {"code"}
   */
  labels?: "code" | "label";
  /** Treat project missing-data codes (`UNK`, …) as missing: null in `data`, listed in
   * `missing`. With `false` they are cast like any other value (and so usually invalid).
   * @default {true}
   */
  missingDataCodes?: boolean;
  /** More values read as missing, reported in `missing` (with the value as its `code`) like
   * the project's missing-data codes: for every field (`["-99", "N/A"]`), or per field
   * (`{ weight: ["999"] }`). Fields tagged `@NOMISSING` take only the values given for them by
   * name. Checkbox, form-status and structural columns are never missing.
   * @default {[]}
   */
  naValues?: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /** Per-field type overrides: read a text, number, date or datetime field as another of
   * those kinds (`{ zipcode: "string", visit_code: "integer" }`). Values that do not cast are
   * still reported in `invalid`.
   * @default {{}}
   */
  types?: Readonly<Record<string, CastType>>;
}

/** The kinds a field can be read as with `castRecords({ types })`. */
export type CastType = "string" | "integer" | "number" | "date" | "datetime";

const CAST_TYPES: readonly CastType[] = ["string", "integer", "number", "date", "datetime"];

/** What {@linkcode castRecords} returns. */
export interface CastRecordsResult {
  /** The typed frame, same columns and rows as the input. */
  data: DataFrame;
  /** Every value that did not cast: `record, event, instance, field, form, value, reason`
   * (`field` is the export column, e.g. `race___1`). */
  invalid: DataFrame;
  /** Every missing-data code met: `record, event, instance, field, code`. */
  missing: DataFrame;
  /** One note per column read as text for a reason (unknown validation type, unknown column). */
  notes: string[];
}

type Kind =
  | "id"
  | "string"
  | "integer"
  | "number"
  | "date"
  | "datetime"
  | "time"
  | "boolean"
  | "categorical";

interface Plan {
  column: string;
  kind: Kind;
  form?: string;
  field?: string;
  info?: FieldTypeInfo;
  codes?: readonly { code: string; label: string }[];
  /** The values read as missing in this column (project codes and `naValues`). */
  naCodes: readonly string[];
  reason: string;
  /** For a checkbox column of a missing-data code: the code (a checked cell is reported). */
  checkboxMissingCode?: string;
  /** For a coded column read as Categorical: a bound on its category ids (its codes are
   * mapped by id). */
  idBound?: number;
}

const TIMES: Record<string, string> = {
  "HH:MM": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
  "HH:MM:SS": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
  "MM:SS": "^[0-5][0-9]:[0-5][0-9]$",
};
/** The survey timestamp of a partial response: REDCap's value, not an invalid one. */
const NOT_COMPLETED = "[not completed]";

/** What decides a column's missing values and type besides the dictionary. */
interface PlanOptions {
  /** The project's missing-data codes in use. */
  projectCodes: readonly string[];
  naValues?: CastRecordsOptions["naValues"];
  types?: CastRecordsOptions["types"];
}

/** The missing values of a field: project codes and global `naValues` unless `@NOMISSING`
 * (REDCap hides the missing-data buttons there), and the values given for it by name. */
function naCodesOf(field: FieldInfo, options: PlanOptions): string[] {
  const noMissing = /@NOMISSING\b/.test(field.annotation);
  const { naValues = [] } = options;
  const own = Array.isArray(naValues)
    ? []
    : (naValues as Readonly<Record<string, readonly string[]>>)[field.name] ?? [];
  const global = Array.isArray(naValues) ? naValues as readonly string[] : [];
  return [...new Set([...(noMissing ? [] : [...options.projectCodes, ...global]), ...own])];
}

function planColumn(
  column: string,
  dictionary: DataDictionary,
  notes: string[],
  options: PlanOptions = { projectCodes: [] },
): Plan {
  const info = dictionary.columnInfo(column);
  const base = { column, form: info?.form, field: info?.field, naCodes: [], reason: "" };
  if (!info) {
    notes.push(`Column "${column}" is not in the data dictionary: read as text`);
    return { ...base, kind: "string" };
  }
  if (info.role === "id") return { ...base, kind: "id" };
  if (info.role === "structural") {
    if (column === "redcap_repeat_instance") {
      return { ...base, kind: "integer", reason: "not an instance number" };
    }
    return { ...base, kind: "id" };
  }
  if (info.role === "timestamp") {
    return { ...base, kind: "datetime", reason: "not a survey timestamp" };
  }
  if (info.role === "checkbox") {
    const missingCode = dictionary.checkboxColumns(info.field!).find((c) => c.column === column)
      ?.missingCode;
    return {
      ...base,
      kind: "boolean",
      reason: "not a checkbox value (0 or 1)",
      checkboxMissingCode: missingCode ? info.code : undefined,
    };
  }
  const field = dictionary.field(info.field!)!;
  if (info.role === "form_status") {
    return {
      ...base,
      kind: "categorical",
      codes: field.choices,
      reason: "not a form status (0, 1, 2)",
    };
  }
  const override = options.types?.[field.name];
  const t = override ? { ...field.typeInfo, kind: override } : field.typeInfo;
  if (t.note && !override) notes.push(`Field "${field.name}": ${t.note}`);
  const plan = { ...base, info: t, naCodes: naCodesOf(field, options) };
  switch (t.kind) {
    case "integer":
      return { ...plan, kind: "integer", reason: "not an integer" };
    case "number":
      return {
        ...plan,
        kind: "number",
        reason: t.decimalComma ? "not a number (decimal comma)" : "not a number",
      };
    case "calc":
      return { ...plan, kind: "number", reason: "not a number (calc)" };
    case "date":
      return { ...plan, kind: "date", reason: "not a date (YYYY-MM-DD)" };
    case "datetime":
      return { ...plan, kind: "datetime", reason: "not a datetime (YYYY-MM-DD HH:MM[:SS])" };
    case "time":
      return { ...plan, kind: "time", reason: `not a time (${t.timeFormat})` };
    case "boolean":
      return {
        ...plan,
        kind: "boolean",
        codes: field.choices,
        reason: `not a ${field.type} value (0 or 1)`,
      };
    case "categorical":
      return {
        ...plan,
        kind: "categorical",
        codes: field.choices,
        reason: "not one of the field's choice codes",
      };
    default:
      return { ...plan, kind: "string" };
  }
}

/**
 * The typed expression of one column, null where the value does not cast. Whether a value is
 * invalid is then "present in the raw column but null in the typed one", so each value is
 * parsed once. Text only turns `""` into null. A datetime is parsed in its field's own
 * precision (minutes, or seconds for `datetime_seconds_*` and survey timestamps), or, when
 * **lenient**, in either; a date exactly as `YYYY-MM-DD`, or, when **lenient**, by Polars' ISO
 * cast.
 */
function castExpr(
  plan: Plan,
  raw: NativeExpr,
  options: Required<CastRecordsOptions>,
  lenient = false,
): NativeExpr {
  const when = NativeExpr.cases;
  switch (plan.kind) {
    case "id":
    case "string":
      return when([[raw.eq(""), NativeExpr.lit(null)]], raw).cast(pl.String);
    case "integer":
      return raw.cast(pl.Int64);
    case "number": {
      const text = plan.info?.decimalComma ? raw.strReplace(",", ".", true) : raw;
      const parsed = text.cast(pl.Float64);
      // NaN and infinities (e.g. a calc error) are not numbers REDCap would store.
      return when([[parsed.isFinite(), parsed]], null).cast(pl.Float64);
    }
    case "date": {
      // REDCap exports dates as `YYYY-MM-DD` (docs/performance.md). The length check keeps
      // either parse to ten characters. An exact parse is about a fifth faster than Polars'
      // own ISO cast (non-strict) but refuses padded values (`2024-01-5 `) the cast reads: a
      // column that loses values to it is cast again, **lenient**, as it always was.
      const ten = raw.strLengths().eq(10);
      const parsed = lenient ? raw.cast(pl.Date) : raw.strToDateExact("%Y-%m-%d");
      return when([[ten, parsed]], null).cast(pl.Date);
    }
    case "datetime": {
      // A failed parse is slow in Polars, so never parse with a format most values do not
      // have: one exact parse in the field's precision, or `HH:MM` values get `:00` first.
      if (!lenient) {
        return raw.strToDatetimeExact(seconds(plan) ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M");
      }
      const n = raw.strLengths();
      const full = when([[n.eq(16), raw.add(":00")], [n.eq(19), raw]], null).cast(pl.String);
      return full.strToDatetimeExact("%Y-%m-%d %H:%M:%S");
    }
    case "time": {
      // A null cell gives a null condition: the value stays null.
      const ok = raw.strContains(TIMES[plan.info?.timeFormat ?? "HH:MM"]);
      return when([[ok, raw]], null).cast(pl.String);
    }
    case "boolean":
      // yesno and truefalse fields as labels (checkbox columns have no codes here).
      if (options.labels === "label" && plan.codes?.length) {
        return mapCodes(raw, plan.codes, "label", plan.idBound);
      }
      return when([
        [raw.eq("1"), NativeExpr.lit(true)],
        [raw.eq("0"), NativeExpr.lit(false)],
      ], null).cast(pl.Bool);
    case "categorical":
      return mapCodes(raw, plan.codes ?? [], options.labels, plan.idBound);
  }
}

/** Whether a datetime column's values have seconds (survey timestamps do). */
function seconds(plan: Plan): boolean {
  return plan.info?.seconds ?? !plan.field;
}

/** How missing codes apply to a column: `codes`, `not_completed`, `checkbox`, or `""`. */
function missingKind(plan: Plan, options: Required<CastRecordsOptions>): string {
  if (plan.checkboxMissingCode !== undefined) return options.missingDataCodes ? "checkbox" : "";
  if (plan.naCodes.length > 0) return "codes";
  if (plan.kind === "datetime" && !plan.field) return "not_completed";
  return "";
}

/** Up to this many values, {@linkcode oneOf} compares rather than looks up. */
const FEW_VALUES = 4;

/**
 * `raw.isIn(values)` (null for a null cell, read as false by a condition). A few values are
 * compared one by one: a comparison reads the length and first bytes Polars keeps inline with
 * each string, nearly twice as fast over a column as `isIn`, which hashes every value.
 */
function oneOf(raw: NativeExpr, values: readonly string[]): NativeExpr {
  if (values.length === 0 || values.length > FEW_VALUES) return raw.isIn(values);
  return values.slice(1).reduce((found, v) => found.or(raw.eq(v)), raw.eq(values[0]));
}

/** Cells holding a missing-data code (or a checked missing-code option, or `[not completed]`);
 * null for a null cell, which a condition reads as false. */
function missingMask(
  plan: Plan,
  raw: NativeExpr,
  options: Required<CastRecordsOptions>,
): NativeExpr | undefined {
  switch (missingKind(plan, options)) {
    case "checkbox":
      return raw.eq("1");
    case "codes":
      return oneOf(raw, plan.naCodes);
    case "not_completed":
      return raw.eq(NOT_COMPLETED);
    default:
      return undefined;
  }
}

const INVALID_SCHEMA = {
  record: pl.String,
  event: pl.String,
  instance: pl.Int64,
  field: pl.String,
  form: pl.String,
  value: pl.String,
  reason: pl.String,
};
const MISSING_SCHEMA = {
  record: pl.String,
  event: pl.String,
  instance: pl.Int64,
  field: pl.String,
  code: pl.String,
};

/** A row-number column name no REDCap field has (field names start with a letter). */
const ROW = "_row";

/** Up to this many columns, a report is one filter per column (kernels a cast has already
 * run); beyond, one unpivot of all of them. */
const FEW_COLUMNS = 8;

/** The cells of one column a report lists: **where** (true on the reported rows, which have a
 * **value**). */
interface Reported {
  column: string;
  where: NativeExpr;
  value: NativeExpr;
}

/**
 * One row per reported cell, as `record, event, instance, field, <valueName>`, column by column
 * in row order, in one query however many columns report (a query per column costs more than
 * the search on wide frames). Few columns are filtered one by one and stacked; many are
 * unpivoted, and the keys gathered for the reported rows only.
 */
function longReport(
  strings: pl.DataFrame,
  dictionary: DataDictionary,
  values: Reported[],
  valueName: string,
): pl.DataFrame {
  const has = new Set(frameColumns(strings));
  // A key column the frame lacks is a null literal.
  const keys = (at: (column: string) => NativeExpr) => {
    const key = (column: string) => has.has(column) ? at(column) : NativeExpr.lit(null);
    return [
      key(dictionary.recordIdField).cast(pl.String).alias("record"),
      key("redcap_event_name").cast(pl.String).alias("event"),
      key("redcap_repeat_instance").cast(pl.String).cast(pl.Int64).alias("instance"),
    ].map((e) => e.arg());
  };
  if (values.length <= FEW_COLUMNS) {
    const lazy = lazyFrame(strings);
    const key = keys(NativeExpr.col);
    return pl.concat(
      values.map(({ column, where, value }) =>
        lazy.filter(where.arg()).select(
          ...key,
          NativeExpr.lit(column).alias("field").arg(),
          value.alias(valueName).arg(),
        )
      ),
      { how: "vertical" },
    ).collectSync();
  }
  const numbered = lazyFrame(strings).withRowIndex(ROW);
  const found = numbered
    .select(
      pl.col(ROW),
      ...values.map(({ column, where, value }) =>
        NativeExpr.cases([[where, value]], null).alias(column).arg()
      ),
    )
    .unpivot(ROW, values.map(({ column }) => column), { variableName: "field", valueName })
    .filter(pl.col(valueName).isNotNull())
    .collectSync();
  const rows = found.getColumn(ROW);
  const keyed = numbered.select(
    // The row numbers set the length (a null literal key would give one row).
    NativeExpr.col(ROW).gather(rows).arg(),
    ...keys((column) => NativeExpr.col(column).gather(rows)),
  ).collectSync();
  return pl.concat([keyed.drop(ROW), found.drop(ROW)], { how: "horizontal" });
}

/**
 * Casts a flat raw export (a string frame) to typed columns using the dictionary:
 *
 * - record ids, `redcap_event_name`, `redcap_repeat_instrument`, DAG, text, notes, file names
 *   (and `@CALCTEXT`, `sql`, unknown validation types, with a note) stay strings; blank → null;
 * - integer and slider → Int64; number, `number_Ndp`, calc → Float64; comma-decimal
 *   validations read `1,54` as 1.54;
 * - dates (any of ymd/mdy/dmy: raw exports are ISO) → Date; datetimes and survey timestamps →
 *   Datetime(ms), parsed in the field's precision (minutes, or seconds for `datetime_seconds_*`
 *   and survey timestamps) and, where a value has the other one, in that (`:00` added);
 * - **time fields stay `HH:MM` / `HH:MM:SS` / `MM:SS` strings**, validated (Polars has no
 *   time-of-day type that round-trips cleanly in nodejs-polars);
 * - yesno, truefalse, checkbox columns → Boolean (blank, as where a form is not designated → null);
 * - radio, dropdown, `{form}_complete` → Categorical of codes (or labels with **labels** *label*);
 * - `redcap_repeat_instance` → Int64.
 *
 * A value that does not cast is null in `data` and one row of `invalid`. A project missing-data
 * code (or a survey's `[not completed]`) is null in `data` and one row of `missing`. Everything
 * is done with vectorised Polars expressions.
 *
 * @example Cast a small export
 * ```ts
 * import { castRecords, DataDictionary } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text" },
 *   { field_name: "age", form_name: "f", field_type: "text", text_validation_type_or_show_slider_number: "integer" },
 * ], { projectInfo: { missing_data_codes: "UNK, Unknown" } });
 * const raw = pl.DataFrame({ id: ["1", "2", "3"], age: ["40", "UNK", "forty"], f_complete: ["2", "0", "0"] });
 * const { data, invalid, missing } = castRecords(raw, dd);
 * deepStrictEqual(data.getColumn("age").toArray(), [40, null, null]);
 * strictEqual(invalid.getColumn("value").toArray()[0], "forty");
 * strictEqual(missing.getColumn("code").toArray()[0], "UNK");
 * ```
 *
 * @param df A flat raw export (`type=flat`, `rawOrLabel=raw`), columns of any dtype.
 * @param dictionary The project's dictionary.
 * @param options Label mode and missing-code handling.
 * @returns The typed frame, the values that did not cast, and the missing-data codes met.
 */
export function castRecords(
  df: DataFrame,
  dictionary: DataDictionary,
  options: CastRecordsOptions = {},
): CastRecordsResult {
  const resolved: Required<CastRecordsOptions> = {
    labels: options.labels ?? "code",
    missingDataCodes: options.missingDataCodes ?? true,
    naValues: options.naValues ?? [],
    types: options.types ?? {},
  };
  checkCastOptions(dictionary, resolved);
  const codes = resolved.missingDataCodes ? dictionary.missingDataCodes.map((m) => m.code) : [];
  const columns = frameColumns(df);
  const categorical = frameDtypes(df).map((d) => d.equals(pl.Categorical));
  const { plans, typedExprs, text, notes: planNotes } = castPlan(
    columns,
    categorical,
    categoryIdBound(df, columns.filter((_, i) => categorical[i])),
    dictionary,
    resolved,
    codes,
  );
  const strings = rechunkShort(asStrings(df, plans));
  const notes = [...planNotes];
  // Empty text is blank (null); a column without any is kept without a copy.
  const empty = text.length > 0
    ? firstRow(selectFrame(strings, NativeExpr.cols(text).eq("").expr().any()))
    : [];
  const emptied = text.filter((_, i) => empty[i] === true);
  const kept = text.filter((_, i) => empty[i] !== true);
  const textExprs = [
    ...(kept.length > 0 ? [pl.cols(kept)] : []),
    ...(emptied.length > 0
      ? [castExpr({ kind: "string" } as Plan, NativeExpr.cols(emptied), resolved).keepName().arg()]
      : []),
  ];
  let data = selectFrame(
    selectFrame(strings, ...typedExprs, ...textExprs),
    ...frameColumns(strings),
  );

  // Values lost by the cast (present raw, null typed) are missing-data codes or invalid values:
  // null counts are free, so only columns that lost values are searched (and checkbox options
  // of a missing code that are checked somewhere: they lose nothing, and a checked one is
  // reported). Each report is one query; the missing codes it finds per column tell which
  // columns lost invalid values too.
  const rawNulls = firstRow(strings.nullCount());
  const typedNulls = firstRow(data.nullCount());
  const lost = plans.map((_, i) => Number(typedNulls[i]) - Number(rawNulls[i]));
  const checked = new Set(
    plans.filter((plan) =>
      plan.checkboxMissingCode !== undefined && data.getColumn(plan.column).any()
    ).map((plan) => plan.column),
  );
  const masks = new Map<number, NativeExpr>();
  const missingValues: Reported[] = [];
  plans.forEach((plan, i) => {
    if (lost[i] <= 0 && !checked.has(plan.column)) return;
    const raw = NativeExpr.col(plan.column);
    const mask = missingMask(plan, raw, resolved);
    if (!mask) return;
    masks.set(i, mask);
    const code = plan.checkboxMissingCode !== undefined
      ? NativeExpr.lit(plan.checkboxMissingCode)
      : raw;
    missingValues.push({ column: plan.column, where: mask, value: code.cast(pl.String) });
  });
  const missing = missingValues.length > 0
    ? longReport(strings, dictionary, missingValues, "code")
    : pl.DataFrame({}, { schema: MISSING_SCHEMA });
  // Missing-data codes nulled the values they replace; what else was lost is invalid.
  const met = new Map<string, number>(
    frameHeight(missing) > 0
      ? (missing.getColumn("field").valueCounts().toRecords() as Record<string, unknown>[])
        .map((row) => [String(row.field), Number(row.count)])
      : [],
  );
  // Datetimes were parsed in their field's own precision, dates exactly: a datetime column
  // that lost more than its missing codes is cast again taking minutes or seconds (a value
  // stored before its field's validation changed), a date column with Polars' ISO cast (which
  // reads padded values such as `2024-01-5 `), and only what that loses is invalid.
  const relaxed = plans.flatMap((plan, i) =>
    (plan.kind === "datetime" || plan.kind === "date") && lost[i] > (met.get(plan.column) ?? 0)
      ? [i]
      : []
  );
  if (relaxed.length > 0) {
    const again = selectFrame(
      strings,
      ...relaxed.map((i) =>
        typedExpr(plans[i], NativeExpr.col(plans[i].column), resolved, true)!
          .alias(plans[i].column).arg()
      ),
    );
    data = data.withColumns(...again.getColumns());
    const nulls = firstRow(data.nullCount());
    for (const i of relaxed) lost[i] = Number(nulls[i]) - Number(rawNulls[i]);
  }
  const invalidValues: Reported[] = [];
  plans.forEach((plan, i) => {
    const nulled = plan.checkboxMissingCode !== undefined ? 0 : met.get(plan.column) ?? 0;
    if (lost[i] - nulled <= 0) return;
    const raw = NativeExpr.col(plan.column);
    let bad = raw.neq("").fillNull(false).and(castExpr(plan, raw, resolved, true).isNull());
    const mask = masks.get(i);
    if (mask) bad = bad.and(mask.not());
    invalidValues.push({ column: plan.column, where: bad, value: raw.cast(pl.String) });
  });
  let invalid: pl.DataFrame = pl.DataFrame({}, { schema: INVALID_SCHEMA });
  if (invalidValues.length > 0) {
    const reported = new Map(plans.map((plan) => [plan.column, plan]));
    const columns = invalidValues.map(({ column }) => column);
    const of = (pick: (plan: Plan) => string | undefined) =>
      pl.col("field").replaceStrict(
        columns,
        pl.lit(pl.Series("to", columns.map((c) => pick(reported.get(c)!) ?? null), pl.String)),
        pl.lit(null),
        pl.String,
      );
    invalid = longReport(strings, dictionary, invalidValues, "value").withColumns(
      of((plan) => plan.form).alias("form"),
      of((plan) => plan.reason).alias("reason"),
    ).select(...Object.keys(INVALID_SCHEMA));
  }
  attachColumnLabels(data, dictionary.columnLabels());
  return { data, invalid, missing, notes };
}

/** Refuses `types` and `naValues` naming fields the dictionary has not, or a type change of a
 * coded field. */
function checkCastOptions(dictionary: DataDictionary, options: Required<CastRecordsOptions>) {
  for (const [name, type] of Object.entries(options.types)) {
    const field = dictionary.field(name);
    if (!field) throw new RangeError(`Cannot cast records: types names "${name}", not a field`);
    if (!CAST_TYPES.includes(type)) {
      throw new RangeError(
        `Cannot cast records: types.${name} must be one of ${CAST_TYPES.join(", ")}, got ${
          JSON.stringify(type)
        }`,
      );
    }
    if (!CAST_TYPES.includes(field.typeInfo.kind as CastType) && field.typeInfo.kind !== "calc") {
      throw new RangeError(
        `Cannot cast records: types.${name}: "${name}" is a ${field.type} field (only text, number, date and calc fields change type)`,
      );
    }
  }
  const { naValues } = options;
  if (!Array.isArray(naValues)) {
    for (const name of Object.keys(naValues)) {
      if (!dictionary.field(name)) {
        throw new RangeError(`Cannot cast records: naValues names "${name}", not a field`);
      }
    }
  }
}

/**
 * Whether any of `values` (missing-data codes) may cast to a value under the plan, so must be
 * masked. Text keeps every value; a choice field keeps its codes; other kinds only parse
 * values with a digit (numbers, dates, times, `0`/`1`; Polars' `inf`/`NaN` are not finite and
 * already null). A value that cannot cast needs no mask; masking one that cannot is harmless.
 */
function mayCast(plan: Plan, values: readonly string[]): boolean {
  if (values.length === 0) return false;
  if (plan.kind === "id" || plan.kind === "string") return true;
  if (plan.kind === "categorical") {
    return values.some((v) => (plan.codes ?? []).some((c) => c.code === v));
  }
  return values.some((v) => /[0-9]/.test(v));
}

/** What {@linkcode castRecords} builds from the columns alone: per dictionary, per columns. */
interface CastPlan {
  plans: Plan[];
  typedExprs: pl.Expr[];
  /** Text columns with nothing to mask: kept as they are unless they hold empty strings. */
  text: string[];
  notes: string[];
}

const CAST_PLANS = new WeakMap<DataDictionary, Map<string, CastPlan>>();

/**
 * The plan of every column and the typed expressions, built once per dictionary and column
 * list (a batched read casts the same columns batch after batch).
 */
function castPlan(
  columns: readonly string[],
  categorical: readonly boolean[],
  idBound: number | undefined,
  dictionary: DataDictionary,
  resolved: Required<CastRecordsOptions>,
  codes: readonly string[],
): CastPlan {
  let cache = CAST_PLANS.get(dictionary);
  if (!cache) CAST_PLANS.set(dictionary, cache = new Map());
  const cacheKey = JSON.stringify([columns, categorical, idBound, resolved]);
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const notes: string[] = [];
  const planOptions = { projectCodes: codes, naValues: resolved.naValues, types: resolved.types };
  const plans = columns.map((c, i) => {
    const plan = planColumn(c, dictionary, notes, planOptions);
    // asStrings keeps a coded Categorical column as it is.
    return categorical[i] && isCoded(plan) && idBound ? { ...plan, idBound } : plan;
  });
  // Columns cast alike share one multi-column expression: building thousands of single-column
  // expressions costs more than the cast itself on wide projects.
  const groups = new Map<string, { plan: Plan; columns: string[] }>();
  for (const plan of plans) {
    const key = JSON.stringify([
      plan.kind,
      plan.info?.decimalComma ?? false,
      plan.info?.timeFormat ?? "",
      plan.kind === "datetime" && seconds(plan),
      (plan.codes ?? []).map((c) => [c.code, c.label]),
      missingKind(plan, resolved),
      plan.naCodes,
      plan.idBound ?? 0,
    ]);
    const group = groups.get(key);
    if (group) group.columns.push(plan.column);
    else groups.set(key, { plan, columns: [plan.column] });
  }
  // The category ids of every code and label, in one query.
  categoryIds(
    plans.flatMap((p) => p.idBound ? (p.codes ?? []).flatMap((c) => [c.code, c.label]) : []),
  );
  const typedExprs: pl.Expr[] = [];
  const text: string[] = [];
  for (const { plan, columns } of groups.values()) {
    const typed = typedExpr(plan, NativeExpr.cols(columns), resolved);
    if (typed) typedExprs.push(typed.keepName().arg());
    else text.push(...columns);
  }
  const plan = { plans, typedExprs, text, notes };
  if (cache.size > 16) cache.clear();
  cache.set(cacheKey, plan);
  return plan;
}

/**
 * The typed expression of `raw`, missing-data codes masked to null where they would cast to a
 * value (text, or a numeric code in a number field; elsewhere the cast already gives null);
 * `undefined` for text with nothing to mask, which is kept as it is.
 */
function typedExpr(
  plan: Plan,
  raw: NativeExpr,
  resolved: Required<CastRecordsOptions>,
  lenient = false,
): NativeExpr | undefined {
  const codes = plan.naCodes;
  const kind = missingKind(plan, resolved);
  const masks = mayCast(
    plan,
    kind === "codes" ? codes : kind === "not_completed" ? [NOT_COMPLETED] : [],
  );
  const text = plan.kind === "id" || plan.kind === "string";
  if (!masks) return text ? undefined : castExpr(plan, raw, resolved, lenient);
  // Text: blank and missing-data codes are null alike, in one look-up.
  if (text) {
    return NativeExpr.cases([[oneOf(raw, [...codes, ""]), NativeExpr.lit(null)]], raw)
      .cast(pl.String);
  }
  const missing = missingMask(plan, raw, resolved)!;
  return NativeExpr.cases([[missing, NativeExpr.lit(null)]], castExpr(plan, raw, resolved, lenient))
    .cast(dtypeOf(plan, resolved));
}

function dtypeOf(plan: Plan, options: Required<CastRecordsOptions>): pl.DataType {
  if (plan.kind === "boolean" && options.labels === "label" && plan.codes?.length) {
    return pl.Categorical;
  }
  switch (plan.kind) {
    case "integer":
      return pl.Int64;
    case "number":
      return pl.Float64;
    case "date":
      return pl.Date;
    case "datetime":
      return pl.Datetime("ms");
    case "boolean":
      return pl.Bool;
    case "categorical":
      return pl.Categorical;
    default:
      return pl.String;
  }
}

/** Whether a column's values are codes (choice, yesno, truefalse, form status, checkbox). */
function isCoded(plan: Plan): boolean {
  return plan.kind === "categorical" || plan.kind === "boolean";
}

/**
 * The columns of `columns` whose values are codes, which `castRecords()` reads as well from
 * Categorical columns as from text: `parseRedcapCsv(body, content, undefined, coded)` stores
 * them once per distinct value, which is cheaper to read, to keep and to cast.
 *
 * @param dictionary The project's dictionary.
 * @param columns An export's columns.
 * @returns The coded ones, in order.
 */
export function codedColumns(dictionary: DataDictionary, columns: readonly string[]): string[] {
  return columns.filter((column) => isCoded(planColumn(column, dictionary, [])));
}

/**
 * The frame with every column as text, as REDCap would have written it: integral floats (from
 * JSON numbers) without `.0`, Booleans as `1`/`0`; a coded column read as Categorical stays
 * Categorical (the same text).
 */
function asStrings(df: pl.DataFrame, plans: readonly Plan[]): pl.DataFrame {
  const dtypes = frameDtypes(df);
  const kept = (d: pl.DataType, i: number) =>
    d.equals(pl.String) || (d.equals(pl.Categorical) && isCoded(plans[i]));
  if (dtypes.every(kept)) return df;
  return selectFrame(
    df,
    ...frameColumns(df).map((c, i) => {
      const d = dtypes[i];
      const col = pl.col(c);
      if (kept(d, i)) return col;
      if (d.equals(pl.Float64) || d.equals(pl.Float32)) {
        return pl.when(col.eq(col.floor())).then(col.cast(pl.Int64).cast(pl.String))
          .otherwise(col.cast(pl.String)).alias(c);
      }
      if (d.equals(pl.Bool)) {
        return pl.when(col).then(pl.lit("1")).when(col.not()).then(pl.lit("0")).otherwise(
          pl.lit(null),
        )
          .cast(pl.String).alias(c);
      }
      return col.cast(pl.String).alias(c);
    }),
  );
}
