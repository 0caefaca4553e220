import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  checkboxColumn,
  fieldInfoFromMetadata,
  type FieldMetadataLike,
  formStatusInfo,
  stripHtml,
} from "../../lib/plot/field_info.ts";

function row(
  field_name: string,
  form_name: string,
  field_type: string,
  extra: Partial<FieldMetadataLike> = {},
): FieldMetadataLike {
  return { field_name, form_name, field_type, field_label: field_name.toUpperCase(), ...extra };
}

Deno.test("fieldInfoFromMetadata() maps REDCap field types and validations to chart kinds", () => {
  const infos = fieldInfoFromMetadata([
    row("record_id", "intake", "text"),
    row("dob", "intake", "text", { text_validation_type_or_show_slider_number: "date_mdy" }),
    row("seen", "intake", "text", {
      text_validation_type_or_show_slider_number: "datetime_seconds_ymd",
    }),
    row("kids", "intake", "text", { text_validation_type_or_show_slider_number: "integer" }),
    row("bmi", "intake", "text", {
      text_validation_type_or_show_slider_number: "number_2dp_comma_decimal",
    }),
    row("email", "intake", "text", { text_validation_type_or_show_slider_number: "email" }),
    row("score", "intake", "calc", { select_choices_or_calculations: "[a]+[b]" }),
    row("pain", "intake", "slider"),
    row("notes", "intake", "notes"),
    row("intro", "intake", "descriptive"),
    row("scan", "intake", "file"),
    row("sex", "intake", "radio", { select_choices_or_calculations: "2, Male | 1, Female" }),
    row("site", "intake", "dropdown", { select_choices_or_calculations: "b, B|a, A" }),
    row("smoker", "intake", "yesno"),
    row("agree", "intake", "truefalse"),
    row("race", "intake", "checkbox", {
      select_choices_or_calculations: "1, White | -99, Unknown",
    }),
  ]);
  deepStrictEqual(infos.map((f) => [f.name, f.type]), [
    ["record_id", "text"],
    ["dob", "date"],
    ["seen", "datetime"],
    ["kids", "integer"],
    ["bmi", "number"],
    ["email", "text"],
    ["score", "number"],
    ["pain", "integer"],
    ["notes", "text"],
    ["scan", "text"],
    ["sex", "choice"],
    ["site", "choice"],
    ["smoker", "choice"],
    ["agree", "choice"],
    ["race", "checkbox"],
    ["intake_complete", "form_status"],
  ]);
  const byName = new Map(infos.map((f) => [f.name, f]));
  deepStrictEqual(byName.get("sex")!.choices, [
    { code: "2", label: "Male" },
    { code: "1", label: "Female" },
  ]);
  deepStrictEqual(byName.get("smoker")!.choices!.map((c) => c.label), ["Yes", "No"]);
  deepStrictEqual(byName.get("agree")!.choices!.map((c) => [c.code, c.label]), [
    ["1", "True"],
    ["0", "False"],
  ]);
  deepStrictEqual(byName.get("intake_complete")!.choices!.map((c) => [c.code, c.label]), [
    ["0", "Incomplete"],
    ["1", "Unverified"],
    ["2", "Complete"],
  ]);
  strictEqual(byName.get("race")!.form, "intake");
});

Deno.test("fieldInfoFromMetadata() closes each form with its {form}_complete field", () => {
  const infos = fieldInfoFromMetadata([
    row("record_id", "enrollment", "text"),
    row("age", "enrollment", "text"),
    row("weight", "visit_lab_data", "text"),
    row("note", "completion", "descriptive"),
  ]);
  deepStrictEqual(infos.map((f) => f.name), [
    "record_id",
    "age",
    "enrollment_complete",
    "weight",
    "visit_lab_data_complete",
    "completion_complete",
  ]);
  strictEqual(infos[4].label, "Visit lab data complete?");
  strictEqual(formStatusInfo("labs", "Laboratory").label, "Laboratory complete?");
});

Deno.test("fieldInfoFromMetadata() strips HTML from field and choice labels", () => {
  const [info] = fieldInfoFromMetadata([
    row("q", "f", "radio", {
      field_label:
        '<div class="rich-text-field-label"><p>How <b>often</b>?<br/>(per&nbsp;week)</p></div>',
      select_choices_or_calculations: "1, <i>Never</i> | 2, Once, maybe &amp; twice",
    }),
  ]);
  strictEqual(info.label, "How often? (per week)");
  deepStrictEqual(info.choices, [
    { code: "1", label: "Never" },
    { code: "2", label: "Once, maybe & twice" },
  ]);
});

Deno.test("stripHtml() decodes numeric entities and falls back to the name for empty labels", () => {
  strictEqual(stripHtml("caf&#233; &#x2212;1 &unknown;"), "café −1 &unknown;");
  strictEqual(
    fieldInfoFromMetadata([row("x", "f", "text", { field_label: "<br>" })])[0].label,
    "x",
  );
});

Deno.test("checkboxColumn() follows REDCap's code-to-suffix rule", () => {
  strictEqual(checkboxColumn("race", "1"), "race___1");
  strictEqual(checkboxColumn("race", "-99"), "race____99");
  strictEqual(checkboxColumn("dose", "1.5"), "dose___1_5");
  strictEqual(checkboxColumn("k", "K>=9"), "k___k9");
});
