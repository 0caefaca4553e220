/**
 * Writes a project as REDCap's "Project XML": CDISC ODM 1.3.1 with `redcap:` extensions, shaped
 * as REDCap's `content=project_xml` export, so that {@linkcode readProjectXml} reads back the same
 * dictionary, instruments, arms, events, designations, repeating setup, DAGs, surveys, settings
 * and records.
 *
 * @module
 */
import type { EventModel, ProjectModel } from "../model.ts";
import type { DataPoint, FieldMetadata } from "../project.ts";
import { writeXmlRoles } from "../_xml_roles.ts";
import { writeReports } from "../_reports.ts";

/** One record to write: its DAG (unique name or `""`) and stored data points. */
export interface XmlRecord {
  record: string;
  dag: string;
  points: readonly DataPoint[];
}

/** A stored file, for `exportFiles`. */
export interface XmlFile {
  name: string;
  mime_type: string;
  content: Uint8Array;
}

/** What to write. */
export interface ProjectXmlOptions {
  /** Project settings (`content=project` keys). */
  info: Record<string, string | number>;
  /** `YYYY-MM-DD HH:MM:SS` of the export. */
  now: string;
  /** Records to write; none for `returnMetadataOnly`. */
  records: Iterable<XmlRecord>;
  /** Fields whose values are written (all when undefined). */
  fields?: ReadonlySet<string>;
  /** Event ids whose data is written (all when undefined). */
  eventIds?: ReadonlySet<number>;
  /** Only the `ClinicalData` (REDCap's `format=odm` record export), no `Study` metadata. */
  dataOnly?: boolean;
  /** Embed file contents (base64); otherwise file fields give their file name (`fileName`). */
  exportFiles?: (docId: string) => XmlFile | undefined;
  /** A stored file's name, written as the file field's value when files are not embedded. */
  fileName?: (docId: string) => string | undefined;
  /** Write survey timestamps of survey forms. */
  surveyFields?: boolean;
  /** Write each record's DAG. */
  dataAccessGroups?: boolean;
  /** Replaces record names (de-identified export). */
  hashRecordId?: (record: string) => string;
}

/** Escapes text for an attribute value, keeping line breaks and tabs as character references. */
function attr(value: string | number): string {
  return String(value).replace(/[&<>"\n\r\t]/g, (c) =>
    ({
      "&": "&amp;",
      "<": "&lt;",
      ">": "&gt;",
      '"': "&quot;",
      "\n": "&#10;",
      "\r": "&#13;",
      "\t": "&#9;",
    })[c]!);
}

function text(value: string): string {
  return value.replace(/[&<>]/g, (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;");
}

/** The validation name ODM uses (the API's `integer`/`number` are ODM's `int`/`float`). */
function odmValidation(validation: string): string {
  return validation === "integer" ? "int" : validation === "number" ? "float" : validation;
}

function dataType(field: FieldMetadata): string {
  const v = field.text_validation_type_or_show_slider_number;
  if (field.field_type !== "text") return field.field_type === "calc" ? "float" : "text";
  if (v === "integer") return "integer";
  if (v === "number" || v.startsWith("number_")) return "float";
  if (v.startsWith("datetime_seconds")) return "datetime";
  if (v.startsWith("datetime")) return "partialDatetime";
  if (v.startsWith("date")) return "date";
  if (v.startsWith("time")) return "time";
  return "text";
}

const ODM_TYPES: Record<string, string> = { dropdown: "select", notes: "textarea" };

/** A datetime as ODM writes it (`2023-07-31T14:49`). */
function odmValue(field: FieldMetadata | undefined, value: string): string {
  if (!field) return value;
  if (field.text_validation_type_or_show_slider_number.startsWith("datetime")) {
    return value.replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T");
  }
  return value;
}

function question(label: string): string {
  const html = /<[a-z/][^>]*>/i.test(label);
  const formatted = html
    ? `<redcap:FormattedTranslatedText>${text(label)}</redcap:FormattedTranslatedText>`
    : "";
  const plain = html ? label.replace(/<[^>]*>/g, "") : label;
  return `\t\t<Question><TranslatedText>${text(plain)}</TranslatedText>${formatted}</Question>\n`;
}

/** The ODM ItemDefs and CodeLists of one dictionary field. */
function itemDefs(model: ProjectModel, field: FieldMetadata): { items: string; codes: string } {
  const type = ODM_TYPES[field.field_type] ?? field.field_type;
  const v = field.text_validation_type_or_show_slider_number;
  const extras: [string, string][] = [
    ["redcap:TextValidationType", v === "" ? "" : odmValidation(v)],
    ["redcap:FieldNote", field.field_note],
    ["redcap:SectionHeader", field.section_header],
    ["redcap:Calculation", field.field_type === "calc" ? field.select_choices_or_calculations : ""],
    [
      "redcap:SliderLabels",
      field.field_type === "slider" ? field.select_choices_or_calculations : "",
    ],
    ["redcap:Identifier", field.identifier],
    ["redcap:BranchingLogic", field.branching_logic],
    ["redcap:RequiredField", field.required_field],
    ["redcap:CustomAlignment", field.custom_alignment],
    ["redcap:QuestionNumber", field.question_number],
    ["redcap:MatrixGroupName", field.matrix_group_name],
    ["redcap:MatrixRanking", field.matrix_ranking],
    ["redcap:FieldAnnotation", field.field_annotation],
  ];
  const extraAttrs = extras.filter(([, value]) => value !== "")
    .map(([name, value]) => ` ${name}="${attr(value)}"`).join("");
  let range = "";
  for (
    const [comparator, value] of [["GE", field.text_validation_min], [
      "LE",
      field.text_validation_max,
    ]]
  ) {
    if (value === "") continue;
    range += `\t\t<RangeCheck Comparator="${comparator}" SoftHard="Soft">` +
      `<CheckValue>${text(value)}</CheckValue></RangeCheck>\n`;
  }
  const name = field.field_name;
  if (field.field_type === "checkbox") {
    const choices = model.choices(name);
    const joined = choices.map((c) => `${c.code}, ${c.label}`).join("|");
    let items = "";
    let codes = "";
    for (const { code, column } of model.checkboxColumns(name)) {
      if (!choices.some((c) => c.code === code)) continue;
      items += `\t<ItemDef OID="${attr(column)}" Name="${attr(column)}" DataType="boolean" ` +
        `Length="1" redcap:Variable="${attr(name)}" redcap:FieldType="checkbox"${extraAttrs}>\n` +
        question(field.field_label) +
        `\t\t<CodeListRef CodeListOID="${attr(column)}.choices"/>\n\t</ItemDef>\n`;
      codes += `\t<CodeList OID="${attr(column)}.choices" Name="${attr(column)}" ` +
        `DataType="boolean" redcap:Variable="${attr(name)}" redcap:CheckboxChoices="${
          attr(joined)
        }">\n` +
        `\t\t<CodeListItem CodedValue="1"><Decode><TranslatedText>Checked</TranslatedText>` +
        `</Decode></CodeListItem>\n\t\t<CodeListItem CodedValue="0"><Decode>` +
        `<TranslatedText>Unchecked</TranslatedText></Decode></CodeListItem>\n\t</CodeList>\n`;
    }
    return { items, codes };
  }
  const choices = ["radio", "dropdown", "yesno", "truefalse"].includes(field.field_type)
    ? model.choices(name)
    : [];
  const codeRef = choices.length > 0
    ? `\t\t<CodeListRef CodeListOID="${attr(name)}.choices"/>\n`
    : "";
  const items =
    `\t<ItemDef OID="${attr(name)}" Name="${attr(name)}" DataType="${dataType(field)}" ` +
    `Length="${choices.length > 0 ? 1 : 999}" redcap:Variable="${attr(name)}" ` +
    `redcap:FieldType="${attr(type)}"${extraAttrs}>\n` + question(field.field_label) + range +
    codeRef + `\t</ItemDef>\n`;
  const codes = choices.length === 0 ? "" : `\t<CodeList OID="${attr(name)}.choices" ` +
    `Name="${attr(name)}" DataType="text" redcap:Variable="${attr(name)}">\n` +
    choices.map((c) =>
      `\t\t<CodeListItem CodedValue="${attr(c.code)}"><Decode><TranslatedText>` +
      `${text(/<[a-z/][^>]*>/i.test(c.label) ? c.label.replace(/<[^>]*>/g, "") : c.label)}` +
      `</TranslatedText>` +
      (/<[a-z/][^>]*>/i.test(c.label)
        ? `<redcap:FormattedTranslatedText>${text(c.label)}</redcap:FormattedTranslatedText>`
        : "") +
      `</Decode></CodeListItem>\n`
    ).join("") + `\t</CodeList>\n`;
  return { items, codes };
}

/** Item OIDs of a form in dictionary order, with the form status last. */
function formItems(model: ProjectModel, form: string, options: ProjectXmlOptions): string[] {
  const oids: string[] = [];
  const formModel = model.formByName.get(form)!;
  if (options.surveyFields && formModel.survey) oids.push(`${form}_timestamp`);
  for (const field of formModel.fields) {
    if (field.field_type === "checkbox") {
      for (const { code, column } of model.checkboxColumns(field.field_name)) {
        if (model.choices(field.field_name).some((c) => c.code === code)) oids.push(column);
      }
    } else oids.push(field.field_name);
    if (field.field_name === model.recordIdField && options.dataAccessGroups) {
      oids.push("redcap_data_access_group");
    }
  }
  oids.push(`${form}_complete`);
  return oids;
}

/** The `GlobalVariables` block: settings, repeating setup, DAGs and surveys. */
function globalVariables(model: ProjectModel, info: Record<string, string | number>): string {
  const definition = model.definition;
  const g = (name: string, value: string | number | undefined) =>
    `\t<redcap:${name}>${text(String(value ?? ""))}</redcap:${name}>\n`;
  const title = String(info.project_title ?? "");
  let out = `<GlobalVariables>\n\t<StudyName>${text(title)}</StudyName>\n` +
    `\t<StudyDescription>This file contains the metadata, events, and data for REDCap project ` +
    `"${text(title)}".</StudyDescription>\n\t<ProtocolName>${text(title)}</ProtocolName>\n` +
    g("RecordAutonumberingEnabled", info.record_autonumbering_enabled ?? 0) +
    g("CustomRecordLabel", info.custom_record_label) +
    g("SecondaryUniqueField", info.secondary_unique_field) +
    g("SchedulingEnabled", info.scheduling_enabled ?? 0) +
    g("SurveysEnabled", info.surveys_enabled ?? (definition.surveys.length > 0 ? 1 : 0)) +
    g("RandomizationEnabled", info.randomization_enabled ?? 0) +
    g("DisplayTodayNowButton", info.display_today_now_button ?? 1) +
    g("PreventBranchingEraseValues", info.bypass_branching_erase_field_prompt ?? 0) +
    g("Purpose", info.purpose ?? 0) +
    g("PurposeOther", info.purpose_other) +
    g("ProjectNotes", info.project_notes) +
    g("MissingDataCodes", info.missing_data_codes);
  if (definition.repeating.length > 0) {
    const eventName = (name: string) =>
      model.longitudinal ? name : model.events[0].unique_event_name;
    const instruments = definition.repeating.filter((r) => r.form_name !== "");
    const events = definition.repeating.filter((r) => r.form_name === "");
    out += "\t<redcap:RepeatingInstrumentsAndEvents>\n";
    if (instruments.length > 0) {
      out += "\t\t<redcap:RepeatingInstruments>\n" + instruments.map((r) =>
        `\t\t\t<redcap:RepeatingInstrument redcap:UniqueEventName="${
          attr(eventName(r.event_name))
        }" ` +
        `redcap:RepeatInstrument="${attr(r.form_name)}" redcap:CustomLabel="${
          attr(r.custom_form_label)
        }"/>\n`
      ).join("") + "\t\t</redcap:RepeatingInstruments>\n";
    }
    for (const r of events) {
      out += `\t\t<redcap:RepeatingEvent redcap:UniqueEventName="${
        attr(eventName(r.event_name))
      }"/>\n`;
    }
    out += "\t</redcap:RepeatingInstrumentsAndEvents>\n";
  }
  if (definition.dags.length > 0) {
    out += "\t<redcap:DataAccessGroupsGroup>\n" + definition.dags.map((d) =>
      `\t\t<redcap:DataAccessGroups group_name="${attr(d.data_access_group_name)}" ` +
      `unique_group_name="${attr(d.unique_group_name)}"/>\n`
    ).join("") + "\t</redcap:DataAccessGroupsGroup>\n";
  }
  if (definition.surveys.length > 0) {
    out += "\t<redcap:SurveysGroup>\n" + definition.surveys.map((s) =>
      `\t\t<redcap:Surveys form_name="${attr(s.form_name)}" title="${attr(s.title)}"/>\n`
    ).join("") + "\t</redcap:SurveysGroup>\n";
  }
  // REDCap's Project XML ends its globals with the user roles and their rights, then the reports.
  out += writeXmlRoles(definition.roles ?? [], (v) => attr(v));
  return out + writeReports(definition.reports) + "</GlobalVariables>\n";
}

function studyEvents(model: ProjectModel): string {
  if (!model.longitudinal) return "";
  let out = "\t<Protocol>\n" +
    model.events.map((e, i) =>
      `\t\t<StudyEventRef StudyEventOID="Event.${attr(e.unique_event_name)}" OrderNumber="${
        i + 1
      }" ` +
      `Mandatory="No"/>\n`
    ).join("") + "\t</Protocol>\n";
  for (const e of model.events) {
    const arm = model.arms.find((a) => a.arm_num === e.arm_num);
    out +=
      `\t<StudyEventDef OID="Event.${attr(e.unique_event_name)}" Name="${attr(e.event_name)}" ` +
      `Type="Common" Repeating="${e.repeatingEvent ? "Yes" : "No"}" ` +
      `redcap:EventName="${attr(e.event_name)}" redcap:CustomEventLabel="${
        attr(e.custom_event_label)
      }" ` +
      `redcap:UniqueEventName="${attr(e.unique_event_name)}" redcap:ArmNum="${e.arm_num}" ` +
      `redcap:ArmName="${attr(arm?.name ?? "")}" redcap:DayOffset="${e.day_offset}" ` +
      `redcap:OffsetMin="${e.offset_min}" redcap:OffsetMax="${e.offset_max}" redcap:EventId="${e.event_id}">\n` +
      e.forms.map((f, i) =>
        `\t\t<FormRef FormOID="Form.${attr(f)}" OrderNumber="${i + 1}" Mandatory="No" ` +
        `redcap:FormName="${attr(f)}"/>\n`
      ).join("") + "\t</StudyEventDef>\n";
  }
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The `SubjectData` of one record. */
function subjectData(
  model: ProjectModel,
  input: XmlRecord,
  options: ProjectXmlOptions,
): string {
  // Values by event, instance, field.
  const byEvent = new Map<number, Map<number, Map<string, string[]>>>();
  for (const p of input.points) {
    if (options.eventIds && !options.eventIds.has(p.event_id)) continue;
    let instances = byEvent.get(p.event_id);
    if (!instances) byEvent.set(p.event_id, instances = new Map());
    let values = instances.get(p.instance);
    if (!values) instances.set(p.instance, values = new Map());
    const list = values.get(p.field_name) ?? [];
    list.push(p.value);
    values.set(p.field_name, list);
  }
  const name = options.hashRecordId ? options.hashRecordId(input.record) : input.record;
  let out = `\t<SubjectData SubjectKey="${attr(name)}" redcap:RecordIdField="${
    attr(model.recordIdField)
  }">\n`;
  const events = model.events.filter((e) => byEvent.has(e.event_id));
  for (const event of events) {
    const instances = byEvent.get(event.event_id)!;
    const eventInstances = event.repeatingEvent ? [...instances.keys()].sort((a, b) => a - b) : [1];
    for (const eventInstance of eventInstances) {
      let forms = "";
      for (const form of event.forms) {
        forms += formData(model, input, event, form, instances, eventInstance, options);
      }
      if (forms === "") continue;
      if (model.longitudinal) {
        out += `\t\t<StudyEventData StudyEventOID="Event.${attr(event.unique_event_name)}" ` +
          `StudyEventRepeatKey="${eventInstance}" redcap:UniqueEventName="${
            attr(event.unique_event_name)
          }">\n` +
          forms + "\t\t</StudyEventData>\n";
      } else out += forms;
    }
  }
  return out + "\t</SubjectData>\n";
}

function formData(
  model: ProjectModel,
  input: XmlRecord,
  event: EventModel,
  form: string,
  instances: Map<number, Map<string, string[]>>,
  eventInstance: number,
  options: ProjectXmlOptions,
): string {
  const formModel = model.formByName.get(form)!;
  const repeats = model.repeats(event, form) === "instrument";
  const keys = repeats ? [...instances.keys()].sort((a, b) => a - b) : [eventInstance];
  const own = new Set([
    ...formModel.fields.map((f) => f.field_name),
    `${form}_complete`,
    `${form}_timestamp`,
  ]);
  let out = "";
  for (const instance of keys) {
    const values = instances.get(instance);
    if (!values) continue;
    // A form "has data" when a field of its own other than the record id holds a value.
    const hasData = [...values.keys()].some((f) => own.has(f) && f !== model.recordIdField);
    const isFirstForm = formModel.fields.some((f) => f.field_name === model.recordIdField);
    if (!hasData && !(isFirstForm && instance === eventInstance && !repeats)) continue;
    if (!hasData && !values.has(model.recordIdField)) continue;
    const items: string[] = [];
    const item = (oid: string, value: string) =>
      items.push(`\t\t\t\t\t<ItemData ItemOID="${attr(oid)}" Value="${attr(value)}"/>\n`);
    if (options.surveyFields && formModel.survey) {
      const ts = values.get(`${form}_timestamp`)?.[0];
      if (ts !== undefined && ts !== "") item(`${form}_timestamp`, ts);
    }
    for (const field of formModel.fields) {
      const fieldName = field.field_name;
      if (fieldName === model.recordIdField) {
        item(fieldName, options.hashRecordId ? options.hashRecordId(input.record) : input.record);
        if (options.dataAccessGroups && input.dag !== "") {
          item("redcap_data_access_group", input.dag);
        }
        continue;
      }
      if (field.field_type === "descriptive") continue;
      if (options.fields && !options.fields.has(fieldName)) continue;
      const stored = values.get(fieldName);
      if (field.field_type === "checkbox") {
        if (!hasData) continue;
        const checked = new Set(stored ?? []);
        for (const { code, column } of model.checkboxColumns(fieldName)) {
          // A checked missing-data code (`race___unk`) is written too, so a round trip keeps it.
          const choice = model.choices(fieldName).some((c) => c.code === code);
          if (choice || checked.has(code)) item(column, checked.has(code) ? "1" : "0");
        }
        continue;
      }
      if (!stored || stored.length === 0 || stored[0] === "") continue;
      if (field.field_type === "file") {
        const file = options.exportFiles?.(stored[0]);
        if (!file) {
          // Without exportFiles the upload is named, as a record export names it, so loading
          // the file again keeps the upload (as an empty file of that name).
          const name = options.exportFiles ? undefined : options.fileName?.(stored[0]);
          if (name) item(fieldName, name);
          continue;
        }
        items.push(
          `\t\t\t\t\t<ItemDataBase64Binary ItemOID="${attr(fieldName)}" redcap:DocName="${
            attr(file.name)
          }" ` +
            `redcap:MimeType="${attr(file.mime_type)}">${
              toBase64(file.content)
            }</ItemDataBase64Binary>\n`,
        );
        continue;
      }
      item(fieldName, odmValue(field, stored[0]));
    }
    const status = values.get(`${form}_complete`)?.[0];
    if (status !== undefined && (!options.fields || options.fields.has(`${form}_complete`))) {
      item(`${form}_complete`, status);
    }
    if (items.length === 0) continue;
    out +=
      `\t\t\t<FormData FormOID="Form.${attr(form)}" FormRepeatKey="${repeats ? instance : 1}">\n` +
      `\t\t\t\t<ItemGroupData ItemGroupOID="${attr(form)}.${
        attr(formModel.fields[0].field_name)
      }" ` +
      `ItemGroupRepeatKey="1">\n` + items.join("") +
      "\t\t\t\t</ItemGroupData>\n\t\t\t</FormData>\n";
  }
  return out;
}

/**
 * Writes the Project XML of a project.
 *
 * @param model The project.
 * @param options Settings, records and what to include.
 * @returns The XML text.
 */
export function writeProjectXml(model: ProjectModel, options: ProjectXmlOptions): string {
  const info = options.info;
  const title = String(info.project_title ?? "");
  const slug = title.replace(/[^A-Za-z0-9]/g, "") || "Project";
  const stamp = options.now.replace(" ", "T");
  const versionOid = `Metadata.${slug}_${
    options.now.slice(0, 16).replace(/[: ]/g, (c) => c === " " ? "_" : "")
  }`;
  let out = `<?xml version="1.0" encoding="UTF-8" ?>\n` +
    `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:redcap="https://projectredcap.org" ` +
    `xsi:schemaLocation="http://www.cdisc.org/ns/odm/v1.3 schema/odm/ODM1-3-1.xsd" ODMVersion="1.3.1" ` +
    `FileOID="000-00-0000" FileType="Snapshot" Description="${
      attr(title)
    }" AsOfDateTime="${stamp}" ` +
    `CreationDateTime="${stamp}" SourceSystem="REDCap" SourceSystemVersion="15.7.6">\n`;
  if (options.dataOnly) {
    // REDCap's format=odm record export: the ODM root and ClinicalData only (the corpus'
    // redcap-etl *.REDCap.xml files), one ItemData per stored value.
    let subjects = "";
    for (const record of options.records) subjects += subjectData(model, record, options);
    return out + `<ClinicalData StudyOID="Project.${slug}" MetaDataVersionOID="${versionOid}">\n` +
      subjects + "</ClinicalData>\n</ODM>";
  }
  out += `<Study OID="Project.${slug}">\n` + globalVariables(model, info) +
    `<MetaDataVersion OID="${versionOid}" Name="${attr(title)}" ` +
    `redcap:RecordIdField="${attr(model.recordIdField)}">\n` + studyEvents(model);
  let groups = "";
  let items = "";
  let codes = "";
  for (const form of model.forms) {
    const groupOid = `${form.name}.${form.fields[0].field_name}`;
    out += `\t<FormDef OID="Form.${attr(form.name)}" Name="${attr(form.label)}" Repeating="No" ` +
      `redcap:FormName="${attr(form.name)}">\n\t\t<ItemGroupRef ItemGroupOID="${attr(groupOid)}" ` +
      `Mandatory="No"/>\n\t</FormDef>\n`;
    groups +=
      `\t<ItemGroupDef OID="${attr(groupOid)}" Name="${attr(form.label)}" Repeating="No">\n` +
      formItems(model, form.name, options).map((oid) =>
        `\t\t<ItemRef ItemOID="${attr(oid)}" Mandatory="No"/>\n`
      ).join("") + "\t</ItemGroupDef>\n";
    for (const field of form.fields) {
      const defs = itemDefs(model, field);
      items += defs.items;
      codes += defs.codes;
      if (field.field_name === model.recordIdField && options.dataAccessGroups) {
        items += `\t<ItemDef OID="redcap_data_access_group" Name="redcap_data_access_group" ` +
          `DataType="text" Length="999" redcap:Variable="redcap_data_access_group">\n` +
          question("Data Access Group") + "\t</ItemDef>\n";
      }
    }
    if (options.surveyFields && form.survey) {
      items +=
        `\t<ItemDef OID="${attr(form.name)}_timestamp" Name="${attr(form.name)}_timestamp" ` +
        `DataType="datetime" Length="999" redcap:Variable="${attr(form.name)}_timestamp">\n` +
        question("Survey Timestamp") + "\t</ItemDef>\n";
    }
    const status = `${form.name}_complete`;
    items += `\t<ItemDef OID="${status}" Name="${status}" DataType="text" Length="1" ` +
      `redcap:Variable="${status}" redcap:FieldType="select" redcap:SectionHeader="Form Status">\n` +
      question("Complete?") + `\t\t<CodeListRef CodeListOID="${status}.choices"/>\n\t</ItemDef>\n`;
    codes += `\t<CodeList OID="${status}.choices" Name="${status}" DataType="text" ` +
      `redcap:Variable="${status}">\n` +
      [["0", "Incomplete"], ["1", "Unverified"], ["2", "Complete"]].map(([c, l]) =>
        `\t\t<CodeListItem CodedValue="${c}"><Decode><TranslatedText>${l}</TranslatedText>` +
        `</Decode></CodeListItem>\n`
      ).join("") + "\t</CodeList>\n";
  }
  out += groups + items + codes + "</MetaDataVersion>\n</Study>\n";
  let subjects = "";
  for (const record of options.records) subjects += subjectData(model, record, options);
  if (subjects !== "") {
    out += `<ClinicalData StudyOID="Project.${slug}" MetaDataVersionOID="${versionOid}">\n` +
      subjects + "</ClinicalData>\n";
  }
  return out + "</ODM>";
}
