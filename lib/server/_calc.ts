/**
 * Calculated fields (`calc`, `@CALCTEXT`, `@CALCDATE`): recomputed after every import that
 * touches their inputs, as REDCap does.
 *
 * @module
 */
import type { RedcapStore } from "./store.ts";
import type { ProjectModel } from "./model.ts";
import type { FieldMetadata } from "./project.ts";
import { checkLogicReferences, projectLogicContext, RecordValues } from "./_filter_logic.ts";
import type { LogicContext, LogicNode } from "../logic/logic.ts";
import { actionTagArgument, computeCalculation, parseCalculation } from "../logic/calculations.ts";

/** How one calculated field computes its value. */
export interface CalculatedField {
  field: FieldMetadata;
  kind: "calc" | "calctext" | "calcdate";
  /** The parsed expression (for `@CALCDATE`, the date, the offset and the unit). */
  trees: LogicNode[];
}

// Shared with the client's checkCalculations(): one reading of REDCap's calculations.
export { actionTagArgument };

const cache = new WeakMap<ProjectModel, CalculatedField[]>();

/**
 * The project's calculated fields in dictionary order, parsed. Fields whose logic does not
 * parse or names unknown fields are left out (REDCap refuses such a dictionary).
 */
export function calculatedFields(project: ProjectModel): CalculatedField[] {
  const cached = cache.get(project);
  if (cached) return cached;
  const result: CalculatedField[] = [];
  for (const field of project.fields) {
    if (!project.isCalculated(field.field_name)) continue;
    try {
      const parsed = parseCalculation(field);
      const entry: CalculatedField | undefined = parsed &&
        { field, kind: parsed.kind, trees: parsed.trees };
      if (!entry) continue;
      for (const tree of entry.trees) checkLogicReferences(project, tree);
      result.push(entry);
    } catch {
      continue;
    }
  }
  cache.set(project, result);
  return result;
}

/** Computes one calculated field's stored text in a context. */
export function computeCalculatedField(calc: CalculatedField, context: LogicContext): string {
  return computeCalculation({
    field: calc.field.field_name,
    kind: calc.kind,
    trees: calc.trees,
    validation: calc.field.text_validation_type_or_show_slider_number,
  }, context);
}

/** One calculated value that changed: where, the stored values before, the new text. */
export interface CalculationChange {
  eventId: number;
  instance: number;
  field: string;
  /** The values stored before (empty when none). */
  old: readonly string[];
  /** The new value, `""` to erase. */
  value: string;
}

/**
 * Recomputes one record's calculated fields over its values in memory (which it updates), in
 * every event where the field's form is designated and the record has data, at every instance
 * of repeating forms; calculations that feed others settle in up to five passes. Returns what
 * changed, for the caller to store.
 *
 * @param project The project.
 * @param calcs Its calculated fields ({@linkcode calculatedFields}).
 * @param values The record's values; changed values are set in it.
 * @param now The time `today`/`now` read.
 * @returns The changed values, one entry per field, event and instance.
 */
export function recomputeRecord(
  project: ProjectModel,
  calcs: readonly CalculatedField[],
  values: RecordValues,
  now: Date,
): CalculationChange[] {
  const changed = new Map<string, CalculationChange>();
  // Logic contexts read the values lazily, so one per event and instance serves every pass.
  const contexts = new Map<string, LogicContext>();
  const formFields = new Map<string, string[]>();
  for (let pass = 0; pass < 5; pass++) {
    let again = false;
    for (const event of project.events) {
      if (!values.hasEvent(event.event_id)) continue;
      for (const calc of calcs) {
        const form = calc.field.form_name;
        if (!project.isDesignated(event, form)) continue;
        let instances = [1];
        if (project.repeats(event, form)) {
          let fields = formFields.get(form);
          if (!fields) {
            fields = project.formByName.get(form)!.fields.map((f) => f.field_name);
            fields.push(`${form}_complete`);
            formFields.set(form, fields);
          }
          instances = values.instances(event.event_id, fields);
        }
        for (const instance of instances) {
          const contextKey = `${event.event_id}|${instance}`;
          let context = contexts.get(contextKey);
          if (!context) {
            context = projectLogicContext(project, values, event, instance, now);
            contexts.set(contextKey, context);
          }
          const value = computeCalculatedField(calc, context);
          const name = calc.field.field_name;
          const before = values.get(event.event_id, instance, name) ?? [];
          if ((before[0] ?? "") === value) continue;
          values.set(event.event_id, instance, name, value === "" ? [] : [value]);
          const key = `${contextKey}|${name}`;
          const entry = changed.get(key);
          if (entry) entry.value = value;
          else {
            changed.set(key, {
              eventId: event.event_id,
              instance,
              field: name,
              old: before,
              value,
            });
          }
          again = true;
        }
      }
    }
    if (!again) break;
  }
  return [...changed.values()].filter((c) =>
    !(c.old.length === (c.value === "" ? 0 : 1) && (c.old[0] ?? "") === c.value)
  );
}

/**
 * Recomputes the calculated fields of the given records and stores the results (inside the
 * caller's transaction), as {@linkcode recomputeRecord} does for one record in memory.
 */
export function recomputeCalculations(
  store: RedcapStore,
  projectId: number,
  records: readonly string[],
): void {
  const project = store.project(projectId);
  const calcs = calculatedFields(project);
  if (calcs.length === 0 || records.length === 0) return;
  const now = store.now();
  for (const { record, points } of store.readRecords(projectId, records)) {
    const values = new RecordValues(record, points);
    for (const c of recomputeRecord(project, calcs, values, now)) {
      store.setValues(
        projectId,
        record,
        c.eventId,
        c.instance,
        c.field,
        c.value === "" ? [] : [c.value],
      );
    }
  }
}
