/**
 * A project folder's structure files: `instruments.csv`, `events.csv`, `arms.csv`,
 * `form_event_mapping.csv` and `repeating_forms_events.csv`, each checked against the dictionary
 * and the others.
 *
 * @module
 */
import type {
  Arm,
  EventDefinition,
  FormEventMapping,
  Instrument,
  RepeatingFormEvent,
} from "../project.ts";
import { uniqueEventName } from "../_unique_names.ts";
import { formLabel, integer, readTable, requireColumns } from "./_tables.ts";

/**
 * Reads `instruments.csv` (optional): labels of the dictionary's forms, in dictionary order;
 * a form without one is labelled from its name.
 *
 * @param folder The folder.
 * @param forms The dictionary's forms, in order.
 * @returns The instruments.
 */
export function readInstruments(folder: string, forms: string[]): Instrument[] {
  const formSet = new Set(forms);
  const instrumentTable = readTable(folder, "instruments.csv");
  if (instrumentTable) {
    requireColumns(instrumentTable, ["instrument_name", "instrument_label"]);
    const labels = new Map<string, string>();
    for (const { line, cells } of instrumentTable.rows) {
      if (!formSet.has(cells.instrument_name)) {
        throw new SyntaxError(
          `Cannot read instruments.csv line ${line}: instrument "${cells.instrument_name}" has no fields in metadata.csv`,
        );
      }
      labels.set(cells.instrument_name, cells.instrument_label);
    }
    return forms.map((form) => ({
      instrument_name: form,
      instrument_label: labels.get(form) || formLabel(form),
    }));
  } else {
    return forms.map((form) => ({
      instrument_name: form,
      instrument_label: formLabel(form),
    }));
  }
}

/**
 * Reads `events.csv` and `arms.csv` (optional): the project is longitudinal when `events.csv`
 * has rows; without `arms.csv`, arms are named `Arm N`.
 *
 * @param folder The folder.
 * @returns Arms and events (none for a classic project).
 */
export function readArmsAndEvents(folder: string): { arms: Arm[]; events: EventDefinition[] } {
  const events: EventDefinition[] = [];
  const eventTable = readTable(folder, "events.csv");
  if (eventTable && eventTable.rows.length > 0) {
    requireColumns(eventTable, ["event_name", "arm_num"]);
    const ids = new Set<number>();
    const names = new Set<string>();
    eventTable.rows.forEach(({ line, cells }, index) => {
      const arm = integer(eventTable, line, "arm_num", cells.arm_num);
      if (!cells.event_name) {
        throw new SyntaxError(`Cannot read events.csv line ${line}: event_name is blank`);
      }
      const unique = cells.unique_event_name || uniqueEventName(cells.event_name, arm);
      if (names.has(unique)) {
        throw new SyntaxError(
          `Cannot read events.csv line ${line}: unique event name "${unique}" is used twice`,
        );
      }
      names.add(unique);
      const id = integer(eventTable, line, "event_id", cells.event_id ?? "", index + 1);
      if (ids.has(id)) {
        throw new SyntaxError(`Cannot read events.csv line ${line}: event_id ${id} is used twice`);
      }
      ids.add(id);
      events.push({
        event_name: cells.event_name,
        arm_num: arm,
        unique_event_name: unique,
        custom_event_label: cells.custom_event_label ?? "",
        event_id: id,
        day_offset: Number(cells.day_offset || "0"),
        offset_min: Number(cells.offset_min || "0"),
        offset_max: Number(cells.offset_max || "0"),
      });
    });
  }
  const longitudinal = events.length > 0;
  const arms: Arm[] = [];
  const armTable = readTable(folder, "arms.csv");
  if (longitudinal) {
    if (armTable) {
      requireColumns(armTable, ["arm_num", "name"]);
      for (const { line, cells } of armTable.rows) {
        arms.push({ arm_num: integer(armTable, line, "arm_num", cells.arm_num), name: cells.name });
      }
    }
    const known = new Set(arms.map((a) => a.arm_num));
    for (const event of events) {
      if (known.has(event.arm_num)) continue;
      if (armTable) {
        const line = eventTable!.rows[events.indexOf(event)].line;
        throw new SyntaxError(
          `Cannot read events.csv line ${line}: arm ${event.arm_num} is not in arms.csv`,
        );
      }
      known.add(event.arm_num);
      arms.push({ arm_num: event.arm_num, name: `Arm ${event.arm_num}` });
    }
    arms.sort((a, b) => a.arm_num - b.arm_num);
  }
  return { arms, events };
}

/**
 * Reads `form_event_mapping.csv` (optional): without it, a longitudinal project has every form
 * in every event.
 *
 * @param folder The folder.
 * @param events The events.
 * @param forms The dictionary's forms.
 * @returns The designations (none for a classic project).
 */
export function readDesignations(
  folder: string,
  events: EventDefinition[],
  forms: string[],
): FormEventMapping[] {
  const longitudinal = events.length > 0;
  const formSet = new Set(forms);
  const eventByName = new Map(events.map((e) => [e.unique_event_name, e]));
  const formEventMapping: FormEventMapping[] = [];
  const mappingTable = readTable(folder, "form_event_mapping.csv");
  if (longitudinal && mappingTable) {
    requireColumns(mappingTable, ["unique_event_name", "form"]);
    for (const { line, cells } of mappingTable.rows) {
      const event = eventByName.get(cells.unique_event_name);
      if (!event) {
        throw new SyntaxError(
          `Cannot read form_event_mapping.csv line ${line}: event "${cells.unique_event_name}" is not in events.csv`,
        );
      }
      if (!formSet.has(cells.form)) {
        throw new SyntaxError(
          `Cannot read form_event_mapping.csv line ${line}: form "${cells.form}" is not in metadata.csv`,
        );
      }
      formEventMapping.push({
        arm_num: event.arm_num,
        unique_event_name: event.unique_event_name,
        form: cells.form,
      });
    }
  } else if (longitudinal) {
    for (const event of events) {
      for (const form of forms) {
        formEventMapping.push({
          arm_num: event.arm_num,
          unique_event_name: event.unique_event_name,
          form,
        });
      }
    }
  }
  return formEventMapping;
}

/**
 * Reads `repeating_forms_events.csv` (optional); a classic project repeats instruments only.
 *
 * @param folder The folder.
 * @param events The events.
 * @param forms The dictionary's forms.
 * @returns The repeating instruments and events.
 */
export function readRepeating(
  folder: string,
  events: EventDefinition[],
  forms: string[],
): RepeatingFormEvent[] {
  const longitudinal = events.length > 0;
  const formSet = new Set(forms);
  const eventByName = new Map(events.map((e) => [e.unique_event_name, e]));
  const repeating: RepeatingFormEvent[] = [];
  const repeatingTable = readTable(folder, "repeating_forms_events.csv");
  if (repeatingTable) {
    requireColumns(repeatingTable, longitudinal ? ["event_name", "form_name"] : ["form_name"]);
    for (const { line, cells } of repeatingTable.rows) {
      const eventName = longitudinal ? cells.event_name : "";
      if (longitudinal && !eventByName.has(eventName)) {
        throw new SyntaxError(
          `Cannot read repeating_forms_events.csv line ${line}: event "${eventName}" is not in events.csv`,
        );
      }
      if (cells.form_name && !formSet.has(cells.form_name)) {
        throw new SyntaxError(
          `Cannot read repeating_forms_events.csv line ${line}: form "${cells.form_name}" is not in metadata.csv`,
        );
      }
      if (!longitudinal && !cells.form_name) {
        throw new SyntaxError(
          `Cannot read repeating_forms_events.csv line ${line}: a classic project can only repeat instruments`,
        );
      }
      repeating.push({
        event_name: eventName,
        form_name: cells.form_name,
        custom_form_label: cells.custom_form_label ?? "",
      });
    }
  }
  return repeating;
}
