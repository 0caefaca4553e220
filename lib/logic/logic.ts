/**
 * REDCap's logic language (branching logic, calculated fields, `filterLogic`): parse once,
 * evaluate many times against any source of values.
 *
 * @example Evaluate a filter against one record
 * ```ts
 * import { evaluateExpression, parseLogic } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const logic = parseLogic("[age] >= 61 and [sex] = '1'");
 * const record: Record<string, string> = { age: "64", sex: "1" };
 * strictEqual(evaluateExpression(logic, { value: (field) => record[field] }), true);
 * ```
 *
 * @module
 */
import type { FieldNode, LogicNode, LogicValue } from "./ast.ts";
import { walkLogic } from "./ast.ts";
import { evaluateNode, type LogicContext } from "./evaluate.ts";
import { parse } from "./_parser.ts";
import { formatNumber, toText, truthy } from "./values.ts";

export type { FieldNode, LogicNode, LogicValue } from "./ast.ts";
export type { LogicContext } from "./evaluate.ts";
export { checkboxSuffix } from "./evaluate.ts";
export {
  LogicError,
  type LogicErrorCode,
  LogicFunctionError,
  LogicReferenceError,
  LogicSyntaxError,
} from "./errors.ts";
export { formatNumber, toText, truthy, walkLogic };

/**
 * Parses REDCap logic into a syntax tree.
 *
 * @example Parse a comparison
 * ```ts
 * import { parseLogic } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(parseLogic("[bmi] > 25").kind, "binary");
 * ```
 *
 * @param text The logic, e.g. `[age] > 30 and [sex] = '0'`.
 * @returns The syntax tree.
 * @throws {LogicSyntaxError} for invalid syntax (with the position and what was expected).
 * @throws {LogicFunctionError} for an unknown function or a wrong argument count.
 * @throws {LogicReferenceError} for an unknown smart variable.
 */
export function parseLogic(text: string): LogicNode {
  return parse(text);
}

/**
 * Evaluates logic (text or a parsed tree) to a REDCap value: a number, text, a boolean, or
 * blank (`""`).
 *
 * @example Blank inputs make arithmetic blank
 * ```ts
 * import { evaluateExpression } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const values: Record<string, string> = { weight: "80", height: "" };
 * const context = { value: (field: string) => values[field] };
 * strictEqual(evaluateExpression("round([weight] / [height], 1)", context), "");
 * strictEqual(evaluateExpression("round([weight] * 10000 / 160 ^ 2, 1)", context), 31.3);
 * ```
 *
 * @param logic Logic text or a tree from {@linkcode parseLogic}.
 * @param context Where field values and smart variables come from.
 * @returns The value of the expression.
 */
export function evaluateExpression(logic: string | LogicNode, context: LogicContext): LogicValue {
  return evaluateNode(typeof logic === "string" ? parse(logic) : logic, context);
}

/**
 * Evaluates logic as a condition (branching logic, `filterLogic`): REDCap's truthiness, where
 * blank, `0` and `"0"` are false.
 *
 * @example Branching logic on a checkbox
 * ```ts
 * import { testLogic } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const row: Record<string, string> = { race___2: "1" };
 * strictEqual(testLogic("[race(2)] = '1'", { value: (f) => row[f] }), true);
 * ```
 *
 * @param logic Logic text or a parsed tree.
 * @param context Where field values come from.
 * @returns Whether the logic holds.
 */
export function testLogic(logic: string | LogicNode, context: LogicContext): boolean {
  return truthy(evaluateExpression(logic, context));
}

/**
 * Formats a value as REDCap stores a calculated field: numbers without float noise
 * (`26.8`, `6`), blank as `""`.
 *
 * @example Float noise is removed
 * ```ts
 * import { formatLogicValue } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(formatLogicValue(0.1 + 0.2), "0.3");
 * ```
 *
 * @param value A result of {@linkcode evaluateExpression}.
 * @returns The stored text.
 */
export function formatLogicValue(value: LogicValue): string {
  return typeof value === "number" ? formatNumber(value) : toText(value);
}

/**
 * The field references in a tree, in source order.
 *
 * @example List the fields a filter reads
 * ```ts
 * import { logicReferences, parseLogic } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const refs = logicReferences(parseLogic("[visit_1_arm_1][weight] > [weight]"));
 * deepStrictEqual(refs.map((r) => [r.event, r.field]), [["visit_1_arm_1", "weight"], [undefined, "weight"]]);
 * ```
 *
 * @param node A parsed tree.
 * @returns Every `[field]` reference.
 */
export function logicReferences(node: LogicNode): FieldNode[] {
  const refs: FieldNode[] = [];
  walkLogic(node, (n) => {
    if (n.kind === "field") refs.push(n);
  });
  return refs.sort((a, b) => a.pos - b.pos);
}
