/**
 * Keeps REDCap API tokens out of everything denocap displays.
 *
 * @module
 */

/**
 * Any run of 32 or more hexadecimal digits: a REDCap API token is 32 hex digits, a super token
 * 64, and a token glued to other hex digits must not leak either.
 */
const TOKEN_PATTERN = /[0-9A-Fa-f]{32,}/g;

/**
 * Replaces every run of 32 or more hexadecimal digits (a REDCap API token is 32, a super token
 * 64) with `[token]`. Every HTML, SVG and MIME bundle that `denocap/jupyter` and `denocap/plot`
 * produce passes through it, so a token that slipped into data, a label or a message is never
 * shown in a notebook.
 *
 * @example Hide a token in a URL
 * ```ts
 * import { redactTokens } from "denocap/jupyter";
 * import { strictEqual } from "node:assert/strict";
 *
 * const token = "0123456789ABCDEF0123456789ABCDEF";
 * strictEqual(redactTokens(`token=${token}&content=record`), "token=[token]&content=record");
 * strictEqual(redactTokens("record 1001, hash abc123"), "record 1001, hash abc123");
 * ```
 *
 * @param text Any text about to be displayed.
 * @returns The text with each 32+ hex-digit run replaced by `[token]`.
 */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, "[token]");
}
