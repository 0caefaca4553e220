/**
 * Reading XML request bodies (record and structure imports, settings) and Project XML: the one
 * place the server turns XML text into a tree, with the guards every reader needs.
 *
 * @module
 */
import { type XMLParser, XMLValidator } from "../deps/xml.ts";
import { ApiError } from "./_http.ts";

/** How {@linkcode readXml} reads a document. */
export interface ReadXmlOptions {
  /** Makes the error thrown for a refused document (default: an {@linkcode ApiError} 400). */
  fail?: (message: string, cause?: unknown) => Error;
  /** Check well-formedness first, naming the line of the first fault.
   * @default {true}
   */
  validate?: boolean;
  /** Keep whitespace-only text beside child elements.
   * @default {false}
   */
  keepBlankText?: boolean;
}

/**
 * Parses XML text with `parser`: refuses a DOCTYPE, refuses text that is not well-formed XML
 * (naming the line), and drops the whitespace between elements. Every message starts
 * `Cannot ${what}:`.
 *
 * @param xml The XML text (a leading byte-order mark is allowed).
 * @param parser The parser, configured for the document's shape.
 * @param what What was being done, e.g. `import records`.
 * @param options Errors, validation, blank text.
 * @returns The parsed tree.
 *
 * @example
 * ```ts
 * import { XMLParser } from "../deps/xml.ts";
 * import { readXml } from "./_xml.ts";
 * const tree = readXml("<records>\n  <item><a> 1 </a></item>\n</records>",
 *   new XMLParser({ trimValues: false, parseTagValue: false }), "import records");
 * if (JSON.stringify(tree) !== '{"records":{"item":{"a":" 1 "}}}') throw new Error("kept text");
 * ```
 */
export function readXml(
  xml: string,
  parser: XMLParser,
  what: string,
  options: ReadXmlOptions = {},
): Record<string, unknown> {
  const fail = options.fail ?? ((message: string) => new ApiError(400, message));
  if (hasDoctype(xml)) {
    throw fail(
      `Cannot ${what}: the XML has a DOCTYPE declaration, which this server does not accept ` +
        "(entities are never resolved)",
    );
  }
  if (options.validate ?? true) {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
      throw fail(
        `Cannot ${what}: the data is not well-formed XML (${valid.err.msg} on line ` +
          `${valid.err.line})`,
      );
    }
  }
  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(xml);
  } catch (error) {
    throw fail(`Cannot ${what}: the data is not valid XML (${String(error)})`, error);
  }
  // REDCap reads XML with PHP's SimpleXML, which ignores the indentation of a pretty-printed
  // body: it means the same as a compact one.
  return options.keepBlankText ? tree : dropBlankText(tree);
}

/**
 * Whether an XML text has a document type declaration (`<!DOCTYPE ...>`) in its prolog. The
 * server refuses every such body: a DOCTYPE can declare external entities (a file or URL read
 * into a value) and entity expansion bombs, and REDCap's API bodies never need one. Without a
 * DOCTYPE only XML's five predefined entities and character references exist, and every XML
 * reader of the server expands those, and only those, in the same way.
 *
 * @param xml The XML text (a leading byte-order mark is allowed).
 * @returns True when the prolog holds a DOCTYPE.
 */
function hasDoctype(xml: string): boolean {
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < xml.length && " \t\r\n".includes(xml[i])) i++;
    const close = xml.startsWith("<?", i) ? "?>" : xml.startsWith("<!--", i) ? "-->" : undefined;
    if (close === undefined) return xml.slice(i, i + 9).toUpperCase() === "<!DOCTYPE";
    const end = xml.indexOf(close, i + 2);
    if (end < 0) return false;
    i = end + close.length;
  }
}

/**
 * Drops whitespace-only text beside child elements, everywhere in a parsed XML tree (the
 * `#text` key fast-xml-parser keeps when `trimValues` is off). Text of an element without
 * children (a value) is kept as it is, spaces included.
 */
function dropBlankText<T>(node: T): T {
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
