/**
 * Project XML's project settings (`GlobalVariables`: `StudyName` and the `redcap:` settings).
 *
 * @module
 */
import { attr, flag, type Node, text } from "./_nodes.ts";

/**
 * Reads the project settings the XML holds. Settings the XML leaves out (surveys enabled, the
 * Today/Now button) are left out here too, for the project builder's defaults; the project's
 * structure flags (`is_longitudinal`, ...) are the builder's.
 *
 * @param odm The `ODM` element (its `CreationDateTime`).
 * @param version The `MetaDataVersion` element (its `Name`, the title's fallback).
 * @param globals The `GlobalVariables` element.
 * @returns The project title and settings.
 */
export function readSettings(
  odm: Node,
  version: Node,
  globals: Node,
): { title: string; info: Record<string, string | number> } {
  const g = (name: string) => text(globals[`redcap:${name}`]);
  const has = (name: string) => globals[`redcap:${name}`] !== undefined;
  const info: Record<string, string | number> = {
    creation_time: attr(odm, "CreationDateTime").replace("T", " "),
    production_time: "",
    in_production: 0,
    project_language: "English",
    purpose: Number(g("Purpose") || "0"),
    purpose_other: g("PurposeOther"),
    project_notes: g("ProjectNotes"),
    custom_record_label: g("CustomRecordLabel"),
    secondary_unique_field: g("SecondaryUniqueField"),
    scheduling_enabled: flag(g("SchedulingEnabled")),
    record_autonumbering_enabled: flag(g("RecordAutonumberingEnabled")),
    randomization_enabled: flag(g("RandomizationEnabled")),
    ddp_enabled: 0,
    project_irb_number: "",
    project_grant_number: "",
    project_pi_firstname: "",
    project_pi_lastname: "",
    missing_data_codes: g("MissingDataCodes"),
    external_modules: "",
    bypass_branching_erase_field_prompt: flag(g("PreventBranchingEraseValues")),
  };
  if (has("SurveysEnabled")) info.surveys_enabled = flag(g("SurveysEnabled"));
  if (has("DisplayTodayNowButton")) {
    info.display_today_now_button = flag(g("DisplayTodayNowButton"));
  }
  return { title: text(globals.StudyName) || attr(version, "Name"), info };
}
