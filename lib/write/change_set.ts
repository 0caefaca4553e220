/**
 * {@linkcode ChangeSet}: what an import would change, value by value, compared with what is
 * stored now (the result of `writeRecords(..., { dryRun: true })`).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight } from "../frame.ts";
import { displayHtml, type HtmlBundle, JUPYTER_DISPLAY } from "../jupyter/display.ts";
import { htmlTable } from "../jupyter/html_table.ts";
import { isIn } from "./_serialize.ts";

/** One value an import would add, change or erase. */
export interface Change {
  /** The record. */
  record: string;
  /** The event (`""` in classic projects). */
  event: string;
  /** The repeat instrument (`""` when none). */
  instrument: string;
  /** The repeat instance (`"1"` for non-repeating rows; `"new"` for a new instance). */
  instance: string;
  /** The column (`field`, `field___code`, `{form}_complete`). */
  field: string;
  /** The stored value (`null` when none). */
  old: string | null;
  /** The stored value's label for a coded field (a checkbox option: `Checked` or
   * `Unchecked`); absent for other fields. */
  oldLabel?: string | null;
  /** The value sent (`null` for a blank). */
  new: string | null;
  /** The sent value's label for a coded field (as `oldLabel`). */
  newLabel?: string | null;
  /** *add*: nothing stored yet; *update*: a different value is stored; *erase*: a blank
   * replaces a stored value (only with `overwriteBehavior: "overwrite"`). */
  action: "add" | "update" | "erase";
}

const CHANGE_SCHEMA = {
  record: pl.String,
  event: pl.String,
  instrument: pl.String,
  instance: pl.String,
  field: pl.String,
  old: pl.String,
  old_label: pl.String,
  new: pl.String,
  new_label: pl.String,
  action: pl.String,
};

/**
 * What an import would change: every value it would add, update or (with
 * `overwriteBehavior: "overwrite"`) erase, with labels beside the codes of coded fields; the
 * records that are new (absent from the project); and, for a `normal` import, the blanks that
 * will not erase stored values (REDCap's `normal` ignores blanks) but `overwrite` would.
 * Shows as tables in Jupyter.
 *
 * @example An empty change set
 * ```ts
 * import { ChangeSet } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const changes = new ChangeSet([], [], "normal");
 * strictEqual(changes.size, 0);
 * strictEqual(changes.toFrame().getColumns().length, 10);
 * ```
 */
export class ChangeSet {
  /** Values the import would add, update or erase. */
  readonly changes: readonly Change[];
  /** With `normal`: stored values that blanks in the frame would erase under `overwrite`. */
  readonly wouldErase: readonly Change[];
  /** The overwrite behaviour compared for. */
  readonly overwriteBehavior: "normal" | "overwrite";
  /** Records of the frame absent from the project: the import would create them. */
  readonly newRecords: readonly string[];

  /**
   * A change set, as `writeRecords()` builds one for `dryRun` and `preview`.
   *
   * @param changes The changes.
   * @param wouldErase Blanks `overwrite` would erase (empty for an `overwrite` comparison).
   * @param overwriteBehavior The behaviour compared for.
   * @param newRecords Records absent from the project.
   */
  constructor(
    changes: readonly Change[],
    wouldErase: readonly Change[],
    overwriteBehavior: "normal" | "overwrite",
    newRecords: readonly string[] = [],
  ) {
    this.changes = changes;
    this.wouldErase = wouldErase;
    this.overwriteBehavior = overwriteBehavior;
    this.newRecords = newRecords;
  }

  /** Number of values that would change. */
  get size(): number {
    return this.changes.length;
  }

  /** Records with at least one change, in order of first change. */
  get records(): string[] {
    return [...new Set(this.changes.map((c) => c.record))];
  }

  /**
   * The changes as a frame: `record, event, instrument, instance, field, old, old_label, new,
   * new_label, action` (labels null for fields without codes).
   *
   * @param which *changes* (default) or *wouldErase*.
   * @returns The frame.
   */
  toFrame(which: "changes" | "wouldErase" = "changes"): DataFrame {
    const rows = which === "changes" ? this.changes : this.wouldErase;
    if (rows.length === 0) return pl.DataFrame({}, { schema: CHANGE_SCHEMA });
    return pl.DataFrame(
      rows.map((r) => ({
        record: r.record,
        event: r.event,
        instrument: r.instrument,
        instance: r.instance,
        field: r.field,
        old: r.old,
        old_label: r.oldLabel ?? null,
        new: r.new,
        new_label: r.newLabel ?? null,
        action: r.action,
      })),
      { schema: CHANGE_SCHEMA },
    );
  }

  /** One line: how many values and records would change, how many records are new, how many
   * blanks will not erase stored values. */
  toString(): string {
    const fresh = this.newRecords.length > 0
      ? `; ${this.newRecords.length} record(s) are new: ${shortList(this.newRecords)}`
      : "";
    const erase = this.wouldErase.length > 0
      ? `; ${this.wouldErase.length} blank(s) will not erase stored values ` +
        `(overwriteBehavior "normal"; "overwrite" would erase them)`
      : "";
    return `ChangeSet: ${this.size} value(s) in ${this.records.length} record(s) would change` +
      fresh + erase;
  }

  /** The Jupyter MIME bundle: a table of the changes (and of the blanks overwrite would erase). */
  [JUPYTER_DISPLAY](): HtmlBundle {
    let html = htmlTable(this.toFrame(), {
      title: "Changes",
      caption: this.toString().replace(/^ChangeSet: /, ""),
      dtypes: false,
    });
    if (this.wouldErase.length > 0) {
      html += htmlTable(this.toFrame("wouldErase"), {
        title: 'Blanks that will not erase stored values (overwriteBehavior "normal"; ' +
          '"overwrite" would erase them)',
        dtypes: false,
      });
    }
    return displayHtml(html, this.toString())[JUPYTER_DISPLAY]();
  }
}

function shortList(items: readonly string[], most = 10): string {
  return items.slice(0, most).join(", ") + (items.length > most ? ", …" : "");
}

/** A labeller of raw values by column: choice labels of coded fields, checkbox states. */
function labeller(dd: DataDictionary): (column: string, value: string | null) => string | null {
  const cache = new Map<string, Map<string, string> | "checkbox" | null>();
  const of = (column: string) => {
    if (cache.has(column)) return cache.get(column)!;
    const info = dd.columnInfo(column);
    const codes = info?.role === "checkbox"
      ? "checkbox" as const
      : info?.field && dd.choices(info.field).length > 0
      ? new Map(dd.choices(info.field).map((c) => [c.code, c.label]))
      : null;
    cache.set(column, codes);
    return codes;
  };
  return (column, value) => {
    const codes = of(column);
    if (codes === null) return null;
    // An option is stored only when checked: nothing stored is unchecked.
    if (codes === "checkbox") return value === "1" ? "Checked" : "Unchecked";
    return value === null ? null : codes.get(value) ?? null;
  };
}

/** Key columns of a raw frame, normalised: blank event → first event, blank instance → 1. */
function keyed(frame: pl.DataFrame, dd: DataDictionary): pl.DataFrame {
  const columns = frameColumns(frame);
  const text = (name: string) =>
    columns.includes(name)
      ? pl.col(name).cast(pl.String).fillNull(pl.lit("")).str.strip()
      : pl.lit("").cast(pl.String);
  const firstEvent = dd.longitudinal ? dd.events[0]?.uniqueName ?? "" : "";
  const event = text("redcap_event_name");
  const instance = text("redcap_repeat_instance");
  return frame.withColumns(
    text(dd.recordIdField).alias("__k_record"),
    pl.when(event.eq(pl.lit(""))).then(pl.lit(firstEvent)).otherwise(event).alias("__k_event"),
    text("redcap_repeat_instrument").alias("__k_instrument"),
    pl.when(instance.eq(pl.lit(""))).then(pl.lit("1")).otherwise(instance).alias(
      "__k_instance",
    ),
  );
}

/**
 * Compares a raw payload with the stored records (a raw flat export of them).
 *
 * @param payload The raw frame that would be sent (flat; all text).
 * @param stored A raw flat export of the affected records.
 * @param dd The dictionary.
 * @param overwriteBehavior The import's overwrite behaviour.
 * @param absentIsBlank Whether `null` cells of the payload are blanks that are sent (flat
 *   frames) or cells not sent at all (EAV frames pivoted: only `""` is a blank).
 * @returns The change set.
 */
export function compareWithStored(
  payload: pl.DataFrame,
  stored: pl.DataFrame,
  dd: DataDictionary,
  overwriteBehavior: "normal" | "overwrite",
  absentIsBlank = true,
): ChangeSet {
  const skip = new Set([
    dd.recordIdField,
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
    "redcap_survey_identifier",
  ]);
  const valueColumns = frameColumns(payload).filter((c) => !skip.has(c));
  const storedIds = new Set(
    frameHeight(stored) > 0 && frameColumns(stored).includes(dd.recordIdField)
      ? stored.getColumn(dd.recordIdField).cast(pl.String).toArray() as string[]
      : [],
  );
  const newRecords = frameHeight(payload) === 0 ||
      !frameColumns(payload).includes(dd.recordIdField)
    ? []
    : (payload.getColumn(dd.recordIdField).cast(pl.String).dropNulls()
      .unique({ maintainOrder: true }).toArray() as string[])
      .filter((id) => id.trim() !== "" && !storedIds.has(id.trim()));
  if (frameHeight(payload) === 0 || valueColumns.length === 0) {
    return new ChangeSet([], [], overwriteBehavior, newRecords);
  }
  const keys = ["__k_record", "__k_event", "__k_instrument", "__k_instance"];
  const pay = keyed(payload, dd).withRowIndex("__k_row").select(
    "__k_row",
    ...keys,
    ...valueColumns.map((c) => pl.col(c).cast(pl.String)),
  ).unpivot(["__k_row", ...keys], valueColumns, { variableName: "__field", valueName: "__new" });
  const storedColumns = frameHeight(stored) > 0 ? frameColumns(stored) : [];
  const common = valueColumns.filter((c) => storedColumns.includes(c));
  let joined: pl.DataFrame;
  if (common.length > 0) {
    const old = keyed(stored, dd).select(
      ...keys,
      ...common.map((c) => pl.col(c).cast(pl.String)),
    ).unpivot(keys, common, { variableName: "__field", valueName: "__old" });
    joined = pay.join(old, { on: [...keys, "__field"] as string[], how: "left" });
  } else joined = pay.withColumns(pl.lit(null).cast(pl.String).alias("__old"));
  const checkboxColumns = valueColumns.filter((c) => dd.columnInfo(c)?.role === "checkbox");
  const isCheckbox = isIn(pl.col("__field"), checkboxColumns);
  const newValue = pl.col("__new");
  const oldValue = pl.col("__old");
  // An unchecked option is stored as nothing: "0" and null are the same.
  const oldEff = pl.when(isCheckbox.and(oldValue.eq(pl.lit("0")))).then(pl.lit(null))
    .otherwise(pl.when(oldValue.eq(pl.lit(""))).then(pl.lit(null)).otherwise(oldValue))
    .cast(pl.String);
  const newBlank = absentIsBlank
    ? newValue.isNull().or(newValue.eq(pl.lit("")))
    : newValue.eq(pl.lit("")).fillNull(false);
  const newSent = newValue.isNotNull().and(newValue.neq(pl.lit("")));
  const newEff = pl.when(isCheckbox.and(newValue.eq(pl.lit("0")))).then(pl.lit(null))
    .otherwise(newValue).cast(pl.String);
  // Numbers that are equal as numbers (`0.90` stored, `0.9` from a Float64 column) are not
  // changes: the frame cannot tell them apart.
  const numericColumns = valueColumns.filter((c) => {
    const info = dd.columnInfo(c);
    const kind = info?.role === "field" && info.field
      ? dd.field(info.field)?.typeInfo.kind
      : undefined;
    return kind === "number" || kind === "integer" || kind === "calc";
  });
  const asNumber = (e: pl.Expr) => e.str.replace(",", ".", true).cast(pl.Float64, false);
  const sameNumber = isIn(pl.col("__field"), numericColumns).and(
    asNumber(pl.col("__oldEff")).eq(asNumber(pl.col("__newEff"))),
  ).fillNull(false);
  const classified = joined.withColumns(
    oldEff.alias("__oldEff"),
    newEff.alias("__newEff"),
  ).withColumns(
    pl.when(
      newSent.and(pl.col("__newEff").isNotNull()).and(
        pl.col("__oldEff").isNull().or(
          pl.col("__oldEff").neq(pl.col("__newEff")).and(sameNumber.not()),
        ),
      ),
    ).then(pl.when(pl.col("__oldEff").isNull()).then(pl.lit("add")).otherwise(pl.lit("update")))
      .when(newSent.and(pl.col("__newEff").isNull()).and(pl.col("__oldEff").isNotNull()))
      .then(pl.lit("update")) // a checkbox unchecked by "0"
      .when(newBlank.and(pl.col("__oldEff").isNotNull())).then(pl.lit("erase"))
      .otherwise(pl.lit(null)).cast(pl.String).alias("__action"),
  ).filter(pl.col("__action").isNotNull());
  const rows = (frameHeight(classified) === 0 ? [] : classified.select(
    pl.col("__k_record").alias("record"),
    pl.col("__k_event").alias("event"),
    pl.col("__k_instrument").alias("instrument"),
    pl.col("__k_instance").alias("instance"),
    pl.col("__field").alias("field"),
    pl.col("__old").alias("old"),
    pl.when(newBlank).then(pl.lit(null)).otherwise(newValue).cast(pl.String).alias("new"),
    pl.col("__action").alias("action"),
    pl.col("__k_row"),
  ).toRecords()) as unknown as (Change & { __k_row: number })[];
  const order = new Map(valueColumns.map((c, i) => [c, i]));
  rows.sort((a, b) => a.__k_row - b.__k_row || order.get(a.field)! - order.get(b.field)!);
  const label = labeller(dd);
  const plain: Change[] = rows.map(({ __k_row: _, ...change }) => {
    const oldLabel = label(change.field, change.old);
    if (oldLabel === null && label(change.field, change.new) === null) return change;
    return {
      ...change,
      oldLabel,
      newLabel: label(change.field, change.new),
    };
  });
  const changes = plain.filter((r) => r.action !== "erase" || overwriteBehavior === "overwrite");
  const erase = overwriteBehavior === "normal" ? plain.filter((r) => r.action === "erase") : [];
  return new ChangeSet(changes, erase, overwriteBehavior, newRecords);
}
