/**
 * Recursive-descent parser for REDCap logic. Precedence, loosest first: `or`, `and`, `not`,
 * `=`/`<>`, `<`/`>`/`<=`/`>=`, `+`/`-`, `*`/`/`, unary `-`/`+`, `^` (right-associative).
 *
 * @module
 */
import type { BinaryOperator, FieldNode, LogicNode } from "./ast.ts";
import { LogicFunctionError, LogicReferenceError, LogicSyntaxError } from "./errors.ts";
import { LOGIC_FUNCTIONS } from "./functions.ts";
import { type Token, tokenize } from "./_lexer.ts";

/** Smart variables that stand for a value on their own. */
export const VALUE_SMART_VARIABLES: ReadonlySet<string> = new Set([
  "record-name",
  "record-dag-name",
  "record-dag-id",
  "record-dag-label",
  "event-name",
  "event-label",
  "event-id",
  "event-number",
  "previous-event-name",
  "next-event-name",
  "first-event-name",
  "last-event-name",
  "arm-number",
  "arm-label",
  "current-instance",
  "previous-instance",
  "next-instance",
  "first-instance",
  "last-instance",
  "project-id",
  "instrument-name",
  "user-name",
]);

/** Smart variables that can qualify a field's event (`[previous-event-name][weight]`). */
export const EVENT_SMART_VARIABLES: ReadonlySet<string> = new Set([
  "event-name",
  "previous-event-name",
  "next-event-name",
  "first-event-name",
  "last-event-name",
]);

/** Smart variables that can qualify a field's instance (`[weight][previous-instance]`). */
export const INSTANCE_SMART_VARIABLES: ReadonlySet<string> = new Set([
  "current-instance",
  "previous-instance",
  "next-instance",
  "first-instance",
  "last-instance",
]);

/** `or` / `and` chains longer than this are built as balanced trees. */
const BALANCE_FROM = 16;

const FIELD_PART = /^([A-Za-z0-9_]+)(?:\(\s*([^()]*?)\s*\))?$/;
const NAME_PART = /^[A-Za-z0-9_]+$/;

function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "the end of the logic";
    case "string":
      return `the string '${token.text}'`;
    case "ref":
      return `the reference ${token.raw}`;
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  #tokens: Token[];
  #i = 0;
  #depth = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  get #peek(): Token {
    return this.#tokens[this.#i];
  }

  #kindAt(offset: number): Token["kind"] {
    return this.#tokens[this.#i + offset]?.kind ?? "eof";
  }

  #next(): Token {
    return this.#tokens[this.#i++];
  }

  #isOp(...ops: string[]): boolean {
    const t = this.#peek;
    return (t.kind === "op" && ops.includes(t.text)) ||
      (t.kind === "name" && ops.includes(t.text) && (t.text === "and" || t.text === "or"));
  }

  #expect(kind: Token["kind"], what: string): Token {
    const t = this.#peek;
    if (t.kind !== kind) {
      throw new LogicSyntaxError(`Expected ${what} but found ${describe(t)}`, t.pos);
    }
    return this.#next();
  }

  parse(): LogicNode {
    if (this.#peek.kind === "eof") throw new LogicSyntaxError("Expected an expression", 0);
    const node = this.#or();
    const t = this.#peek;
    if (t.kind !== "eof") {
      throw new LogicSyntaxError(
        `Expected an operator or the end of the logic but found ${describe(t)}`,
        t.pos,
      );
    }
    return node;
  }

  #binary(next: () => LogicNode, ops: BinaryOperator[]): LogicNode {
    let left = next();
    while (this.#isOp(...ops)) {
      const t = this.#next();
      const right = next();
      left = { kind: "binary", op: t.text as BinaryOperator, left, right, pos: t.pos };
    }
    return left;
  }

  /**
   * A chain of `or` (or of `and`) terms, such as the common "these ids" filter
   * `[id] = '1' or [id] = '2' or ...` with thousands of terms. Short chains are the usual
   * left-leaning tree; long ones a balanced tree of the same terms in the same order (both
   * operators are associative), so no walk over the tree recurses deeper than a few dozen
   * levels however many terms there are.
   */
  #chain(next: () => LogicNode, op: "or" | "and"): LogicNode {
    const terms = [next()];
    const operators: Token[] = [];
    while (this.#isOp(op)) {
      operators.push(this.#next());
      terms.push(next());
    }
    if (terms.length <= BALANCE_FROM) {
      return terms.reduce((left, right, i) => ({
        kind: "binary",
        op,
        left,
        right,
        pos: operators[i - 1].pos,
      }));
    }
    const build = (from: number, to: number): LogicNode => {
      if (to - from === 1) return terms[from];
      const middle = (from + to) >> 1;
      const left = build(from, middle);
      return { kind: "binary", op, left, right: build(middle, to), pos: operators[middle - 1].pos };
    };
    return build(0, terms.length);
  }

  #or = (): LogicNode => this.#chain(this.#and, "or");
  #and = (): LogicNode => this.#chain(this.#not, "and");

  #not = (): LogicNode => {
    const t = this.#peek;
    if (t.kind === "name" && t.text === "not" && this.#tokens[this.#i + 1]?.kind !== "(") {
      this.#next();
      return this.#nested(() => ({ kind: "unary", op: "not", operand: this.#not(), pos: t.pos }));
    }
    return this.#equality();
  };

  #equality = (): LogicNode => this.#binary(this.#relational, ["=", "<>"]);
  #relational = (): LogicNode => this.#binary(this.#additive, ["<", ">", "<=", ">="]);
  #additive = (): LogicNode => this.#binary(this.#multiplicative, ["+", "-"]);
  #multiplicative = (): LogicNode => this.#binary(this.#unary, ["*", "/"]);

  #unary = (): LogicNode => {
    const t = this.#peek;
    if (t.kind === "op" && (t.text === "-" || t.text === "+")) {
      this.#next();
      return this.#nested(() => ({
        kind: "unary",
        op: t.text as "-" | "+",
        operand: this.#unary(),
        pos: t.pos,
      }));
    }
    return this.#power();
  };

  #power = (): LogicNode => {
    const base = this.#primary();
    if (this.#isOp("^")) {
      const t = this.#next();
      const exponent = this.#nested(this.#unary);
      return { kind: "binary", op: "^", left: base, right: exponent, pos: t.pos };
    }
    return base;
  };

  #nested<T>(fn: () => T): T {
    if (++this.#depth > 200) {
      throw new LogicSyntaxError("Logic is nested too deeply", this.#peek.pos);
    }
    try {
      return fn();
    } finally {
      this.#depth--;
    }
  }

  #primary = (): LogicNode => {
    const t = this.#peek;
    switch (t.kind) {
      case "number":
        this.#next();
        return { kind: "number", value: Number(t.text), pos: t.pos };
      case "string":
        this.#next();
        return { kind: "string", value: t.text, pos: t.pos };
      case "ref":
        this.#next();
        return reference(t);
      case "(": {
        this.#next();
        const inner = this.#nested(this.#or);
        this.#expect(")", 'a closing ")"');
        return inner;
      }
      case "name":
        return this.#name();
      default:
        throw new LogicSyntaxError(`Expected a value but found ${describe(t)}`, t.pos);
    }
  };

  #name(): LogicNode {
    const t = this.#next();
    if (this.#peek.kind !== "(") {
      if (t.text === "true" || t.text === "false") {
        return { kind: "boolean", value: t.text === "true", pos: t.pos };
      }
      if (["and", "or", "not"].includes(t.text)) {
        throw new LogicSyntaxError(`Expected a value but found "${t.text}"`, t.pos);
      }
      throw new LogicSyntaxError(
        `Expected a value but found the name "${t.text}" (field names go in square brackets)`,
        t.pos,
      );
    }
    const fn = LOGIC_FUNCTIONS.get(t.text);
    if (!fn && t.text !== "not") {
      throw new LogicFunctionError(
        "unknown_function",
        t.text,
        `Unknown function "${t.text}"`,
        t.pos,
      );
    }
    this.#next();
    const args: LogicNode[] = [];
    if (this.#kindAt(0) !== ")") {
      for (;;) {
        args.push(this.#nested(this.#or));
        if (this.#kindAt(0) !== ",") break;
        this.#next();
      }
    }
    this.#expect(")", 'a "," or a closing ")"');
    if (t.text === "not") {
      if (args.length !== 1) {
        throw new LogicFunctionError("arity", "not", '"not" takes one argument', t.pos);
      }
      return { kind: "unary", op: "not", operand: args[0], pos: t.pos };
    }
    if (args.length < fn!.min || args.length > fn!.max) {
      const range = fn!.min === fn!.max
        ? `${fn!.min}`
        : fn!.max === Infinity
        ? `at least ${fn!.min}`
        : `${fn!.min} to ${fn!.max}`;
      throw new LogicFunctionError(
        "arity",
        t.text,
        `Function "${t.text}" takes ${range} argument${
          range === "1" ? "" : "s"
        }, not ${args.length}`,
        t.pos,
      );
    }
    return { kind: "call", name: t.text, args, pos: t.pos };
  }
}

function isInstancePart(part: string): boolean {
  return /^\d+$/.test(part) || INSTANCE_SMART_VARIABLES.has(part.toLowerCase());
}

function fieldPart(
  token: Token,
  part: string,
): Pick<FieldNode, "field" | "code"> {
  const m = FIELD_PART.exec(part);
  if (!m) {
    throw new LogicSyntaxError(`Invalid field reference "[${part}]"`, token.pos);
  }
  return m[2] === undefined ? { field: m[1] } : { field: m[1], code: m[2] };
}

function instancePart(part: string): number | string {
  return /^\d+$/.test(part) ? Number(part) : part.toLowerCase();
}

function eventPart(token: Token, part: string): string {
  const lower = part.toLowerCase();
  if (EVENT_SMART_VARIABLES.has(lower)) return lower;
  if (!NAME_PART.test(part)) {
    throw new LogicSyntaxError(`Invalid event reference "[${part}]"`, token.pos);
  }
  return part;
}

function reference(token: Token): LogicNode {
  const parts = token.parts!;
  const base = { kind: "field" as const, pos: token.pos, text: token.raw! };
  if (parts.length === 1) {
    const lower = parts[0].toLowerCase();
    if (!FIELD_PART.test(parts[0]) && lower.includes("-")) {
      if (!VALUE_SMART_VARIABLES.has(lower)) {
        throw new LogicReferenceError(
          "unknown_smart_variable",
          lower,
          `Unknown smart variable "[${parts[0]}]"`,
          token.pos,
        );
      }
      return { kind: "smart", name: lower, pos: token.pos };
    }
    return { ...base, ...fieldPart(token, parts[0]) };
  }
  if (parts.length === 2) {
    if (isInstancePart(parts[1])) {
      return { ...base, ...fieldPart(token, parts[0]), instance: instancePart(parts[1]) };
    }
    return { ...base, event: eventPart(token, parts[0]), ...fieldPart(token, parts[1]) };
  }
  if (parts.length === 3 && isInstancePart(parts[2])) {
    return {
      ...base,
      event: eventPart(token, parts[0]),
      ...fieldPart(token, parts[1]),
      instance: instancePart(parts[2]),
    };
  }
  throw new LogicSyntaxError(`Invalid reference ${token.raw}`, token.pos);
}

/** Parses logic text into a syntax tree; throws a {@linkcode LogicSyntaxError} or
 * {@linkcode LogicFunctionError} with the position of the problem. */
export function parse(text: string): LogicNode {
  return new Parser(tokenize(text)).parse();
}
