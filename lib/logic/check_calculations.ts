/**
 * {@linkcode checkCalculations}: stale calculated values on a frame, the check REDCap's Data
 * Quality rule H ("Incorrect values for calculated fields") does.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary, FieldInfo } from "../dictionary/data_dictionary.ts";
import { type Calculation, computeCalculation, parseCalculation } from "./calculations.ts";
import type { LogicContext } from "./evaluate.ts";
import { logicReferences } from "./logic.ts";
import { formatDate, formatNumber } from "./values.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { displayFrame, type HtmlDisplay, withDisplay } from "../jupyter/display.ts";

/** Options for {@linkcode checkCalculations}. */
export interface CheckCalculationsOptions {
  /** Only these calculated fields. By default, every calc field and `@CALCTEXT`/`@CALCDATE`
   * field the frame holds.
   */
  fields?: readonly string[];
  /** The clock for `today` and `now` in calculations.
   * @default {new Date()}
   */
  now?: Date;
}

/** A value's text as REDCap stores it (codes for coded fields, ISO dates, plain numbers). */
function textReader(frame: pl.DataFrame, dictionary: DataDictionary, column: string) {
  const values = frame.getColumn(column).toArray() as unknown[];
  const info = dictionary.columnInfo(column);
  const field: FieldInfo | undefined = info?.field ? dictionary.field(info.field) : undefined;
  const toCode = new Map<string, string>();
  if (field && field.choices.length > 0 && info?.role !== "checkbox") {
    for (const c of [...field.choices].reverse()) toCode.set(c.label, c.code);
    for (const c of field.choices) toCode.set(c.code, c.code);
  }
  const time = field?.typeInfo.kind === "datetime" ? (field.typeInfo.seconds ? "hms" : "hm") : "";
  return (row: number): string => {
    const v = values[row];
    if (v === null || v === undefined) return "";
    if (typeof v === "boolean") return v ? "1" : "0";
    if (typeof v === "number") return Number.isNaN(v) ? "" : formatNumber(v);
    if (typeof v === "bigint") return String(v);
    if (v instanceof Date) return formatDate(v.getTime(), time);
    const text = String(v);
    return toCode.get(text) ?? text;
  };
}

function sameValue(stored: string, computed: string): boolean {
  if (stored === computed) return true;
  if (stored === "" || computed === "") return false;
  const a = Number(stored), b = Number(computed);
  return Number.isFinite(a) && Number.isFinite(b) &&
    Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Recomputes every calculated field of a frame (`calc` fields, `@CALCTEXT` and `@CALCDATE`)
 * with the logic engine, as REDCap does, and returns the rows whose stored value differs from
 * the recomputed one: `record`, `event`, `instance`, `field`, `stored`, `recomputed` (as REDCap
 * would store them: codes, ISO dates, numbers without float noise). This is REDCap's Data
 * Quality rule H: values go stale when a calculation or its inputs change by import, or after
 * the calculation is edited. Only rows where the field's form belongs are checked; references
 * to other events and instances (`[baseline_arm_1][weight]`) read the frame's other rows of the
 * record. Works on labelled and coded frames.
 *
 * @example A stale BMI
 * ```ts
 * import { checkCalculations } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 10 });
 * const { data, dictionary } = await client.readRecords({ forms: ["vitals"] });
 * strictEqual(checkCalculations(data, dictionary).getColumn("field").len(), 0);
 *
 * // Weight edited without recomputing BMI (as a frame edited by hand would be).
 * const edited = data.withColumns(pl.col("weight").mul(2));
 * const stale = checkCalculations(edited, dictionary);
 * deepStrictEqual([...new Set(stale.getColumn("field").toArray())], ["bmi"]);
 * ```
 *
 * @param frame A frame of a read (flat: with the record id, `redcap_event_name`, the repeat
 * columns), holding each calculated field and the fields it reads.
 * @param dictionary The project's dictionary.
 * @param options Which fields; the clock for `today`.
 * @returns The stale values, one row each (none when every value is current).
 * @throws {RangeError} When a calculated field reads a field the frame does not hold, or a
 * field given is not calculated.
 */
export function checkCalculations(
  frame: DataFrame,
  dictionary: DataDictionary,
  options: CheckCalculationsOptions = {},
): DataFrame & HtmlDisplay {
  const action = "check calculations";
  const now = options.now ?? new Date();
  const columns = new Set(frameColumns(frame));
  const calcs: Calculation[] = [];
  const byName = new Map(dictionary.metadata.map((m) => [m.field_name, m]));
  for (const name of options.fields ?? dictionary.fields.map((f) => f.name)) {
    const row = byName.get(name);
    const calc = row && parseCalculation(row);
    if (!calc) {
      if (options.fields) {
        throw new RangeError(`Cannot ${action}: "${name}" is not a calculated field`);
      }
      continue;
    }
    if (!columns.has(name)) {
      if (options.fields) throw new RangeError(`Cannot ${action}: the frame has no "${name}"`);
      continue;
    }
    const missing = calc.trees.flatMap(logicReferences).map((r) => r.field).filter((f) =>
      !columns.has(f) && !dictionary.checkboxColumns(f).some((c) => columns.has(c.column))
    );
    if (missing.length > 0) {
      throw new RangeError(
        `Cannot ${action}: "${name}" reads ${
          [...new Set(missing)].join(", ")
        }, which the frame does not hold (read them too, or leave "${name}" out with fields)`,
      );
    }
    calcs.push(calc);
  }

  const height = frameHeight(frame);
  const id = dictionary.recordIdField;
  const readers = new Map<string, (row: number) => string>();
  const text = (column: string, row: number): string => {
    if (!columns.has(column)) return "";
    let reader = readers.get(column);
    if (!reader) readers.set(column, reader = textReader(frame, dictionary, column));
    return reader(row);
  };
  const record = (row: number) => text(id, row);
  const event = (row: number) => text("redcap_event_name", row);
  const instrument = (row: number) => text("redcap_repeat_instrument", row);
  const instance = (row: number) => Number(text("redcap_repeat_instance", row)) || 1;
  const key = (r: string, e: string, i: number) => `${r}\u0000${e}\u0000${i}`;
  const index = new Map<string, number>();
  for (let row = 0; row < height; row++) {
    const k = key(record(row), event(row), instance(row));
    if (!index.has(k) || instrument(row) === "") index.set(k, row);
  }

  const out = {
    record: [] as string[],
    event: [] as (string | null)[],
    instance: [] as number[],
    field: [] as string[],
    stored: [] as string[],
    recomputed: [] as string[],
  };
  for (let row = 0; row < height; row++) {
    const ev = event(row);
    const inst = instance(row);
    const context: LogicContext = {
      value(field, otherEvent, otherInstance) {
        if (otherEvent === undefined && otherInstance === undefined) return text(field, row);
        const other = index.get(key(record(row), otherEvent ?? ev, otherInstance ?? inst)) ??
          (otherInstance === undefined
            ? index.get(key(record(row), otherEvent ?? ev, 1))
            : undefined);
        return other === undefined ? "" : text(field, other);
      },
      smart(name) {
        if (name === "record-name") return record(row);
        if (name === "event-name") return ev;
        if (name === "current-instance") return String(inst);
        if (name === "previous-instance") return inst > 1 ? String(inst - 1) : "";
        if (name === "next-instance") return String(inst + 1);
        return undefined;
      },
      missingCodes: dictionary.missingDataCodes.map((c) => c.code),
      now,
    };
    for (const calc of calcs) {
      const form = dictionary.field(calc.field)!.form;
      // The form belongs to the row: designated for its event, and its own repeat instance
      // (or a non-repeating row where it does not repeat).
      if (ev !== "" && dictionary.longitudinal && !dictionary.designatedForms(ev).includes(form)) {
        continue;
      }
      const own = instrument(row);
      if (own !== "" ? own !== form : dictionary.isRepeatingForm(form, ev || undefined)) {
        if (columns.has("redcap_repeat_instrument")) continue;
      }
      const stored = text(calc.field, row);
      const recomputed = computeCalculation(calc, context);
      if (sameValue(stored, recomputed)) continue;
      out.record.push(record(row));
      out.event.push(ev === "" ? null : ev);
      out.instance.push(inst);
      out.field.push(calc.field);
      out.stored.push(stored);
      out.recomputed.push(recomputed);
    }
  }
  const df = pl.DataFrame([
    pl.Series("record", out.record, pl.String),
    pl.Series("event", out.event, pl.String),
    pl.Series("instance", out.instance, pl.Int64),
    pl.Series("field", out.field, pl.String),
    pl.Series("stored", out.stored, pl.String),
    pl.Series("recomputed", out.recomputed, pl.String),
  ]);
  return withDisplay(df, (df) =>
    displayFrame(df, {
      title: "Stale calculated values",
      caption: `${out.field.length} value(s) differ from their recomputation`,
    }));
}
