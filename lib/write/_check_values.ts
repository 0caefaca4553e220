/**
 * The value checks of an import, as REDCap's import runs them: values in instruments the row's
 * context does not allow, choice codes, checkbox 0/1, form status, validation types, hard and
 * soft min/max. Columns checked alike share one Polars expression; only flagged cells reach the
 * exact check.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { filterFrame, firstRow, frameColumns, selectFrame, withColumnsFrame } from "../frame.ts";
import { checkTextValue, type DateFormat, dateKind } from "../dictionary/validate.ts";
import { datetimeFormatOf, isDtype, isIn, isIntegerCode } from "./_serialize.ts";
import type { ImportIssue } from "./_issues.ts";
import { outsideMessage } from "./_context.ts";
import {
  badCode,
  CHECKBOX_VALUE_MESSAGE,
  checked,
  comparable,
  fastPattern,
  INVALID_CATEGORY,
  metadataOf,
  outOfRange,
  rangeExpr,
  rangeOf,
} from "./_value_rules.ts";
import type { KeyRow, RowKeys } from "./_check_rows.ts";
import type { ColumnPlan } from "./_columns.ts";

/**
 * Checks every planned column's values (in rows whose structure is sound) and pushes the issues.
 *
 * @param raw The raw import frame.
 * @param dd The project's dictionary.
 * @param plans The data columns and what they hold.
 * @param rows The rows' keys and contexts.
 * @param dateFormat Order of date parts in text dates.
 * @param now The clock for `today`/`now` bounds.
 * @param issues Where issues go.
 */
export function checkValues(
  raw: pl.DataFrame,
  dd: DataDictionary,
  plans: readonly ColumnPlan[],
  rows: RowKeys,
  dateFormat: DateFormat,
  now: Date,
  issues: ImportIssue[],
): void {
  const { contexts, keys, withOk, instText, instColumn } = rows;
  const ctxCol = pl.col("__ctx");
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
  if (maskExprs.length === 0) return;
  // One pass of `any` per mask; masks with a hit are materialised afterwards.
  const anyFrame = selectFrame(frame, ...maskExprs.map((m) => m.any()));
  const anyValues = firstRow(anyFrame);
  const anyMask = new Map(frameColumns(anyFrame).map((n, i) => [n, anyValues[i] === true]));
  const hit = maskExprs.filter((_, i) => maskOutputs[i].some((n) => anyMask.get(n)));
  if (hit.length === 0) return;
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
    ).toRecords().filter((r) => r.__value !== "") as (KeyRow & { __value: string })[];
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
}
