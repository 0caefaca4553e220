/**
 * Typed frame → REDCap's raw import shape, with Polars expressions only: every column becomes
 * text (`null` for blank) as REDCap would have exported it.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import {
  filterFrame,
  firstRow,
  frameColumns,
  frameHeight,
  rechunkShort,
  selectFrame,
  withColumnsFrame,
} from "../frame.ts";
import type { ImportIssue } from "./_issues.ts";

/** What {@linkcode serializeFrame} returns. */
export interface SerializedFrame {
  /**
   * The wire frame: checkbox lists expanded, read-only columns dropped, every column in a
   * dtype whose CSV text is REDCap's raw value (Utf8; UInt8 for Booleans; Int64; Date;
   * Float64 for `number_1dp`). Blank is null or `""`. See {@linkcode wireToText}.
   */
  raw: pl.DataFrame;
  /** The `datetimeFormat` for `writeCSV` when Datetime columns were kept as Datetime. */
  datetimeFormat?: string;
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
  // On a Categorical this renames categories (fast) and stays Categorical.
  return text.replace([...labels.keys()], [...labels.values()]);
}

/** Whether a code is an integer as Polars prints it (`0`, `12`, `-9`; not `01` or `+1`). */
export function isIntegerCode(code: string): boolean {
  return /^(0|-?[1-9][0-9]{0,14})$/.test(code);
}

/**
 * A Categorical of labels or codes whose codes are all integers → an Int64 column of codes,
 * mapped through the few categories (no text per row). `undefined` when some category is
 * neither a label nor a code, or a code is not an integer.
 */
function categoricalCodes(
  frame: pl.DataFrame,
  name: string,
  field: FieldInfo,
): pl.Expr | undefined {
  if (!field.choices.every((c) => isIntegerCode(c.code))) return undefined;
  const codes = new Set(field.choices.map((c) => c.code));
  const byLabel = new Map<string, string>();
  for (const c of field.choices) if (!byLabel.has(c.label)) byLabel.set(c.label, c.code);
  const distinct = selectFrame(frame, pl.col(name).unique().alias("v")).filter(
    pl.col("v").isNotNull(),
  )
    .select(pl.col("v").cast(pl.String).alias("s"), pl.col("v").toPhysical().alias("p"));
  const texts = distinct.getColumn("s").toArray() as string[];
  const ids = distinct.getColumn("p").toArray() as number[];
  const mapped: number[] = [];
  for (const text of texts) {
    const code = codes.has(text) ? text : byLabel.get(text);
    if (code === undefined) return undefined;
    mapped.push(Number(code));
  }
  if (ids.length === 0) return pl.lit(null).cast(pl.Int64);
  return pl.col(name).toPhysical().replaceStrict(ids, mapped, pl.lit(null), pl.Int64);
}

/** Text of a Boolean column: `1`/`0`, null blank (for coded fields that are not yesno). */
function boolText(c: pl.Expr): pl.Expr {
  return c.cast(pl.UInt8).cast(pl.String);
}

/** Whether a dtype is one of the named kinds (`Float` matches Float32 and Float64). */
export function isDtype(dtype: pl.DataType, ...names: string[]): boolean {
  const s = String(dtype);
  return names.some((n) => s.includes(`(${n}`));
}

/**
 * How a float column can be written: *integral* (every value whole: as Int64), *fraction* (no
 * value whole: as Float64), or *text* (mixed, huge or not finite).
 */
function floatKind(s: pl.Series): "integral" | "fraction" | "text" {
  const c = pl.col(s.name);
  const [present, finite, whole, big] = selectFrame(
    pl.DataFrame([s]),
    c.isNotNull().sum().alias("a"),
    c.isFinite().fillNull(false).sum().alias("b"),
    c.eq(c.floor()).fillNull(false).sum().alias("c"),
    c.abs().gtEq(pl.lit(1e15)).fillNull(false).sum().alias("d"),
  ).row(0).map(Number);
  if (finite < present || big > 0) return "text";
  if (whole === present) return "integral";
  return whole === 0 ? "fraction" : "text";
}

/** The text form of a datetime field's values. */
export function datetimeFormatOf(field: FieldInfo | undefined): string {
  return field?.typeInfo.seconds === true ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M";
}

/**
 * The wire frame as text only (what REDCap would export): every column Utf8, blanks null.
 *
 * @param wire A frame from {@linkcode serializeFrame}.
 * @param datetimeFormat Its `datetimeFormat`.
 * @returns The same cells as text.
 */
export function wireToText(wire: pl.DataFrame, datetimeFormat?: string): pl.DataFrame {
  const series = wire.getColumns();
  if (series.every((s) => isDtype(s.dtype, "String", "Utf8"))) {
    return selectFrame(
      wire,
      ...series.map((s) =>
        pl.when(pl.col(s.name).eq(pl.lit(""))).then(NUL).otherwise(pl.col(s.name)).alias(s.name)
      ),
    );
  }
  return selectFrame(
    wire,
    ...series.map((s) => {
      if (isDtype(s.dtype, "Datetime")) {
        return pl.col(s.name).dt.strftime(datetimeFormat ?? "%Y-%m-%d %H:%M").alias(s.name);
      }
      if (isDtype(s.dtype, "String", "Utf8")) {
        const c = pl.col(s.name);
        return pl.when(c.eq(pl.lit(""))).then(NUL).otherwise(c).alias(s.name);
      }
      const c = pl.col(s.name).cast(pl.String);
      return pl.when(c.eq(pl.lit(""))).then(NUL).otherwise(c).alias(s.name);
    }),
  );
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
  frame = rechunkShort(frame);
  const issues: ImportIssue[] = [];
  const dropped: string[] = [];
  const exprs: pl.Expr[] = [];
  const listChecks: { field: FieldInfo; column: string; bad: pl.Expr }[] = [];
  const series = frame.getColumns();
  const names = new Set<string>();
  const stringFloats: string[] = [];
  const datetimeColumns: { name: string; format: string }[] = [];
  const exprIndex = new Map<string, number>();
  for (const s of series) {
    const name = s.name;
    const dtype = s.dtype;
    const c = pl.col(name);
    // `field__label` columns (readRecords/labelRecords with labels "both") repeat a coded
    // column as labels: the codes are written from the field's own column.
    const labelOf = name.endsWith("__label") ? dictionary.field(name.slice(0, -7)) : undefined;
    if (labelOf && labelOf.choices.length > 0 && frameColumns(frame).includes(labelOf.name)) {
      dropped.push(name);
      continue;
    }
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
    const validation = field?.validation.trim() ?? "";
    const numericText = field?.type === "slider" ||
      ["", "integer", "number", "number_comma_decimal"].includes(validation);
    if (isDtype(dtype, "Bool")) {
      // UInt8 prints as 1/0 in CSV: no text needed.
      out = field && info?.role !== "checkbox" && !["yesno", "truefalse"].includes(field.type)
        ? toCodes(boolText(c), field)
        : c.cast(pl.UInt8);
    } else if (isDtype(dtype, "Float")) {
      // Polars prints Float64 in CSV as plain decimals (`0.00001`, `83.9`, but `2.0`): keep
      // floats where that is REDCap's text, after rounding off float noise.
      const dp = fixedDecimals(field);
      const kind = commaDecimal(field) ? "text" : floatKind(s);
      if (kind !== "text" && dp === 1) out = c.cast(pl.Float64).round(1);
      else if (kind === "fraction" && dp === undefined) out = c.cast(pl.Float64).round(12);
      else if (kind === "integral" && dp === undefined) out = c.cast(pl.Int64);
      else {
        out = floatText(c, field);
        stringFloats.push(name);
      }
    } else if (isDtype(dtype, "Int", "UInt")) {
      out = numericText && !(field && field.choices.length > 0 && info?.role !== "checkbox")
        ? c
        : fixedDecimals(field) !== undefined
        ? floatText(c.cast(pl.Float64), field)
        : field && field.choices.length > 0
        ? toCodes(c.cast(pl.String), field)
        : c.cast(pl.String);
    } else if (isDtype(dtype, "Datetime")) {
      // Kept as Datetime and printed by the CSV writer when every datetime column wants the
      // same format (see `datetimeFormat`), else as text.
      const format = datetimeFormatOf(field);
      out = c;
      datetimeColumns.push({ name, format });
    } else if (isDtype(dtype, "Date")) out = c; // CSV prints dates as YYYY-MM-DD
    else {
      out = isDtype(dtype, "List")
        ? c.cast(pl.List(pl.String)).lst.join(",")
        : isDtype(dtype, "String", "Utf8", "Categorical")
        ? c
        : c.cast(pl.String);
      if (field && info?.role !== "checkbox" && field.choices.length > 0) {
        out = (isDtype(dtype, "Categorical") && categoricalCodes(frame, name, field)) ||
          toCodes(out, field);
      }
    }
    exprIndex.set(name, exprs.length);
    exprs.push(out.alias(name));
  }
  // The commonest datetime format is left to the CSV writer; other columns become text.
  let datetimeFormat: string | undefined;
  if (datetimeColumns.length > 0) {
    // Weighted by values: formatting text costs per value.
    const counts = new Map<string, number>();
    for (const { name, format } of datetimeColumns) {
      const s = frame.getColumn(name);
      counts.set(format, (counts.get(format) ?? 0) + s.len() - s.nullCount());
    }
    datetimeFormat = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    for (const { name, format } of datetimeColumns) {
      if (format === datetimeFormat) continue;
      exprs[exprIndex.get(name)!] = pl.col(name).dt.strftime(format).alias(name);
    }
  }
  let raw = frameHeight(frame) === 0 && exprs.length === 0
    ? pl.DataFrame()
    : selectFrame(frame, ...exprs);
  // Floats Polars prints in scientific notation (|x| < 1e-4 or huge): plain decimals in JS.
  if (stringFloats.length > 0) raw = fixExponents(raw, stringFloats);
  if (listChecks.length > 0) {
    const id = dictionary.recordIdField;
    const hasId = frameColumns(frame).includes(id);
    const flagged = withColumnsFrame(frame, ...listChecks.map((l, i) => l.bad.alias(`__bad${i}`)));
    listChecks.forEach((l, i) => {
      if (!flagged.getColumn(`__bad${i}`).any()) return;
      const rows = selectFrame(
        filterFrame(flagged, pl.col(`__bad${i}`)),
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
  return { raw, issues, dropped, datetimeFormat };
}

/** Rewrites `1e-7`-style cells of float columns as plain decimals (rare; done in JS). */
function fixExponents(raw: pl.DataFrame, columns: string[]): pl.DataFrame {
  const hasE = firstRow(selectFrame(
    raw,
    ...columns.map((c) => pl.col(c).str.contains("e", true).fillNull(false).any().alias(c)),
  ));
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
    if (point <= 0) {
      digits = "0." + "0".repeat(-point) + digits;
    } else if (point >= digits.length) {
      digits = digits + "0".repeat(point - digits.length);
    } else digits = digits.slice(0, point) + "." + digits.slice(point);
    out = (negative ? "-" : "") + digits;
  }
  if (out.includes(".")) out = out.replace(/0+$/, "").replace(/\.$/, "");
  return comma ? out.replace(".", ",") : out;
}
