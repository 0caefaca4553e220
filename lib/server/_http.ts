/**
 * Request context, errors and response envelopes shared by every route of the local server.
 *
 * @module
 */
import type { ProjectModel } from "./model.ts";
import type { RedcapStore, TokenGrant } from "./store.ts";

/** A response format REDCap knows. */
export type Format = "csv" | "json" | "xml";

/** An uploaded file (multipart `file` part). */
export interface UploadedFile {
  name: string;
  type: string;
  content: Uint8Array;
}

/**
 * A failure REDCap reports to the caller: an HTTP status and REDCap's message, sent in the
 * request's `returnFormat` envelope.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Most parameters one request may send (names and array items together). PHP caps them too
 * (`max_input_vars`, which REDCap asks administrators to raise); a request over the cap is
 * refused with 400 rather than cut silently.
 */
export const MAX_PARAMS = 1_000_000;

/**
 * Parsed POST parameters with REDCap's array conventions. PHP-style array indexes
 * (`records[7]=a`) give the order of the items only: an index such as `records[4294967294]`
 * is one item, never a sparse array of four billion holes (which once held the event loop for
 * a minute). As in PHP, a repeated index replaces the earlier item and `name[]` appends.
 */
export class Params {
  readonly #values = new Map<string, string>();
  readonly #arrays = new Map<
    string,
    { items: Map<bigint, string>; next: bigint; sorted?: string[] }
  >();
  #count = 0;

  /** Adds one form field; `name[0]` / `name[]` go to the array `name`. */
  add(name: string, value: string): void {
    if (++this.#count > MAX_PARAMS) {
      throw new ApiError(
        400,
        `The request holds more than ${MAX_PARAMS} parameters (refused at "${name.slice(0, 100)}")`,
      );
    }
    if (value.includes("\0") || name.includes("\0")) {
      // node:sqlite cuts TEXT at the first NUL, so a NUL is refused, never stored cut short.
      throw new ApiError(
        400,
        `The parameter "${name.replaceAll("\0", "\\0").slice(0, 100)}" holds a NUL character ` +
          "(U+0000), which this server cannot store",
      );
    }
    const match = /^([^[\]]+)\[(\d*)\]$/.exec(name);
    if (match) {
      if (match[2].length > 18) {
        throw new ApiError(
          400,
          `The array index of the parameter "${match[1]}" is too large (${match[2].length} digits)`,
        );
      }
      let array = this.#arrays.get(match[1]);
      if (!array) this.#arrays.set(match[1], array = { items: new Map(), next: 0n });
      // As PHP: `name[]` takes the index after the largest so far; a repeated index replaces.
      const index = match[2] === "" ? array.next : BigInt(match[2]);
      if (index >= array.next) array.next = index + 1n;
      array.items.set(index, value);
      array.sorted = undefined;
    } else this.#values.set(name, value);
  }

  /** An array's items in index order. */
  #items(name: string): string[] | undefined {
    const array = this.#arrays.get(name);
    if (!array) return undefined;
    array.sorted ??= [...array.items].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([, v]) => v);
    return array.sorted;
  }

  /** Whether a parameter was sent (as a value or an array). */
  has(name: string): boolean {
    return this.#values.has(name) || this.#arrays.has(name);
  }

  /** A scalar parameter (an array's first item if only an array was sent). */
  get(name: string): string | undefined {
    return this.#values.get(name) ?? this.#items(name)?.[0];
  }

  /** Whether the parameter was sent as an array (`x[0]=`). */
  isArray(name: string): boolean {
    return this.#arrays.has(name);
  }

  /**
   * A list parameter: a PHP-style array, or a comma-separated string. Items are trimmed and
   * blank items dropped. `undefined` when not sent or blank.
   */
  list(name: string): string[] | undefined {
    const array = this.#items(name);
    const items = array ? array.flatMap((v) => v.split(",")) : this.#values.get(name)?.split(",");
    const cleaned = items?.map((v) => v.trim()).filter((v) => v !== "");
    return cleaned && cleaned.length > 0 ? cleaned : undefined;
  }

  /** REDCap's boolean parsing: true iff `1` or case-insensitive `true`. */
  bool(name: string): boolean {
    const value = this.get(name)?.trim().toLowerCase();
    return value === "1" || value === "true";
  }

  /** Names of every parameter sent. */
  names(): string[] {
    return [...this.#values.keys(), ...this.#arrays.keys()];
  }
}

/** Everything a route needs for one authenticated request. */
export interface ApiContext {
  params: Params;
  file?: UploadedFile;
  store: RedcapStore;
  grant: TokenGrant;
  /** The token's project (undefined for super tokens). */
  projectId: number;
  project: ProjectModel;
  /** `format`, defaulting to xml as REDCap does. */
  format: Format | "odm";
  /** Format of error messages: `returnFormat`, else `format`, else xml. */
  returnFormat: Format;
  /** The request's URL (the API endpoint), for links such as survey URLs. */
  url?: string;
}

/** A route: answers one `content` (and `action`). */
export type Route = (ctx: ApiContext) => Response | Promise<Response>;

const CONTENT_TYPES: Record<Format, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  xml: "text/xml; charset=utf-8",
};

/** A 200 response in the given format. */
export function ok(body: string | Uint8Array, format: Format | "odm" | "text"): Response {
  const type = format === "text"
    ? "text/html; charset=utf-8"
    : CONTENT_TYPES[format === "odm" ? "xml" : format];
  return new Response(body as BodyInit, { status: 200, headers: { "Content-Type": type } });
}

/**
 * Headers of a file download (a file field or the File Repository). REDCap names the file in
 * `Content-Type: <mime>; name="<file>"` (PHP appends its default charset to text types) with
 * `Content-Security-Policy: script-src 'none'`. A header value must be printable ASCII, so a
 * name that is not (`报告.pdf`, or one holding `"`) gets an ASCII stand-in in `name=` and its
 * exact form as RFC 6266 / RFC 8187 `filename*=UTF-8''...` in `Content-Disposition`.
 */
export function fileHeaders(name: string, mimeType: string): Record<string, string> {
  const charset = mimeType.startsWith("text/") ? ";charset=UTF-8" : "";
  // A `"` would end REDCap's quoted name, and no header holds control characters.
  // deno-lint-ignore no-control-regex
  const plain = name.replace(/[\x00-\x1f\x7f"]/g, "");
  const ascii = plain.replace(/[^\x20-\x7e]/g, "_");
  const headers: Record<string, string> = {
    "Content-Type": `${mimeType}; name="${ascii}"${charset}`,
    "Content-Security-Policy": "script-src 'none'",
  };
  if (ascii !== name) {
    // The exact name, also when a `"` or a control character had to leave the stand-in.
    const encoded = encodeURIComponent(name.toWellFormed()).replace(
      /['()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    headers["Content-Disposition"] = `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
  }
  return headers;
}

/** Escapes `]]>` inside a CDATA section as REDCap does. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** The XML declaration REDCap starts every XML body with. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" ?>';

/** An error response in REDCap's envelope for `returnFormat`. */
export function errorResponse(status: number, message: string, returnFormat: Format): Response {
  // Clients of REDCap detect an error body with a pattern like {"error":"[^"]+"}, so no error
  // text holds a double quote: names are quoted with single quotes. Rejected import values keep
  // REDCap's own "record","field","value","message" lines, which clients parse.
  if (!IMPORT_TUPLE.test(message)) message = message.replaceAll('"', "'");
  let body: string;
  if (returnFormat === "json") body = JSON.stringify({ error: message });
  else if (returnFormat === "csv") body = `ERROR: ${message}`;
  else body = `${XML_DECLARATION}<hash><error>${escapeXml(message)}</error></hash>`;
  return new Response(body, { status, headers: { "Content-Type": CONTENT_TYPES[returnFormat] } });
}

/** The start of REDCap's import error lines: `"record","field","`. */
const IMPORT_TUPLE = /^"(?:[^"]|"")*","(?:[^"]|"")*","/;

/** Escapes text for an XML element body. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;");
}

/** Reads a format parameter: csv, json or xml (odm where allowed); REDCap's default is xml. */
export function readFormat(value: string | undefined, allowOdm = false): Format | "odm" {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "csv" || v === "json" || v === "xml") return v;
  if (v === "odm" && allowOdm) return "odm";
  return "xml";
}

/**
 * Serialises rows of a structural export (arms, events, instruments, ...) in a format: JSON
 * keeps the value types given; CSV quotes as PHP's fputcsv; XML wraps values in CDATA.
 */
export function formatRows(
  rows: readonly Record<string, string | number>[],
  columns: readonly string[],
  format: Format,
): string {
  if (format === "json") {
    return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]]))));
  }
  if (format === "csv") {
    const lines = [columns.join(",")];
    for (const row of rows) lines.push(columns.map((c) => csvCell(String(row[c] ?? ""))).join(","));
    return lines.join("\n") + "\n";
  }
  const items = rows.map((row) =>
    "<item>" +
    columns.map((c) => {
      const v = String(row[c] ?? "");
      return `<${c}>${v === "" ? "" : cdata(v)}</${c}>`;
    }).join("") + "</item>"
  );
  return `${XML_DECLARATION}\n<records>\n${items.join("\n")}\n</records>\n`;
}

/**
 * Quotes one CSV cell as PHP's `fputcsv` does: when it holds the delimiter, a quote, a line
 * break, a tab or a space; quotes are doubled.
 */
export function csvCell(value: string, delimiter = ","): string {
  if (value === "") return "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === delimiter || c === '"' || c === "\n" || c === "\r" || c === "\t" || c === " ") {
      return `"${value.replaceAll('"', '""')}"`;
    }
  }
  return value;
}
