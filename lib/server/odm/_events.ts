/**
 * Project XML's arms, events (`StudyEventDef`, in the `Protocol`'s order) and the forms each
 * event holds (`FormRef`).
 *
 * @module
 */
import type { Arm, EventDefinition, FormEventMapping } from "../project.ts";
import { attr, list, type Node } from "./_nodes.ts";

/** What the events section holds (all empty for a classic project). */
export interface OdmEvents {
  arms: Arm[];
  events: EventDefinition[];
  formEventMapping: FormEventMapping[];
  /** Unique event name by `StudyEventDef` OID. */
  eventOfOid: Map<string, string>;
}

/**
 * Reads the arms, events and designations. As REDCap's own ODM import does, a project with fewer
 * than two study events is classic: it has none.
 *
 * @param version The `MetaDataVersion` element.
 * @param formOfOid Form name by `FormDef` OID.
 * @returns Arms, events and designations.
 */
export function readEvents(version: Node, formOfOid: Map<string, string>): OdmEvents {
  const eventDefs = list(version.StudyEventDef);
  // As REDCap's own ODM import does: a single event means a classic project.
  const longitudinal = eventDefs.length > 1;
  const arms: Arm[] = [];
  const events: EventDefinition[] = [];
  const formEventMapping: FormEventMapping[] = [];
  const eventOfOid = new Map<string, string>();
  if (longitudinal) {
    const eventOrder = list(version.Protocol?.StudyEventRef).map((r: Node) =>
      attr(r, "StudyEventOID")
    );
    const ordered = [...eventDefs].sort((a, b) => {
      const ia = eventOrder.indexOf(attr(a, "OID"));
      const ib = eventOrder.indexOf(attr(b, "OID"));
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    });
    const armNums = new Set<number>();
    for (const def of ordered) {
      const armNum = Number(attr(def, "redcap:ArmNum") || "1");
      if (!armNums.has(armNum)) {
        armNums.add(armNum);
        arms.push({ arm_num: armNum, name: attr(def, "redcap:ArmName") || `Arm ${armNum}` });
      }
    }
    arms.sort((a, b) => a.arm_num - b.arm_num);
    // Events listed arm by arm, keeping the XML order within each arm.
    const byArm = [...ordered].sort((a, b) =>
      Number(attr(a, "redcap:ArmNum") || "1") - Number(attr(b, "redcap:ArmNum") || "1")
    );
    byArm.forEach((def, index) => {
      const unique = attr(def, "redcap:UniqueEventName") ||
        attr(def, "OID").replace(/^Event\./, "");
      const armNum = Number(attr(def, "redcap:ArmNum") || "1");
      eventOfOid.set(attr(def, "OID"), unique);
      events.push({
        event_name: attr(def, "redcap:EventName") || attr(def, "Name"),
        arm_num: armNum,
        unique_event_name: unique,
        custom_event_label: attr(def, "redcap:CustomEventLabel"),
        event_id: Number(attr(def, "redcap:EventId")) || index + 1,
        day_offset: Number(attr(def, "redcap:DayOffset") || "0"),
        offset_min: Number(attr(def, "redcap:OffsetMin") || "0"),
        offset_max: Number(attr(def, "redcap:OffsetMax") || "0"),
      });
      for (const ref of list(def.FormRef)) {
        const form = attr(ref, "redcap:FormName") || formOfOid.get(attr(ref, "FormOID")) || "";
        if (form) formEventMapping.push({ arm_num: armNum, unique_event_name: unique, form });
      }
    });
  }
  return { arms, events, formEventMapping, eventOfOid };
}
