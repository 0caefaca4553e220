/**
 * Evaluates parsed REDCap logic against a context that looks values up. Pure: no I/O, no
 * Polars; the server's filter and calculations and the DataFrame helpers all build on it.
 *
 * @module
 */
import type { BinaryNode, FieldNode, LogicNode, LogicValue } from "./ast.ts";
import { LOGIC_FUNCTIONS } from "./functions.ts";
import { compareValues, numberValue, toNumber, truthy } from "./values.ts";

/** Where evaluation reads values from. Every method but `value` is optional. */
export interface LogicContext {
  /**
   * The stored value of a field (in `event`, a unique event name, and repeat `instance` when
   * given; otherwise the current ones). `undefined` or `""` is blank.
   */
  value(field: string, event?: string, instance?: number): string | undefined;
  /**
   * Whether a checkbox option is checked. When absent, `[field(code)]` reads the flat column
   * `field___code` through `value` (`"1"` means checked).
   */
  checked?(field: string, code: string, event?: string, instance?: number): boolean;
  /** A smart variable's value (`record-name`, `event-name`, `current-instance`...). */
  smart?(name: string): string | undefined;
  /** The lowest / highest instance holding data for a field (for `[first-instance]`...). */
  instanceRange?(field: string, event?: string): { first: number; last: number } | undefined;
  /** Missing-data codes of the project, for `isblankormissingcode()`.
   * @default {[]}
   */
  missingCodes?: readonly string[];
  /** The clock for `today`, `now` and `datediff(..., 'today', ...)`.
   * @default {new Date()}
   */
  now?: Date;
}

/** REDCap's checkbox column suffix for a code (`-99` becomes `_99`). */
export function checkboxSuffix(code: string): string {
  return code.replace(/[-.]/g, "_").toLowerCase().replace(/[^a-z0-9_]/g, "");
}

function resolveEvent(node: FieldNode, context: LogicContext): string | undefined {
  if (node.event === undefined) return undefined;
  if (!node.event.includes("-")) return node.event;
  return context.smart?.(node.event) ?? "";
}

function resolveInstance(
  node: FieldNode,
  event: string | undefined,
  context: LogicContext,
): number | undefined {
  const q = node.instance;
  if (q === undefined || typeof q === "number") return q;
  const current = Number(context.smart?.("current-instance") ?? 1) || 1;
  switch (q) {
    case "current-instance":
      return current;
    case "previous-instance":
      return current - 1;
    case "next-instance":
      return current + 1;
    case "first-instance":
      return context.instanceRange?.(node.field, event)?.first ?? 1;
    default:
      return context.instanceRange?.(node.field, event)?.last ?? 1;
  }
}

/** The value a field reference stands for in a context (blank is `""`). */
export function referenceValue(node: FieldNode, context: LogicContext): string {
  const event = resolveEvent(node, context);
  if (event === "") return "";
  const instance = resolveInstance(node, event, context);
  if (instance !== undefined && instance < 1) return "";
  if (node.code !== undefined) {
    if (context.checked) {
      return context.checked(node.field, node.code, event, instance) ? "1" : "0";
    }
    const flat = context.value(`${node.field}___${checkboxSuffix(node.code)}`, event, instance);
    return flat === "1" ? "1" : "0";
  }
  return context.value(node.field, event, instance) ?? "";
}

function evaluateBinary(node: BinaryNode, context: LogicContext): LogicValue {
  if (node.op === "and") {
    return truthy(evaluateNode(node.left, context)) &&
      truthy(evaluateNode(node.right, context));
  }
  if (node.op === "or") {
    return truthy(evaluateNode(node.left, context)) ||
      truthy(evaluateNode(node.right, context));
  }
  const left = evaluateNode(node.left, context);
  const right = evaluateNode(node.right, context);
  switch (node.op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "^": {
      const a = toNumber(left), b = toNumber(right);
      if (a === undefined || b === undefined) return "";
      if (node.op === "+") return numberValue(a + b);
      if (node.op === "-") return numberValue(a - b);
      if (node.op === "*") return numberValue(a * b);
      if (node.op === "/") return b === 0 ? "" : numberValue(a / b);
      return numberValue(a ** b);
    }
    default:
      return compareValues(node.op, left, right);
  }
}

/** Evaluates a syntax tree. Never throws for data problems: they give blank, as in REDCap. */
export function evaluateNode(node: LogicNode, context: LogicContext): LogicValue {
  switch (node.kind) {
    case "number":
    case "string":
    case "boolean":
      return node.value;
    case "field":
      return referenceValue(node, context);
    case "smart":
      return context.smart?.(node.name) ?? "";
    case "unary": {
      const v = evaluateNode(node.operand, context);
      if (node.op === "not") return !truthy(v);
      const n = toNumber(v);
      return n === undefined ? "" : node.op === "-" ? -n : n;
    }
    case "binary":
      return evaluateBinary(node, context);
    case "call": {
      if (node.name === "if") {
        const [c, a, b] = node.args;
        return evaluateNode(truthy(evaluateNode(c, context)) ? a : b, context);
      }
      const fn = LOGIC_FUNCTIONS.get(node.name)!;
      const args = node.args.map((arg) => evaluateNode(arg, context));
      return fn.call(args, {
        now: context.now ?? new Date(),
        missingCodes: context.missingCodes ?? [],
      });
    }
  }
}
