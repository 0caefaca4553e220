/**
 * The structural context of an import row (event, repeat instrument), as REDCap's import resolves it:
 * which instruments may hold values there, and REDCap's messages when they may not.
 *
 * @module
 */
import type { DataDictionary } from "../dictionary/data_dictionary.ts";

export const NOT_REPEATING =
  "redcap_repeat_instance cannot have a value since this instrument or event is not a " +
  "repeating instrument or repeating event, respectively.  The redcap_repeat_instance field " +
  "must be left blank for this row of data.";
export const NOT_A_REPEATING_FORM =
  "redcap_repeat_instrument must be the unique form name of a Repeating Instrument. It " +
  "currently does not match the unique form name of any Repeating Instruments.  " +
  "Please fix this in the data import file and try again.";
export const MAX_INSTANCE = 32767;

/** Outside-context messages of REDCap, by kind. */
export function outsideMessage(
  kind: "not_designated" | "not_on_repeating_instrument" | "needs_repeat_instrument",
  target: string,
  form: string,
  event: string,
  repeatForm: string,
): string {
  if (kind === "not_designated") {
    return `The field '${target}' is on the instrument '${form}', which is not designated for ` +
      `the event '${event}'.`;
  }
  if (kind === "not_on_repeating_instrument") {
    return `This field ('${target}') is not on the Repeating Instrument '${repeatForm}' named ` +
      `in redcap_repeat_instrument for this row of data.`;
  }
  return `This field ('${target}') exists on a Repeating Instrument named '${form}'. However, ` +
    `the fields 'redcap_repeat_instance' and/or 'redcap_repeat_instrument' for this row of ` +
    `data have no value, which are both required for importing data into a Repeating ` +
    `Instrument.  You are not allowed to import data for this field into a non-repeating ` +
    `instrument.`;
}

export interface Context {
  id: number;
  event: string;
  instrument: string;
  /** Resolved event name (the first event for a blank one in longitudinal projects). */
  resolved: string;
  problem?: "unknown_event" | "repeating_event" | "not_repeating_form";
  repeatingEvent: boolean;
  repeatForm: string;
  /** Per form: why its fields cannot hold values in this context. */
  outside: Map<
    string,
    "not_designated" | "not_on_repeating_instrument" | "needs_repeat_instrument"
  >;
}

export function buildContext(
  dd: DataDictionary,
  id: number,
  event: string,
  instrument: string,
): Context {
  const ctx: Context = {
    id,
    event,
    instrument,
    resolved: event,
    repeatingEvent: false,
    repeatForm: "",
    outside: new Map(),
  };
  if (dd.longitudinal) {
    if (event === "") ctx.resolved = dd.events[0]?.uniqueName ?? "";
    else if (!dd.event(event)) {
      ctx.problem = "unknown_event";
      return ctx;
    }
  }
  const ev = dd.longitudinal ? dd.event(ctx.resolved) : undefined;
  ctx.repeatingEvent = ev?.repeating ?? false;
  if (instrument !== "") {
    if (ctx.repeatingEvent) {
      ctx.problem = "repeating_event";
      return ctx;
    }
    if (!dd.form(instrument) || !dd.isRepeatingForm(instrument, ctx.resolved)) {
      ctx.problem = "not_repeating_form";
      return ctx;
    }
    ctx.repeatForm = instrument;
  }
  const designated = new Set(dd.designatedForms(dd.longitudinal ? ctx.resolved : undefined));
  for (const form of dd.forms) {
    if (dd.longitudinal && !designated.has(form.name)) {
      ctx.outside.set(form.name, "not_designated");
    } else if (ctx.repeatForm !== "" && form.name !== ctx.repeatForm) {
      ctx.outside.set(form.name, "not_on_repeating_instrument");
    } else if (
      ctx.repeatForm === "" && !ctx.repeatingEvent &&
      dd.isRepeatingForm(form.name, ctx.resolved)
    ) {
      ctx.outside.set(form.name, "needs_repeat_instrument");
    }
  }
  return ctx;
}
