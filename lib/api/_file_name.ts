/**
 * The name of a downloaded file (`content=file` and `content=fileRepository` exports).
 *
 * @module
 */

/**
 * Reads a download's file name from its headers: RFC 6266 `filename*=UTF-8''...` in
 * `Content-Disposition` when present (the exact name, which may not be ASCII), else REDCap's
 * `Content-Type: <mime>; name="<file>"`, else `Content-Disposition: filename="<file>"`. REDCap
 * writes a name that is not ASCII as raw UTF-8 bytes, which `fetch` reads as Latin-1; such a
 * name is decoded back to the characters REDCap meant.
 *
 * @param headers The response headers.
 * @returns The name, or `undefined` when the answer names no file.
 */
export function downloadFileName(headers: Headers): string | undefined {
  const disposition = headers.get("content-disposition") ?? "";
  const extended = /filename\*\s*=\s*UTF-8'[^']*'([^;\s]+)/i.exec(disposition)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended);
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  const name = /name="([^"]*)"/.exec(headers.get("content-type") ?? "")?.[1] ??
    /filename="([^"]*)"/.exec(disposition)?.[1];
  return name === undefined ? undefined : latin1AsUtf8(name);
}

/** Header text read as Latin-1 whose bytes are UTF-8, decoded; other text as it is. */
function latin1AsUtf8(text: string): string {
  // deno-lint-ignore no-control-regex
  if (!/[\x80-\xff]/.test(text) || /[^\x00-\xff]/.test(text)) return text;
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return text;
  }
}
