/**
 * {@linkcode checkBranchingLogic}: values that branching logic hides, and required fields left blank.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import type { DataFrame } from "../deps/polars.ts";
import { parse } from "./_parser.ts";
import { frameColumns } from "../frame.ts";
import { type FieldMetadata, type LogicMetadata, metadataRows } from "./_translate.ts";
import { cellText, codedFrame, frameRows } from "./_coded_frame.ts";
import { evaluateCoded } from "./frame.ts";

/** One problem found by {@linkcode checkBranchingLogic}. */
export type BranchingIssue = "hidden_value" | "required_missing";

export function formHasData(row: Record<string, unknown>, fields: string[]): boolean {
  return fields.some((f) => {
    const text = cellText(row[f]);
    return text !== "" && !(text === "0" && f.includes("___"));
  });
}

/**
 * Checks branching logic row by row: values present in fields whose branching logic is false
 * (`hidden_value`), and required fields left blank where they are shown (`required_missing`).
 * A form counts only in rows where it has some data (or a form status). Frames from
 * `readRecords()` work with any `labels` and `checkboxes` option: choice values are read (and
 * reported) as codes.
 *
 * @example Find a value hidden by branching logic
 * ```ts
 * import { checkBranchingLogic } from "denocap";
 * import pl from "npm:nodejs-polars@0.25.2";
 * import { strictEqual } from "node:assert/strict";
 *
 * const metadata = [
 *   { field_name: "record_id", form_name: "f", field_type: "text" },
 *   { field_name: "sex", form_name: "f", field_type: "radio" },
 *   { field_name: "pregnant", form_name: "f", field_type: "yesno", branching_logic: "[sex] = '0'" },
 * ];
 * const df = pl.DataFrame({ record_id: ["1", "2"], sex: ["1", "0"], pregnant: ["1", ""] });
 * const issues = checkBranchingLogic(df, metadata);
 * strictEqual(issues.height, 1);
 * strictEqual(issues.getColumn("issue").get(0), "hidden_value");
 * ```
 *
 * @param df A flat export.
 * @param dictionary The project's data dictionary (or its metadata rows).
 * @returns Columns `record`, `event`, `instance`, `field`, `value`, `issue`.
 */
export function checkBranchingLogic(
  df: DataFrame,
  dictionary: LogicMetadata,
): DataFrame {
  const metadata = metadataRows(dictionary);
  df = codedFrame(df, metadata);
  const out = {
    record: [] as string[],
    event: [] as string[],
    instance: [] as (number | null)[],
    field: [] as string[],
    value: [] as string[],
    issue: [] as string[],
  };
  const rows = frameRows(df);
  const names = frameColumns(df);
  const id = metadata[0]?.field_name ?? names[0];
  const columns = new Set(names);
  const formColumns = new Map<string, string[]>();
  const fieldColumns = (m: FieldMetadata) =>
    m.field_type === "checkbox"
      ? names.filter((c) => c.startsWith(`${m.field_name}___`))
      : columns.has(m.field_name)
      ? [m.field_name]
      : [];
  for (const m of metadata) {
    if (m.field_name === id || m.field_type === "descriptive") continue;
    const list = formColumns.get(m.form_name) ??
      [`${m.form_name}_complete`].filter((c) => columns.has(c));
    list.push(...fieldColumns(m));
    formColumns.set(m.form_name, list);
  }
  for (const m of metadata) {
    if (m.field_name === id || m.field_type === "descriptive" || m.field_type === "calc") continue;
    const logic = (m.branching_logic ?? "").trim();
    const required = (m.required_field ?? "").trim().toLowerCase() === "y";
    if (logic === "" && !required) continue;
    const cols = fieldColumns(m);
    if (cols.length === 0) continue;
    const shown = logic === ""
      ? undefined
      : [...evaluateCoded(df, metadata, parse(logic))] as boolean[];
    rows.forEach((row, i) => {
      const repeatForm = cellText(row.redcap_repeat_instrument);
      if (repeatForm !== "" && repeatForm !== m.form_name) return;
      if (!formHasData(row, formColumns.get(m.form_name) ?? [])) return;
      const value = m.field_type === "checkbox"
        ? cols.filter((c) => cellText(row[c]) === "1").map((c) => c.slice(m.field_name.length + 3))
          .join(",")
        : cellText(row[cols[0]]);
      const visible = shown ? shown[i] : true;
      let issue: BranchingIssue | undefined;
      if (!visible && value !== "") issue = "hidden_value";
      else if (visible && required && value === "") issue = "required_missing";
      if (!issue) return;
      out.record.push(cellText(row[id]));
      out.event.push(cellText(row.redcap_event_name));
      const instance = cellText(row.redcap_repeat_instance);
      out.instance.push(instance === "" ? null : Number(instance));
      out.field.push(m.field_name);
      out.value.push(value);
      out.issue.push(issue);
    });
  }
  return pl.DataFrame({
    record: pl.Series("record", out.record, pl.Utf8),
    event: pl.Series("event", out.event, pl.Utf8),
    instance: pl.Series("instance", out.instance, pl.Int32),
    field: pl.Series("field", out.field, pl.Utf8),
    value: pl.Series("value", out.value, pl.Utf8),
    issue: pl.Series("issue", out.issue, pl.Utf8),
  });
}
