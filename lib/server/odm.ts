/**
 * Reads a REDCap "Project XML" file (CDISC ODM 1.3.1 with `redcap:` extensions, as made by
 * "Other functionality → Download metadata & data" or `content=project_xml`) into a
 * {@linkcode ProjectDefinition}: the data dictionary, arms, events, designations, repeating setup,
 * DAGs, surveys, project settings and the records as flat raw rows.
 *
 * @module
 */
import { XMLParser } from "../deps/xml.ts";
import { readXml } from "./_xml.ts";
import { CLASSIC_EVENT_ID } from "./model.ts";
import { parseChoices } from "../dictionary/choices.ts";
import { uniqueGroupName } from "./_unique_names.ts";
import { readReports } from "./_reports.ts";
import {
  type Arm,
  type DataAccessGroup,
  type EventDefinition,
  type FieldMetadata,
  fieldMetadata,
  type FormEventMapping,
  type Instrument,
  type ProjectDefinition,
  type RepeatingFormEvent,
  type StoredFile,
  type SurveySettings,
  type UserRole,
} from "./project.ts";
import { readXmlRole } from "./_xml_roles.ts";
import { LEGACY_FIELD_TYPES, LEGACY_VALIDATIONS } from "../dictionary/field_types.ts";

// deno-lint-ignore no-explicit-any
type Node = any;

const ARRAY_TAGS = new Set([
  "Study",
  "MetaDataVersion",
  "StudyEventRef",
  "StudyEventDef",
  "FormRef",
  "FormDef",
  "ItemGroupRef",
  "ItemGroupDef",
  "ItemRef",
  "ItemDef",
  "RangeCheck",
  "CodeList",
  "CodeListItem",
  "ClinicalData",
  "SubjectData",
  "StudyEventData",
  "FormData",
  "ItemGroupData",
  "ItemData",
  "ItemDataBase64Binary",
  "redcap:DataAccessGroups",
  "redcap:Surveys",
  "redcap:RepeatingInstrument",
  "redcap:RepeatingEvent",
  "redcap:UserRoles",
]);

/** Text of an element that may carry attributes (`{"#text": ...}`) or be empty. */
function text(node: Node): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "string") return node;
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  if (Array.isArray(node)) return text(node[0]);
  return typeof node["#text"] === "string" ? node["#text"] : "";
}

function list(node: Node): Node[] {
  if (node === undefined || node === null || node === "") return [];
  return Array.isArray(node) ? node : [node];
}

function attr(node: Node, name: string): string {
  const value = node?.[name];
  return value === undefined || value === null ? "" : String(value);
}

/** ODM `2023-07-31T14:49:07` to REDCap raw, keeping seconds only for seconds validations. */
function rawDateTime(value: string, validation: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!m) return value;
  if (validation.startsWith("datetime_seconds")) return `${m[1]} ${m[2]}${m[3] ?? ":00"}`;
  if (validation.startsWith("datetime")) return `${m[1]} ${m[2]}`;
  return `${m[1]} ${m[2]}${m[3] ?? ""}`;
}

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function flag(value: string | undefined): number {
  return value === "1" ? 1 : 0;
}

/**
 * Reads a REDCap Project XML document into a project definition.
 *
 * Checkbox options, which ODM lists as one item per option (`race___1`), are folded back into
 * one dictionary row; `{form}_complete`, survey timestamps and the DAG pseudo-field are not
 * dictionary rows. Field types and validation names are the API's (`select` → `dropdown`,
 * `float` → `number`). As in REDCap's own XML import, a project with fewer than two study events
 * is classic. Records become flat raw rows in REDCap's import shape (ODM datetimes such as
 * `2023-07-31T14:49` become `2023-07-31 14:49`); file fields keep the file name as their value
 * and their decoded content in `files`.
 *
 * @example Read a small classic project
 * ```ts
 * import { readProjectXml } from "denocap/server";
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 *
 * const xml = `<?xml version="1.0" encoding="UTF-8" ?>
 * <ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:redcap="https://projectredcap.org">
 * <Study OID="Project.Demo">
 * <GlobalVariables><StudyName>Demo</StudyName></GlobalVariables>
 * <MetaDataVersion OID="Metadata.Demo" Name="Demo" redcap:RecordIdField="record_id">
 *  <FormDef OID="Form.intake" Name="Intake" Repeating="No" redcap:FormName="intake">
 *   <ItemGroupRef ItemGroupOID="intake.record_id" Mandatory="No"/>
 *  </FormDef>
 *  <ItemGroupDef OID="intake.record_id" Name="Intake" Repeating="No">
 *   <ItemRef ItemOID="record_id" Mandatory="No"/>
 *   <ItemRef ItemOID="age" Mandatory="No"/>
 *   <ItemRef ItemOID="intake_complete" Mandatory="No"/>
 *  </ItemGroupDef>
 *  <ItemDef OID="record_id" Name="record_id" DataType="text" redcap:Variable="record_id"
 *   redcap:FieldType="text"><Question><TranslatedText>Record ID</TranslatedText></Question></ItemDef>
 *  <ItemDef OID="age" Name="age" DataType="integer" redcap:Variable="age" redcap:FieldType="text"
 *   redcap:TextValidationType="int"><Question><TranslatedText>Age</TranslatedText></Question></ItemDef>
 *  <ItemDef OID="intake_complete" Name="intake_complete" DataType="text"
 *   redcap:Variable="intake_complete" redcap:FieldType="select"/>
 * </MetaDataVersion>
 * </Study>
 * <ClinicalData StudyOID="Project.Demo" MetaDataVersionOID="Metadata.Demo">
 *  <SubjectData SubjectKey="1"><FormData FormOID="Form.intake" FormRepeatKey="1">
 *   <ItemGroupData ItemGroupOID="intake.record_id" ItemGroupRepeatKey="1">
 *    <ItemData ItemOID="record_id" Value="1"/><ItemData ItemOID="age" Value="42"/>
 *    <ItemData ItemOID="intake_complete" Value="2"/>
 *   </ItemGroupData>
 *  </FormData></SubjectData>
 * </ClinicalData>
 * </ODM>`;
 * const project = readProjectXml(xml);
 * assertEquals(project.metadata.map((f) => f.text_validation_type_or_show_slider_number), ["", "integer"]);
 * assertEquals(project.records, [{ record_id: "1", age: "42", intake_complete: "2" }]);
 * assertEquals(project.longitudinal, false);
 * ```
 *
 * @param xml The Project XML text (a leading byte-order mark is allowed).
 * @returns The project definition.
 * @throws {SyntaxError} When the text is not a REDCap Project XML document.
 */
export function readProjectXml(xml: string): ProjectDefinition {
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    htmlEntities: true,
    processEntities: true,
    isArray: (name) => ARRAY_TAGS.has(name) || name.startsWith("ItemData"),
  });
  // Not validated first (a real file's stray fault is read as fast-xml-parser reads it), and
  // blank text kept: the ODM readers take a label's text as it is.
  const document = readXml(xml, parser, "read Project XML", {
    fail: (message, cause) => new SyntaxError(message, { cause }),
    validate: false,
    keepBlankText: true,
  }) as Node;
  const odm = document?.ODM;
  if (!odm || typeof odm !== "object") {
    throw new SyntaxError("Cannot read Project XML: the document has no ODM root element");
  }
  const study = list(odm.Study)[0];
  const version = list(study?.MetaDataVersion)[0];
  if (!version) {
    throw new SyntaxError(
      "Cannot read Project XML: it has no MetaDataVersion (a data-only ODM file has no dictionary)",
    );
  }
  const globals: Node = study.GlobalVariables ?? {};

  // --- Dictionary -------------------------------------------------------------------------
  const itemDefs = new Map<string, Node>();
  for (const item of list(version.ItemDef)) {
    if (!itemDefs.has(attr(item, "OID"))) itemDefs.set(attr(item, "OID"), item);
  }
  const groupDefs = new Map<string, Node>(
    list(version.ItemGroupDef).map((g: Node) => [attr(g, "OID"), g]),
  );
  const codeLists = new Map<string, Node>(
    list(version.CodeList).map((c: Node) => [attr(c, "OID"), c]),
  );
  const instruments: Instrument[] = [];
  const metadata: FieldMetadata[] = [];
  const formOfOid = new Map<string, string>();
  /** Flat-row column for each ItemOID that holds data. */
  const columnOfItem = new Map<string, { column: string; validation: string }>();
  const seenFields = new Set<string>();

  for (const form of list(version.FormDef)) {
    const formName = attr(form, "redcap:FormName") || attr(form, "OID").replace(/^Form\./, "");
    instruments.push({ instrument_name: formName, instrument_label: attr(form, "Name") });
    formOfOid.set(attr(form, "OID"), formName);
    for (const groupRef of list(form.ItemGroupRef)) {
      const group = groupDefs.get(attr(groupRef, "ItemGroupOID"));
      for (const itemRef of list(group?.ItemRef)) {
        const oid = attr(itemRef, "ItemOID");
        const item = itemDefs.get(oid);
        if (!item) continue;
        const name = attr(item, "Name") || oid;
        const variable = attr(item, "redcap:Variable") || name;
        const type = attr(item, "redcap:FieldType");
        if (name === `${formName}_complete`) {
          columnOfItem.set(oid, { column: name, validation: "" });
          continue;
        }
        if (name === `${formName}_timestamp` && !type) {
          columnOfItem.set(oid, { column: name, validation: "datetime_seconds_ymd" });
          continue;
        }
        if (!type) continue; // redcap_data_access_group, redcap_survey_identifier
        const validation = LEGACY_VALIDATIONS[attr(item, "redcap:TextValidationType")] ??
          attr(item, "redcap:TextValidationType");
        if (type === "checkbox") {
          columnOfItem.set(oid, { column: name, validation: "" });
        } else if (type !== "descriptive") {
          columnOfItem.set(oid, { column: variable, validation });
        }
        if (seenFields.has(variable)) continue;
        seenFields.add(variable);
        metadata.push(fieldRow(item, variable, formName, type, validation, codeLists, itemDefs));
      }
    }
  }
  // A checkbox's missing-data code (`race___unk`) has no ItemDef of its own; its ItemData is
  // read as that checkbox column, which the import then checks against the project's codes.
  const checkboxes = new Set(
    metadata.filter((f) => f.field_type === "checkbox").map((f) => f.field_name),
  );
  const missingCodeColumn = (oid: string) => {
    const at = oid.lastIndexOf("___");
    return at > 0 && checkboxes.has(oid.slice(0, at)) ? { column: oid, validation: "" } : undefined;
  };
  const recordIdField = attr(version, "redcap:RecordIdField") || metadata[0]?.field_name || "";
  if (metadata.length === 0) {
    throw new SyntaxError("Cannot read Project XML: the MetaDataVersion defines no fields");
  }
  const idIndex = metadata.findIndex((f) => f.field_name === recordIdField);
  if (idIndex > 0) metadata.unshift(...metadata.splice(idIndex, 1));

  // --- Arms, events, designations ---------------------------------------------------------
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

  // --- Repeating, DAGs, surveys -----------------------------------------------------------
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
  const repeatsEvent = new Set(
    repeating.filter((r) => r.form_name === "").map((r) => r.event_name),
  );
  const repeatsForm = new Set(
    repeating.filter((r) => r.form_name).map((r) => `${r.event_name}\u0000${r.form_name}`),
  );
  const hasRepeating = repeating.length > 0;

  const dags: DataAccessGroup[] = [];
  for (const group of list(globals["redcap:DataAccessGroupsGroup"]?.["redcap:DataAccessGroups"])) {
    const name = attr(group, "group_name");
    if (!name) continue;
    dags.push({
      data_access_group_name: name,
      unique_group_name: attr(group, "unique_group_name") || uniqueGroupName(name),
      data_access_group_id: dags.length + 1,
    });
  }
  // REDCap creates the Project XML's user roles with the project, with their rights.
  const roles: UserRole[] = [];
  for (const element of list(globals["redcap:UserRolesGroup"]?.["redcap:UserRoles"])) {
    const attributes = Object.fromEntries(
      Object.entries(element ?? {}).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const role = readXmlRole(attributes, roles.length);
    if (role) roles.push(role);
  }
  const dagByName = new Map<string, string>();
  for (const dag of dags) {
    dagByName.set(dag.unique_group_name, dag.unique_group_name);
    dagByName.set(dag.data_access_group_name, dag.unique_group_name);
  }

  const surveys: SurveySettings[] = list(globals["redcap:SurveysGroup"]?.["redcap:Surveys"]).map((
    s: Node,
  ) => ({ form_name: attr(s, "form_name"), title: attr(s, "title") }));

  // --- Project settings -------------------------------------------------------------------
  const g = (name: string) => text(globals[`redcap:${name}`]);
  const created = attr(odm, "CreationDateTime").replace("T", " ");
  const info: Record<string, string | number> = {
    project_title: text(globals.StudyName) || attr(version, "Name"),
    creation_time: created,
    production_time: "",
    in_production: 0,
    project_language: "English",
    purpose: Number(g("Purpose") || "0"),
    purpose_other: g("PurposeOther"),
    project_notes: g("ProjectNotes"),
    custom_record_label: g("CustomRecordLabel"),
    secondary_unique_field: g("SecondaryUniqueField"),
    is_longitudinal: longitudinal ? 1 : 0,
    has_repeating_instruments_or_events: hasRepeating ? 1 : 0,
    surveys_enabled: globals["redcap:SurveysEnabled"] !== undefined
      ? flag(g("SurveysEnabled"))
      : (surveys.length > 0 ? 1 : 0),
    scheduling_enabled: flag(g("SchedulingEnabled")),
    record_autonumbering_enabled: flag(g("RecordAutonumberingEnabled")),
    randomization_enabled: flag(g("RandomizationEnabled")),
    ddp_enabled: 0,
    project_irb_number: "",
    project_grant_number: "",
    project_pi_firstname: "",
    project_pi_lastname: "",
    display_today_now_button: globals["redcap:DisplayTodayNowButton"] !== undefined
      ? flag(g("DisplayTodayNowButton"))
      : 1,
    missing_data_codes: g("MissingDataCodes"),
    external_modules: "",
    bypass_branching_erase_field_prompt: flag(g("PreventBranchingEraseValues")),
  };

  // --- Records ----------------------------------------------------------------------------
  const eventIdOf = new Map(events.map((e) => [e.unique_event_name, e.event_id]));
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
        const formName = formOfOid.get(attr(formData, "FormOID")) ??
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
          row = { [recordIdField]: record };
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
            const target = columnOfItem.get(oid) ?? missingCodeColumn(oid);
            if (!target) continue;
            row[target.column] = rawDateTime(value, target.validation);
          }
          // ODM's typed variants (ItemDataString, ItemDataBoolean, ...) carry the value as text.
          for (const tag of Object.keys(groupData)) {
            if (!tag.startsWith("ItemData") || tag === "ItemData" || tag.includes("Base64")) {
              continue;
            }
            for (const item of list(groupData[tag])) {
              const target = columnOfItem.get(attr(item, "ItemOID"));
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
            const target = columnOfItem.get(oid);
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

  // DAG names in the data win over names derived from the display names.
  const loose = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
  for (const value of new Set(Object.values(recordDags))) {
    if (dags.some((d) => d.unique_group_name === value)) continue;
    const match = dags.find((d) =>
      loose(d.unique_group_name) === loose(value) ||
      loose(d.data_access_group_name) === loose(value)
    );
    if (match) match.unique_group_name = value;
  }

  return {
    info,
    metadata,
    instruments,
    arms,
    events,
    formEventMapping,
    repeating,
    dags,
    surveys,
    users: [],
    roles,
    records,
    recordDags,
    files,
    longitudinal,
    reports: readReports(globals),
  };
}

/** One dictionary row from an ItemDef (for checkboxes, the first option's ItemDef). */
function fieldRow(
  item: Node,
  variable: string,
  formName: string,
  odmType: string,
  validation: string,
  codeLists: Map<string, Node>,
  itemDefs: Map<string, Node>,
): FieldMetadata {
  const type = LEGACY_FIELD_TYPES[odmType] ?? odmType;
  const question = item.Question ?? {};
  const formatted = question["redcap:FormattedTranslatedText"];
  const label = formatted !== undefined ? text(formatted) : text(question.TranslatedText);
  let choices = "";
  const codeList = codeLists.get(attr(item.CodeListRef, "CodeListOID"));
  if (type === "checkbox") {
    const declared = attr(codeList, "redcap:CheckboxChoices");
    if (declared) {
      // REDCap 14+ joins choices with a bare "|", in this attribute and in API metadata exports.
      choices = parseChoices(declared).map((c) => `${c.code}, ${c.label}`).join("|");
    } else {
      // Old exports: only the option columns are known; their codes stand in for labels.
      const prefix = `${variable}___`;
      choices = [...itemDefs.values()]
        .filter((d) =>
          attr(d, "redcap:Variable") === variable && attr(d, "Name").startsWith(prefix)
        )
        .map((d) => attr(d, "Name").slice(prefix.length))
        .map((code) => `${code}, ${code}`)
        .join("|");
    }
  } else if (type === "radio" || type === "dropdown") {
    // HTML-formatted labels, when present, are the real ones (as REDCap's ODM import reads them).
    choices = list(codeList?.CodeListItem).map((c: Node) => {
      const formatted = c.Decode?.["redcap:FormattedTranslatedText"];
      const label = formatted !== undefined ? text(formatted) : text(c.Decode?.TranslatedText);
      return `${attr(c, "CodedValue")}, ${label}`;
    }).join("|");
  } else if (type === "calc") {
    choices = attr(item, "redcap:Calculation");
  } else if (type === "slider") {
    choices = attr(item, "redcap:SliderLabels");
  }
  let min = "";
  let max = "";
  for (const check of list(item.RangeCheck)) {
    const value = text(check.CheckValue);
    if (attr(check, "Comparator") === "GE") min = value;
    else if (attr(check, "Comparator") === "LE") max = value;
  }
  return fieldMetadata({
    field_name: variable,
    form_name: formName,
    section_header: attr(item, "redcap:SectionHeader"),
    field_type: type,
    field_label: label,
    select_choices_or_calculations: choices,
    field_note: attr(item, "redcap:FieldNote"),
    text_validation_type_or_show_slider_number: validation,
    text_validation_min: min,
    text_validation_max: max,
    identifier: attr(item, "redcap:Identifier"),
    branching_logic: attr(item, "redcap:BranchingLogic"),
    required_field: attr(item, "redcap:RequiredField"),
    custom_alignment: attr(item, "redcap:CustomAlignment"),
    question_number: attr(item, "redcap:QuestionNumber"),
    matrix_group_name: attr(item, "redcap:MatrixGroupName"),
    matrix_ranking: attr(item, "redcap:MatrixRanking"),
    field_annotation: attr(item, "redcap:FieldAnnotation"),
  });
}
