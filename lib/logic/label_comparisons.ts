/**
 * {@linkcode labelComparisons}: logic that compares a coded field with one of its labels
 * (`[sex] = 'Female'`), which matches nothing in REDCap, where logic sees codes.
 *
 * @module
 */
import type { LogicNode } from "./ast.ts";
import { walkLogic } from "./ast.ts";
import { parse } from "./_parser.ts";
import {
  type Choice,
  FORM_STATUS_CHOICES,
  parseChoices,
  TRUE_FALSE_CHOICES,
  YES_NO_CHOICES,
} from "../dictionary/choices.ts";
import type { LogicFieldMetadata } from "./_translate.ts";

/** A comparison of a coded field with one of its labels. */
export interface LabelComparison {
  /** The field compared. */
  field: string;
  /** The label written in the logic. */
  label: string;
  /** The code that label stands for: what the logic should compare with. */
  code: string;
  /** A sentence saying so, e.g. `[sex] = 'Female' compares "sex" with a label: …`. */
  message: string;
}

/** The codes of a field as logic sees them (REDCap's implicit codings for yesno, truefalse and
 * form status). */
function codesOf(
  name: string,
  byName: Map<string, LogicFieldMetadata>,
): readonly Choice[] {
  const field = byName.get(name);
  if (field?.field_type === "yesno") return YES_NO_CHOICES;
  if (field?.field_type === "truefalse") return TRUE_FALSE_CHOICES;
  if (field && ["radio", "dropdown", "checkbox"].includes(field.field_type)) {
    return parseChoices(field.select_choices_or_calculations ?? "");
  }
  const form = name.endsWith("_complete") ? name.slice(0, -"_complete".length) : "";
  if (!field && form && [...byName.values()].some((f) => f.form_name === form)) {
    return FORM_STATUS_CHOICES;
  }
  return [];
}

/**
 * Finds every `=` or `<>` that compares a coded field (radio, dropdown, yesno, truefalse, form
 * status) with a quoted text that is one of its labels and none of its codes. REDCap logic
 * compares codes (`[sex] = '1'`), so `[sex] = 'Female'` is false for every record and
 * `[sex] <> 'Female'` true for every record: a filter that silently keeps nothing or
 * everything. Labels match case-insensitively, as an analyst types them.
 *
 * @example The code to use instead
 * ```ts
 * import { labelComparisons } from "denocap";
 * import { strictEqual } from "node:assert/strict";
 *
 * const metadata = [
 *   { field_name: "sex", form_name: "demo", field_type: "radio",
 *     select_choices_or_calculations: "1, Female | 2, Male" },
 * ];
 * const [found] = labelComparisons("[sex] = 'female' and [age] > 18", metadata);
 * strictEqual(found.code, "1");
 * strictEqual(found.message, `[sex] = 'female' compares "sex" with its label "Female": REDCap logic compares codes, so it matches no record; write [sex] = '1'`);
 * ```
 *
 * @param expression REDCap logic, or its parsed tree.
 * @param metadata The project's data dictionary rows.
 * @returns One entry per such comparison (none for valid logic).
 * @throws {LogicSyntaxError} For logic that does not parse.
 */
export function labelComparisons(
  expression: string | LogicNode,
  metadata: readonly LogicFieldMetadata[],
): LabelComparison[] {
  const tree = typeof expression === "string" ? parse(expression) : expression;
  const byName = new Map(metadata.map((f) => [f.field_name, f]));
  const out: LabelComparison[] = [];
  walkLogic(tree, (node) => {
    if (node.kind !== "binary" || (node.op !== "=" && node.op !== "<>")) return;
    const [field, text] = node.left.kind === "field" && node.right.kind === "string"
      ? [node.left, node.right]
      : node.right.kind === "field" && node.left.kind === "string"
      ? [node.right, node.left]
      : [undefined, undefined];
    if (!field || !text || field.code !== undefined) return;
    const choices = codesOf(field.field, byName);
    const value = text.value.trim();
    if (choices.length === 0 || choices.some((c) => c.code === value)) return;
    const choice = choices.find((c) => c.label.toLowerCase() === value.toLowerCase());
    if (!choice) return;
    const written = `${field.text} ${node.op} '${text.value}'`;
    const outcome = node.op === "=" ? "matches no record" : "matches every record";
    out.push({
      field: field.field,
      label: choice.label,
      code: choice.code,
      message: `${written} compares "${field.field}" with its label "${choice.label}": ` +
        `REDCap logic compares codes, so it ${outcome}; write ${field.text} ${node.op} '${choice.code}'`,
    });
  });
  return out;
}

const warned = new Set<string>();

/** Prints each label comparison of `expression` once per process (`console.warn`) and returns
 * the messages. */
export function warnLabelComparisons(
  expression: string | LogicNode,
  metadata: readonly LogicFieldMetadata[],
): string[] {
  const messages = labelComparisons(expression, metadata).map((c) => c.message);
  for (const message of messages) {
    if (warned.has(message)) continue;
    warned.add(message);
    console.warn(`Warning: ${message}`);
  }
  return messages;
}
