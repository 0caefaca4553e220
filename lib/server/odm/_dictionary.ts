/**
 * Project XML's dictionary: forms (`FormDef`), their item groups and items (`ItemDef`, one per
 * checkbox option), code lists, as dictionary rows and instruments, and the flat-row column each
 * data item (`ItemOID`) is read into.
 *
 * @module
 */
import { parseChoices } from "../../dictionary/choices.ts";
import { LEGACY_FIELD_TYPES, LEGACY_VALIDATIONS } from "../../dictionary/field_types.ts";
import { type FieldMetadata, fieldMetadata, type Instrument } from "../project.ts";
import { attr, list, type Node, text } from "./_nodes.ts";

/** The flat-row column a data item is read into, and its validation (for datetimes). */
export interface ItemColumn {
  column: string;
  validation: string;
}

/** What the dictionary section holds. */
export interface OdmDictionary {
  instruments: Instrument[];
  /** Dictionary rows, the record ID field first. */
  metadata: FieldMetadata[];
  recordIdField: string;
  /** Form name by `FormDef` OID. */
  formOfOid: Map<string, string>;
  /** The column of each data item, by ItemOID (items that hold no data are not there). */
  columns: Map<string, ItemColumn>;
  /**
   * The column of a checkbox's missing-data code (`race___unk`), which has no ItemDef of its
   * own; `undefined` for any other ItemOID.
   */
  missingCodeColumn(oid: string): ItemColumn | undefined;
}

/**
 * Reads the `MetaDataVersion`'s dictionary. Checkbox options, which ODM lists as one item per
 * option (`race___1`), are folded back into one dictionary row; `{form}_complete`, survey
 * timestamps and the DAG pseudo-field are not dictionary rows. Field types and validation names
 * are the API's (`select` → `dropdown`, `float` → `number`).
 *
 * @param version The `MetaDataVersion` element.
 * @returns Instruments, dictionary rows and the data items' columns.
 * @throws {SyntaxError} When it defines no fields.
 */
export function readDictionary(version: Node): OdmDictionary {
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
  const columnOfItem = new Map<string, ItemColumn>();
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
  const missingCodeColumn = (oid: string): ItemColumn | undefined => {
    const at = oid.lastIndexOf("___");
    return at > 0 && checkboxes.has(oid.slice(0, at)) ? { column: oid, validation: "" } : undefined;
  };
  const recordIdField = attr(version, "redcap:RecordIdField") || metadata[0]?.field_name || "";
  if (metadata.length === 0) {
    throw new SyntaxError("Cannot read Project XML: the MetaDataVersion defines no fields");
  }
  const idIndex = metadata.findIndex((f) => f.field_name === recordIdField);
  if (idIndex > 0) metadata.unshift(...metadata.splice(idIndex, 1));
  return {
    instruments,
    metadata,
    recordIdField,
    formOfOid,
    columns: columnOfItem,
    missingCodeColumn,
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
