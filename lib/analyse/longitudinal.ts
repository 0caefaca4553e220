/**
 * {@linkcode withEventColumns}: a longitudinal frame's arm, event label and instance as
 * columns of their own, in one call.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { frameColumns, frameHeight, selectFrame } from "../frame.ts";
import { attachColumnLabels, readColumnLabels } from "../transform/column_labels.ts";
import { columnValues } from "./_field_values.ts";

/** The columns {@linkcode withEventColumns} adds, and their column labels. */
const ADDED = {
  arm: "Arm number",
  arm_name: "Arm",
  event_label: "Event",
  instance: "Instance",
} as const;

/**
 * Adds, right after `redcap_event_name` (or the record id), the row's `arm` (number, Int64),
 * `arm_name` and `event_label` (from the project's arms and events; longitudinal projects only)
 * and `instance` (Int64: `redcap_repeat_instance`, or 1 on a row that is not a repeat
 * instance, as REDCap stores the first instance). Events in different arms may share a label
 * (`Baseline`): group by `event_label` to pool the arms, by `redcap_event_name` to keep them
 * apart. Column labels are recorded for the new columns (see `columnLabels()`).
 *
 * @example Arm, visit and instance of the demo's rows
 * ```ts
 * import { withEventColumns } from "denocap";
 * import { createDemoClient } from "denocap/demo";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const client = createDemoClient({ records: 5 });
 * const { data, dictionary } = await client.readRecords({ forms: ["adverse_events"] });
 * const out = withEventColumns(data, dictionary);
 * deepStrictEqual(out.columns.slice(0, 6), [
 *   "record_id", "redcap_event_name", "arm", "arm_name", "event_label", "instance",
 * ]);
 * const first = out.toRecords()[0];
 * strictEqual(first.arm_name, dictionary.arms.find((a) => a.arm === first.arm)?.name);
 * ```
 *
 * @param frame A frame of a read with `redcap_event_name` (longitudinal projects).
 * @param dictionary The project's dictionary.
 * @returns A new frame with the columns added.
 * @throws {RangeError} When the frame already has one of the columns, lacks
 * `redcap_event_name` in a longitudinal project, or holds an event the project does not have.
 */
export function withEventColumns(frame: DataFrame, dictionary: DataDictionary): DataFrame {
  const action = "add event columns";
  const columns = frameColumns(frame);
  const taken = Object.keys(ADDED).filter((c) => columns.includes(c));
  if (taken.length > 0) {
    throw new RangeError(`Cannot ${action}: the frame already has ${taken.join(", ")}`);
  }
  const height = frameHeight(frame);
  const added: pl.Series[] = [];
  if (dictionary.longitudinal) {
    if (!columns.includes("redcap_event_name")) {
      throw new RangeError(
        `Cannot ${action}: the frame has no redcap_event_name (read it with the record id or keep the column)`,
      );
    }
    const events = columnValues(frame, "redcap_event_name");
    const armNames = new Map(dictionary.arms.map((a) => [a.arm, a.name]));
    const arm: (number | null)[] = [];
    const armName: (string | null)[] = [];
    const label: (string | null)[] = [];
    events.forEach((name, i) => {
      if (name === null || name === undefined) {
        arm.push(null), armName.push(null), label.push(null);
        return;
      }
      const event = dictionary.event(String(name));
      if (!event) {
        throw new RangeError(
          `Cannot ${action}: row ${
            i + 1
          } has event "${name}", which is not an event of the project`,
        );
      }
      arm.push(event.arm);
      armName.push(armNames.get(event.arm) ?? null);
      label.push(event.label);
    });
    added.push(
      pl.Series("arm", arm, pl.Int64),
      pl.Series("arm_name", armName, pl.String),
      pl.Series("event_label", label, pl.String),
    );
  }
  const instances = columns.includes("redcap_repeat_instance")
    ? columnValues(frame, "redcap_repeat_instance").map((v) =>
      v === null || v === undefined || v === "" ? 1 : Number(v)
    )
    : new Array(height).fill(1);
  added.push(pl.Series("instance", instances, pl.Int64));

  const after = columns.includes("redcap_event_name")
    ? columns.indexOf("redcap_event_name")
    : columns.indexOf(dictionary.recordIdField);
  const order = [
    ...columns.slice(0, after + 1),
    ...added.map((s) => s.name),
    ...columns.slice(after + 1),
  ];
  const out = selectFrame(
    pl.DataFrame([...frame.getColumns(), ...added]),
    ...order.map((c) => pl.col(c)),
  );
  return attachColumnLabels(out, { ...readColumnLabels(frame), ...ADDED });
}
