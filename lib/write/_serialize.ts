/**
 * Typed frame → REDCap's raw import shape, with Polars expressions only: every column becomes
 * text (`null` for blank) as REDCap would have exported it.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight } from "../api/_frame.ts";
import type { ImportIssue } from "./validate.ts";

/** What {@linkcode serializeFrame} returns. */
export interface SerializedFrame {
  /** Every column Utf8, blanks null, checkbox lists expanded, read-only columns dropped. */
  raw: pl.DataFrame;
  /** Problems met while serialising (unknown list items) and dropped read-only columns. */
  issues: ImportIssue[];
  /** The read-only columns left out of the payload. */
  dropped: string[];
}

const NUL = pl.lit(null).cast(pl.String);

/** `expr.isIn(values)`, false for an empty list (Polars cannot type an empty list literal). */
export function isIn(expr: pl.Expr, values: readonly (string | number)[]): pl.Expr {
  return values.length === 0 ? pl.lit(false) : expr.isIn([...values]);
}

/** Whether the server ignores a column on import (calculated, file, survey fields). */
export function readOnlyReason(
  dictionary: DataDictionary,
  column: string,
): string | undefined {
  if (column === "redcap_survey_identifier") return "survey identifiers cannot be imported";
  const info = dictionary.columnInfo(column);
  if (!info) return undefined;
  if (info.role === "timestamp") return "survey timestamps cannot be imported";
  if (info.role !== "field" || !info.field) return undefined;
  const field = dictionary.field(info.field)!;
  if (field.type === "calc" || /@CALC(TEXT|DATE)\s*\(/.test(field.annotation)) {
    return "calculated fields are computed by REDCap, never imported";
  }
  if (field.type === "file") {
    return "file fields are uploaded one file at a time (use importFiles)";
  }
  return undefined;
}

/** The number of decimals a `number_Ndp` validation fixes, else undefined. */
function fixedDecimals(field: FieldInfo | undefined): number | undefined {
  const match = /^number_(\d)dp/.exec(field?.validation.trim() ?? "");
  return match ? Number(match[1]) : undefined;
}

function commaDecimal(field: FieldInfo | undefined): boolean {
  return field?.typeInfo.decimalComma === true;
}

/** A float column as text: integral values without `.0`, others without float noise. */
function floatText(c: pl.Expr, field: FieldInfo | undefined): pl.Expr {
  const decimals = fixedDecimals(field);
  let out: pl.Expr;
  if (decimals === 1) {
    // Polars prints a float rounded to one decimal with exactly one (`2.0`, `83.9`).
    out = c.round(1).cast(pl.String);
  } else if (decimals !== undefined && decimals > 0) {
    // Exactly N decimals (`2.0` for number_1dp): scaled integer split into its parts.
    const scale = 10 ** decimals;
    const scaled = c.mul(pl.lit(scale)).round(0).cast(pl.Int64);
    const abs = scaled.abs();
    const frac = abs.modulo(pl.lit(scale)).cast(pl.Int64);
    const sign = pl.when(scaled.lt(pl.lit(0))).then(pl.lit("-")).otherwise(pl.lit(""));
    out = pl.concatString([
      sign,
      abs.sub(frac).cast(pl.Float64).div(pl.lit(scale)).round(0).cast(pl.Int64).cast(pl.String),
      pl.lit("."),
      frac.cast(pl.String).str.zFill(decimals),
    ], "");
  } else {
    const integral = c.eq(c.floor()).and(c.abs().lt(pl.lit(1e15)));
    out = pl.when(integral).then(c.cast(pl.Int64).cast(pl.String))
      .otherwise(c.round(12).cast(pl.String));
  }
  const finite = c.isFinite().fillNull(false);
  out = pl.when(finite).then(out).otherwise(NUL);
  if (commaDecimal(field)) out = out.str.replace(".", ",", true);
  return out.cast(pl.String);
}

/** Label → code for a coded column (one hash lookup a cell); codes and other values stay. */
function toCodes(text: pl.Expr, field: FieldInfo): pl.Expr {
  const codes = new Set(field.choices.map((c) => c.code));
  const labels = new Map<string, string>();
  for (const c of field.choices) {
    // A label that is also a code is read as the code.
    if (!codes.has(c.label) && !labels.has(c.label)) labels.set(c.label, c.code);
  }
  if (labels.size === 0) return text;
  return text.replace([...labels.keys()], [...labels.values()]).cast(pl.String);
}

/** Text of a Boolean column: `1`/`0`, null blank. */
function boolText(c: pl.Expr): pl.Expr {
  return c.cast(pl.UInt8).cast(pl.String);
}

function isDtype(dtype: pl.DataType, ...names: string[]): boolean {
  const s = String(dtype);
  return names.some((n) => s.includes(`(${n}`));
}

/**
 * Turns a typed frame (as `castRecords`/`labelRecords`/`readRecords` give it) or a raw string
 * frame into REDCap's raw import shape.
 *
 * @param frame The frame to write.
 * @param dictionary The project's dictionary.
 * @returns The raw frame, serialisation issues and dropped columns.
 */
export function serializeFrame(frame: pl.DataFrame, dictionary: DataDictionary): SerializedFrame {
  const issues: ImportIssue[] = [];
  const dropped: string[] = [];
  const exprs: pl.Expr[] = [];
  const listChecks: { field: FieldInfo; column: string; bad: pl.Expr }[] = [];
  const series = frame.getColumns();
  const names = new Set<string>();
  for (const s of series) {
    const name = s.name;
    const dtype = s.dtype;
    const c = pl.col(name);
    const reason = readOnlyReason(dictionary, name);
    if (reason !== undefined) {
      dropped.push(name);
      if (s.nullCount() < s.len()) {
        issues.push({
          record: "",
          field: name,
          value: "",
          message: `Column "${name}" is left out: ${reason}`,
          code: "read_only_field",
          severity: "warning",
        });
      }
      continue;
    }
    const info = dictionary.columnInfo(name);
    const field = info?.field ? dictionary.field(info.field) : dictionary.field(name);
    // A checkbox field as one List column of labels or codes → its `field___code` columns.
    if (isDtype(dtype, "List") && field?.type === "checkbox" && name === field.name) {
      const options = dictionary.checkboxColumns(field.name);
      for (const option of options) {
        const hit = c.lst.contains(option.code).or(c.lst.contains(option.label)).fillNull(false);
        exprs.push(
          pl.when(c.isNull()).then(NUL).when(hit).then(pl.lit("1")).otherwise(pl.lit("0"))
            .cast(pl.String).alias(option.column),
        );
        names.add(option.column);
      }
      const allowed = options.flatMap((o) => [o.code, o.label]);
      listChecks.push({
        field,
        column: name,
        bad: c.lst.eval(isIn(pl.element().cast(pl.String), allowed).not()).lst.sum()
          .gt(pl.lit(0)).fillNull(false),
      });
      continue;
    }
    names.add(name);
    let out: pl.Expr;
    if (isDtype(dtype, "Bool")) out = boolText(c);
    else if (isDtype(dtype, "Float")) out = floatText(c, field);
    else if (isDtype(dtype, "Int", "UInt")) out = c.cast(pl.String);
    else if (isDtype(dtype, "Datetime")) {
      const seconds = field?.typeInfo.seconds === true;
      out = c.dt.strftime(seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M");
    } else if (isDtype(dtype, "Date")) out = c.cast(pl.String);
    else if (isDtype(dtype, "List")) {
      out = c.cast(pl.List(pl.String)).lst.join(",");
    } else out = c.cast(pl.String);
    if (isDtype(dtype, "String", "Utf8", "Categorical")) {
      out = pl.when(out.eq(pl.lit(""))).then(NUL).otherwise(out).cast(pl.String);
    }
    if (
      field && info?.role !== "checkbox" && field.choices.length > 0 &&
      !isDtype(dtype, "Bool")
    ) {
      out = toCodes(out, field);
    }
    exprs.push(out.alias(name));
  }
  let raw = frameHeight(frame) === 0 && exprs.length === 0
    ? pl.DataFrame()
    : frame.select(...exprs);
  // Floats Polars prints in scientific notation (|x| < 1e-4 or huge): plain decimals in JS.
  const floatColumns = series.filter((s) => isDtype(s.dtype, "Float") && names.has(s.name))
    .map((s) => s.name);
  if (floatColumns.length > 0) raw = fixExponents(raw, floatColumns);
  if (listChecks.length > 0) {
    const id = dictionary.recordIdField;
    const hasId = frameColumns(frame).includes(id);
    const flagged = frame.withColumns(...listChecks.map((l, i) => l.bad.alias(`__bad${i}`)));
    listChecks.forEach((l, i) => {
      if (!flagged.getColumn(`__bad${i}`).any()) return;
      const rows = flagged.filter(pl.col(`__bad${i}`)).select(
        (hasId ? pl.col(id).cast(pl.String) : pl.lit("")).alias("record"),
        pl.col(l.column).cast(pl.List(pl.String)).lst.join(", ").alias("value"),
      ).toRecords() as { record: string; value: string }[];
      for (const row of rows) {
        issues.push({
          record: row.record ?? "",
          field: l.column,
          value: row.value,
          message: `The list holds an item that is neither a choice code nor a choice label of ` +
            `${l.field.name}`,
          code: "not_a_choice",
          severity: "error",
        });
      }
    });
  }
  return { raw, issues, dropped };
}

/** Rewrites `1e-7`-style cells of float columns as plain decimals (rare; done in JS). */
function fixExponents(raw: pl.DataFrame, columns: string[]): pl.DataFrame {
  const hasE = raw.select(
    ...columns.map((c) => pl.col(c).str.contains("e", true).fillNull(false).any().alias(c)),
  ).row(0);
  const replace: pl.Series[] = [];
  columns.forEach((c, i) => {
    if (!hasE[i]) return;
    const values = (raw.getColumn(c).toArray() as (string | null)[]).map((v) =>
      v !== null && /e/i.test(v) ? plainDecimal(v) : v
    );
    replace.push(pl.Series(c, values, pl.String));
  });
  return replace.length > 0 ? raw.withColumns(...replace) : raw;
}

/** `1e-7` → `0.0000001`, `1.5e+21` → `1500000000000000000000` (15 significant digits). */
export function plainDecimal(text: string): string {
  const comma = text.includes(",");
  const n = Number(text.replace(",", "."));
  if (!Number.isFinite(n)) return text;
  const [mantissa, exp] = n.toPrecision(15).split("e");
  let out: string;
  if (exp === undefined) out = mantissa;
  else {
    const e = Number(exp);
    const negative = mantissa.startsWith("-");
    let digits = mantissa.replace("-", "").replace(".", "");
    const point = (mantissa.replace("-", "").indexOf(".") < 0
      ? mantissa.replace("-", "").length
      : mantissa.replace("-", "").indexOf(".")) + e;
    if (point <= 0) digits = "0." + "0".repeat(-point) + digits;
    else if (point >= digits.length) digits = digits + "0".repeat(point - digits.length);
    else digits = digits.slice(0, point) + "." + digits.slice(point);
    out = (negative ? "-" : "") + digits;
  }
  if (out.includes(".")) out = out.replace(/0+$/, "").replace(/\.$/, "");
  return comma ? out.replace(".", ",") : out;
}
