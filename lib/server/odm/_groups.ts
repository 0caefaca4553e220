/**
 * Project XML's data access groups (`redcap:DataAccessGroupsGroup`), user roles
 * (`redcap:UserRolesGroup`) and surveys (`redcap:SurveysGroup`).
 *
 * @module
 */
import { uniqueGroupName } from "../_unique_names.ts";
import { readXmlRole } from "../_xml_roles.ts";
import type { DataAccessGroup, SurveySettings, UserRole } from "../project.ts";
import { attr, list, type Node } from "./_nodes.ts";

/**
 * Reads the data access groups; a group without a unique name gets the one REDCap derives.
 *
 * @param globals The `GlobalVariables` element.
 * @returns The groups, numbered from 1.
 */
export function readDags(globals: Node): DataAccessGroup[] {
  const dags: DataAccessGroup[] = [];
  for (const group of list(globals["redcap:DataAccessGroupsGroup"]?.["redcap:DataAccessGroups"])) {
    const name = attr(group, "group_name");
    if (!name) continue;
    dags.push({
      data_access_group_name: name,
      unique_group_name: attr(group, "unique_group_name") || uniqueGroupName(name),
      data_access_group_id: dags.length + 1,
    });
  }
  return dags;
}

/**
 * Gives a group the unique name the records use when the XML's own differs from it only in
 * case or punctuation: DAG names in the data win over names derived from the display names.
 *
 * @param dags The groups, changed in place.
 * @param recordDags Each record's group as the data names it.
 */
export function matchDagNames(
  dags: DataAccessGroup[],
  recordDags: Readonly<Record<string, string>>,
): void {
  const loose = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");
  for (const value of new Set(Object.values(recordDags))) {
    if (dags.some((d) => d.unique_group_name === value)) continue;
    const match = dags.find((d) =>
      loose(d.unique_group_name) === loose(value) ||
      loose(d.data_access_group_name) === loose(value)
    );
    if (match) match.unique_group_name = value;
  }
}

/**
 * Reads the user roles, with their rights: REDCap creates them with the project.
 *
 * @param globals The `GlobalVariables` element.
 * @returns The roles.
 */
export function readRoles(globals: Node): UserRole[] {
  const roles: UserRole[] = [];
  for (const element of list(globals["redcap:UserRolesGroup"]?.["redcap:UserRoles"])) {
    const attributes = Object.fromEntries(
      Object.entries(element ?? {}).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const role = readXmlRole(attributes, roles.length);
    if (role) roles.push(role);
  }
  return roles;
}

/**
 * Reads the surveys (form and title).
 *
 * @param globals The `GlobalVariables` element.
 * @returns The survey settings.
 */
export function readSurveys(globals: Node): SurveySettings[] {
  return list(globals["redcap:SurveysGroup"]?.["redcap:Surveys"]).map((
    s: Node,
  ) => ({ form_name: attr(s, "form_name"), title: attr(s, "title") }));
}
