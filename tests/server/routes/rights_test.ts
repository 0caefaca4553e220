/** User rights on the local server: form-level codes, roles, form maps, DAG Switcher targets. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { demoProject } from "../../../lib/server/demo/mod.ts";
import { ProjectModel } from "../../../lib/server/model.ts";
import { fullRights, type UserRights } from "../../../lib/server/project.ts";
import {
  assignDagSwitch,
  dagSwitchTargets,
  effectiveRights,
  FORM_EDIT,
  FORM_NO_ACCESS,
  FORM_READ_ONLY,
  formEntryRight,
  formExportRight,
  formRightCode,
  parseFormRights,
} from "../../../lib/server/routes/rights.ts";

Deno.test("formRightCode() converts REDCap's legacy form rights and keeps 15.6+ codes", () => {
  deepStrictEqual([0, 1, 2, 3].map(formRightCode), [
    FORM_NO_ACCESS,
    FORM_EDIT,
    FORM_READ_ONLY,
    FORM_EDIT + 8,
  ]);
  strictEqual(formRightCode(129), 129);
  strictEqual(formRightCode(9), FORM_NO_ACCESS);
});

Deno.test("a role's rights replace the user's own, keeping who the user is", () => {
  const definition = demoProject({ records: 1 });
  definition.roles = [{
    unique_role_name: "U-READER0000",
    role_label: "Reader",
    rights: { api_import: 0, record_delete: 0, forms: { enrollment: FORM_READ_ONLY } },
  }];
  const user: UserRights = { ...fullRights("bob"), email: "bob@example.org", role: "U-READER0000" };
  const rights = effectiveRights(definition, user);
  strictEqual(rights.api_import, 0);
  strictEqual(rights.record_delete, 0);
  strictEqual(rights.email, "bob@example.org");
  strictEqual(rights.username, "bob");
  strictEqual(formEntryRight(rights, "enrollment"), FORM_READ_ONLY);
  strictEqual(formEntryRight(rights, "another_form"), FORM_EDIT);
  strictEqual(formExportRight({ ...rights, data_export: 2 }, "enrollment"), 2);
  strictEqual(effectiveRights(definition, fullRights("alice")).api_import, 1);
});

Deno.test("parseFormRights() reads JSON or REDCap's CSV text and names a bad form or level", () => {
  const model = new ProjectModel(demoProject({ records: 1 }));
  const form = model.forms[0].name;
  deepStrictEqual(parseFormRights(model, `{"${form}":129}`, "forms", "users"), { [form]: 129 });
  deepStrictEqual(parseFormRights(model, ` ${form}:128 `, "forms", "users"), { [form]: 128 });
  deepStrictEqual(parseFormRights(model, "", "forms", "users"), {});
  throws(
    () => parseFormRights(model, "nope:130", "forms", "users"),
    /names the instrument "nope", which does not exist/,
  );
  throws(() => parseFormRights(model, `${form}:edit`, "forms", "users"), /invalid level "edit"/);
  throws(() => parseFormRights(model, "{bad", "forms_export", "users"), /not valid JSON/);
});

Deno.test("DAG Switcher targets: the current group plus the assigned ones, each once", () => {
  const definition = demoProject({ records: 1 });
  const user: UserRights = { ...fullRights("carol"), data_access_group: "site_a" };
  deepStrictEqual(dagSwitchTargets(definition, user), ["site_a"]);
  assignDagSwitch(definition, "carol", "site_b");
  assignDagSwitch(definition, "carol", "site_b");
  assignDagSwitch(definition, "carol", "");
  deepStrictEqual(dagSwitchTargets(definition, user), ["site_a", "site_b", ""]);
});
