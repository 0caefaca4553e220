/**
 * The REDCap API as a `fetch`-style function over a {@linkcode RedcapStore}.
 *
 * @module
 */
import {
  type ApiContext,
  ApiError,
  errorResponse,
  type Format,
  Params,
  readFormat,
  type UploadedFile,
} from "./_http.ts";
import { publicUrl } from "./_public_url.ts";
import { ROUTES } from "./_routes.ts";
import type { RedcapStore } from "./store.ts";

/** Options for {@linkcode createRedcapHandler}. */
export interface RedcapHandlerOptions {
  /** Largest request body accepted, in bytes; larger bodies get 413.
   * @default {268435456}
   */
  maxBodyBytes?: number;
  /** The base URL the server's absolute links use (`{baseUrl}surveys/?s=...`), as REDCap's
   * configured base URL; without it a proxy's `X-Forwarded-Proto`/`X-Forwarded-Host` apply. */
  baseUrl?: string;
}

/**
 * Refuses a browser's cross-site request: one whose `Origin` header is present and is not the
 * server's own origin (REDCap's API is meant for scripts, not for pages in a browser; a page
 * can still POST a form to a local server).
 */
function checkOrigin(request: Request, url: URL): void {
  const origin = request.headers.get("origin");
  if (origin === null || origin === url.origin) return;
  throw new ApiError(
    403,
    `Cross-origin requests are refused: the request came from a web page at "${origin}", not ` +
      `from ${url.origin}. Call the API from a script or a server, not from a browser page.`,
  );
}

/** REDCap's message when a token is unknown, malformed or lacks API rights. */
export const NO_API_PERMISSION = "You do not have permissions to use the API";

/**
 * Creates the REDCap API handler: `(Request) => Promise<Response>`. Inject it as `fetch` in
 * tests, or serve it with `Deno.serve` ({@linkcode serveRedcap} does).
 *
 * @example Answer a version request in-process
 * ```ts
 * import { createRedcapHandler, RedcapStore, loadProject } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo");
 * const handler = createRedcapHandler(store);
 * const body = new URLSearchParams({ token: tokens[0], content: "version" });
 * const response = await handler(new Request("http://localhost/api/", { method: "POST", body }));
 * strictEqual(response.status, 200);
 * ```
 *
 * @param store The store holding the projects and tokens.
 * @param options Body size limit.
 * @returns A function answering REDCap API requests.
 */
export function createRedcapHandler(
  store: RedcapStore,
  options: RedcapHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024 * 1024;
  return async (request: Request): Promise<Response> => {
    let returnFormat: Format = "xml";
    try {
      const url = new URL(request.url);
      if (!/\/api\/?$/.test(url.pathname)) return notFound(url.pathname);
      checkOrigin(request, url);
      if (request.method !== "POST") {
        throw new ApiError(501, "The requested method is not implemented.");
      }
      const { params, file } = await readBody(request, maxBodyBytes);
      returnFormat = readReturnFormat(params);
      return await dispatch(
        store,
        params,
        file,
        returnFormat,
        publicUrl(request, options.baseUrl),
      );
    } catch (error) {
      if (error instanceof ApiError) {
        return errorResponse(error.status, error.message, returnFormat);
      }
      if (error instanceof Error && /database is (locked|busy)/i.test(error.message)) {
        // Another process held the database file's write lock past the busy timeout.
        return errorResponse(
          503,
          "The database is busy with another process's write; try again",
          returnFormat,
        );
      }
      console.error("denocap server: unexpected error", error);
      return errorResponse(500, "The server encountered an unexpected error.", returnFormat);
    }
  };
}

function notFound(path: string): Response {
  return new Response(
    `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found` +
      `</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this ` +
      `server.</p>\n</body></html>\n`,
    { status: 404, headers: { "Content-Type": "text/html; charset=iso-8859-1", "X-Path": path } },
  );
}

function readReturnFormat(params: Params): Format {
  const explicit = params.get("returnFormat");
  if (explicit && ["csv", "json", "xml"].includes(explicit.toLowerCase())) {
    return explicit.toLowerCase() as Format;
  }
  const format = readFormat(params.get("format"));
  return format === "odm" ? "xml" : format;
}

async function readBody(
  request: Request,
  maxBodyBytes: number,
): Promise<{ params: Params; file?: UploadedFile }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  const type = request.headers.get("content-type") ?? "";
  // Every body, chunked or multipart too, is counted as it arrives and cut at the cap.
  const bytes = await readBytes(request, declared, maxBodyBytes);
  const params = new Params();
  let file: UploadedFile | undefined;
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await new Response(bytes as BodyInit, { headers: { "content-type": type } })
        .formData();
    } catch {
      throw new ApiError(400, "The multipart request body could not be parsed");
    }
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") params.add(name, value);
      else if (name === "file") {
        if (value.name.includes("\0")) {
          throw new ApiError(400, "The name of the uploaded file holds a NUL character");
        }
        file = {
          name: value.name,
          type: value.type || "application/octet-stream",
          content: new Uint8Array(await value.arrayBuffer()),
        };
      }
    }
    return { params, file };
  }
  for (const [name, value] of parseFormBody(bytes)) params.add(name, value);
  return { params };
}

function tooLarge(maxBodyBytes: number): ApiError {
  return new ApiError(413, `The request body is larger than ${maxBodyBytes} bytes`);
}

/**
 * The request body's bytes, counted as they arrive: reading stops (and the body is cancelled)
 * as soon as they pass `maxBodyBytes`, whether or not a length was declared. A declared length
 * sizes the buffer up front (no copy of chunks gathered first).
 */
async function readBytes(
  request: Request,
  declared: number,
  maxBodyBytes: number,
): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  let buffer = new Uint8Array(declared > 0 ? declared : 64 * 1024);
  let length = 0;
  for await (const chunk of request.body) {
    if (length + chunk.length > maxBodyBytes) throw tooLarge(maxBodyBytes);
    if (length + chunk.length > buffer.length) {
      const grown = new Uint8Array(
        Math.min(maxBodyBytes, Math.max(buffer.length * 2, length + chunk.length)),
      );
      grown.set(buffer.subarray(0, length));
      buffer = grown;
    }
    buffer.set(chunk, length);
    length += chunk.length;
  }
  return buffer.subarray(0, length);
}

const PLUS = 0x2b, PERCENT = 0x25, AMPERSAND = 0x26, EQUALS = 0x3d, SPACE = 0x20;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Parses an `application/x-www-form-urlencoded` body as `URLSearchParams` does (`+` is a
 * space, `%XX` a byte, a malformed `%` kept as is, then UTF-8), straight from its bytes:
 * percent-decoding happens in place (a decoded part is never longer), so a large `data`
 * value costs its bytes once and its string once, not several copies of the whole body.
 * Invalid UTF-8 is refused.
 */
function parseFormBody(bytes: Uint8Array): [string, string][] {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const lenient = new TextDecoder("utf-8");
  const decode = (start: number, end: number): string => {
    // The body itself must be UTF-8 (a form encoder percent-encodes everything else).
    for (let i = start; i < end; i++) {
      if (bytes[i] >= 0x80) {
        try {
          strict.decode(bytes.subarray(start, end));
        } catch {
          throw new ApiError(400, "The request body is not valid UTF-8");
        }
        break;
      }
    }
    let out = start;
    for (let i = start; i < end; i++) {
      let c = bytes[i];
      if (c === PLUS) c = SPACE;
      else if (c === PERCENT && i + 2 < end) {
        const hi = hexValue(bytes[i + 1]), lo = hexValue(bytes[i + 2]);
        if (hi >= 0 && lo >= 0) {
          c = hi * 16 + lo;
          i += 2;
        }
      }
      bytes[out++] = c;
    }
    // Percent-decoded bytes that are not UTF-8 become U+FFFD, as in URLSearchParams.
    return lenient.decode(bytes.subarray(start, out));
  };
  const pairs: [string, string][] = [];
  let start = 0;
  const n = bytes.length;
  while (start <= n) {
    let end = bytes.indexOf(AMPERSAND, start);
    if (end < 0) end = n;
    if (end > start) {
      let equals = bytes.indexOf(EQUALS, start);
      if (equals < 0 || equals > end) equals = end;
      const name = decode(start, equals);
      const value = equals < end ? decode(equals + 1, end) : "";
      pairs.push([name, value]);
    }
    start = end + 1;
  }
  return pairs;
}

async function dispatch(
  store: RedcapStore,
  params: Params,
  file: UploadedFile | undefined,
  returnFormat: Format,
  url?: string,
): Promise<Response> {
  const token = (params.get("token") ?? "").trim();
  if (!/^[A-Za-z0-9]+$/.test(token) || (token.length !== 32 && token.length !== 64)) {
    throw new ApiError(403, NO_API_PERMISSION);
  }
  const grant = store.token(token);
  if (!grant) throw new ApiError(403, NO_API_PERMISSION);
  const content = params.get("content") ?? "";
  const routes = ROUTES[content];
  if (!routes) throw new ApiError(400, 'The value of the parameter "content" is not valid');
  const action = inferAction(content, params);
  const route = routes[action];
  if (!route) throw new ApiError(400, 'The value of the parameter "action" is not valid');
  if (grant.projectId === undefined) {
    // Super tokens only reach the routes that accept them (see _routes.ts).
    if (!("super" in routes)) throw new ApiError(403, NO_API_PERMISSION);
    return await routes.super!({
      params,
      file,
      store,
      grant,
      projectId: 0,
      get project(): never {
        throw new ApiError(400, "This request needs a project token");
      },
      format: readFormat(params.get("format"), true),
      returnFormat,
      url,
    } as ApiContext);
  }
  const ctx: ApiContext = {
    params,
    file,
    store,
    grant,
    projectId: grant.projectId,
    project: store.project(grant.projectId),
    format: readFormat(params.get("format"), true),
    returnFormat,
    url,
  };
  return await route(ctx);
}

/**
 * REDCap's action inference: explicit `action` for some contents; otherwise import when `data`
 * is present, else export.
 */
function inferAction(content: string, params: Params): string {
  const action = params.get("action")?.trim();
  const explicit = [
    "file",
    "fileRepository",
    "event",
    "arm",
    "dag",
    "user",
    "userRole",
    "userDagMapping",
    "userRoleMapping",
    "repeatingFormsEvents",
    "formEventMapping",
    "metadata",
    "project",
    "project_settings",
  ];
  if (content === "record" && action && ["delete", "rename", "randomize"].includes(action)) {
    return action;
  }
  if (explicit.includes(content) && action) return action;
  return params.has("data") ? "import" : "export";
}
