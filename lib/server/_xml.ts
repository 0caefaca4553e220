/**
 * Guards for XML request bodies (record and structure imports, settings, Project XML).
 *
 * @module
 */

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
export function hasDoctype(xml: string): boolean {
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

/** REDCap-style message for an XML body refused because of its DOCTYPE. */
export function doctypeMessage(what: string): string {
  return `Cannot ${what}: the XML has a DOCTYPE declaration, which this server does not ` +
    "accept (entities are never resolved)";
}
