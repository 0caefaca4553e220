/**
 * DataFrame logic: the Polars translation must agree with the row-by-row evaluator (the
 * reference semantics) on string frames and typed frames; branching checks find hidden
 * values and missing required fields.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import pl from "../../lib/deps/polars.ts";
import { evaluateLogic, logicToPolars } from "../../lib/logic/frame.ts";
import { demoFrames } from "./_demo_frames.ts";
import {
  evaluateExpression,
  LogicReferenceError,
  LogicSyntaxError,
  truthy,
} from "../../lib/logic/logic.ts";
import { type FieldMetadata, fieldMetadata } from "../../lib/dictionary/metadata.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";

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

Deno.test("evaluateLogic() and logicToPolars() take the DataDictionary as well as metadata rows", () => {
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "f", field_type: "text" }),
    fieldMetadata({
      field_name: "sex",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "0, Female | 1, Male",
    }),
    fieldMetadata({ field_name: "age", form_name: "f", field_type: "text" }),
  ];
  const dictionary = DataDictionary.fromMetadata(metadata);
  // Labels are read back as codes through the dictionary's choices.
  const df = pl.DataFrame({
    record_id: ["1", "2", "3"],
    sex: ["Male", "Female", "Male"],
    age: ["70", "", "40"],
  });
  const logic = "[sex] = '1' and [age] > 50";
  deepStrictEqual([...evaluateLogic(df, dictionary, logic)], [true, false, false]);
  deepStrictEqual([...evaluateLogic(df, dictionary, logic)], [
    ...evaluateLogic(df, metadata, logic),
  ]);
  const expr = logicToPolars(pl.DataFrame({ age: ["70", "", "40"] }), dictionary, "[age] > 50")!;
  deepStrictEqual(
    [...pl.DataFrame({ age: ["70", "", "40"] }).select(expr.alias("x")).getColumn("x")],
    [true, false, false],
  );
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

const DEMO_EXPRESSIONS = [
  "[sex] = '1'",
  "[sex] = 2 and [ethnicity] <> '1'",
  "[consent] = '1'",
  "[smoker] = 0 or [ae_serious] = '1'",
  "[race(2)] = '1' or [race(oth)] = '1'",
  "[medical_history(htn)] = '1' and not [medical_history(dm)] = '1'",
  "[enrollment_complete] = 2",
  "[vitals_complete] <> '2' and [vitals_complete] <> ''",
  "[qol_pain] >= 3",
  "[ae_severity] = '3' or [ae_related] > 2",
  "[completed_study] = '1' or [withdrawal_reason] <> ''",
  "[smoker] = '1' and [heart_rate] > 70",
];

Deno.test("evaluateLogic() reads readRecords() frames the same with labels as with codes", async (t) => {
  const { frames, metadata } = await demoFrames();
  for (const expression of DEMO_EXPRESSIONS) {
    await t.step(expression, () => {
      const code = [...evaluateLogic(frames.code, metadata, expression)];
      ok(code.includes(true), `${expression} matches no demo row`);
      deepStrictEqual([...evaluateLogic(frames.label, metadata, expression)], code);
      deepStrictEqual([...evaluateLogic(frames.both, metadata, expression)], code);
    });
  }
  // Labels are not codes: logic written with labels matches nothing, as in REDCap.
  ok(![...evaluateLogic(frames.label, metadata, "[sex] = 'Female'")].includes(true));
});

Deno.test("evaluateLogic() reads checkbox list columns of labels as options", async () => {
  const { frames, metadata } = await demoFrames("list");
  const { frames: boolean } = await demoFrames("boolean");
  for (const labels of ["code", "label", "both"]) {
    strictEqual(frames[labels].getColumn("race").dtype.variant, "List");
    for (const expression of DEMO_EXPRESSIONS) {
      deepStrictEqual(
        [...evaluateLogic(frames[labels], metadata, expression)],
        [...evaluateLogic(boolean.code, metadata, expression)],
        `${labels}: ${expression}`,
      );
    }
  }
});

Deno.test("evaluateLogic() keeps codes when every value is a code, even a label too", () => {
  const metadata = [
    fieldMetadata({ field_name: "record_id", form_name: "f", field_type: "text" }),
    // Legacy label-only choices: each code is its own label.
    fieldMetadata({
      field_name: "legacy",
      form_name: "f",
      field_type: "dropdown",
      select_choices_or_calculations: "Low | High",
    }),
    // Labels that are also (other) codes.
    fieldMetadata({
      field_name: "swap",
      form_name: "f",
      field_type: "radio",
      select_choices_or_calculations: "1, 2 | 2, 1 | 3, Three",
    }),
  ];
  const categorical = (values: (string | null)[]) => pl.Series(values).cast(pl.Categorical);
  const run = (df: pl.DataFrame, logic: string) => [...evaluateLogic(df, metadata, logic)];
  const legacy = pl.DataFrame({ record_id: ["1", "2"], legacy: categorical(["High", "Low"]) });
  deepStrictEqual(run(legacy, "[legacy] = 'High'"), [true, false]);
  // All codes: read as codes, not swapped.
  const codes = pl.DataFrame({ record_id: ["1", "2"], swap: categorical(["1", "2"]) });
  deepStrictEqual(run(codes, "[swap] = '1'"), [true, false]);
  // A value that is only a label: the column holds labels.
  const labels = pl.DataFrame({
    record_id: ["1", "2", "3"],
    swap: categorical(["1", "Three", null]),
  });
  deepStrictEqual(run(labels, "[swap] = '2'"), [true, false, false]);
  deepStrictEqual(run(labels, "[swap] = '3'"), [false, true, false]);
  // Text columns of labels (a raw label export) too, and form status.
  const text = pl.DataFrame({
    record_id: ["1", "2", "3"],
    swap: ["Three", "", "2"],
    f_complete: ["Complete", "Incomplete", ""],
  });
  deepStrictEqual(run(text, "[swap] = 3"), [true, false, false]);
  deepStrictEqual(run(text, "[swap] = ''"), [false, true, false]);
  deepStrictEqual(run(text, "[f_complete] = 2 or [f_complete] = '0'"), [true, true, false]);
});
