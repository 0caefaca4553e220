/**
 * The syntax tree of REDCap logic (branching logic, calculations, `filterLogic`). Every node
 * carries `pos`, its 0-based offset in the source text.
 *
 * @module
 */

/** A REDCap value: numbers, text, booleans; blank is the empty string `""`. */
export type LogicValue = number | string | boolean;

/** An instance qualifier: a number or a smart variable such as `previous-instance`. */
export type InstanceQualifier = number | string;

/** A number literal (`5`, `2.5`, `.5`). */
export interface NumberNode {
  /** Node kind. */
  kind: "number";
  /** The number. */
  value: number;
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/** A quoted string literal (`'a'`, `"a"`), or `true` / `false` as text-free booleans. */
export interface StringNode {
  /** Node kind. */
  kind: "string";
  /** The text, without quotes. */
  value: string;
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/** The keywords `true` and `false`. */
export interface BooleanNode {
  /** Node kind. */
  kind: "boolean";
  /** The keyword's value. */
  value: boolean;
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/**
 * A field reference: `[field]`, `[field(code)]` (a checkbox option), `[event][field]`,
 * `[field][2]`, `[event][field][n]`. `event` may be a unique event name or an event smart
 * variable (`previous-event-name`...); `instance` a number or an instance smart variable.
 */
export interface FieldNode {
  /** Node kind. */
  kind: "field";
  /** Field name. */
  field: string;
  /** Checkbox option code, for `[field(code)]`. */
  code?: string;
  /** Event qualifier: a unique event name or an event smart variable. */
  event?: string;
  /** Instance qualifier: a number or an instance smart variable. */
  instance?: InstanceQualifier;
  /** Offset of the node in the source text (0-based). */
  pos: number;
  /** The reference as written, e.g. `[visit_1_arm_1][weight]`. */
  text: string;
}

/** A smart variable on its own, e.g. `[record-name]`, `[current-instance]`. */
export interface SmartNode {
  /** Node kind. */
  kind: "smart";
  /** Smart variable name, without brackets (`record-name`). */
  name: string;
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/** Unary operators: `-x`, `+x`, `not x`. */
export interface UnaryNode {
  /** Node kind. */
  kind: "unary";
  /** The operator. */
  op: "-" | "+" | "not";
  /** The operand. */
  operand: LogicNode;
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/** Binary operators, with `<>` and `!=` both written as `<>`. */
export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "^"
  | "="
  | "<>"
  | "<"
  | ">"
  | "<="
  | ">="
  | "and"
  | "or";

/** A binary operation. */
export interface BinaryNode {
  /** Node kind. */
  kind: "binary";
  /** The operator. */
  op: BinaryOperator;
  /** Left operand. */
  left: LogicNode;
  /** Right operand. */
  right: LogicNode;
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/** A function call; `name` is lower-case. */
export interface CallNode {
  /** Node kind. */
  kind: "call";
  /** Function name, lower-case (`datediff`, `if`, `sum`). */
  name: string;
  /** Arguments in order. */
  args: LogicNode[];
  /** Offset of the node in the source text (0-based). */
  pos: number;
}

/** Any node of a parsed expression. */
export type LogicNode =
  | NumberNode
  | StringNode
  | BooleanNode
  | FieldNode
  | SmartNode
  | UnaryNode
  | BinaryNode
  | CallNode;

/** Calls `visit` on `node` and every node below it, parents first. */
export function walkLogic(node: LogicNode, visit: (node: LogicNode) => void): void {
  visit(node);
  if (node.kind === "unary") walkLogic(node.operand, visit);
  else if (node.kind === "binary") {
    walkLogic(node.left, visit);
    walkLogic(node.right, visit);
  } else if (node.kind === "call") { for (const arg of node.args) walkLogic(arg, visit); }
}
