/**
 * The plan of an EAV-to-flat conversion, built once per dictionary: each field's column slots
 * (checkbox options, form status), and which instruments each event and repeat instrument holds.
 *
 * @module
 */
import type { DataDictionary } from "../dictionary/data_dictionary.ts";
import { sameBytes } from "./_csv_bytes.ts";

const encoder = new TextEncoder();

/** Slots that are not value columns. */
export const ID = -1;
export const IGNORE = -2;
/** A cell holding a checkbox export row's `1`. */
export const CHECKED = -2;

/** A field name of the EAV `field_name` column, as bytes, and where its value goes. */
export interface Entry {
  name: Uint8Array;
  /** Index of its column among the value columns, {@linkcode ID} or {@linkcode IGNORE}. */
  slot: number;
  /** Checkbox export rows (`race`, value `3`): the value column of each code. */
  codes?: Map<string, number>;
  /** The field name met after this one last time (REDCap writes fields in the same order
   * for every row): tried before a hash lookup. */
  next?: Entry;
}

/** What the conversion needs from a dictionary: plain data (it is sent to the worker). */
export interface EavCsvPlan {
  /** The record-id field. */
  id: string;
  longitudinal: boolean;
  hasRepeating: boolean;
  /** Forms in order; forms that repeat in a classic project. */
  forms: string[];
  classicRepeating: Set<string>;
  /** Per event: designated forms, and those that repeat on their own. */
  events: Map<string, { forms: Set<string>; repeating: Set<string> }>;
  /** Field names met in EAV that hold no value column (descriptive fields, structural
   * columns): their rows are skipped. */
  ignorable: Set<string>;
  /** Field names by hash (open addressing): index + 1 into `list`, 0 for empty. */
  table: Int32Array;
  list: Entry[];
  /** Value columns (every column but the id and the structural ones). */
  targets: string[];
  slotOf: Map<string, number>;
  /** Per value column: the index of the form whose absence blanks it and whose presence
   * makes it `0` (checkbox and form-status columns), or -1. */
  fillForm: Int32Array;
  eventIndex: Map<string, number>;
  formIndex: Map<string, number>;
}

export const PLANS = new WeakMap<DataDictionary, EavCsvPlan>();
export function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h & 0x3fffffff;
}

/** Adds an entry to the plan's field-name table (grown to keep it at most a quarter full). */
export function addEntry(plan: EavCsvPlan, entry: Entry): void {
  plan.list.push(entry);
  if (plan.list.length * 4 > plan.table.length) {
    plan.table = new Int32Array(plan.table.length * 4);
    plan.list.forEach((e, i) => place(plan, e, i));
  } else place(plan, entry, plan.list.length - 1);
}

export function place(plan: EavCsvPlan, entry: Entry, index: number): void {
  const mask = plan.table.length - 1;
  let at = hashOf(entry.name, 0, entry.name.length) & mask;
  while (plan.table[at] !== 0) at = (at + 1) & mask;
  plan.table[at] = index + 1;
}

/**
 * The conversion plan of a dictionary (built once per dictionary).
 *
 * @param dictionary The project's dictionary.
 * @returns The plan.
 */
export function eavCsvPlan(dictionary: DataDictionary): EavCsvPlan {
  let plan = PLANS.get(dictionary);
  if (plan) return plan;
  const id = dictionary.recordIdField;
  const structural = new Set(dictionary.structuralColumns());
  const targets = dictionary.columns().filter((c) => c !== id && !structural.has(c));
  const slot = new Map(targets.map((c, i) => [c, i]));
  const formIndex = new Map(dictionary.forms.map((f, i) => [f.name, i]));
  const fillForm = new Int32Array(targets.length).fill(-1);
  targets.forEach((column, i) => {
    const info = dictionary.columnInfo(column);
    if (info?.role === "checkbox" || info?.role === "form_status") {
      fillForm[i] = formIndex.get(info.form!) ?? -1;
    }
  });
  const ignorable = new Set(dictionary.columns({ dataAccessGroups: true, surveyFields: true }));
  for (const field of dictionary.fields) {
    if (field.type === "descriptive") ignorable.add(field.name);
  }
  plan = {
    id,
    longitudinal: dictionary.longitudinal,
    hasRepeating: dictionary.hasRepeating,
    forms: dictionary.forms.map((f) => f.name),
    classicRepeating: new Set(
      dictionary.forms.filter((f) => dictionary.isRepeatingForm(f.name)).map((f) => f.name),
    ),
    events: new Map(dictionary.events.map((e) => [e.uniqueName, {
      forms: new Set(e.forms),
      repeating: new Set(e.repeatingForms),
    }])),
    ignorable,
    table: new Int32Array(64),
    list: [],
    targets,
    slotOf: slot,
    fillForm,
    eventIndex: new Map(dictionary.events.map((e, i) => [e.uniqueName, i])),
    formIndex,
  };
  const add = (name: string, entry: Omit<Entry, "name">) =>
    addEntry(plan!, { name: encoder.encode(name), ...entry });
  for (const [column, i] of slot) add(column, { slot: i });
  add(id, { slot: ID });
  for (const field of dictionary.fields) {
    if (field.type !== "checkbox") continue;
    const codes = new Map<string, number>();
    for (const c of dictionary.checkboxColumns(field.name)) {
      const i = slot.get(c.column);
      if (i !== undefined) codes.set(c.code, i);
    }
    add(field.name, { slot: IGNORE, codes });
  }
  PLANS.set(dictionary, plan);
  return plan;
}

/** Which forms belong to a flat row of this event and repeat instrument (see `pivotEav`). */
export function maskOf(plan: EavCsvPlan, event: string, instrument: string): Uint8Array {
  const e = plan.events.get(event);
  return Uint8Array.from(plan.forms, (form) => {
    if (!plan.longitudinal) {
      return Number(plan.classicRepeating.has(form) ? instrument === form : instrument === "");
    }
    if (!e || !e.forms.has(form)) return 0;
    return Number(e.repeating.has(form) ? instrument === form : instrument === "");
  });
}

/** The entry of a decoded field name; a name the plan does not know is a descriptive field
 * (no values) or an error. */
export function entryOf(plan: EavCsvPlan, name: string): Entry {
  const bytes = encoder.encode(name);
  const known = find(plan, bytes, 0, bytes.length, hashOf(bytes, 0, bytes.length));
  if (known) return known;
  if (!plan.ignorable.has(name)) {
    throw new RangeError(`Cannot pivot EAV: field "${name}" is not in the data dictionary`);
  }
  const entry = { name: bytes, slot: IGNORE };
  addEntry(plan, entry);
  return entry;
}

export function find(
  plan: EavCsvPlan,
  b: Uint8Array,
  start: number,
  end: number,
  hash: number,
): Entry | undefined {
  const { table, list } = plan;
  const mask = table.length - 1;
  const length = end - start;
  for (let at = hash & mask; table[at] !== 0; at = (at + 1) & mask) {
    const entry = list[table[at] - 1];
    if (entry.name.length === length && sameBytes(entry.name, 0, b, start, length)) return entry;
  }
  return undefined;
}
