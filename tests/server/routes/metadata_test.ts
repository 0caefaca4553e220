import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { METADATA_COLUMNS } from "../../../lib/server/project.ts";
import { validateDictionary } from "../../../lib/server/routes/metadata.ts";
import { NO_DESIGN_RIGHT } from "../../../lib/server/routes/_structure_io.ts";
import { fieldMetadata } from "../../../lib/server/project.ts";
import { classicProject, setup } from "./_setup.ts";

Deno.test("exportMetadata() answers the 18 columns as strings in field order (json)", async () => {
  const s = setup(classicProject());
  const answer = await s.post({ content: "metadata", format: "json" });
  strictEqual(answer.status, 200);
  const rows = answer.json();
  deepStrictEqual(rows.map((r: Record<string, string>) => r.field_name), [
    "record_id",
    "intro",
    "name",
    "race",
    "photo",
    "height",
    "bmi",
    "pain",
  ]);
  deepStrictEqual(Object.keys(rows[0]), [...METADATA_COLUMNS]);
  for (const row of rows) for (const v of Object.values(row)) strictEqual(typeof v, "string");
  strictEqual(rows[7].custom_alignment, "RV");
  strictEqual(rows.some((r: Record<string, string>) => r.field_name.endsWith("_complete")), false);
});

Deno.test("exportMetadata() filters by fields and forms (union) and rejects unknown names", async () => {
  const s = setup(classicProject());
  const both = await s.post({
    content: "metadata",
    format: "json",
    "fields[0]": "name",
    forms: "health",
  });
  deepStrictEqual(both.json().map((r: Record<string, string>) => r.field_name), [
    "name",
    "height",
    "bmi",
    "pain",
  ]);
  const bad = await s.post({ content: "metadata", format: "json", fields: "name,nope,zip" });
  strictEqual(bad.status, 400);
  deepStrictEqual(bad.json(), {
    error: `The following values in the parameter 'fields' are not valid: 'nope', 'zip'`,
  });
  const badForm = await s.post({ content: "metadata", format: "csv", "forms[]": "ghost" });
  strictEqual(badForm.status, 400);
  strictEqual(
    badForm.text,
    `ERROR: The following values in the parameter 'forms' are not valid: 'ghost'`,
  );
});

Deno.test("exportMetadata() writes csv with an unquoted header, fputcsv quoting and LF", async () => {
  const s = setup(classicProject());
  const answer = await s.post({ content: "metadata", format: "csv", fields: "name" });
  strictEqual(answer.status, 200);
  match(answer.type, /text\/csv/);
  const [header, line] = answer.text.split("\n");
  strictEqual(header, METADATA_COLUMNS.join(","));
  strictEqual(line.startsWith('name,demographics,,text,"Name, full",,"line one'), true);
  strictEqual(answer.text.includes("\r"), false);
  deepStrictEqual(parseCsvObjects(answer.text)[0].field_note, "line one\nline two");
});

Deno.test("exportMetadata() writes xml items with CDATA values", async () => {
  const s = setup(classicProject());
  const answer = await s.post({ content: "metadata", format: "xml", fields: "race" });
  match(answer.text, /^<\?xml version="1.0" encoding="UTF-8" \?>/);
  match(answer.text, /<item><field_name><!\[CDATA\[race\]\]><\/field_name>/);
  match(answer.text, /<section_header><\/section_header>/);
});

Deno.test("importMetadata() replaces the dictionary and answers the field count", async () => {
  const s = setup(classicProject());
  const rows = [
    fieldMetadata({
      field_name: "record_id",
      form_name: "intake",
      field_type: "text",
      field_label: "ID",
    }),
    fieldMetadata({
      field_name: "colour",
      form_name: "intake",
      field_type: "radio",
      field_label: "Colour",
      select_choices_or_calculations: "1, Red | 2, Blue",
    }),
    fieldMetadata({
      field_name: "height",
      form_name: "health",
      field_type: "text",
      field_label: "Height",
    }),
  ];
  const answer = await s.post({ content: "metadata", format: "json", data: JSON.stringify(rows) });
  strictEqual(answer.status, 200);
  strictEqual(answer.text, "3");
  const model = s.store.project(s.projectId);
  deepStrictEqual(model.fields.map((f) => f.field_name), ["record_id", "colour", "height"]);
  deepStrictEqual(model.forms.map((f) => [f.name, f.label]), [["intake", "Intake"], [
    "health",
    'Health & "Habits"',
  ]]);
  const instruments = await s.post({ content: "instrument", format: "json" });
  deepStrictEqual(instruments.json(), [
    { instrument_name: "intake", instrument_label: "Intake" },
    { instrument_name: "health", instrument_label: 'Health & "Habits"' },
  ]);
});

Deno.test("importMetadata() round-trips its own csv and xml exports", async () => {
  for (const format of ["csv", "xml"]) {
    const s = setup(classicProject());
    const exported = await s.post({ content: "metadata", format });
    const answer = await s.post({ content: "metadata", format, data: exported.text });
    strictEqual(answer.text, "8", format);
    const again = await s.post({ content: "metadata", format: "json" });
    const before = setup(classicProject());
    const original = (await before.post({ content: "metadata", format: "json" })).json();
    // Imported line breaks are stored as LF (REDCap's metadata CSV turns CRLF into LF).
    original[2].field_note = "line one\nline two";
    deepStrictEqual(again.json(), original, format);
  }
});

Deno.test("importMetadata() reports every problem at once", async () => {
  const s = setup(classicProject());
  const rows = [
    fieldMetadata({ field_name: "Record", form_name: "f", field_type: "radio", field_label: "x" }),
    fieldMetadata({ field_name: "a", form_name: "f", field_type: "bogus", field_label: "x" }),
    fieldMetadata({
      field_name: "a",
      form_name: "f",
      field_type: "checkbox",
      field_label: "x",
      select_choices_or_calculations: "1, A | 1, B | C",
    }),
    fieldMetadata({
      field_name: "f_complete",
      form_name: "g",
      field_type: "text",
      field_label: "x",
    }),
    fieldMetadata({ field_name: "c", form_name: "f", field_type: "calc", field_label: "x" }),
  ];
  const answer = await s.post({ content: "metadata", format: "json", data: JSON.stringify(rows) });
  strictEqual(answer.status, 400);
  const message: string = answer.json().error;
  for (
    const part of [
      "row 1 (field 'Record'): the field name must start",
      "must be a text field",
      "row 1 (field 'Record'): a multiple-choice field needs choices",
      "the field type 'bogus' is not valid",
      "row 3 (field 'a'): the field name is used more than once",
      "the choice code '1' is used more than once",
      "the choice 'C' is not of the form 'code, label'",
      "'f_complete' is reserved for the form status field",
      "the fields of form 'f' are not together",
      "a calc field needs a calculation",
    ]
  ) match(message, new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  strictEqual(s.store.project(s.projectId).fields.length, 8, "nothing changed");
});

Deno.test("importMetadata() needs development status, the design right and api_import", async () => {
  const prod = classicProject();
  prod.info.in_production = 1;
  const s = setup(prod);
  const data = JSON.stringify([
    fieldMetadata({ field_name: "record_id", form_name: "f", field_type: "text" }),
  ]);
  const answer = await s.post({ content: "metadata", format: "json", data });
  strictEqual(answer.status, 400);
  match(answer.json().error, /Development status/);
  const dev = setup(classicProject());
  const noDesign = dev.tokenWith({ design: 0 });
  const denied = await dev.post({ token: noDesign, content: "metadata", format: "json", data });
  strictEqual(denied.status, 400, "REDCap answers 400 without design rights");
  strictEqual(denied.json().error, NO_DESIGN_RIGHT);
  const noImport = dev.tokenWith({ api_import: 0 });
  const denied2 = await dev.post({ token: noImport, content: "metadata", format: "csv", data });
  strictEqual(denied2.status, 403);
  strictEqual(denied2.text, "ERROR: You do not have API Import/Update privileges");
});

Deno.test("importMetadata() rejects malformed data with a clear message", async () => {
  const s = setup(classicProject());
  const notJson = await s.post({ content: "metadata", format: "json", data: "{oops" });
  strictEqual(notJson.status, 400);
  match(notJson.json().error, /not valid JSON/);
  const noColumns = await s.post({
    content: "metadata",
    format: "csv",
    data: "field_name,form_name\nx,y\n",
  });
  strictEqual(noColumns.status, 400);
  match(noColumns.text, /lacks the column\(s\) field_type, field_label/);
});

Deno.test("validateDictionary() accepts legacy types and label-coded choices with codes", () => {
  const problems = validateDictionary([
    fieldMetadata({ field_name: "id", form_name: "f", field_type: "text" }),
    fieldMetadata({
      field_name: "s",
      form_name: "f",
      field_type: "dropdown",
      select_choices_or_calculations: "-99, Missing|a.1, A, with comma",
    }),
    fieldMetadata({ field_name: "n", form_name: "f", field_type: "notes" }),
  ]);
  deepStrictEqual(problems, []);
});

Deno.test("exportFieldNames() expands checkboxes, adds {form}_complete, skips file and descriptive", async () => {
  const definition = classicProject();
  definition.info.missing_data_codes = "NA, Not asked | -99, Unknown";
  const s = setup(definition);
  const answer = await s.post({ content: "exportFieldNames", format: "json" });
  strictEqual(answer.status, 200);
  deepStrictEqual(
    answer.json().map((
      r: Record<string, string>,
    ) => [r.original_field_name, r.choice_value, r.export_field_name]),
    [
      ["record_id", "", "record_id"],
      ["name", "", "name"],
      ["race", "1", "race___1"],
      ["race", "2", "race___2"],
      ["race", "-99", "race____99"],
      ["race", "NA", "race___na"],
      ["demographics_complete", "", "demographics_complete"],
      ["height", "", "height"],
      ["bmi", "", "bmi"],
      ["pain", "", "pain"],
      ["health_complete", "", "health_complete"],
    ],
  );
  const one = await s.post({ content: "exportFieldNames", format: "csv", field: "race" });
  strictEqual(
    one.text,
    "original_field_name,choice_value,export_field_name\nrace,1,race___1\nrace,2,race___2\nrace,-99,race____99\nrace,NA,race___na\n",
  );
  const bad = await s.post({ content: "exportFieldNames", format: "json", field: "nope" });
  strictEqual(bad.status, 400);
  deepStrictEqual(bad.json(), { error: "Invalid field" });
  const status = await s.post({
    content: "exportFieldNames",
    format: "xml",
    field: "health_complete",
  });
  strictEqual(
    status.text,
    '<?xml version="1.0" encoding="UTF-8" ?>\n<fields>\n<field><original_field_name><![CDATA[health_complete]]>' +
      "</original_field_name><choice_value><![CDATA[]]></choice_value><export_field_name>" +
      "<![CDATA[health_complete]]></export_field_name></field>\n</fields>",
  );
  const file = await s.post({ content: "exportFieldNames", format: "json", field: "photo" });
  strictEqual(file.status, 400);
  deepStrictEqual(file.json(), { error: "An unknown error occurred" });
});

Deno.test("exportInstruments() lists forms in project order in every format", async () => {
  const s = setup(classicProject());
  const csv = await s.post({ content: "instrument", format: "csv" });
  strictEqual(
    csv.text,
    'instrument_name,instrument_label\ndemographics,Demographics\nhealth,"Health & ""Habits"""\n',
  );
  const xml = await s.post({ content: "instrument", format: "xml" });
  match(xml.text, /<instrument_label><!\[CDATA\[Health & "Habits"\]\]><\/instrument_label>/);
  const noExport = s.tokenWith({ api_export: 0 });
  const denied = await s.post({ token: noExport, content: "instrument", format: "json" });
  strictEqual(denied.status, 403);
  strictEqual(denied.json().error, "You do not have API Export privileges");
});
