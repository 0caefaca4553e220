/**
 * fast-xml-parser, which reads REDCap's XML (API answers, CDISC ODM, XML imports). Its pinned
 * `npm:` specifier is named here and nowhere else, so each entry point imports with no import map
 * of its own.
 *
 * @module
 */
export { XMLParser, XMLValidator } from "npm:fast-xml-parser@5.12.1";
