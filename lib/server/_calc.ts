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
import {
  evaluateExpression,
  formatLogicValue,
  type LogicContext,
  type LogicNode,
  type LogicValue,
  parseLogic,
} from "../logic/logic.ts";
import { formatDate, parseDate, toNumber, toText } from "../logic/values.ts";
import { UNIT_MS } from "../logic/functions.ts";

/** How one calculated field computes its value. */
export interface CalculatedField {
  field: FieldMetadata;
  kind: "calc" | "calctext" | "calcdate";
  /** The parsed expression (for `@CALCDATE`, the date, the offset and the unit). */
  trees: LogicNode[];
}

/**
 * The argument text of an action tag such as `@CALCTEXT(...)` in an annotation, with nested
 * parentheses and quoted strings respected; `undefined` if the tag is absent or unclosed.
 */
export function actionTagArgument(annotation: string, tag: string): string | undefined {
  const match = new RegExp(`${tag}\\s*\\(`, "i").exec(annotation);
  if (!match) return undefined;
  let depth = 1;
  let quote = "";
  const start = match.index + match[0].length;
  for (let i = start; i < annotation.length; i++) {
    const c = annotation[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return annotation.slice(start, i);
  }
  return undefined;
}

/** Splits top-level comma-separated arguments (`@CALCDATE([d], 7, 'd')`). */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = "", last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(text.slice(last));
  return parts.map((p) => p.trim());
}

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
      let entry: CalculatedField | undefined;
      const text = actionTagArgument(field.field_annotation, "@CALCTEXT");
      const date = actionTagArgument(field.field_annotation, "@CALCDATE");
      if (field.field_type === "calc") {
        entry = { field, kind: "calc", trees: [parseLogic(field.select_choices_or_calculations)] };
      } else if (text !== undefined) {
        entry = { field, kind: "calctext", trees: [parseLogic(text)] };
      } else if (date !== undefined) {
        const args = splitArguments(date);
        if (args.length !== 3) continue;
        entry = { field, kind: "calcdate", trees: args.map((a) => parseLogic(a)) };
      }
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
  const values: LogicValue[] = calc.trees.map((t) => evaluateExpression(t, context));
  if (calc.kind === "calc") {
    const n = toNumber(values[0]);
    return n === undefined ? "" : formatLogicValue(n);
  }
  if (calc.kind === "calctext") return formatLogicValue(values[0]);
  const [date, offset, unit] = values;
  const start = parseDate(date, "ymd", context.now ?? new Date());
  const amount = toNumber(offset);
  const perUnit = UNIT_MS[toText(unit)];
  if (!start || amount === undefined || perUnit === undefined) return "";
  const ms = Math.round(start.ms + amount * perUnit);
  const validation = calc.field.text_validation_type_or_show_slider_number;
  if (validation.startsWith("datetime_seconds")) return formatDate(ms, "hms");
  if (validation.startsWith("datetime")) return formatDate(ms, "hm");
  return formatDate(ms);
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
