/**
 * REDCap's XML bodies: `<records><item><field><![CDATA[v]]></field>..</item></records>` for
 * tables, `<count>`, `<ids><id>` for import answers.
 *
 * @module
 */
import { XMLParser, XMLValidator } from "../deps/xml.ts";
import { RedcapResponseError } from "../errors.ts";

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  isArray: (name: string) => name === "item" || name === "id",
});

/**
 * Parses a REDCap XML body into plain objects, every value a string (`<records>` → `{records:
 * {item: [...]}}`).
 *
 * @example Read an import answer
 * ```ts
 * import { parseRedcapXml } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseRedcapXml("<ids><id>1</id></ids>", "record"), { ids: { id: ["1"] } });
 * ```
 *
 * @param text The body.
 * @param content The request's `content`, for error messages.
 * @returns The parsed document.
 * @throws {RedcapResponseError} When the XML is not well formed (e.g. cut short).
 */
export function parseRedcapXml(text: string, content: string): Record<string, unknown> {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new RedcapResponseError(
      content,
      "truncated",
      `the XML body is not well formed (${valid.err.msg} on line ${valid.err.line}); it was cut short or is not XML`,
    );
  }
  return parser.parse(text) as Record<string, unknown>;
}

/**
 * The rows of a `<records><item>..</item></records>` body, as objects of strings.
 *
 * @example Read items
 * ```ts
 * import { parseRedcapXmlRows } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const xml = '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n' +
 *   "<item><record_id><![CDATA[1]]></record_id><age></age></item>\n</records>\n";
 * deepStrictEqual(parseRedcapXmlRows(xml, "record"), [{ record_id: "1", age: "" }]);
 * ```
 *
 * @param text The body.
 * @param content The request's `content`, for error messages.
 * @returns One object per `<item>`.
 * @throws {RedcapResponseError} When the XML is malformed or has no `<records>` root.
 */
export function parseRedcapXmlRows(text: string, content: string): Record<string, string>[] {
  const doc = parseRedcapXml(text, content);
  const root = doc.records;
  if (root === undefined) {
    throw new RedcapResponseError(content, "shape", "the XML body has no <records> element");
  }
  if (typeof root !== "object" || root === null) return [];
  const items = (root as { item?: unknown[] }).item ?? [];
  return items.map((item) => {
    if (item === null || typeof item !== "object") return {};
    const row: Record<string, string> = {};
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (key === "#text") continue;
      row[key] = typeof value === "string" ? value : "";
    }
    return row;
  });
}
