/**
 * REDCap logic over DataFrames: evaluate a filter for every row of a flat export, and check
 * branching logic (values in hidden fields, required fields left blank).
 *
 * Same-row expressions are translated into one Polars expression (fast); anything that needs
 * another row (`[event][field]`, `[field][2]`) or a function without a Polars translation is
 * evaluated row by row with the same semantics.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame, Expr, Series } from "../deps/polars.ts";
import type { LogicNode } from "./ast.ts";
import { evaluateNode, type LogicContext } from "./evaluate.ts";
import { parse } from "./_parser.ts";
import { truthy } from "./values.ts";
import { lazyFrame, withColumnsFrame } from "../frame.ts";
import { warnLabelComparisons } from "./label_comparisons.ts";
import {
  castColumn,
  type FieldMetadata,
  type FrameInfo,
  logicExpression,
  type LogicMetadata,
  metadataRows,
} from "./_translate.ts";
import { cellText, codedFrame, frameInfo, frameRows, referencedFields } from "./_coded_frame.ts";

export type { LogicFieldMetadata, LogicMetadata } from "./_translate.ts";

/** Evaluates a tree row by row; rows may refer to other rows of the same record. */
function evaluateRows(df: pl.DataFrame, info: FrameInfo, tree: LogicNode, now: Date): boolean[] {
  const rows = frameRows(df);
  const id = info.recordIdField;
  const key = (record: string, event: string, instance: number) =>
    `${record}\u0000${event}\u0000${instance}`;
  const index = new Map<string, Record<string, unknown>>();
  const instanceOf = (row: Record<string, unknown>) =>
    Number(cellText(row.redcap_repeat_instance)) || 1;
  for (const row of rows) {
    const k = key(cellText(row[id]), cellText(row.redcap_event_name), instanceOf(row));
    if (!index.has(k) || cellText(row.redcap_repeat_instrument) === "") index.set(k, row);
  }
  return rows.map((row) => {
    const record = cellText(row[id]);
    const event = cellText(row.redcap_event_name);
    const instance = instanceOf(row);
    const context: LogicContext = {
      value(field, ev, inst) {
        if (ev === undefined && inst === undefined) return cellText(row[field]);
        const other = index.get(key(record, ev ?? event, inst ?? instance)) ??
          (inst === undefined ? index.get(key(record, ev ?? event, 1)) : undefined);
        return other ? cellText(other[field]) : "";
      },
      smart(name) {
        if (name === "record-name") return record;
        if (name === "event-name") return event;
        if (name === "current-instance") return String(instance);
        if (name === "previous-instance") return instance > 1 ? String(instance - 1) : "";
        if (name === "next-instance") return String(instance + 1);
        return undefined;
      },
      now,
    };
    return truthy(evaluateNode(tree, context));
  });
}

/**
 * Evaluates REDCap logic for every row of a flat export (strings as exported, typed columns, or
 * `readRecords()` frames with labels), with REDCap's semantics: numeric text compares as
 * numbers, blanks fail `>`/`<`, `[field(code)]` reads the checkbox column `field___code` (or the
 * field's list column of checked labels). Choice columns holding labels (`labels: "label"`, the
 * default of `readRecords()`) are read as their codes, using the metadata's choices, so
 * `[sex] = '1'` means the same on every kind of frame; `field__label` columns are ignored.
 *
 * @example Filter an export
 * ```ts
 * import { DataDictionary, evaluateLogic } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ record_id: ["1", "2", "3"], age: ["70", "", "40"] });
 * const dictionary = DataDictionary.fromMetadata([
 *   { field_name: "record_id", form_name: "f", field_type: "text" },
 *   { field_name: "age", form_name: "f", field_type: "text" },
 * ]);
 * deepStrictEqual([...evaluateLogic(df, dictionary, "[age] >= 61")], [true, false, false]);
 * ```
 *
 * @param df A flat export (`record_id`, `redcap_event_name`, `redcap_repeat_instance`, ...).
 * @param dictionary The project's data dictionary (or its metadata rows).
 * @param expression REDCap logic.
 * @returns A boolean Series named `logic`, one value per row.
 * @throws {LogicError} for invalid logic or an unknown field.
 */
export function evaluateLogic(
  df: DataFrame,
  dictionary: LogicMetadata,
  expression: string | LogicNode,
): Series {
  const metadata = metadataRows(dictionary);
  const tree = typeof expression === "string" ? parse(expression) : expression;
  // `[sex] = 'Female'` is false on every row: REDCap logic compares codes.
  warnLabelComparisons(tree, metadata);
  return evaluateCoded(codedFrame(df, metadata, referencedFields(tree)), metadata, tree);
}

/** {@linkcode evaluateLogic} on a frame already read back to codes. */
export function evaluateCoded(
  df: pl.DataFrame,
  metadata: readonly FieldMetadata[],
  tree: LogicNode,
): pl.Series {
  const info = frameInfo(df, metadata, tree);
  const expr = logicExpression(tree, info);
  if (expr) {
    const result = "\u0000logic", check = "\u0000check";
    const casts = [...info.plainCasts];
    // A non-blank value that fails the plain cast may be a number with spaces around it.
    const failed = casts.map((name) =>
      pl.col(castColumn(name)).isNull().and(pl.col(name).neq(pl.lit(""))).fillNull(false).any()
    );
    // Each cast runs once, as a hidden column; withColumns keeps one value per row even
    // when the result is a constant.
    let lazy = lazyFrame(df);
    if (casts.length) {
      lazy = lazy.withColumns(
        ...casts.map((name) => pl.col(name).cast(pl.Float64, false).alias(castColumn(name))),
      );
    }
    const out = lazy
      .withColumns(
        expr.fillNull(false).alias(result),
        ...(failed.length ? [pl.anyHorizontal(failed).alias(check)] : []),
      )
      .select(result, ...(failed.length ? [check] : []))
      .collectSync();
    if (!failed.length || out.getColumn(check).slice(0, 1).toArray()[0] !== true) {
      return out.getColumn(result).alias("logic");
    }
    const exact = logicExpression(tree, frameInfo(df, metadata, tree, true))!;
    return withColumnsFrame(df, exact.fillNull(false).alias(result)).getColumn(result).alias(
      "logic",
    );
  }
  return pl.Series("logic", evaluateRows(df, info, tree, new Date()), pl.Bool);
}

/**
 * Translates logic into a Polars expression over a flat frame's columns, or `undefined` when
 * it needs other rows or functions without a translation (use {@linkcode evaluateLogic}). The
 * columns are read as they are: Categorical (labelled) columns have no translation.
 *
 * @example Use logic inside a Polars query
 * ```ts
 * import { logicToPolars } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const df = pl.DataFrame({ bmi: ["31.3", "22", ""] });
 * const expr = logicToPolars(df, [], "[bmi] > 25")!;
 * deepStrictEqual([...df.select(expr.alias("x")).getColumn("x")], [true, false, false]);
 * ```
 *
 * @param df The frame the expression will run on (for column types).
 * @param dictionary The project's data dictionary (or its metadata rows).
 * @param expression REDCap logic.
 * @returns A boolean expression, or `undefined`.
 */
export function logicToPolars(
  df: DataFrame,
  dictionary: LogicMetadata,
  expression: string,
): Expr | undefined {
  const tree = parse(expression);
  const metadata = metadataRows(dictionary);
  warnLabelComparisons(tree, metadata);
  return logicExpression(tree, frameInfo(df, metadata, tree, true))?.fillNull(false);
}
