/**
 * Byte-level reading of REDCap's CSV (RFC 4180: quoted cells, doubled quotes, CRLF) for the
 * EAV converter: cell spans of one row, unquoting, line numbers for messages.
 *
 * @module
 */

const decoder = new TextDecoder();

export const QUOTE = 34;
export const COMMA = 44;
export const LF = 10;
export const CR = 13;
export const TAB = 9;
/** The status of {@linkcode parseRow}: the end of the row, or a problem (negative). */
export const UNTERMINATED = -1;
export const TOO_FEW = -2;
export const TOO_MANY = -3;

/** Finds the fields of the row at `p` (`fs`, `fe`: starts and ends, quotes included). */
export function parseRow(b: Uint8Array, p: number, width: number, fs: Int32Array, fe: Int32Array) {
  const n = b.length;
  for (let c = 0; c < width; c++) {
    const start = p;
    if (b[p] === QUOTE) {
      p = closingQuote(b, p + 1);
      if (p < 0) return UNTERMINATED;
    } else {
      while (p < n) {
        const x = b[p];
        if (x === COMMA || x === LF || x === CR) break;
        p++;
      }
    }
    fs[c] = start;
    fe[c] = p;
    if (c < width - 1) {
      if (b[p] !== COMMA) return TOO_FEW;
      p++;
    }
  }
  if (b[p] === CR) p++;
  return b[p] === LF ? p + 1 : TOO_MANY;
}

/** The position after the quote closing a quoted field that starts before `p`, or -1. */
export function closingQuote(b: Uint8Array, p: number): number {
  for (;;) {
    const q = b.indexOf(QUOTE, p);
    if (q < 0) return -1;
    if (b[q + 1] !== QUOTE) return q + 1;
    p = q + 2;
  }
}

/** Whether `a[as, as + length)` and `b[bs, bs + length)` hold the same bytes. */
export function sameBytes(a: Uint8Array, as: number, b: Uint8Array, bs: number, length: number) {
  for (let i = 0; i < length; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/** A CSV field's text: quotes taken off, doubled quotes single. */
export function unquote(b: Uint8Array, start: number, end: number): string {
  if (b[start] !== QUOTE) {
    let ascii = true;
    for (let i = start; i < end && ascii; i++) ascii = b[i] < 128;
    if (ascii && end - start < 64) {
      let s = "";
      for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
      return s;
    }
    return decoder.decode(b.subarray(start, end));
  }
  return decoder.decode(b.subarray(start + 1, end - 1)).replaceAll('""', '"');
}

export function isEscaped(c: number): boolean {
  return c === 61 || c === 45 || c === 43 || c === 64; // = - + @
}

export function lineOf(b: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (b[i] === LF) line++;
  return line;
}
