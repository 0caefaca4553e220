/**
 * Infers `redcap_repeat_instrument` for rows of a flat frame that carry a repeat instance but
 * no instrument (a repeating instrument's table from `readInstruments()`, which leaves the
 * column out): REDCap's import needs it, or it refuses the row with "redcap_repeat_instance
 * cannot have a value since this instrument or event is not a repeating instrument".
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { firstRow, frameColumns, selectFrame, withColumnsFrame } from "../frame.ts";
import { isDtype } from "./_serialize.ts";

const INSTRUMENT = "redcap_repeat_instrument";
const INSTANCE = "redcap_repeat_instance";
const EVENT = "redcap_event_name";

function blank(column: string): pl.Expr {
  return pl.col(column).cast(pl.String).str.strip().fillNull(pl.lit("")).eq(pl.lit(""));
}

/**
 * Fills `redcap_repeat_instrument` where a row has an instance, no instrument, and is not in
 * a repeating event (whose rows REDCap imports with a blank instrument): the repeating form
 * (in the row's event) whose columns hold values in that row, else the first repeating form
 * among the frame's columns. Rows of no repeating form are left as they are, for the check to
 * report. A frame without `redcap_repeat_instance` is returned as it is.
 *
 * @param raw The serialised flat frame.
 * @param dd The project's dictionary.
 * @returns The frame, with `redcap_repeat_instrument` added or filled when needed.
 */
export function inferRepeatInstrument(raw: pl.DataFrame, dd: DataDictionary): pl.DataFrame {
  const columns = frameColumns(raw);
  if (!columns.includes(INSTANCE)) return raw;
  // The repeating forms with columns in the frame, in form order, with their data columns.
  const byForm = new Map<string, string[]>();
  for (const column of columns) {
    const info = dd.columnInfo(column);
    if (!info?.form || info.role === "id" || info.role === "timestamp") continue;
    if (!dd.formRepeats(info.form)) continue;
    const list = byForm.get(info.form) ?? [];
    list.push(column);
    byForm.set(info.form, list);
  }
  const forms = dd.forms.map((f) => f.name).filter((f) => byForm.has(f));
  const hasInstrument = columns.includes(INSTRUMENT);
  if (forms.length === 0) return raw;
  const hasEvent = dd.longitudinal && columns.includes(EVENT);
  // A blank event is the first event, as REDCap's import resolves it.
  const event = hasEvent
    ? pl.when(blank(EVENT)).then(pl.lit(dd.events[0]?.uniqueName ?? ""))
      .otherwise(pl.col(EVENT).cast(pl.String).str.strip())
    : undefined;
  const repeatsIn = (form: string): pl.Expr => {
    if (!dd.longitudinal) return pl.lit(true);
    const events = dd.events.filter((e) => !e.repeating && e.repeatingForms.has(form))
      .map((e) => e.uniqueName);
    // Without an event column every row is in the first event.
    if (!event) return pl.lit(events.includes(dd.events[0]?.uniqueName ?? ""));
    return events.length === 0 ? pl.lit(false) : event.isIn(events);
  };
  const stringColumns = new Set(
    raw.getColumns().filter((s) => isDtype(s.dtype, "String", "Utf8")).map((s) => s.name),
  );
  const filledIn = (c: string) =>
    stringColumns.has(c) ? pl.col(c).neq(pl.lit("")).fillNull(false) : pl.col(c).isNotNull();
  const hasData = (form: string): pl.Expr =>
    byForm.get(form)!.map(filledIn).reduce((a, b) => a.or(b));
  const needs = blank(INSTANCE).not().and(hasInstrument ? blank(INSTRUMENT) : pl.lit(true));
  // Most frames (a flat export) have an instrument wherever there is an instance: one cheap
  // aggregate over two columns, and nothing to fill.
  if (hasInstrument && firstRow(selectFrame(raw, needs.any()))[0] !== true) return raw;
  let chain = pl.when(needs.not()).then(
    hasInstrument ? pl.col(INSTRUMENT).cast(pl.String) : pl.lit(null).cast(pl.String),
  ) as unknown as { when(e: pl.Expr): { then(e: pl.Expr): unknown } };
  // With one repeating form among the columns there is nothing to choose between.
  const steps: [pl.Expr, string][] = [
    ...(forms.length > 1
      ? forms.map((f): [pl.Expr, string] => [repeatsIn(f).and(hasData(f)), f])
      : []),
    ...forms.map((f): [pl.Expr, string] => [repeatsIn(f), f]),
  ];
  for (const [condition, form] of steps) {
    chain = chain.when(condition).then(pl.lit(form)) as typeof chain;
  }
  const filled = (chain as unknown as { otherwise(e: pl.Expr): pl.Expr })
    .otherwise(pl.lit(null).cast(pl.String)).alias(INSTRUMENT);
  const out = withColumnsFrame(raw, filled);
  if (hasInstrument) return out;
  // Put the new column where an export has it: before redcap_repeat_instance.
  const order = frameColumns(out).filter((c) => c !== INSTRUMENT);
  order.splice(order.indexOf(INSTANCE), 0, INSTRUMENT);
  return selectFrame(out, ...order);
}
