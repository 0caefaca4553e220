/**
 * Splits REDCap logic into tokens. Adjacent bracket groups (`[event][field][2]`) form one
 * reference token.
 *
 * @module
 */
import { LogicSyntaxError } from "./errors.ts";

/** A token kind. */
export type TokenKind =
  | "number"
  | "string"
  | "ref"
  | "name"
  | "op"
  | "("
  | ")"
  | ","
  | "eof";

/** One token with its 0-based offset. */
export interface Token {
  kind: TokenKind;
  /** Operator or name text (names lower-cased), the string's content, or the number's text. */
  text: string;
  pos: number;
  /** For `ref`: the trimmed contents of each adjacent bracket group. */
  parts?: string[];
  /** For `ref`: the reference as written. */
  raw?: string;
}

const OPERATORS = ["<=", ">=", "<>", "!=", "<", ">", "=", "+", "-", "*", "/", "^"];
const REJECTED: Record<string, string> = {
  "&&": 'REDCap logic writes "and", not "&&"',
  "||": 'REDCap logic writes "or", not "||"',
  "==": 'REDCap logic compares with "=", not "=="',
  "!": 'REDCap logic writes "<>" or "not", not "!"',
};

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isNameStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

/** Tokenizes logic text; throws {@linkcode LogicSyntaxError} for characters REDCap rejects. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\u00a0") {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === "." && i + 1 < n && isDigit(text[i + 1]))) {
      while (i < n && isDigit(text[i])) i++;
      if (text[i] === ".") {
        i++;
        while (i < n && isDigit(text[i])) i++;
      }
      if ((text[i] === "e" || text[i] === "E") && /^[eE][-+]?\d/.test(text.slice(i, i + 3))) {
        i++;
        if (text[i] === "+" || text[i] === "-") i++;
        while (i < n && isDigit(text[i])) i++;
      }
      if (i < n && isNameStart(text[i])) {
        throw new LogicSyntaxError(`Unexpected "${text[i]}" after number`, i);
      }
      tokens.push({ kind: "number", text: text.slice(start, i), pos: start });
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) {
        throw new LogicSyntaxError(`Unterminated string: expected a closing ${c}`, start);
      }
      tokens.push({ kind: "string", text: text.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    if (c === "[") {
      const parts: string[] = [];
      while (text[i] === "[") {
        const end = text.indexOf("]", i + 1);
        const nested = text.indexOf("[", i + 1);
        if (end < 0 || (nested >= 0 && nested < end)) {
          throw new LogicSyntaxError('Unterminated reference: expected "]"', i);
        }
        parts.push(text.slice(i + 1, end).trim());
        i = end + 1;
      }
      tokens.push({ kind: "ref", text: "", pos: start, parts, raw: text.slice(start, i) });
      continue;
    }
    if (c === "]") throw new LogicSyntaxError('Unexpected "]" without a matching "["', i);
    if (isNameStart(c)) {
      while (i < n && (isNameStart(text[i]) || isDigit(text[i]))) i++;
      tokens.push({ kind: "name", text: text.slice(start, i).toLowerCase(), pos: start });
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: c, text: c, pos: start });
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (REJECTED[two]) throw new LogicSyntaxError(REJECTED[two], i);
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op === "!=" ? "<>" : op, pos: start });
      i += op.length;
      continue;
    }
    if (REJECTED[c]) throw new LogicSyntaxError(REJECTED[c], i);
    throw new LogicSyntaxError(`Unexpected character "${c}"`, i);
  }
  tokens.push({ kind: "eof", text: "", pos: n });
  return tokens;
}
