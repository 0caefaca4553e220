/** Calculated fields as REDCap computes them: calc, @CALCTEXT and @CALCDATE. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  actionTagArgument,
  computeCalculation,
  parseCalculation,
  splitArguments,
} from "../../lib/logic/calculations.ts";
import type { LogicContext } from "../../lib/logic/evaluate.ts";

const values = (row: Record<string, string>): LogicContext => ({ value: (f) => row[f] });

Deno.test("actionTagArgument() respects nested parentheses and quotes; splitArguments() too", () => {
  strictEqual(
    actionTagArgument("@HIDDEN @CALCTEXT(if([a] = ')', 'x', concat('(', [b])))", "@CALCTEXT"),
    "if([a] = ')', 'x', concat('(', [b]))",
  );
  strictEqual(actionTagArgument("@CALCTEXT(unclosed", "@CALCTEXT"), undefined);
  strictEqual(actionTagArgument("@HIDDEN", "@CALCTEXT"), undefined);
  deepStrictEqual(splitArguments("[visit_date], round([days], 0), 'd'"), [
    "[visit_date]",
    "round([days], 0)",
    "'d'",
  ]);
});

Deno.test("a calc field stores a number without float noise, blank when not numeric", () => {
  const bmi = parseCalculation({
    field_name: "bmi",
    field_type: "calc",
    select_choices_or_calculations: "[weight] / ([height] / 100) ^ 2",
  })!;
  strictEqual(bmi.kind, "calc");
  strictEqual(computeCalculation(bmi, values({ weight: "70", height: "175" })), "22.857142857143");
  strictEqual(computeCalculation(bmi, values({ weight: "", height: "175" })), "");
  const sum = parseCalculation({
    field_name: "s",
    field_type: "calc",
    select_choices_or_calculations: "0.1 + 0.2",
  })!;
  strictEqual(computeCalculation(sum, values({})), "0.3");
});

Deno.test("@CALCTEXT gives text; @CALCDATE adds days, formatted by the field's validation", () => {
  const text = parseCalculation({
    field_name: "group",
    field_type: "text",
    field_annotation: "@CALCTEXT(if([age] >= 18, 'adult', 'child'))",
  })!;
  strictEqual(computeCalculation(text, values({ age: "20" })), "adult");
  const due = parseCalculation({
    field_name: "due",
    field_type: "text",
    field_annotation: "@CALCDATE([visit], 7, 'd')",
    text_validation_type_or_show_slider_number: "date_ymd",
  })!;
  strictEqual(due.kind, "calcdate");
  strictEqual(computeCalculation(due, values({ visit: "2024-02-26" })), "2024-03-04");
  strictEqual(computeCalculation(due, values({ visit: "" })), "");
  const at = parseCalculation({
    field_name: "at",
    field_type: "text",
    field_annotation: "@CALCDATE([visit], 1.5, 'h')",
    text_validation_type_or_show_slider_number: "datetime_ymd",
  })!;
  strictEqual(computeCalculation(at, values({ visit: "2024-02-26 10:00" })), "2024-02-26 11:30");
});

Deno.test("parseCalculation() is undefined for a plain field or a @CALCDATE without 3 arguments", () => {
  strictEqual(parseCalculation({ field_name: "x", field_type: "text" }), undefined);
  strictEqual(
    parseCalculation({
      field_name: "x",
      field_type: "text",
      field_annotation: "@CALCDATE([d], 1)",
    }),
    undefined,
  );
});
