/**
 * Lookups derived once from a {@linkcode ProjectDefinition}: fields, forms, choices, events,
 * designations and repeating setup. Everything that exports or imports records reads these.
 *
 * @module
 */
import {
  checkboxSuffix,
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "../dictionary/choices.ts";
import type {
  Arm,
  DataAccessGroup,
  EventDefinition,
  FieldMetadata,
  ProjectDefinition,
} from "./project.ts";

/** A form with its fields in dictionary order (without `{form}_complete`). */
export interface FormModel {
  /** Unique form name. */
  name: string;
  /** Form label. */
  label: string;
  /** The form's fields in dictionary order. */
  fields: FieldMetadata[];
  /** Whether the form is a survey (adds `{form}_timestamp` with `exportSurveyFields`). */
  survey: boolean;
}

/** An event, with its arm and position. Classic projects have one implicit event. */
export interface EventModel extends EventDefinition {
  /** Sort position across the project (arm, then definition order). */
  order: number;
  /** Forms designated for this event, in form order. */
  forms: string[];
  /** Whether the whole event repeats (blank `redcap_repeat_instrument`). */
  repeatingEvent: boolean;
  /** Forms that repeat on their own in this event. */
  repeatingForms: Set<string>;
}

/** The event id a classic project stores its data under. */
export const CLASSIC_EVENT_ID = 1;

/** The missing-data codes a project declares (`missing_data_codes`, `CODE, label | ...`). */
export function parseMissingDataCodes(text: string | number | undefined): Choice[] {
  return typeof text === "string" ? parseChoices(text) : [];
}

/** Derived, read-only lookups over one project's definition. */
export class ProjectModel {
  /** The definition the lookups were derived from. */
  readonly definition: ProjectDefinition;
  /** The data dictionary, in form order. */
  readonly fields: readonly FieldMetadata[];
  /** Fields by name. */
  readonly fieldByName: ReadonlyMap<string, FieldMetadata>;
  /** Forms in dictionary order. */
  readonly forms: readonly FormModel[];
  /** Forms by unique name. */
  readonly formByName: ReadonlyMap<string, FormModel>;
  /** The record ID field (the dictionary's first field). */
  readonly recordIdField: string;
  /** Whether the project has events. */
  readonly longitudinal: boolean;
  /** Arms (classic projects have one implicit arm). */
  readonly arms: readonly Arm[];
  /** Events in order across arms (classic projects have one implicit event). */
  readonly events: readonly EventModel[];
  /** Events by numeric id. */
  readonly eventById: ReadonlyMap<number, EventModel>;
  /** Events by unique event name. */
  readonly eventByName: ReadonlyMap<string, EventModel>;
  /** Data access groups. */
  readonly dags: readonly DataAccessGroup[];
  /** The project's missing-data codes. */
  readonly missingDataCodes: readonly Choice[];
  /** Whether some instrument or event repeats. */
  readonly hasRepeating: boolean;
  #choices = new Map<string, readonly Choice[]>();

  /** Derives the lookups; throws a `RangeError` when the data dictionary has no fields. */
  constructor(definition: ProjectDefinition) {
    this.definition = definition;
    this.fields = definition.metadata;
    this.fieldByName = new Map(definition.metadata.map((f) => [f.field_name, f]));
    if (definition.metadata.length === 0) {
      throw new RangeError("Cannot build project: the data dictionary has no fields");
    }
    this.recordIdField = definition.metadata[0].field_name;
    const surveyForms = new Set(definition.surveys.map((s) => s.form_name));
    const labels = new Map(
      definition.instruments.map((i) => [i.instrument_name, i.instrument_label]),
    );
    const forms: FormModel[] = [];
    const formByName = new Map<string, FormModel>();
    for (const field of definition.metadata) {
      let form = formByName.get(field.form_name);
      if (!form) {
        form = {
          name: field.form_name,
          label: labels.get(field.form_name) ?? field.form_name,
          fields: [],
          survey: surveyForms.has(field.form_name),
        };
        forms.push(form);
        formByName.set(form.name, form);
      }
      form.fields.push(field);
    }
    this.forms = forms;
    this.formByName = formByName;
    this.longitudinal = definition.longitudinal;
    this.dags = definition.dags;
    this.missingDataCodes = parseMissingDataCodes(definition.info.missing_data_codes);

    const formOrder = new Map(forms.map((f, i) => [f.name, i]));
    const repeatingEvents = new Set<string>();
    const repeatingForms = new Map<string, Set<string>>();
    for (const r of definition.repeating) {
      const key = definition.longitudinal ? r.event_name : "";
      if (r.form_name === "") repeatingEvents.add(key);
      else {
        if (!repeatingForms.has(key)) repeatingForms.set(key, new Set());
        repeatingForms.get(key)!.add(r.form_name);
      }
    }
    this.hasRepeating = definition.repeating.length > 0;

    if (definition.longitudinal) {
      this.arms = definition.arms;
      const armOrder = new Map(definition.arms.map((a, i) => [a.arm_num, i]));
      const sorted = definition.events.map((e, i) => ({ e, i })).sort((a, b) =>
        (armOrder.get(a.e.arm_num) ?? 0) - (armOrder.get(b.e.arm_num) ?? 0) || a.i - b.i
      );
      this.events = sorted.map(({ e }, order) => {
        const designated = definition.formEventMapping
          .filter((m) => m.unique_event_name === e.unique_event_name)
          .map((m) => m.form)
          .sort((a, b) => (formOrder.get(a) ?? 0) - (formOrder.get(b) ?? 0));
        return {
          ...e,
          order,
          forms: designated,
          repeatingEvent: repeatingEvents.has(e.unique_event_name),
          repeatingForms: repeatingForms.get(e.unique_event_name) ?? new Set(),
        };
      });
    } else {
      this.arms = [{ arm_num: 1, name: "Arm 1" }];
      this.events = [{
        event_name: "Event 1",
        arm_num: 1,
        unique_event_name: "event_1_arm_1",
        custom_event_label: "",
        event_id: CLASSIC_EVENT_ID,
        day_offset: 0,
        offset_min: 0,
        offset_max: 0,
        order: 0,
        forms: forms.map((f) => f.name),
        repeatingEvent: false,
        repeatingForms: repeatingForms.get("") ?? new Set(),
      }];
    }
    this.eventById = new Map(this.events.map((e) => [e.event_id, e]));
    this.eventByName = new Map(this.events.map((e) => [e.unique_event_name, e]));
  }

  /** Coded choices of a field (implicit for yesno, truefalse and `{form}_complete`). */
  choices(fieldName: string): readonly Choice[] {
    const cached = this.#choices.get(fieldName);
    if (cached) return cached;
    let result: readonly Choice[] = [];
    if (this.isFormStatus(fieldName)) result = FORM_STATUS_CHOICES;
    else {
      const field = this.fieldByName.get(fieldName);
      if (field?.field_type === "yesno") result = YES_NO_CHOICES;
      else if (field?.field_type === "truefalse") result = TRUE_FALSE_CHOICES;
      else if (
        field && ["radio", "dropdown", "checkbox"].includes(field.field_type)
      ) result = parseChoices(field.select_choices_or_calculations);
    }
    this.#choices.set(fieldName, result);
    return result;
  }

  /** Whether `name` is some form's `{form}_complete` field. */
  isFormStatus(name: string): boolean {
    return name.endsWith("_complete") && this.formByName.has(name.slice(0, -"_complete".length));
  }

  /** The form a field (or `{form}_complete`) belongs to. */
  formOf(fieldName: string): string | undefined {
    if (this.isFormStatus(fieldName)) return fieldName.slice(0, -"_complete".length);
    return this.fieldByName.get(fieldName)?.form_name;
  }

  /**
   * Checkbox export columns of a field: one per choice, then one per missing-data code unless
   * the field is tagged `@NOMISSING`.
   */
  checkboxColumns(fieldName: string): { code: string; column: string }[] {
    const field = this.fieldByName.get(fieldName);
    if (!field || field.field_type !== "checkbox") return [];
    const codes = this.choices(fieldName).map((c) => c.code);
    if (!/@NOMISSING\b/.test(field.field_annotation)) {
      for (const m of this.missingDataCodes) if (!codes.includes(m.code)) codes.push(m.code);
    }
    return codes.map((code) => ({ code, column: `${fieldName}___${checkboxSuffix(code)}` }));
  }

  /** The event label REDCap exports in label mode: with the arm when the project has several. */
  eventLabel(event: EventModel): string {
    if (this.arms.length > 1) {
      const arm = this.arms.find((a) => a.arm_num === event.arm_num);
      return `${event.event_name} (Arm ${event.arm_num}: ${arm?.name ?? ""})`;
    }
    return event.event_name;
  }

  /** Whether `form` is designated for `event` (always true in classic projects). */
  isDesignated(event: EventModel, form: string): boolean {
    return !this.longitudinal || event.forms.includes(form);
  }

  /** Whether data of `form` in `event` is repeating (by instrument or because the event repeats). */
  repeats(event: EventModel, form: string): "instrument" | "event" | false {
    if (event.repeatingEvent) return "event";
    return event.repeatingForms.has(form) ? "instrument" : false;
  }

  /** Whether the field is computed by the server (calc, `@CALCTEXT`, `@CALCDATE`). */
  isCalculated(fieldName: string): boolean {
    const field = this.fieldByName.get(fieldName);
    if (!field) return false;
    return field.field_type === "calc" || /@CALC(TEXT|DATE)\s*\(/.test(field.field_annotation);
  }
}
