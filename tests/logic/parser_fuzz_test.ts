/**
 * Fuzzing the parser with random token sequences (seeded, bounded): every input either
 * parses (and then evaluates without throwing) or raises a LogicError. Nothing else, no hang.
 */
import { ok } from "node:assert/strict";
import { evaluateExpression, LogicError, parseLogic } from "../../lib/logic/logic.ts";
import { mulberry32 } from "../../lib/_random.ts";

const PIECES = [
  "[age]",
  "[sex]",
  "[race(1)]",
  "[e1][age]",
  "[age][2]",
  "[e1][age][last-instance]",
  "[record-name]",
  "[current-instance]",
  "[bad-smart]",
  "[",
  "]",
  "[]",
  "[a b]",
  "1",
  "0",
  "2.5",
  ".5",
  "1e3",
  "-",
  "+",
  "*",
  "/",
  "^",
  "=",
  "<>",
  "!=",
  "<",
  ">",
  "<=",
  ">=",
  "==",
  "&&",
  "||",
  "!",
  "and",
  "or",
  "not",
  "AND",
  "true",
  "false",
  "(",
  ")",
  ",",
  "'x'",
  '"y"',
  "''",
  "'",
  '"',
  "if(",
  "round(",
  "datediff(",
  "sum(",
  "contains(",
  "left(",
  "mid(",
  "concat(",
  "today()",
  "nosuch(",
  "isblankormissingcode(",
  "sqrt(",
  "abc",
  "$",
  "#",
  " ",
  "\n",
  "'2024-01-01'",
  "'today'",
  "'y'",
  "'d'",
];

const values: Record<string, string> = { age: "64", sex: "0", race___1: "1" };
const context = {
  value: (field: string) => values[field],
  smart: (name: string) => name === "record-name" ? "1" : undefined,
  now: new Date(2024, 0, 1),
};

Deno.test("parseLogic() returns a tree or throws a LogicError for random token sequences", () => {
  const random = mulberry32(20240601);
  let parsed = 0, rejected = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = 1 + Math.floor(random() * 12);
    const text = Array.from({ length }, () => PIECES[Math.floor(random() * PIECES.length)])
      .join(random() < 0.5 ? " " : "");
    try {
      const tree = parseLogic(text);
      parsed++;
      evaluateExpression(tree, context);
    } catch (error) {
      if (!(error instanceof LogicError)) {
        throw new Error(`Input ${JSON.stringify(text)} threw ${error}`, { cause: error });
      }
      ok(
        error.position >= 0 && error.position <= text.length,
        `position of ${JSON.stringify(text)}`,
      );
      rejected++;
    }
  }
  ok(parsed > 500, `only ${parsed} inputs parsed`);
  ok(rejected > 500, `only ${rejected} inputs were rejected`);
});

Deno.test("parseLogic() rejects pathological nesting with a LogicError, not a stack overflow", () => {
  for (
    const text of [
      "(".repeat(5000) + "1" + ")".repeat(5000),
      "-".repeat(5000) + "1",
      "not ".repeat(5000) + "1",
    ]
  ) {
    let error: unknown;
    try {
      parseLogic(text);
    } catch (e) {
      error = e;
    }
    ok(error instanceof LogicError);
  }
  ok(parseLogic("(".repeat(50) + "1" + ")".repeat(50)));
  ok(parseLogic(Array.from({ length: 5000 }, () => "[age]").join(" + ")));
});
