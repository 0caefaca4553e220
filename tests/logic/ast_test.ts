/** walkLogic() visits every node of a parsed expression, parents first. */
import { deepStrictEqual } from "node:assert/strict";
import { type LogicNode, walkLogic } from "../../lib/logic/ast.ts";
import { parseLogic } from "../../lib/logic/logic.ts";

Deno.test("walkLogic() visits parents before children, through calls and operators", () => {
  const kinds: string[] = [];
  const fields: string[] = [];
  walkLogic(parseLogic("if([age] >= 18, -[score], sum([a], 2))"), (node: LogicNode) => {
    kinds.push(node.kind);
    if (node.kind === "field") fields.push(node.field);
  });
  deepStrictEqual(kinds[0], "call");
  deepStrictEqual(fields, ["age", "score", "a"]);
  deepStrictEqual(kinds.filter((k) => k === "number").length, 2);
  deepStrictEqual(kinds.includes("unary") && kinds.includes("binary"), true);
});
