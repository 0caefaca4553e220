/** The logic API: parse once and evaluate many times, references, tests, stored formatting. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  evaluateExpression,
  formatLogicValue,
  type LogicContext,
  logicReferences,
  parseLogic,
  testLogic,
} from "../../lib/logic/logic.ts";

const row = (values: Record<string, string>): LogicContext => ({ value: (f) => values[f] });

Deno.test("a parsed tree evaluates against many rows; testLogic() is REDCap's truthiness", () => {
  const tree = parseLogic("[sbp] >= 140 or [dbp] >= 90");
  deepStrictEqual(
    [{ sbp: "150", dbp: "80" }, { sbp: "120", dbp: "80" }, { sbp: "", dbp: "95" }].map((r) =>
      testLogic(tree, row(r))
    ),
    [true, false, true],
  );
  strictEqual(evaluateExpression("[a] + [b]", row({ a: "2", b: "3" })), 5);
  strictEqual(testLogic("[a] = ''", row({ a: "" })), true);
});

Deno.test("logicReferences() lists field references in source order, with qualifiers", () => {
  const refs = logicReferences(parseLogic("[visit_arm_1][weight] > 0 and [race(2)] = '1'"));
  deepStrictEqual(refs.map((r) => [r.field, r.event, r.code]), [
    ["weight", "visit_arm_1", undefined],
    ["race", undefined, "2"],
  ]);
  strictEqual(refs[0].text, "[visit_arm_1][weight]");
});

Deno.test("formatLogicValue() stores numbers without float noise and booleans as 1/0", () => {
  strictEqual(formatLogicValue(0.1 + 0.2), "0.3");
  strictEqual(formatLogicValue(true), "1");
  strictEqual(formatLogicValue("text"), "text");
});
