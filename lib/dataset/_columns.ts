/**
 * What a hand-off records about its columns and its dictionary, shared by the writer and the
 * reader: Polars dtypes by name, each column's label, REDCap type, units and value labels, and
 * the dictionary as JSON (its metadata rows and the structure `DataDictionary.fromMetadata`
 * takes).
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataDictionary, DictionaryStructure } from "../dictionary/data_dictionary.ts";

/** The dataset manifest's name in each hand-off folder. */
export const MANIFEST = "dataset.json";

/** The manifest: format, project, dictionary, and the files with their columns' dtypes. */
export interface Manifest {
  denocap_dataset: 1;
  format: "parquet" | "csv";
  /** The project partition (`project=<id>`), when written with one. */
  project?: string;
  dictionary: { metadata: Record<string, unknown>[]; structure: DictionaryStructure };
  /** Instruments in dictionary order: file name and column dtypes by name. */
  files: {
    instrument: string;
    file: string;
    dtypes: Record<string, string>;
    /** Column labels (`columnLabels(frame)`). */
    labels: Record<string, string>;
  }[];
  codebook: string;
}

/** A Polars dtype as a name (`Int64`, `Datetime(ms)`, `List(String)`, ...). */
export function dtypeName(dtype: pl.DataType): string {
  if (dtype.equals(pl.Categorical)) return "Categorical";
  if (dtype.variant === "Datetime") {
    // deno-lint-ignore no-explicit-any
    const unit = (dtype as any).timeUnit ?? "ms";
    return `Datetime(${String(unit).toLowerCase()})`;
  }
  if (dtype.variant === "List") {
    // deno-lint-ignore no-explicit-any
    const inner = ((dtype as any).inner as pl.DataType[] | undefined)?.[0];
    return `List(${inner ? dtypeName(inner) : "String"})`;
  }
  return dtype.variant;
}

/** The dtype a name stands for (unknown names read as String). */
export function dtypeOf(name: string): pl.DataType {
  const datetime = /^Datetime\((ms|us|ns)\)$/.exec(name);
  if (datetime) return pl.Datetime(datetime[1] as "ms" | "us" | "ns");
  const list = /^List\((.*)\)$/.exec(name);
  if (list) return pl.List(dtypeOf(list[1]));
  const simple: Record<string, pl.DataType> = {
    String: pl.String,
    Utf8: pl.String,
    Categorical: pl.Categorical,
    Int64: pl.Int64,
    Int32: pl.Int32,
    Float64: pl.Float64,
    Bool: pl.Bool,
    Date: pl.Date,
  };
  return simple[name] ?? pl.String;
}

const NUMERIC_VALIDATIONS = /^(integer|number|number_\w+|float)$/;

/** What each column of an instrument frame is, for the file's key-value metadata. */
export function columnMetadata(
  dictionary: DataDictionary,
  columns: readonly string[],
  frameLabels: Readonly<Record<string, string>>,
): Record<string, string> {
  const labels = { ...dictionary.columnLabels(), ...frameLabels };
  const out: Record<string, string> = {};
  for (const column of columns) {
    // `field__label` columns (labels "both") describe the same field.
    const base = column.endsWith("__label") ? column.slice(0, -"__label".length) : column;
    const info = dictionary.columnInfo(base);
    const field = info?.field ? dictionary.field(info.field) : dictionary.field(base);
    const label = labels[column] ?? labels[base] ?? field?.label;
    if (label) out[`label.${column}`] = label;
    if (field) {
      out[`type.${column}`] = info?.role === "checkbox" ? "checkbox" : field.type;
      if (field.validation) out[`validation.${column}`] = field.validation;
      // REDCap has no units attribute: by convention a numeric field's note holds them.
      const numeric = NUMERIC_VALIDATIONS.test(field.validation) || field.type === "calc" ||
        field.type === "slider";
      if (numeric && field.note.trim() !== "") out[`units.${column}`] = field.note.trim();
      if (info?.role !== "checkbox" && field.choices.length > 0) {
        out[`value_labels.${column}`] = orderedObject(field.choices.map((c) => [c.code, c.label]));
      } else if (field.type === "checkbox" && info?.role !== "checkbox") {
        // A checkbox field as one list column (checkboxes "list").
        out[`value_labels.${column}`] = orderedObject(
          dictionary.checkboxColumns(field.name).map((c) => [c.code, c.label]),
        );
      }
    }
  }
  return out;
}

/** A JSON object keeping its keys' order (codes `1`, `0` stay in dictionary order). */
function orderedObject(entries: readonly (readonly [string, string])[]): string {
  return "{" + entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",") +
    "}";
}

/** The dictionary as JSON: its metadata rows and the structure that rebuilds it. */
export function dictionaryJson(dictionary: DataDictionary): Manifest["dictionary"] {
  const fieldNames = dictionary.fields.flatMap((f) =>
    f.type === "checkbox"
      ? dictionary.checkboxColumns(f.name).filter((c) => !c.missingCode).map((c) => ({
        original_field_name: f.name,
        choice_value: c.code,
        export_field_name: c.column,
      }))
      : []
  );
  const structure: DictionaryStructure = {
    fieldNames,
    instruments: dictionary.forms.map((f) => ({
      instrument_name: f.name,
      instrument_label: f.label,
    })),
    projectInfo: {
      missing_data_codes: dictionary.missingDataCodes.map((c) => `${c.code}, ${c.label}`)
        .join(" | "),
    },
    surveyForms: dictionary.forms.filter((f) => f.survey).map((f) => f.name),
  };
  if (dictionary.longitudinal) {
    structure.events = dictionary.events.map((e) => ({
      event_name: e.label,
      arm_num: e.arm,
      unique_event_name: e.uniqueName,
    }));
    structure.arms = dictionary.arms.map((a) => ({ arm_num: a.arm, name: a.name }));
    structure.formEventMapping = dictionary.events.flatMap((e) =>
      e.forms.map((form) => ({ arm_num: e.arm, unique_event_name: e.uniqueName, form }))
    );
    structure.repeating = dictionary.events.flatMap((e) => [
      ...(e.repeating ? [{ event_name: e.uniqueName, form_name: "" }] : []),
      ...[...e.repeatingForms].map((form) => ({ event_name: e.uniqueName, form_name: form })),
    ]);
  } else {
    structure.repeating = dictionary.forms.filter((f) => dictionary.isRepeatingForm(f.name))
      .map((f) => ({ event_name: "", form_name: f.name }));
  }
  return {
    metadata: dictionary.metadata as unknown as Record<string, unknown>[],
    structure,
  };
}
