/**
 * DataFrame logic: the Polars translation must agree with the row-by-row evaluator (the
 * reference semantics) on string frames and typed frames; branching checks find hidden
 * values and missing required fields.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "nodejs-polars";
import { checkBranchingLogic, evaluateLogic, logicToPolars } from "../../lib/logic/frame.ts";
import {
  evaluateExpression,
  LogicReferenceError,
  LogicSyntaxError,
  truthy,
} from "../../lib/logic/logic.ts";
import { type FieldMetadata, fieldMetadata } from "../../lib/server/project.ts";

const METADATA: FieldMetadata[] = [
  fieldMetadata({ field_name: "record_id", form_name: "demo", field_type: "text" }),
  fieldMetadata({ field_name: "age", form_name: "demo", field_type: "text" }),
  fieldMetadata({ field_name: "name", form_name: "demo", field_type: "text" }),
  fieldMetadata({ field_name: "sex", form_name: "demo", field_type: "radio" }),
  fieldMetadata({ field_name: "race", form_name: "demo", field_type: "checkbox" }),
  fieldMetadata({ field_name: "dob", form_name: "demo", field_type: "text" }),
  fieldMetadata({ field_name: "weight", form_name: "visit", field_type: "text" }),
  fieldMetadata({ field_name: "height", form_name: "visit", field_type: "text" }),
];

const STRINGS = {
  record_id: ["1", "2", "3", "4", "5", "6"],
  age: ["70", "", "40", "abc", "61", " 61 "],
  name: ["John Lee", "jane", "", "Lee", "0", "x"],
  sex: ["0", "1", "", "0", "1", "0"],
  race___1: ["1", "0", "0", "1", "0", ""],
  race___2: ["0", "1", "0", "1", "0", ""],
  dob: ["1950-01-01", "", "1990-12-31", "2000-02-29", "1963-05-05", "1970-01-01"],
  weight: ["80", "55.5", "", "70", "0", "90"],
  height: ["160", "170", "180", "", "175", "0"],
};

const EXPRESSIONS = [
  "[age] >= 61",
  "[age] < 61",
  "[age] = 61",
  "[age] = '61'",
  "[age] <> ''",
  "[age] = ''",
  "[name] = 'John Lee'",
  "[name] <> 'jane'",
  "[name] > 'a'",
  "[name] = 0",
  "[sex] = '0' and [age] > 50",
  "[sex] = '1' or [race(2)] = '1'",
  "not [race(1)] = '1'",
  "[race(1)]",
  "[race(3)] = '0'",
  "[weight] / [height] > 0.4",
  "[weight] * 10000 / [height] / [height] > 25",
  "[weight] - 10 >= 60",
  "-[weight] < -60",
  "[age] = [sex]",
  "[age] > [weight]",
  "[dob] > '1960-01-01'",
  "[dob] <= [dob]",
  "if([age] = '', 0, 1) = 1",
  "if([sex] = '0', [weight], [height]) > 100",
  "contains([name], 'LEE')",
  "not_contain([name], 'lee')",
  "starts_with([name], 'j')",
  "ends_with([name], 'e')",
  "abs([weight] - 75) < 6",
  "isnumber([age])",
  "[age]",
  "[name]",
  "[age] and [name]",
  "[record-name] = '3'",
  // no Polars translation: these run row by row
  "round([weight] / [height] * 100, 0) >= 47",
  "datediff([dob], '2024-01-01', 'y') > 60",
  "sum([weight], [height]) > 200",
  "length([name]) > 3",
  "[weight] ^ 2 > 5000",
];

function reference(columns: Record<string, string[]>, expression: string): boolean[] {
  const n = columns.record_id.length;
  return Array.from({ length: n }, (_, i) =>
    truthy(evaluateExpression(expression, {
      value: (field) => columns[field]?.[i],
      smart: (name) => name === "record-name" ? columns.record_id[i] : undefined,
    })));
}

Deno.test("evaluateLogic() agrees with the row evaluator on a frame of strings", async (t) => {
  const df = pl.DataFrame(STRINGS);
  let translated = 0;
  for (const expression of EXPRESSIONS) {
    await t.step(expression, () => {
      if (logicToPolars(df, METADATA, expression)) translated++;
      deepStrictEqual([...evaluateLogic(df, METADATA, expression)], reference(STRINGS, expression));
    });
  }
  ok(translated >= 30, `only ${translated} expressions were translated to Polars`);
});

Deno.test("evaluateLogic() agrees with the row evaluator on typed columns", async (t) => {
  const df = pl.DataFrame({
    record_id: pl.Series("record_id", [1, 2, 3, 4]).cast(pl.Int64),
    age: pl.Series("age", [70, null, 40, 61], pl.Float64),
    name: ["John Lee", null, "", "Lee"],
    sex: pl.Series("sex", [0, 1, null, 0]).cast(pl.Int32),
    race___1: pl.Series("race___1", [true, false, null, true], pl.Bool),
    weight: pl.Series("weight", [80, 55.5, null, 0], pl.Float64),
    height: pl.Series("height", [160, 170, 180, null], pl.Float64),
  });
  const strings = {
    record_id: ["1", "2", "3", "4"],
    age: ["70", "", "40", "61"],
    name: ["John Lee", "", "", "Lee"],
    sex: ["0", "1", "", "0"],
    race___1: ["1", "0", "", "1"],
    weight: ["80", "55.5", "", "0"],
    height: ["160", "170", "180", ""],
  };
  for (
    const expression of [
      "[age] >= 61",
      "[age] = ''",
      "[age] <> ''",
      "[sex] = '0'",
      "[sex] = 1 or [age] < 50",
      "[race(1)] = '1'",
      "[weight] / [height] > 0.4",
      "[name] = 'John Lee' and [age] > 60",
      "if([weight] = '', 1, 0) = 1",
    ]
  ) {
    await t.step(expression, () => {
      deepStrictEqual([...evaluateLogic(df, METADATA, expression)], reference(strings, expression));
    });
  }
});

Deno.test("evaluateLogic() reads other events and instances of the same record", () => {
  const df = pl.DataFrame({
    record_id: ["1", "1", "2", "2", "1"],
    redcap_event_name: [
      "baseline_arm_1",
      "visit_arm_1",
      "baseline_arm_1",
      "visit_arm_1",
      "visit_arm_1",
    ],
    redcap_repeat_instrument: ["", "", "", "", "visit"],
    redcap_repeat_instance: ["", "", "", "", "2"],
    weight: ["80", "85", "70", "60", "90"],
  });
  deepStrictEqual(
    [...evaluateLogic(df, METADATA, "[weight] > [baseline_arm_1][weight]")],
    [false, true, false, false, true],
  );
  deepStrictEqual(
    [...evaluateLogic(df, METADATA, "[visit_arm_1][weight][2] = 90")],
    [true, true, false, false, true],
  );
  deepStrictEqual([...evaluateLogic(df, METADATA, "[event-name] = 'visit_arm_1'")], [
    false,
    true,
    false,
    true,
    true,
  ]);
});

Deno.test("evaluateLogic() throws for invalid logic and unknown fields", () => {
  const df = pl.DataFrame(STRINGS);
  throws(() => evaluateLogic(df, METADATA, "[age] >"), LogicSyntaxError);
  throws(() => evaluateLogic(df, METADATA, "[nope] = 1"), (e: unknown) => {
    ok(e instanceof LogicReferenceError);
    strictEqual(e.code, "unknown_field");
    ok(e.message.includes('"nope"'));
    return true;
  });
});

Deno.test("checkBranchingLogic() reports hidden values and required fields left blank", () => {
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "demo", field_type: "text" }),
    fieldMetadata({
      field_name: "sex",
      form_name: "demo",
      field_type: "radio",
      required_field: "y",
    }),
    fieldMetadata({
      field_name: "pregnant",
      form_name: "demo",
      field_type: "yesno",
      branching_logic: "[sex] = '0'",
      required_field: "y",
    }),
    fieldMetadata({
      field_name: "symptoms",
      form_name: "demo",
      field_type: "checkbox",
      branching_logic: "[pregnant] = '1'",
    }),
    fieldMetadata({
      field_name: "weight",
      form_name: "visit",
      field_type: "text",
      required_field: "y",
    }),
  ];
  const df = pl.DataFrame({
    record_id: ["1", "2", "3", "4"],
    redcap_event_name: ["e1", "e1", "e1", "e2"],
    sex: ["1", "0", "0", ""],
    pregnant: ["1", "", "0", ""],
    symptoms___1: ["1", "0", "1", "0"],
    symptoms___2: ["1", "0", "0", "0"],
    demo_complete: ["2", "2", "0", ""],
    weight: ["", "", "", "70"],
    visit_complete: ["", "", "", "2"],
  });
  // Record 1: `pregnant` is hidden (sex 1) but holds 1, so `symptoms` is shown: REDCap
  // evaluates branching logic on stored values, hidden or not. Row 4 has no demo data.
  const issues = checkBranchingLogic(df, metadata);
  deepStrictEqual(issues.columns, ["record", "event", "instance", "field", "value", "issue"]);
  const rows = issues.toRecords().map((r) =>
    `${r.record}|${r.event}|${r.field}|${r.value}|${r.issue}`
  );
  deepStrictEqual(rows.sort(), [
    "1|e1|pregnant|1|hidden_value",
    "2|e1|pregnant||required_missing",
    "3|e1|symptoms|1|hidden_value",
  ]);
});

Deno.test("evaluateLogic() compares coded fields with numbers as REDCap does", () => {
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "f", field_type: "text" }),
    fieldMetadata({
      field_name: "grade",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "1, A | 2, B | 10, C",
    }),
    fieldMetadata({
      field_name: "odd",
      form_name: "f",
      field_type: "dropdown",
      select_choices_or_calculations: "01, Zero-one | 1.0, One point oh",
    }),
  ];
  const df = pl.DataFrame({
    record_id: ["1", "2", "3"],
    grade: ["1", "10", ""],
    odd: ["01", "1.0", ""],
  });
  const run = (logic: string) => [...evaluateLogic(df, metadata, logic)];
  deepStrictEqual(run("[grade] = '1'"), [true, false, false]);
  deepStrictEqual(run("[grade] = 1"), [true, false, false]);
  deepStrictEqual(run("[grade] = '1.0'"), [true, false, false]);
  deepStrictEqual(run("[grade] <> '10'"), [true, false, true]);
  deepStrictEqual(run("[odd] = 1"), [true, true, false]);
  deepStrictEqual(run("[odd] = '01'"), [true, true, false]);
});
