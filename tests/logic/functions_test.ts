/** REDCap's logic functions (`LOGIC_FUNCTIONS`), through the evaluator as logic calls them. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { evaluateExpression } from "../../lib/logic/logic.ts";
import { LOGIC_FUNCTIONS } from "../../lib/logic/functions.ts";

const values: Record<string, string> = { a: "2024-01-31", b: "2024-03-01", x: "-7.25", t: " Hi " };
const context = { value: (field: string) => values[field] ?? "" };
const run = (logic: string) => evaluateExpression(logic, context);

Deno.test("rounding functions round half away from zero and to the given places", () => {
  strictEqual(run("round(2.5)"), 3);
  strictEqual(run("round(-2.5)"), -3);
  strictEqual(run("round(1.2345, 2)"), 1.23);
  strictEqual(run("roundup(1.21, 1)"), 1.3);
  strictEqual(run("rounddown([x])"), -8);
  // A blank argument makes the result blank.
  strictEqual(run("round([nothing], 1)"), "");
});

Deno.test("datediff() counts in the unit asked, signed only when asked", () => {
  strictEqual(run("datediff([a], [b], 'd')"), 30);
  strictEqual(run("datediff([b], [a], 'd')"), 30);
  strictEqual(run("datediff([b], [a], 'd', true)"), -30);
  strictEqual(run("datediff('2024-01-01 00:00', '2024-01-01 06:30', 'h')"), 6.5);
  strictEqual(run("datediff([a], [nothing], 'd')"), "");
});

Deno.test("aggregates skip blanks; text functions are case-insensitive where REDCap's are", () => {
  strictEqual(run("sum(1, [nothing], 2)"), 3);
  strictEqual(run("mean(1, 2, [nothing], 6)"), 3);
  strictEqual(run("min(3, [x], 9)"), -7.25);
  strictEqual(run("contains('Headache', 'ACHE')"), true);
  strictEqual(run("left([t], 3)"), " Hi");
  strictEqual(run("trim([t])"), "Hi");
  strictEqual(run("concat('a', 1, 'b')"), "a1b");
  strictEqual(run("isnumber('abc')"), false);
  strictEqual(run("isinteger('12')"), true);
});

Deno.test("every function declares an arity the parser can check", () => {
  for (const [name, fn] of LOGIC_FUNCTIONS) {
    deepStrictEqual(
      [typeof fn.call, fn.min <= fn.max],
      ["function", true],
      name,
    );
  }
  strictEqual(LOGIC_FUNCTIONS.has("datediff"), true);
});
