/**
 * EAV ↔ flat: {@linkcode pivotEav} turns REDCap's long `type=eav` rows into exactly the frame a
 * flat raw export gives; {@linkcode toEav} turns a flat frame into REDCap's EAV import shape.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight, selectFrame } from "../frame.ts";

const EVENT = "redcap_event_name";
const INSTRUMENT = "redcap_repeat_instrument";
const INSTANCE = "redcap_repeat_instance";

function text(df: pl.DataFrame, column: string): pl.Expr {
  return frameColumns(df).includes(column)
    ? pl.col(column).cast(pl.String).fillNull(pl.lit("")).str.strip().alias(column)
    : pl.lit("").alias(column);
}

/** Index of each string in `values` (for sorting by dictionary order); unknown → `fallback`. */
function orderOf(expr: pl.Expr, values: string[], fallback: number): pl.Expr {
  if (values.length === 0) return pl.lit(fallback).cast(pl.Int64);
  return expr.replaceStrict(values, values.map((_, i) => i), pl.lit(fallback), pl.Int64);
}

/** Options for {@linkcode pivotEav}. */
export interface PivotEavOptions {
  /** Leave out the rows REDCap's flat export leaves out: an event's base row holding nothing
   * but the record id when repeat instances of that event follow it. By default every row the
   * record id makes is kept.
   * @default {false}
   */
  flatRows?: boolean;
  /** Take off the TAB REDCap's EAV CSV puts before values starting with `=`, `-`, `+` or `@`
   * (CSV-injection escaping).
   * @default {false}
   */
  unescapeCsv?: boolean;
}

/**
 * Pivots REDCap EAV rows (`record, field_name, value` plus `redcap_event_name`,
 * `redcap_repeat_instrument`, `redcap_repeat_instance` when the project has them) into the
 * frame a flat raw export (`type=flat`, all fields) gives, as read by
 * `pl.readCSV(text, { inferSchemaLength: 0 })`: all columns Utf8, blanks null.
 *
 * - Checkbox rows may be export rows (`field_name=race, value=3`) or import rows
 *   (`field_name=race___3, value=1|0`); unchecked options become `"0"` where the form belongs to
 *   the row (designated for its event, and repeating or not as the row is), blank elsewhere.
 * - `{form}_complete` defaults to `"0"` where the form belongs to the row.
 * - Columns in export order; rows by record (first appearance in the EAV), then event order,
 *   then the non-repeating row before repeating instruments (form order), then instance.
 * - Rows holding only the record-id field still make a flat row (REDCap stores the id as data),
 *   unless **flatRows** asks for the flat export's rows.
 *
 * @example Pivot one record
 * ```ts
 * import { DataDictionary, pivotEav } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "record_id", form_name: "f", field_type: "text" },
 *   { field_name: "race", form_name: "f", field_type: "checkbox", select_choices_or_calculations: "1, A | 2, B | 3, C" },
 * ]);
 * const eav = pl.DataFrame({ record: ["1", "1"], field_name: ["record_id", "race"], value: ["1", "3"] });
 * deepStrictEqual(pivotEav(eav, dd).toRecords(), [
 *   { record_id: "1", race___1: "0", race___2: "0", race___3: "1", f_complete: "0" },
 * ]);
 * ```
 *
 * @param eav EAV rows; extra columns are ignored.
 * @param dictionary The project's dictionary.
 * @param options Whether to keep only the flat export's rows, and to unescape CSV values.
 * @returns The flat frame.
 * @throws {RangeError} For a field or checkbox code the dictionary does not know.
 */
export function pivotEav(
  eav: DataFrame,
  dictionary: DataDictionary,
  options: PivotEavOptions = {},
): DataFrame {
  for (const c of ["record", "field_name", "value"]) {
    if (!eav.columns.includes(c)) {
      throw new TypeError(`Cannot pivot EAV: the frame has no "${c}" column`);
    }
  }
  if (dictionary.longitudinal && !eav.columns.includes(EVENT) && eav.height > 0) {
    throw new TypeError(
      `Cannot pivot EAV: the project is longitudinal but the frame has no "${EVENT}" column`,
    );
  }
  const plan = pivotPlan(dictionary);
  const { id, idSlot } = plan;
  // One pass: keys as text, blanks dropped (the id row stays), every row's slot: its target
  // column's index (checkbox export rows `race=3` → `race___3`, value `1`), the id row
  // `idSlot`, anything else null.
  const cbSlot = plan.cbKeys.length > 0
    ? pl.concatString([pl.col("field_name"), pl.col("value")], "\u001f")
      .replaceStrict(plan.cbKeys, plan.cbTargets, pl.lit(null), pl.UInt32)
    : pl.lit(null).cast(pl.UInt32);
  const value = options.unescapeCsv
    ? pl.when(pl.col("value").str.contains("^\t[-=+@]")).then(pl.col("value").str.slice(1))
      .otherwise(pl.col("value"))
    : pl.col("value");
  const keyCols = ["record", EVENT, INSTRUMENT, INSTANCE];
  const long = eav.lazy().select(
    pl.col("record").cast(pl.String),
    text(eav, EVENT),
    text(eav, INSTRUMENT),
    text(eav, INSTANCE),
    pl.col("field_name").cast(pl.String),
    value.cast(pl.String).alias("value"),
  ).filter(
    pl.col("value").isNotNull().and(pl.col("value").neq(pl.lit(""))).or(
      pl.col("field_name").eq(pl.lit(id)),
    ),
  ).withColumns(cbSlot.alias("_cb")).select(
    ...keyCols,
    "field_name",
    pl.when(pl.col("_cb").isNotNull()).then(pl.lit("1")).otherwise(pl.col("value")).alias(
      "value",
    ),
    pl.col("_cb").fillNull(
      pl.col("field_name").replaceStrict(plan.slotNames, plan.slots, pl.lit(null), pl.UInt32),
    ).alias("_c"),
  ).collectSync();
  checkKeys(long, dictionary);
  checkFields(long, dictionary, plan);

  // Segments: runs of rows with the same key (REDCap writes each key's rows together, as
  // toEav() does), numbered from 0. Every segment has a value (the id row counts), so the
  // pivot has one row per segment, in segment order: no join back to the keys.
  const changed = keyCols.map((c) => pl.col(c).neq(pl.col(c).shift(1)))
    .reduce((a, b) => a.or(b)).fillNull(true);
  const segmented = long.lazy().filter(pl.col("_c").isNotNull())
    .withColumns(changed.alias("_new"))
    .withColumns(
      pl.col("_new").cast(pl.UInt32).cumSum().sub(pl.lit(1)).cast(pl.UInt32).alias("_seg"),
    )
    .collectSync();
  const heads = segmented.lazy().filter(pl.col("_new")).select(...keyCols).collectSync();
  if (frameHeight(heads) === 0) {
    return pl.DataFrame({}, {
      schema: Object.fromEntries(plan.columns.map((c) => [c, pl.String])),
    });
  }
  const split = heads.select(
    pl.struct(keyCols.map((c) => pl.col(c))).isDuplicated().any().alias("split"),
  ).getColumn("split").toArray()[0] as unknown;
  // Contiguous keys pivot on the segment number; a key whose rows are apart pivots on the key
  // itself, in order of first appearance.
  const wide = split === false
    ? heads.hstack(
      segmented.select("_seg", "_c", "value")
        .pivot("value", { index: "_seg", on: "_c", aggregateFunc: "first" }).drop("_seg"),
    )
    : segmented.select(...keyCols, "_c", "value")
      .pivot("value", { index: keyCols, on: "_c", aggregateFunc: "first" });
  const present = wide.columns.filter((c) => /^[0-9]+$/.test(c) && c !== String(idSlot))
    .join(",");
  let out = plan.out.get(present);
  if (!out) {
    out = outExprs(plan, dictionary, new Set(present.split(",")));
    if (plan.out.size > 64) plan.out.clear();
    plan.out.set(present, out);
  }
  // Rows by record (first appearance), event, base row before repeat instruments, instance.
  let ordered = wide.lazy().withRowIndex("_row")
    .withColumns(pl.col("_row").min().over("record").alias("_rec"), ...plan.order)
    .sort(["_rec", "_ev", "_fo", "_in"]);
  if (options.flatRows && dictionary.hasRepeating) {
    // A base row with no value but the id that shares its record and event with repeat
    // instances.
    const valueCols = present === "" ? [] : present.split(",");
    const has = valueCols.length > 0
      ? pl.anyHorizontal(valueCols.map((c) => pl.col(c).isNotNull()))
      : pl.lit(false);
    ordered = ordered.filter(
      pl.col(INSTRUMENT).eq(pl.lit("")).and(pl.col(INSTANCE).eq(pl.lit(""))).and(has.not())
        .and(pl.len().over("record", EVENT).gt(1)).not(),
    );
  }
  return ordered.select(...out).collectSync();
}

/** Rejects repeat instances or events a dictionary without them cannot place. */
function checkKeys(long: pl.DataFrame, dictionary: DataDictionary): void {
  if (!dictionary.hasRepeating) {
    const repeated = long.filter(
      pl.col(INSTRUMENT).neq(pl.lit("")).or(pl.col(INSTANCE).neq(pl.lit(""))),
    );
    if (frameHeight(repeated) > 0) {
      throw new TypeError(
        `Cannot pivot EAV: record "${
          repeated.getColumn("record").get(0)
        }" has repeat instances but the dictionary has no repeating forms or events (pass "repeating" to DataDictionary.fromMetadata)`,
      );
    }
  }
  if (!dictionary.longitudinal) {
    const evented = long.filter(pl.col(EVENT).neq(pl.lit("")));
    if (frameHeight(evented) > 0) {
      throw new TypeError(
        `Cannot pivot EAV: record "${evented.getColumn("record").get(0)}" has event "${
          evented.getColumn(EVENT).get(0)
        }" but the dictionary has no events (pass "events" to DataDictionary.fromMetadata)`,
      );
    }
  }
}

/** Rejects fields and checkbox codes the dictionary does not know (descriptive fields pass). */
function checkFields(long: pl.DataFrame, dictionary: DataDictionary, plan: PivotPlan): void {
  const unknown = long.filter(pl.col("_c").isNull());
  if (frameHeight(unknown) === 0) return;
  const columns = new Set(plan.columns);
  for (const name of unknown.getColumn("field_name").unique().toArray() as string[]) {
    if (columns.has(name)) continue;
    const field = dictionary.field(name);
    if (field?.type === "checkbox") {
      const bad = unknown.filter(pl.col("field_name").eq(pl.lit(name))).getColumn("value")
        .toArray()[0];
      throw new RangeError(
        `Cannot pivot EAV: checkbox field "${name}" has no choice code "${bad}"`,
      );
    }
    if (field?.type !== "descriptive") {
      throw new RangeError(`Cannot pivot EAV: field "${name}" is not in the data dictionary`);
    }
  }
}

/** What {@linkcode pivotEav} needs from a dictionary, built once per dictionary. */
interface PivotPlan {
  id: string;
  columns: string[];
  /** Value columns (every column but the id and the structural ones), by index. */
  targets: string[];
  /** The slot of the record-id row (after the targets). */
  idSlot: number;
  /** Field names with a slot: the targets, then the record id. */
  slotNames: string[];
  slots: number[];
  /** `field\u001fcode` of every checkbox option, and the index of its column in `targets`. */
  cbKeys: string[];
  cbTargets: number[];
  /** Sort keys: `_ev`, `_fo`, `_in`. */
  order: pl.Expr[];
  /** Output expressions by the value columns present (their indexes, comma-separated). */
  out: Map<string, pl.Expr[]>;
}

const PLANS = new WeakMap<DataDictionary, PivotPlan>();

function pivotPlan(dictionary: DataDictionary): PivotPlan {
  let plan = PLANS.get(dictionary);
  if (plan) return plan;
  const id = dictionary.recordIdField;
  const columns = dictionary.columns();
  const structural = new Set(dictionary.structuralColumns());
  const targets = columns.filter((c) => c !== id && !structural.has(c));
  const index = new Map(targets.map((c, i) => [c, i]));
  const cbKeys: string[] = [];
  const cbTargets: number[] = [];
  for (const field of dictionary.fields) {
    for (const c of dictionary.checkboxColumns(field.name)) {
      const i = index.get(c.column);
      if (i === undefined) continue;
      cbKeys.push(`${field.name}\u001f${c.code}`);
      cbTargets.push(i);
    }
  }
  const eventNames = dictionary.events.map((e) => e.uniqueName);
  const formNames = dictionary.forms.map((f) => f.name);
  const order = [
    orderOf(pl.col(EVENT), eventNames, eventNames.length).alias("_ev"),
    pl.when(pl.col(INSTRUMENT).eq(pl.lit(""))).then(pl.lit(-1)).otherwise(
      orderOf(pl.col(INSTRUMENT), formNames, formNames.length),
    ).cast(pl.Int64).alias("_fo"),
    pl.col(INSTANCE).cast(pl.Int64, false).fillNull(pl.lit(0)).alias("_in"),
  ];
  plan = {
    id,
    columns,
    targets,
    idSlot: targets.length,
    slotNames: [...targets, id],
    slots: [...targets, id].map((_, i) => i),
    cbKeys,
    cbTargets,
    order,
    out: new Map(),
  };
  PLANS.set(dictionary, plan);
  return plan;
}

/** The output columns from a pivoted frame whose value columns are named by target index. */
function outExprs(plan: PivotPlan, dictionary: DataDictionary, present: Set<string>): pl.Expr[] {
  const nul = pl.lit(null).cast(pl.String);
  const index = new Map(plan.targets.map((c, i) => [c, String(i)]));
  // Checkbox and form-status columns get "0" where their form belongs to the row: one
  // condition per form, shared by the form's columns.
  const fills = new Map<string, pl.Expr>();
  return plan.columns.map((column) => {
    if (column === plan.id) return pl.col("record").alias(column);
    const i = index.get(column);
    if (i === undefined) {
      return pl.when(pl.col(column).eq(pl.lit(""))).then(nul).otherwise(pl.col(column))
        .alias(column);
    }
    const current = present.has(i) ? pl.col(i).cast(pl.String) : nul;
    const info = dictionary.columnInfo(column);
    if (info?.role === "checkbox" || info?.role === "form_status") {
      let fill = fills.get(info.form!);
      if (!fill) {
        fill = pl.when(formInRow(dictionary, info.form!)).then(pl.lit("0")).otherwise(nul);
        fills.set(info.form!, fill);
      }
      return current.fillNull(fill).cast(pl.String).alias(column);
    }
    return current.alias(column);
  });
}

/** Whether a form belongs to a flat row (designated, repeating or not as the row is). */
function formInRow(dictionary: DataDictionary, form: string): pl.Expr {
  const instrument = pl.col(INSTRUMENT);
  if (!dictionary.longitudinal) {
    return dictionary.isRepeatingForm(form)
      ? instrument.eq(pl.lit(form))
      : instrument.eq(pl.lit(""));
  }
  const base: string[] = [];
  const repeating: string[] = [];
  for (const e of dictionary.events) {
    if (!e.forms.includes(form)) continue;
    if (e.repeatingForms.has(form)) repeating.push(e.uniqueName);
    else base.push(e.uniqueName);
  }
  const inBase = base.length > 0
    ? instrument.eq(pl.lit("")).and(pl.col(EVENT).isIn(base))
    : pl.lit(false);
  const inRepeat = repeating.length > 0
    ? instrument.eq(pl.lit(form)).and(pl.col(EVENT).isIn(repeating))
    : pl.lit(false);
  return inBase.or(inRepeat);
}

/**
 * Turns a flat frame into REDCap's EAV import shape: `record, field_name, value` plus
 * `redcap_event_name`, `redcap_repeat_instrument`, `redcap_repeat_instance` when the frame has
 * them. Blank cells give no row; checkboxes give `field___code` rows of `0`/`1`; every flat row
 * gives a record-id row first, so rows that hold only the id survive a round trip through
 * {@linkcode pivotEav}. Rows follow the flat rows, fields in column order.
 *
 * @example Flat to EAV
 * ```ts
 * import { DataDictionary, toEav } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "record_id", form_name: "f", field_type: "text" },
 *   { field_name: "age", form_name: "f", field_type: "text" },
 * ]);
 * const flat = pl.DataFrame({ record_id: ["1", "2"], age: ["30", null], f_complete: ["2", "0"] });
 * deepStrictEqual(toEav(flat, dd).toRecords(), [
 *   { record: "1", field_name: "record_id", value: "1" },
 *   { record: "1", field_name: "age", value: "30" },
 *   { record: "1", field_name: "f_complete", value: "2" },
 *   { record: "2", field_name: "record_id", value: "2" },
 *   { record: "2", field_name: "f_complete", value: "0" },
 * ]);
 * ```
 *
 * @param flat A flat export (any dtypes; values are written as text).
 * @param dictionary The project's dictionary.
 * @returns EAV rows, all Utf8.
 * @throws {TypeError} When the record-id column is missing or a column is unknown.
 */
export function toEav(flat: DataFrame, dictionary: DataDictionary): DataFrame {
  const id = dictionary.recordIdField;
  const flatColumns = frameColumns(flat);
  if (!flatColumns.includes(id)) {
    throw new TypeError(`Cannot convert to EAV: the frame has no record-id column "${id}"`);
  }
  const keyCols = [EVENT, INSTRUMENT, INSTANCE].filter((c) => flatColumns.includes(c));
  const skip = new Set([id, ...keyCols, "redcap_data_access_group", "redcap_survey_identifier"]);
  const valueCols = flatColumns.filter((c) => !skip.has(c));
  for (const c of valueCols) {
    const role = dictionary.columnInfo(c)?.role;
    if (role !== "field" && role !== "checkbox" && role !== "form_status") {
      throw new TypeError(
        `Cannot convert to EAV: column "${c}" is not a field of the data dictionary`,
      );
    }
  }
  const prepared = selectFrame(
    flat,
    pl.col(id).cast(pl.String).alias("record"),
    ...keyCols.map((c) => pl.col(c).cast(pl.String).alias(c)),
    pl.col(id).cast(pl.String).alias(`_v_${id}`),
    ...valueCols.map((c) => pl.col(c).cast(pl.String).alias(`_v_${c}`)),
  ).withRowIndex("_row");
  const all = [id, ...valueCols];
  const long = prepared.unpivot(["_row", "record", ...keyCols], all.map((c) => `_v_${c}`))
    .filter(pl.col("value").isNotNull().and(pl.col("value").neq(pl.lit(""))))
    .withColumns(
      pl.col("variable").str.slice(3).alias("field_name"),
      orderOf(pl.col("variable"), all.map((c) => `_v_${c}`), all.length).alias("_col"),
    )
    .sort(["_row", "_col"]);
  return long.select(
    "record",
    "field_name",
    "value",
    ...keyCols.map((c) => pl.col(c).fillNull(pl.lit("")).alias(c)),
  );
}
