/** checkNames() and suggestName(): unknown names refused before a request, with a suggestion. */
import { strictEqual, throws } from "node:assert/strict";
import { checkNames, suggestName } from "../../lib/dictionary/check_names.ts";
import { DataDictionary } from "../../lib/dictionary/data_dictionary.ts";

const dictionary = DataDictionary.fromMetadata([
  { field_name: "record_id", form_name: "enrollment", field_type: "text" },
  { field_name: "height", form_name: "enrollment", field_type: "text" },
  {
    field_name: "race",
    form_name: "enrollment",
    field_type: "checkbox",
    select_choices_or_calculations: "1, White | 2, Asian",
  },
]);

Deno.test("suggestName() offers a close name, ignoring case, and nothing for a far one", () => {
  strictEqual(suggestName("HIEGHT", ["height", "weight"]), "height");
  strictEqual(suggestName("zzzzzz", ["height", "weight"]), undefined);
});

Deno.test("checkNames() accepts fields, checkbox columns' base names and {form}_complete", () => {
  checkNames(dictionary, { fields: ["height", "race", "enrollment_complete"] }, "read records");
  checkNames(dictionary, { forms: ["enrollment"] }, "read records");
});

Deno.test("checkNames() names every unknown name, with the action and suggestions", () => {
  throws(
    () => checkNames(dictionary, { fields: ["hieght"], forms: ["enrolment"] }, "read records"),
    (e: unknown) =>
      e instanceof RangeError && e.message.startsWith("Cannot read records:") &&
      e.message.includes('"hieght" is not a field of the project; did you mean "height"?') &&
      e.message.includes('"enrolment"'),
  );
});

Deno.test("checkNames() refuses events on a classic project", () => {
  throws(
    () => checkNames(dictionary, { events: ["baseline_arm_1"] }, "read records"),
    /not longitudinal/,
  );
});
