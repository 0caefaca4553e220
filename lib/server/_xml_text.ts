/**
 * Whitespace between XML elements, as pretty-printed bodies hold it.
 *
 * @module
 */

/**
 * Drops whitespace-only text beside child elements, everywhere in a parsed XML tree (the
 * `#text` key fast-xml-parser keeps when `trimValues` is off). REDCap reads XML bodies with
 * PHP's SimpleXML, which ignores the indentation between elements, so a pretty-printed body
 * means the same as a compact one. Text of an element without children (a value) is kept as it
 * is, spaces included.
 *
 * @param node A tree from `XMLParser.parse()`.
 * @returns The same tree, changed in place.
 *
 * @example
 * ```ts
 * import { dropBlankText } from "./_xml_text.ts";
 * const tree = dropBlankText({ item: { a: " 1 ", "#text": "\n  " } });
 * if (JSON.stringify(tree) !== '{"item":{"a":" 1 "}}') throw new Error("kept the indentation");
 * ```
 */
export function dropBlankText<T>(node: T): T {
  if (Array.isArray(node)) {
    for (const item of node) dropBlankText(item);
  } else if (node !== null && typeof node === "object") {
    const object = node as Record<string, unknown>;
    const text = object["#text"];
    if (typeof text === "string" && text.trim() === "") delete object["#text"];
    for (const value of Object.values(object)) dropBlankText(value);
  }
  return node;
}
