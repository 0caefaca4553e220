/**
 * Reads a REDCap "Project XML" file (CDISC ODM 1.3.1 with `redcap:` extensions, as made by
 * "Other functionality → Download metadata & data" or `content=project_xml`) into a
 * {@linkcode ProjectDefinition}: the data dictionary, arms, events, designations, repeating setup,
 * DAGs, surveys, project settings and the records as flat raw rows. One reader per ODM section
 * (`_dictionary.ts`, `_events.ts`, `_repeating.ts`, `_groups.ts`, `_settings.ts`, `_records.ts`);
 * the project is built by the server's one project builder, as a project folder's is.
 *
 * @module
 */
import { XMLParser } from "../../deps/xml.ts";
import { buildProject } from "../_project_builder.ts";
import { readReports } from "../_reports.ts";
import { readXml } from "../_xml.ts";
import type { ProjectDefinition } from "../project.ts";
import { readDictionary } from "./_dictionary.ts";
import { readEvents } from "./_events.ts";
import { matchDagNames, readDags, readRoles, readSurveys } from "./_groups.ts";
import { ARRAY_TAGS, list, type Node } from "./_nodes.ts";
import { readRecords } from "./_records.ts";
import { readRepeating } from "./_repeating.ts";
import { readSettings } from "./_settings.ts";

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
  const dictionary = readDictionary(version);
  const { arms, events, formEventMapping, eventOfOid } = readEvents(
    version,
    dictionary.formOfOid,
  );
  const repeating = readRepeating(globals, events.length > 0);
  const dags = readDags(globals);
  const { records, recordDags, files } = readRecords(odm, {
    dictionary,
    events,
    eventOfOid,
    repeating,
    dags,
  });
  matchDagNames(dags, recordDags);
  const { title, info } = readSettings(odm, version, globals);
  return buildProject({
    title,
    info,
    metadata: dictionary.metadata,
    instruments: dictionary.instruments,
    arms,
    events,
    formEventMapping,
    repeating,
    dags,
    surveys: readSurveys(globals),
    roles: readRoles(globals),
    records,
    recordDags,
    files,
    reports: readReports(globals),
  });
}
