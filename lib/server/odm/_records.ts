/**
 * Project XML's data (`ClinicalData`): each subject's forms, per event and repeat instance, as
 * flat raw rows in REDCap's import shape, and the files its file fields hold.
 *
 * @module
 */
import { CLASSIC_EVENT_ID } from "../model.ts";
import type {
  DataAccessGroup,
  EventDefinition,
  RepeatingFormEvent,
  StoredFile,
} from "../project.ts";
import type { OdmDictionary } from "./_dictionary.ts";
import { attr, decodeBase64, list, type Node, rawDateTime, text } from "./_nodes.ts";

/** What the records are read against. */
export interface OdmStructure {
  dictionary: OdmDictionary;
  events: EventDefinition[];
  /** Unique event name by `StudyEventDef` OID. */
  eventOfOid: Map<string, string>;
  repeating: RepeatingFormEvent[];
  dags: DataAccessGroup[];
}

/**
 * Reads the records. ODM datetimes such as `2023-07-31T14:49` become `2023-07-31 14:49`; typed
 * item variants (`ItemDataString`, `ItemDataBoolean`, ...) are read as text; file fields keep the
 * file name as their value and their decoded content in `files`. A record's DAG is named by its
 * unique name when the XML uses the display name.
 *
 * @param odm The `ODM` element.
 * @param structure The project's dictionary, events, repeating setup and groups.
 * @returns Flat rows, each record's DAG, and the files.
 */
export function readRecords(odm: Node, structure: OdmStructure): {
  records: Record<string, string>[];
  recordDags: Record<string, string>;
  files: StoredFile[];
} {
  const { dictionary, events, eventOfOid, repeating, dags } = structure;
  const longitudinal = events.length > 0;
  const repeatsEvent = new Set(
    repeating.filter((r) => r.form_name === "").map((r) => r.event_name),
  );
  const repeatsForm = new Set(
    repeating.filter((r) => r.form_name).map((r) => `${r.event_name}\u0000${r.form_name}`),
  );
  const hasRepeating = repeating.length > 0;
  const eventIdOf = new Map(events.map((e) => [e.unique_event_name, e.event_id]));
  const dagByName = new Map<string, string>();
  for (const dag of dags) {
    dagByName.set(dag.unique_group_name, dag.unique_group_name);
    dagByName.set(dag.data_access_group_name, dag.unique_group_name);
  }
  const records: Record<string, string>[] = [];
  const recordDags: Record<string, string> = {};
  const files: StoredFile[] = [];
  const clinical = list(odm.ClinicalData);
  for (const block of clinical) {
    for (const subject of list(block.SubjectData)) {
      const record = attr(subject, "SubjectKey");
      const rows = new Map<string, Record<string, string>>();
      let dag = dagByName.get(attr(subject, "redcap:DataAccessGroup")) ??
        attr(subject, "redcap:DataAccessGroup");
      const visit = (eventName: string, eventRepeat: string, formData: Node) => {
        const formName = dictionary.formOfOid.get(attr(formData, "FormOID")) ??
          attr(formData, "FormOID").replace(/^Form\./, "");
        let instrument = "";
        let instance = "";
        const key = longitudinal ? eventName : "";
        if (longitudinal && repeatsEvent.has(eventName)) instance = eventRepeat || "1";
        else if (repeatsForm.has(`${key}\u0000${formName}`)) {
          instrument = formName;
          instance = attr(formData, "FormRepeatKey") || "1";
        }
        const rowKey = `${eventName}\u0000${instrument}\u0000${instance}`;
        let row = rows.get(rowKey);
        if (!row) {
          row = { [dictionary.recordIdField]: record };
          if (longitudinal) row.redcap_event_name = eventName;
          if (hasRepeating) {
            row.redcap_repeat_instrument = instrument;
            row.redcap_repeat_instance = instance;
          }
          rows.set(rowKey, row);
        }
        for (const groupData of list(formData.ItemGroupData)) {
          for (const item of list(groupData.ItemData)) {
            const oid = attr(item, "ItemOID");
            const value = attr(item, "Value");
            if (oid === "redcap_data_access_group") {
              if (value) dag = dagByName.get(value) ?? value;
              continue;
            }
            const target = dictionary.columns.get(oid) ?? dictionary.missingCodeColumn(oid);
            if (!target) continue;
            row[target.column] = rawDateTime(value, target.validation);
          }
          // ODM's typed variants (ItemDataString, ItemDataBoolean, ...) carry the value as text.
          for (const tag of Object.keys(groupData)) {
            if (!tag.startsWith("ItemData") || tag === "ItemData" || tag.includes("Base64")) {
              continue;
            }
            for (const item of list(groupData[tag])) {
              const target = dictionary.columns.get(attr(item, "ItemOID"));
              if (!target) continue;
              let value = text(item).trim();
              if (tag === "ItemDataBoolean" && value !== "") {
                value = ["1", "true", "yes"].includes(value.toLowerCase()) ? "1" : "0";
              }
              row[target.column] = rawDateTime(value, target.validation);
            }
          }
          for (const item of list(groupData.ItemDataBase64Binary)) {
            const oid = attr(item, "ItemOID");
            const target = dictionary.columns.get(oid);
            if (!target) continue;
            const content = decodeBase64(text(item));
            const docName = attr(item, "redcap:DocName");
            if (docName) {
              row[target.column] = docName;
              files.push({
                record,
                event_id: longitudinal
                  ? eventIdOf.get(eventName) ?? CLASSIC_EVENT_ID
                  : CLASSIC_EVENT_ID,
                instance: Number(instance || "1"),
                field_name: target.column,
                name: docName,
                mime_type: attr(item, "redcap:MimeType") || "application/octet-stream",
                content,
              });
            } else {
              row[target.column] = new TextDecoder().decode(content);
            }
          }
        }
      };
      for (const formData of list(subject.FormData)) visit("", "", formData);
      for (const eventData of list(subject.StudyEventData)) {
        const eventName = attr(eventData, "redcap:UniqueEventName") ||
          eventOfOid.get(attr(eventData, "StudyEventOID")) ||
          attr(eventData, "StudyEventOID").replace(/^Event\./, "");
        for (const formData of list(eventData.FormData)) {
          visit(longitudinal ? eventName : "", attr(eventData, "StudyEventRepeatKey"), formData);
        }
      }
      if (dag) recordDags[record] = dag;
      for (const row of rows.values()) {
        if (dag) row.redcap_data_access_group = dag;
        records.push(row);
      }
    }
  }
  return { records, recordDags, files };
}
