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
import { formatDate, parseDate, toNumber, toText } from "../logic/_values.ts";

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

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  M: 86_400_000 * 30.44,
  y: 86_400_000 * 365.2425,
};

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

/**
 * Recomputes the calculated fields of the given records and stores the results (inside the
 * caller's transaction): in every event where the field's form is designated and the record
 * has data, at every instance of repeating forms. Calculations that feed others settle in up
 * to five passes.
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
    const changed = new Map<
      string,
      { eventId: number; instance: number; field: string; value: string }
    >();
    for (let pass = 0; pass < 5; pass++) {
      let again = false;
      for (const event of project.events) {
        if (!values.hasEvent(event.event_id)) continue;
        for (const calc of calcs) {
          const form = calc.field.form_name;
          if (!project.isDesignated(event, form)) continue;
          const formFields = project.formByName.get(form)!.fields.map((f) => f.field_name);
          formFields.push(`${form}_complete`);
          const instances = project.repeats(event, form)
            ? values.instances(event.event_id, formFields)
            : [1];
          for (const instance of instances) {
            const context = projectLogicContext(project, values, event, instance, now);
            const value = computeCalculatedField(calc, context);
            const name = calc.field.field_name;
            const old = values.get(event.event_id, instance, name)?.[0] ?? "";
            if (old === value) continue;
            values.set(event.event_id, instance, name, value === "" ? [] : [value]);
            changed.set(`${event.event_id}|${instance}|${name}`, {
              eventId: event.event_id,
              instance,
              field: name,
              value,
            });
            again = true;
          }
        }
      }
      if (!again) break;
    }
    for (const c of changed.values()) {
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
