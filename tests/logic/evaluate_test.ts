/**
 * Table-driven checks of REDCap's logic semantics: literals, precedence, blanks, numeric
 * text, checkboxes, events and instances, smart variables, every function, and every error
 * class with its code and position.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  evaluateExpression,
  formatLogicValue,
  type LogicContext,
  LogicError,
  LogicFunctionError,
  LogicReferenceError,
  LogicSyntaxError,
  type LogicValue,
  parseLogic,
  testLogic,
} from "../../lib/logic/logic.ts";

const VALUES: Record<string, string> = {
  age: "64",
  blank: "",
  weight: "80",
  height: "160",
  name: "John Lee",
  sex: "0",
  zero: "0",
  five: "5.0",
  neg: "-3",
  dec: "2.5",
  spaced: " 7 ",
  word: "abc",
  txt: "  Hello World  ",
  dob: "1990-05-20",
  visit: "2024-01-01",
  visit2: "2024-03-01",
  dt1: "2024-01-01 08:00",
  dt2: "2024-01-02 20:30",
  dts: "2024-01-01 08:00:30",
  mdy: "12-31-2023",
  dmy: "31-12-2023",
  nacode: "NA",
  race___1: "1",
  race___2: "0",
  race____99: "1",
  record_id: "101",
};
const EVENTS: Record<string, Record<string, string>> = {
  baseline_arm_1: { weight: "70", age: "60" },
  visit_1_arm_1: VALUES,
};
const INSTANCES: Record<number, Record<string, string>> = {
  1: { bp: "110" },
  2: { bp: "120" },
  3: { bp: "" },
};

const context: LogicContext = {
  value(field, event, instance) {
    if (instance !== undefined) return INSTANCES[instance]?.[field];
    if (event !== undefined) return EVENTS[event]?.[field];
    if (field === "bp") return INSTANCES[2].bp;
    return VALUES[field];
  },
  smart(name) {
    return {
      "record-name": "101",
      "event-name": "visit_1_arm_1",
      "previous-event-name": "baseline_arm_1",
      "current-instance": "2",
      "arm-number": "1",
    }[name];
  },
  instanceRange: (field) => field === "bp" ? { first: 1, last: 3 } : undefined,
  missingCodes: ["NA", "UNK"],
  now: new Date(2024, 5, 15, 12, 0, 0),
};

type Case = [expression: string, expected: LogicValue];

const CASES: Record<string, Case[]> = {
  "literals": [
    ["5", 5],
    ["2.5", 2.5],
    [".5", 0.5],
    ["'text'", "text"],
    ['"double"', "double"],
    ["'it\"s'", 'it"s'],
    ["''", ""],
    ["true", true],
    ["false", false],
    ["TRUE", true],
    ["1e3", 1000],
  ],
  "arithmetic and precedence": [
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["12 / 4 / 3", 1],
    ["2 ^ 3", 8],
    ["2 ^ 3 ^ 2", 512],
    ["-2 ^ 2", -4],
    ["2 ^ -1", 0.5],
    ["-3 + 5", 2],
    ["--3", 3],
    ["+4", 4],
    ["2 * -3", -6],
    ["7 / 2", 3.5],
    ["1 / 0", ""],
    ["0 / 0", ""],
    ["[weight] * 10000 / [height] ^ 2", 31.25],
    ["round(([weight]*10000)/(([height])^(2)),1)", 31.3],
    ["[five] + 1", 6],
    ["[spaced] * 2", 14],
    ["[neg] * [neg]", 9],
    ["[dec] * 2", 5],
    ["1 + 2 = 3", true],
    ["2 * 3 > 5 and 1 < 2", true],
    ["1 = 1 or 1 = 2 and 1 = 2", true],
    ["(1 = 1 or 1 = 2) and 1 = 2", false],
  ],
  "blanks in arithmetic": [
    ["[blank] + 1", ""],
    ["[blank] * 0", ""],
    ["-[blank]", ""],
    ["[word] + 1", ""],
    ["[missing_field] + 1", ""],
    ["round([blank] / 2, 1)", ""],
    ["sqrt([blank])", ""],
  ],
  "comparison": [
    ["[age] >= 61", true],
    ["[age] > 64", false],
    ["[age] <= 64", true],
    ["[age] < 64", false],
    ["[age] = 64", true],
    ["[age] = '64'", true],
    ["[age] = '64.0'", true],
    ["[five] = 5", true],
    ["[five] = '5'", true],
    ["[age] <> 64", false],
    ["[age] != 63", true],
    ["[name] = 'John Lee'", true],
    ["[name] = 'john lee'", false],
    ["[name] <> 'John Lee'", false],
    ["[sex] = '0'", true],
    ["[sex] = 0", true],
    ["[zero] = ''", false],
    ["[word] > 'abb'", true],
    ["[word] < 'abd'", true],
    ["'b' > 'a'", true],
    ["'10' > '9'", true],
    ["10 > 9", true],
    ["'abc' = 'abc'", true],
    ["[visit2] > [visit]", true],
    ["[visit] > '2023-12-31'", true],
    ["[visit] = '2024-01-01'", true],
    ["[visit] >= '2024-01-02'", false],
    ["[spaced] = 7", true],
  ],
  "blank comparisons": [
    ["[blank] = ''", true],
    ["[blank] <> ''", false],
    ["[age] <> ''", true],
    ["[age] = ''", false],
    ["[blank] > 5", false],
    ["[blank] < 5", false],
    ["[blank] >= 0", false],
    ["[blank] <= 0", false],
    ["[blank] = 0", false],
    ["[blank] <> 0", true],
    ["[missing_field] = ''", true],
    ["[blank] = [missing_field]", true],
    ["[word] > 5", false],
  ],
  "boolean logic": [
    ["1 = 1 and 2 = 2", true],
    ["1 = 1 AND 2 = 3", false],
    ["1 = 2 or 2 = 2", true],
    ["1 = 2 OR 2 = 3", false],
    ["not 1 = 2", true],
    ["not (1 = 1)", false],
    ["not([blank] = '')", false],
    ["not [age] > 100 and [age] > 60", true],
    ["[age] and [zero]", false],
    ["[age] or [zero]", true],
    ["[blank] or [name]", true],
    ["(([age] > 60) and ([sex] = '0')) or [blank] = 'x'", true],
  ],
  "checkboxes": [
    ["[race(1)]", "1"],
    ["[race(2)]", "0"],
    ["[race(3)]", "0"],
    ["[race(-99)]", "1"],
    ["[race(1)] = '1'", true],
    ["[race(2)] = '1'", false],
    ["[race(2)] = 0", true],
    ["[race(1)] = 1 and [race(2)] = 0", true],
    ["[race(1)] + [race(-99)]", 2],
    ["sum([race(1)], [race(2)], [race(-99)])", 2],
  ],
  "events, instances and smart variables": [
    ["[baseline_arm_1][weight]", "70"],
    ["[baseline_arm_1][weight] < [weight]", true],
    ["[weight] - [baseline_arm_1][weight]", 10],
    ["[previous-event-name][age]", "60"],
    ["[event-name][age]", "64"],
    ["[no_such_event][weight]", ""],
    ["[bp]", "120"],
    ["[bp][1]", "110"],
    ["[bp][previous-instance]", "110"],
    ["[bp][current-instance]", "120"],
    ["[bp][first-instance]", "110"],
    ["[bp][last-instance]", ""],
    ["[bp][next-instance]", ""],
    ["[visit_1_arm_1][bp][1]", "110"],
    ["[record-name]", "101"],
    ["[record-name] = 101", true],
    ["[event-name] = 'visit_1_arm_1'", true],
    ["[current-instance]", "2"],
    ["[current-instance] + 1", 3],
    ["[arm-number] = 1", true],
    ["[event-label]", ""],
  ],
  "if": [
    ["if([age] > 60, 'old', 'young')", "old"],
    ["if([age] > 70, 'old', 'young')", "young"],
    ["if([blank] = '', 0, [blank])", 0],
    ["if([blank], 1, 2)", 2],
    ["if([zero], 1, 2)", 2],
    ["if([name], 1, 2)", 1],
    ["if(1 = 1, if(2 = 3, 'a', 'b'), 'c')", "b"],
    ["if([age] > 60, [weight], [height]) * 2", 160],
    ["if(1 = 1, 5, 1 / 0)", 5],
  ],
  "rounding and math": [
    ["round(2.5)", 3],
    ["round(-2.5)", -3],
    ["round(1.005, 2)", 1.01],
    ["round(1234.5678, 2)", 1234.57],
    ["round(1234.5678, -2)", 1200],
    ["roundup(1.21, 1)", 1.3],
    ["roundup(1.2)", 2],
    ["rounddown(1.29, 1)", 1.2],
    ["rounddown(1.9)", 1],
    ["rounddown(-1.5)", -2],
    ["sqrt(16)", 4],
    ["sqrt(-1)", ""],
    ["abs(-3.5)", 3.5],
    ["abs([neg])", 3],
    ["exp(0)", 1],
    ["round(exp(1), 4)", 2.7183],
    ["log(100, 10)", 2],
    ["round(log(10), 4)", 2.3026],
    ["log(0)", ""],
    ["log(-1, 10)", ""],
  ],
  "aggregates skip blanks": [
    ["sum(1, 2, 3)", 6],
    ["sum([age], [blank], 6)", 70],
    ["sum([blank], [missing_field])", ""],
    ["min(3, 1, 2)", 1],
    ["min([age], [blank], [weight])", 64],
    ["max([age], [blank], [weight])", 80],
    ["mean(1, 2, 3, 4)", 2.5],
    ["mean([age], [blank])", 64],
    ["median(3, 1, 2)", 2],
    ["median(4, 1, 3, 2)", 2.5],
    ["round(stdev(2, 4, 4, 4, 5, 5, 7, 9), 4)", 2.1381],
    ["stdev(5)", 0],
    ["max([word], 1)", 1],
  ],
  "dates": [
    ["datediff([visit], [visit2], 'd')", 60],
    ["datediff([visit2], [visit], 'd')", 60],
    ["datediff([visit2], [visit], 'd', true)", -60],
    ["datediff([visit2], [visit], 'd', 'ymd', true)", -60],
    ["datediff([visit], [visit2], 'd', 'ymd', false)", 60],
    ["datediff([visit], [visit2], 'h')", 1440],
    ["datediff([visit], [visit2], 'm')", 86400],
    ["datediff([visit], [visit2], 's')", 5184000],
    ["round(datediff([visit], [visit2], 'M'), 2)", 1.97],
    ["round(datediff([dob], [visit], 'y'), 2)", 33.62],
    ["rounddown(datediff([dob], [visit], 'y'))", 33],
    ["datediff([dt1], [dt2], 'h')", 36.5],
    ["datediff([dt1], [dts], 's')", 30],
    ["datediff([visit], 'today', 'd')", 166],
    ["datediff('today', [visit], 'd', true)", -166],
    ["rounddown(datediff([dob], 'today', 'y'))", 34],
    ["datediff([visit], 'now', 'h')", 3996],
    ["datediff([blank], [visit], 'd')", ""],
    ["datediff([visit], [word], 'd')", ""],
    ["datediff([mdy], [visit], 'd', 'mdy')", 1],
    ["datediff([dmy], [visit], 'd', 'dmy')", 1],
    ["datediff([visit], [visit2], 'd') > 30", true],
    ["datediff('2024-02-30', [visit], 'd')", ""],
    ["year([visit])", 2024],
    ["month([dob])", 5],
    ["day([dob])", 20],
    ["year([blank])", ""],
    ["year([dt1])", 2024],
    ["today()", "2024-06-15"],
    ["now()", "2024-06-15 12:00:00"],
  ],
  "text functions": [
    ["contains([name], 'lee')", true],
    ["contains([name], 'xyz')", false],
    ["not_contain([name], 'xyz')", true],
    ["not_contain([name], 'JOHN')", false],
    ["starts_with([name], 'john')", true],
    ["ends_with([name], 'Lee')", true],
    ["ends_with([name], 'John')", false],
    ["left([name], 4)", "John"],
    ["right([name], 3)", "Lee"],
    ["mid([name], 6, 3)", "Lee"],
    ["mid([name], 1, 1)", "J"],
    ["left([blank], 2)", ""],
    ["length([name])", 8],
    ["length([blank])", 0],
    ["find('lee', [name])", 6],
    ["find('zzz', [name])", 0],
    ["concat([name], ' (', [age], ')')", "John Lee (64)"],
    ["concat('a', 1.50, 'b')", "a1.5b"],
    ["upper([name])", "JOHN LEE"],
    ["lower([name])", "john lee"],
    ["trim([txt])", "Hello World"],
    ["length(trim([txt]))", 11],
    ["replace_text([name], 'Lee', 'Smith')", "John Smith"],
    ["upper(left([name], 1)) = 'J'", true],
  ],
  "type tests": [
    ["isnumber([age])", true],
    ["isnumber([dec])", true],
    ["isnumber([word])", false],
    ["isnumber([blank])", false],
    ["isinteger([age])", true],
    ["isinteger([dec])", false],
    ["isinteger([five])", false],
    ["isinteger(4)", true],
    ["isblankormissingcode([blank])", true],
    ["isblankormissingcode([nacode])", true],
    ["isblankormissingcode([age])", false],
    ["ismissingcode([nacode])", true],
    ["ismissingcode([blank])", false],
  ],
  "nested functions": [
    ["round(mean([age], [weight], [blank]) / 2, 1)", 36],
    ["if(isnumber([age]) and [age] > 60, round(sqrt([age]), 0), 'n/a')", 8],
    ["concat(upper(left([name], 1)), lower(mid([name], 2, 3)))", "John"],
    ["max(min(3, 4), abs(-2), sum(1, [blank]))", 3],
    ["if(contains(lower([name]), 'lee'), datediff([visit], [visit2], 'd'), 0) + 1", 61],
  ],
  "whitespace and case": [
    ["  [age]>=61  ", true],
    ["[age]\n>=\n61", true],
    ["ROUND(2.4)", 2],
    ["If([age] > 1, 'y', 'n')", "y"],
    ["[ age ] = 64", true],
  ],
};

let total = 0;
for (const [group, cases] of Object.entries(CASES)) {
  total += cases.length;
  Deno.test(`evaluateExpression() follows REDCap for ${group}`, async (t) => {
    for (const [expression, expected] of cases) {
      await t.step(`${expression} → ${JSON.stringify(expected)}`, () => {
        const actual = evaluateExpression(expression, context);
        if (typeof expected === "number" && typeof actual === "number") {
          ok(Math.abs(actual - expected) < 1e-9, `${expression}: ${actual} <> ${expected}`);
        } else deepStrictEqual(actual, expected);
      });
    }
  });
}

// deno-lint-ignore no-explicit-any
type ErrorClass = abstract new (...args: any[]) => LogicError;
type ErrorCase = [
  expression: string,
  errorClass: ErrorClass,
  code: string,
  position: number,
  fragment: string,
];
const ERRORS: ErrorCase[] = [
  ["", LogicSyntaxError, "syntax", 0, "Expected an expression"],
  ["   ", LogicSyntaxError, "syntax", 0, "Expected an expression"],
  ["[age] >", LogicSyntaxError, "syntax", 7, "Expected a value"],
  ["[age] >= 61 and", LogicSyntaxError, "syntax", 15, "Expected a value"],
  ["(1 + 2", LogicSyntaxError, "syntax", 6, 'Expected a closing ")"'],
  ["1 + 2)", LogicSyntaxError, "syntax", 5, "Expected an operator or the end"],
  ["[age] 61", LogicSyntaxError, "syntax", 6, "Expected an operator"],
  ["'open", LogicSyntaxError, "syntax", 0, "Unterminated string"],
  ["[age", LogicSyntaxError, "syntax", 0, "Unterminated reference"],
  ["age] = 1", LogicSyntaxError, "syntax", 3, 'Unexpected "]"'],
  ["age = 1", LogicSyntaxError, "syntax", 0, 'the name "age"'],
  ["[a] && [b]", LogicSyntaxError, "syntax", 4, '"and"'],
  ["[a] || [b]", LogicSyntaxError, "syntax", 4, '"or"'],
  ["[a] == 1", LogicSyntaxError, "syntax", 4, '"="'],
  ["![a]", LogicSyntaxError, "syntax", 0, '"not"'],
  ["[a] = 1 $", LogicSyntaxError, "syntax", 8, 'Unexpected character "$"'],
  ["[bad field] = 1", LogicSyntaxError, "syntax", 0, "Invalid field reference"],
  ["[a][b][c][d]", LogicSyntaxError, "syntax", 0, "Invalid reference"],
  ["round(1,)", LogicSyntaxError, "syntax", 8, "Expected a value"],
  ["round(1 2)", LogicSyntaxError, "syntax", 8, 'Expected a "," or a closing ")"'],
  ["12abc", LogicSyntaxError, "syntax", 2, "after number"],
  ["and 1", LogicSyntaxError, "syntax", 0, 'found "and"'],
  ["foo(1)", LogicFunctionError, "unknown_function", 0, 'Unknown function "foo"'],
  ["[a] = 1 and bar([b])", LogicFunctionError, "unknown_function", 12, 'Unknown function "bar"'],
  ["round()", LogicFunctionError, "arity", 0, '"round" takes 1 to 2 arguments'],
  ["sqrt(1, 2)", LogicFunctionError, "arity", 0, '"sqrt" takes 1 argument'],
  ["if(1, 2)", LogicFunctionError, "arity", 0, '"if" takes 3 arguments'],
  ["sum()", LogicFunctionError, "arity", 0, '"sum" takes at least 1'],
  ["today(1)", LogicFunctionError, "arity", 0, '"today" takes 0 arguments'],
  [
    "[unknown-thing] = 1",
    LogicReferenceError,
    "unknown_smart_variable",
    0,
    "Unknown smart variable",
  ],
];
total += ERRORS.length;

Deno.test("parseLogic() rejects invalid logic with a stable code and the position", async (t) => {
  for (const [expression, errorClass, code, position, fragment] of ERRORS) {
    await t.step(`${JSON.stringify(expression)} → ${code}`, () => {
      throws(() => parseLogic(expression), (error: unknown) => {
        ok(error instanceof errorClass, `${expression}: got ${error}`);
        ok(error instanceof LogicError);
        strictEqual(error.code, code);
        strictEqual(error.position, position, `${expression}: ${error.message}`);
        ok(error.message.includes(fragment), `${expression}: ${error.message}`);
        ok(error.message.endsWith(`at character ${position + 1}`));
        return true;
      });
    });
  }
});

Deno.test("the suite covers at least 150 expressions", () => {
  ok(total >= 150, `only ${total} cases`);
});

Deno.test("testLogic() applies REDCap's truthiness", () => {
  const value = (field: string) => VALUES[field];
  strictEqual(testLogic("[age]", { value }), true);
  strictEqual(testLogic("[zero]", { value }), false);
  strictEqual(testLogic("[blank]", { value }), false);
  strictEqual(testLogic("[word]", { value }), true);
  strictEqual(testLogic("[age] + 1", { value }), true);
});

Deno.test("formatLogicValue() stores numbers as REDCap does", () => {
  const cases: [LogicValue, string][] = [
    [26.8, "26.8"],
    [6, "6"],
    [0.1 + 0.2, "0.3"],
    [10 / 3, "3.3333333333333"],
    [-0, "0"],
    [1e21, "1e+21"],
    [true, "1"],
    [false, "0"],
    ["", ""],
    ["text", "text"],
  ];
  for (const [value, text] of cases) strictEqual(formatLogicValue(value), text);
});

Deno.test("evaluateExpression() reads checkboxes through checked() when the context has it", () => {
  const checked = new Set(["2"]);
  const ctx: LogicContext = { value: () => undefined, checked: (_f, code) => checked.has(code) };
  strictEqual(evaluateExpression("[race(2)]", ctx), "1");
  strictEqual(evaluateExpression("[race(1)] = '0'", ctx), true);
});
