/**
 * The parsed Project XML tree (fast-xml-parser, attributes as keys) and the small readers every
 * ODM section reader uses.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
export type Node = any;

export const ARRAY_TAGS = new Set([
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
export function text(node: Node): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "string") return node;
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  if (Array.isArray(node)) return text(node[0]);
  return typeof node["#text"] === "string" ? node["#text"] : "";
}

/** An element's children of one tag as a list (none, one or many). */
export function list(node: Node): Node[] {
  if (node === undefined || node === null || node === "") return [];
  return Array.isArray(node) ? node : [node];
}

/** An attribute's value, `""` when absent. */
export function attr(node: Node, name: string): string {
  const value = node?.[name];
  return value === undefined || value === null ? "" : String(value);
}

/** ODM `2023-07-31T14:49:07` to REDCap raw, keeping seconds only for seconds validations. */
export function rawDateTime(value: string, validation: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!m) return value;
  if (validation.startsWith("datetime_seconds")) return `${m[1]} ${m[2]}${m[3] ?? ":00"}`;
  if (validation.startsWith("datetime")) return `${m[1]} ${m[2]}`;
  return `${m[1]} ${m[2]}${m[3] ?? ""}`;
}

/** The bytes of an `ItemDataBase64Binary` value (line breaks allowed). */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A REDCap yes/no setting as 1 or 0. */
export function flag(value: string | undefined): number {
  return value === "1" ? 1 : 0;
}
