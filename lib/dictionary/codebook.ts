/**
 * {@linkcode codebook}: one row per column of a flat export, for reading a project at a glance.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import type { DataDictionary } from "./data_dictionary.ts";

/** Options for {@linkcode codebook}. */
export interface CodebookOptions {
  /** Include `redcap_data_access_group`.
   * @default {false}
   */
  dataAccessGroups?: boolean;
  /** Include `redcap_survey_identifier` and `{form}_timestamp`.
   * @default {false}
   */
  surveyFields?: boolean;
}

/** A codebook frame that renders as an HTML table in Jupyter. */
export type Codebook = DataFrame & { [key: symbol]: unknown };

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Describes every column a flat raw export has: `name`, `form`, `type`, `validation`, `label`
 * and `choices` (`code, label | …`). The frame also renders in Jupyter as an escaped HTML table
 * through `Symbol.for("Jupyter.display")`.
 *
 * @example Describe a small project
 * ```ts
 * import { codebook, DataDictionary } from "denocap";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dd = DataDictionary.fromMetadata([
 *   { field_name: "id", form_name: "f", field_type: "text", field_label: "ID" },
 *   { field_name: "sex", form_name: "f", field_type: "radio", field_label: "Sex",
 *     select_choices_or_calculations: "1, F | 2, M" },
 * ]);
 * const cb = codebook(dd);
 * deepStrictEqual(cb.getColumn("name").toArray(), ["id", "sex", "f_complete"]);
 * deepStrictEqual(cb.getColumn("choices").toArray()[1], "1, F | 2, M");
 * ```
 *
 * @param dictionary The project's dictionary.
 * @param options Which optional columns to describe.
 * @returns One row per export column.
 */
export function codebook(dictionary: DataDictionary, options: CodebookOptions = {}): Codebook {
  const labels = dictionary.columnLabels();
  const rows = dictionary.columns(options).map((column) => {
    const info = dictionary.columnInfo(column);
    const field = info?.field ? dictionary.field(info.field) : undefined;
    let type: string = field?.type ?? info?.role ?? "";
    if (info?.role === "timestamp") type = "survey_timestamp";
    if (info?.role === "structural") type = "structural";
    const choices = info?.role === "checkbox"
      ? `${info.code}, ${
        dictionary.checkboxColumns(info.field!).find((c) => c.column === column)?.label ?? ""
      }`
      : (field?.choices ?? []).map((c) => `${c.code}, ${c.label}`).join(" | ");
    return {
      name: column,
      form: info?.form ?? "",
      type,
      validation: field?.validation ?? "",
      label: labels[column] ?? (info?.role === "timestamp" ? "Survey Timestamp" : ""),
      choices,
    };
  });
  const df = pl.DataFrame(rows, {
    schema: {
      name: pl.String,
      form: pl.String,
      type: pl.String,
      validation: pl.String,
      label: pl.String,
      choices: pl.String,
    },
  }) as Codebook;
  Object.defineProperty(df, Symbol.for("Jupyter.display"), {
    enumerable: false,
    value: () => ({ "text/html": codebookHtml(rows) }),
  });
  return df;
}

function codebookHtml(rows: Record<string, string>[]): string {
  const head = ["name", "form", "type", "validation", "label", "choices"];
  const th = head.map((h) => `<th>${h}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${head.map((h) => `<td>${escapeHtml(r[h])}</td>`).join("")}</tr>`
  )
    .join("\n");
  return `<table class="denocap-codebook">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
