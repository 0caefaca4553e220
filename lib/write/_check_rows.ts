/**
 * The row checks of an import, as REDCap's import runs them: each row's record id, event,
 * repeat instrument and instance (the row's context), its data access group, and keys given
 * twice (REDCap would merge such rows).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, selectFrame } from "../frame.ts";
import { isDtype, isIn } from "./_serialize.ts";
import type { Report } from "./_issues.ts";
import {
  buildContext,
  type Context,
  MAX_INSTANCE,
  NOT_A_REPEATING_FORM,
  NOT_REPEATING,
} from "./_context.ts";

/** One row's keys as the checks read them back: its position, record, event, instance (as
 * typed, and as text), and its event/repeat context. */
// A type alias, not an interface: rows read with `toRecords()` are cast to it.
export type KeyRow = {
  __row: number;
  __rec: string;
  __ev: string;
  __ins: string;
  __inst: string;
  __ctx: number;
};

/** Each row's keys and context, for the value checks. */
export interface RowKeys {
  /** The distinct contexts (event, repeat instrument) of the rows. */
  contexts: Context[];
  /** Per row: `__row`, `__rec`, `__ev`, `__ins`, the instance, `__dag`, `__ctx`. */
  keys: pl.DataFrame;
  /** {@linkcode RowKeys.keys} with `__ok`: whether the row's structure is sound. */
  withOk: pl.DataFrame;
  /** Whether the instance column is typed (integers) rather than text. */
  typedInstance: boolean;
  /** The instance as text, named `__inst` (for reported rows). */
  instText: pl.Expr;
  /** The instance column of `keys`. */
  instColumn: string;
}

/**
 * Checks each row's record id, event, repeat instrument and instance, reporting REDCap's
 * messages for bad ones.
 *
 * @param raw The raw import frame.
 * @param dd The project's dictionary.
 * @param error Reports an issue.
 * @returns The rows' keys and contexts.
 */
export function checkRowKeys(raw: pl.DataFrame, dd: DataDictionary, error: Report): RowKeys {
  const columns = frameColumns(raw);
  const id = dd.recordIdField;
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
    .select("__row", "__rec", "__ev", "__ins", "__ctx", instText).toRecords() as KeyRow[];
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

  return { contexts, keys, withOk, typedInstance, instText, instColumn };
}

/**
 * Checks `redcap_data_access_group` values against the project's groups.
 *
 * @param rows The rows' keys.
 * @param dags The project's unique group names.
 * @param error Reports an issue.
 */
export function checkDags(rows: RowKeys, dags: readonly string[], error: Report): void {
  const { keys } = rows;
  if (frameColumns(keys).includes("__dag")) {
    const bad = keys.filter(
      pl.col("__dag").neq(pl.lit("")).and(isIn(pl.col("__dag"), [...dags]).not()),
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
}

/**
 * Reports rows that repeat a record-event-instrument-instance key.
 *
 * @param rows The rows' keys.
 * @param id The record id field.
 * @param contiguous Whether each record's rows are known to be contiguous.
 * @param error Reports an issue.
 */
export function checkDuplicateKeys(
  rows: RowKeys,
  id: string,
  contiguous: boolean | undefined,
  error: Report,
): void {
  const { contexts, keys, withOk, typedInstance, instText } = rows;
  const inst = pl.col("__inst");
  const ctxCol = pl.col("__ctx");
  // Duplicate keys (REDCap would merge them: the last non-blank value wins). Keys are
  // integers when each record's rows are contiguous (the usual case): hashing them is cheap.
  const ctxKeyIds = new Map<string, number>();
  const ctxKeys = contexts.map((x) => {
    const key = `${x.resolved}\u0001${x.instrument}`;
    if (!ctxKeyIds.has(key)) ctxKeyIds.set(key, ctxKeyIds.size);
    return ctxKeyIds.get(key)!;
  });
  const runStart = pl.col("__rec").neq(pl.col("__rec").shift(1)).fillNull(true);
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
    .toRecords() as KeyRow[];
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
}
