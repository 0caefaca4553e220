/**
 * `filterLogic` on record exports: compiles REDCap logic into a predicate over one record-event.
 * Also builds the logic context (values, checkbox options, smart variables) that calculated
 * fields use.
 *
 * @module
 */
import { ApiError } from "./_http.ts";
import type { EventModel, ProjectModel } from "./model.ts";
import type { DataPoint } from "./project.ts";
import {
  type LogicContext,
  LogicError,
  type LogicNode,
  LogicReferenceError,
  logicReferences,
  LogicSyntaxError,
  parseLogic,
  testLogic,
} from "../logic/logic.ts";

/**
 * Decides whether one record-event (or, in classic projects, one record) passes the filter.
 * `points` may hold the record's data in every event (for `[event][field]` references).
 * With `instance`, repeating fields are read at that instance; without it the record-event
 * passes when any of its instances does.
 */
export type RecordEventFilter = (
  record: string,
  points: readonly DataPoint[],
  event: EventModel,
  instance?: number,
) => boolean;

/**
 * Deepest tree a filter may be. `or` / `and` chains of any length are balanced by the parser;
 * a long chain of another operator (`[a] + [b] + ...`) leans one way, and evaluating it
 * recurses once per term. Such a filter is refused with 400 before the export answers 200,
 * never failing half-way through a streamed body.
 */
const MAX_FILTER_DEPTH = 500;

/** Throws a {@linkcode LogicSyntaxError} when the tree is deeper than `MAX_FILTER_DEPTH`. */
function checkDepth(tree: LogicNode): void {
  const stack: [LogicNode, number][] = [[tree, 1]]; // iterative: the walk itself must not recurse
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_FILTER_DEPTH) {
      throw new LogicSyntaxError(
        `The logic is nested more than ${MAX_FILTER_DEPTH} levels deep (a long chain of ` +
          `"${node.kind === "binary" ? node.op : "..."}" or of parentheses); split it up`,
        node.pos,
      );
    }
    if (node.kind === "unary") stack.push([node.operand, depth + 1]);
    else if (node.kind === "binary") stack.push([node.left, depth + 1], [node.right, depth + 1]);
    else if (node.kind === "call") { for (const arg of node.args) stack.push([arg, depth + 1]); }
  }
}

/**
 * Checks that every field and event a tree refers to exists in the project; throws a
 * {@linkcode LogicReferenceError} naming the first that does not.
 */
export function checkLogicReferences(project: ProjectModel, node: LogicNode): void {
  for (const ref of logicReferences(node)) {
    const known = project.fieldByName.has(ref.field) || project.isFormStatus(ref.field) ||
      (ref.field.endsWith("_timestamp") &&
        project.formByName.has(ref.field.slice(0, -"_timestamp".length)));
    if (!known) {
      throw new LogicReferenceError(
        "unknown_field",
        ref.field,
        `Unknown field "${ref.field}" in ${ref.text}`,
        ref.pos,
      );
    }
    if (
      ref.event !== undefined && !ref.event.includes("-") && !project.eventByName.has(ref.event)
    ) {
      throw new LogicReferenceError(
        "unknown_event",
        ref.event,
        `Unknown event "${ref.event}" in ${ref.text}`,
        ref.pos,
      );
    }
  }
}

/**
 * A stored value as logic sees it: numbers validated with a decimal comma (`1,54`) read as
 * `1.54`, as REDCap converts them before calculating.
 */
export function logicValueOf(project: ProjectModel, field: string, stored: string): string {
  const validation = project.fieldByName.get(field)?.text_validation_type_or_show_slider_number;
  return validation?.endsWith("comma_decimal") ? stored.replace(",", ".") : stored;
}

/** A record's data indexed by event, instance and field. */
export class RecordValues {
  readonly record: string;
  readonly #values = new Map<string, string[]>();
  readonly #instances = new Map<string, number[]>();

  constructor(record: string, points: readonly DataPoint[]) {
    this.record = record;
    for (const p of points) {
      if (p.record !== record) continue;
      const key = `${p.event_id}\u0000${p.instance}\u0000${p.field_name}`;
      const list = this.#values.get(key);
      if (list) list.push(p.value);
      else this.#values.set(key, [p.value]);
      const ikey = `${p.event_id}\u0000${p.field_name}`;
      const instances = this.#instances.get(ikey);
      if (!instances) this.#instances.set(ikey, [p.instance]);
      else if (!instances.includes(p.instance)) instances.push(p.instance);
    }
  }

  /** Stored values of a field (several for a checkbox). */
  get(eventId: number, instance: number, field: string): readonly string[] | undefined {
    return this.#values.get(`${eventId}\u0000${instance}\u0000${field}`);
  }

  /** Sets the values of a field (used while recomputing calculations). */
  set(eventId: number, instance: number, field: string, values: string[]): void {
    this.#values.set(`${eventId}\u0000${instance}\u0000${field}`, values);
    const ikey = `${eventId}\u0000${field}`;
    const instances = this.#instances.get(ikey);
    if (!instances) this.#instances.set(ikey, [instance]);
    else if (!instances.includes(instance)) instances.push(instance);
  }

  /** Whether the record has any value in an event. */
  hasEvent(eventId: number): boolean {
    const prefix = `${eventId}\u0000`;
    for (const key of this.#instances.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  /** Instances holding data for any of `fields` in an event, ascending. */
  instances(eventId: number, fields: Iterable<string>): number[] {
    const all = new Set<number>();
    for (const f of fields) {
      for (const i of this.#instances.get(`${eventId}\u0000${f}`) ?? []) all.add(i);
    }
    return [...all].sort((a, b) => a - b);
  }
}

/**
 * The logic context of one record at one event and instance: `[field]` reads the current
 * event (the current instance for fields repeating there, else instance 1), `[event][field]`
 * another event of the record.
 */
export function projectLogicContext(
  project: ProjectModel,
  values: RecordValues,
  event: EventModel,
  instance: number,
  now: Date = new Date(),
): LogicContext {
  const armEvents = project.events.filter((e) => e.arm_num === event.arm_num);
  const position = armEvents.findIndex((e) => e.event_id === event.event_id);
  const eventFor = (name?: string) => name === undefined ? event : project.eventByName.get(name);
  const instanceFor = (ev: EventModel, field: string, given?: number) => {
    if (given !== undefined) return given;
    const form = project.formOf(field);
    return form !== undefined && project.repeats(ev, form) ? instance : 1;
  };
  const missingCodes = project.missingDataCodes.map((c) => c.code);
  return {
    value(field, eventName, given) {
      const ev = eventFor(eventName);
      if (!ev) return undefined;
      const stored = values.get(ev.event_id, instanceFor(ev, field, given), field);
      if (stored === undefined && field === project.recordIdField) return values.record;
      if (stored === undefined) return undefined;
      const type = project.fieldByName.get(field)?.field_type;
      return type === "checkbox" ? "" : logicValueOf(project, field, stored[0]);
    },
    checked(field, code, eventName, given) {
      const ev = eventFor(eventName);
      if (!ev) return false;
      return values.get(ev.event_id, instanceFor(ev, field, given), field)?.includes(code) ?? false;
    },
    smart(name) {
      switch (name) {
        case "record-name":
          return values.record;
        case "event-name":
          return event.unique_event_name;
        case "event-label":
          return event.event_name;
        case "event-id":
          return String(event.event_id);
        case "event-number":
          return String(position + 1);
        case "arm-number":
          return String(event.arm_num);
        case "arm-label":
          return project.arms.find((a) => a.arm_num === event.arm_num)?.name ?? "";
        case "previous-event-name":
          return armEvents[position - 1]?.unique_event_name ?? "";
        case "next-event-name":
          return armEvents[position + 1]?.unique_event_name ?? "";
        case "first-event-name":
          return armEvents[0]?.unique_event_name ?? "";
        case "last-event-name":
          return armEvents[armEvents.length - 1]?.unique_event_name ?? "";
        case "current-instance":
          return String(instance);
        case "previous-instance":
          return instance > 1 ? String(instance - 1) : "";
        case "next-instance":
          return String(instance + 1);
        case "project-id":
          return String(project.definition.info.project_id ?? "");
        default:
          return undefined;
      }
    },
    instanceRange(field, eventName) {
      const ev = eventFor(eventName);
      if (!ev) return undefined;
      const found = values.instances(ev.event_id, [field]);
      return found.length ? { first: found[0], last: found[found.length - 1] } : undefined;
    },
    missingCodes,
    now,
  };
}

/** REDCap-style 400 message for logic that does not parse or names unknown fields. */
export function invalidFilterLogicMessage(error: LogicError): string {
  return `The filterLogic parameter is not valid: ${error.message}`;
}

/**
 * Compiles `filterLogic` for a project. Throws {@linkcode ApiError} (400) for logic REDCap
 * would reject: bad syntax, an unknown function, field or event.
 */
export function compileFilterLogic(project: ProjectModel, logic: string): RecordEventFilter {
  let tree: LogicNode;
  try {
    tree = parseLogic(logic);
    checkDepth(tree);
    checkLogicReferences(project, tree);
  } catch (error) {
    if (error instanceof LogicError) throw new ApiError(400, invalidFilterLogicMessage(error));
    throw error;
  }
  const repeatingByEvent = new Map<number, string[]>();
  const repeatingFields = (event: EventModel) => {
    let fields = repeatingByEvent.get(event.event_id);
    if (!fields) {
      fields = project.fields.filter((f) => project.repeats(event, f.form_name))
        .map((f) => f.field_name);
      repeatingByEvent.set(event.event_id, fields);
    }
    return fields;
  };
  let lastPoints: readonly DataPoint[] | undefined;
  let lastRecord = "";
  let lastValues: RecordValues | undefined;
  return (record, points, event, instance) => {
    if (points !== lastPoints || record !== lastRecord || !lastValues) {
      lastValues = new RecordValues(record, points);
      lastPoints = points;
      lastRecord = record;
    }
    const values = lastValues;
    const now = new Date();
    if (instance !== undefined) {
      return testLogic(tree, projectLogicContext(project, values, event, instance, now));
    }
    const repeating = repeatingFields(event);
    const instances = repeating.length ? values.instances(event.event_id, repeating) : [];
    if (instances.length === 0) instances.push(1);
    return instances.some((i) =>
      testLogic(tree, projectLogicContext(project, values, event, i, now))
    );
  };
}
