/**
 * Project XML's repeating instruments and events (`redcap:RepeatingInstrumentsAndEvents`, in
 * the old and the new nesting).
 *
 * @module
 */
import type { RepeatingFormEvent } from "../project.ts";
import { attr, list, type Node } from "./_nodes.ts";

/**
 * Reads the repeating setup. A classic project cannot repeat its only event as a whole, so it
 * keeps repeating instruments only.
 *
 * @param globals The `GlobalVariables` element.
 * @param longitudinal Whether the project has events.
 * @returns The repeating instruments and events.
 */
export function readRepeating(globals: Node, longitudinal: boolean): RepeatingFormEvent[] {
  const repeatingBlock: Node = globals["redcap:RepeatingInstrumentsAndEvents"] ?? {};
  const repeating: RepeatingFormEvent[] = [];
  const repeatingInstruments = [
    ...list(repeatingBlock["redcap:RepeatingInstrument"]),
    ...list(repeatingBlock["redcap:RepeatingInstruments"]).flatMap((block: Node) =>
      list(block?.["redcap:RepeatingInstrument"])
    ),
  ];
  const repeatingEvents = [
    ...list(repeatingBlock["redcap:RepeatingEvent"]),
    ...list(repeatingBlock["redcap:RepeatingEvents"]).flatMap((block: Node) =>
      list(block?.["redcap:RepeatingEvent"])
    ),
  ];
  for (const r of repeatingEvents) {
    repeating.push({
      event_name: longitudinal ? attr(r, "redcap:UniqueEventName") : "",
      form_name: "",
      custom_form_label: "",
    });
  }
  for (const r of repeatingInstruments) {
    repeating.push({
      event_name: longitudinal ? attr(r, "redcap:UniqueEventName") : "",
      form_name: attr(r, "redcap:RepeatInstrument"),
      custom_form_label: attr(r, "redcap:CustomLabel"),
    });
  }
  if (!longitudinal) {
    // A classic project cannot repeat its only event as a whole; keep instruments only.
    for (let i = repeating.length - 1; i >= 0; i--) {
      if (repeating[i].form_name === "") repeating.splice(i, 1);
    }
  }
  return repeating;
}
