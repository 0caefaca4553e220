/** REDCap's value semantics in logic: PHP numbers and truthiness, comparisons, dates. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  compareValues,
  formatDate,
  formatNumber,
  numberValue,
  parseDate,
  toNumber,
  toText,
  truthy,
} from "../../lib/logic/values.ts";

Deno.test("toNumber() and truthy() follow PHP: blank and text are not numbers, '0' is false", () => {
  deepStrictEqual([toNumber("12.5"), toNumber(""), toNumber("abc"), toNumber(true)], [
    12.5,
    undefined,
    undefined,
    1,
  ]);
  deepStrictEqual(["", "0", 0, false, "a", 2].map(truthy), [
    false,
    false,
    false,
    false,
    true,
    true,
  ]);
});

Deno.test("formatNumber() stores 14 significant digits, integers bare, non-finite blank", () => {
  strictEqual(formatNumber(1 / 3), "0.33333333333333");
  strictEqual(formatNumber(20), "20");
  strictEqual(formatNumber(Infinity), "");
  strictEqual(toText(2.5), "2.5");
  strictEqual(toText(false), "0");
  strictEqual(numberValue(1 / 0), "");
});

Deno.test("compareValues(): numeric when both are numbers, blank equals '', orders false on blank", () => {
  strictEqual(compareValues("=", "10", 10), true);
  strictEqual(compareValues("<", "9", "10"), true); // numerically, not as text
  strictEqual(compareValues("=", "", ""), true);
  strictEqual(compareValues("<>", "", "0"), true);
  strictEqual(compareValues("<", "", 5), false);
  strictEqual(compareValues(">", "abc", 5), false);
  strictEqual(compareValues("<", "apple", "banana"), true);
});

Deno.test("parseDate() reads Y-M-D always, M-D-Y or D-M-Y by format, and refuses Feb 30", () => {
  const now = new Date(2026, 0, 15, 10, 30);
  strictEqual(formatDate(parseDate("2024-02-29", "ymd", now)!.ms), "2024-02-29");
  strictEqual(formatDate(parseDate("03-04-2024", "mdy", now)!.ms), "2024-03-04");
  strictEqual(formatDate(parseDate("03-04-2024", "dmy", now)!.ms), "2024-04-03");
  strictEqual(parseDate("2024-02-30", "ymd", now), undefined);
  strictEqual(parseDate("", "ymd", now), undefined);
  const time = parseDate("2024-05-06 07:08", "ymd", now)!;
  strictEqual(time.hasTime, true);
  strictEqual(formatDate(time.ms, "hms"), "2024-05-06 07:08:00");
  strictEqual(formatDate(parseDate("today", "ymd", now)!.ms), "2026-01-15");
});
