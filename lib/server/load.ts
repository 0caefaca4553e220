/**
 * Creating projects in a store from a Project XML file, a folder of API exports, the built-in
 * demo, or a definition built in code; and declaring tokens.
 *
 * @module
 */
import { demoProject, demoRecordCells } from "./demo/mod.ts";
import { readProjectFolder } from "./folder/project_folder.ts";
import { readProjectXml } from "./odm/project_xml.ts";
import type { ProjectDefinition, StoredFile, UserRights } from "./project.ts";
import { fullRights } from "./project.ts";
import { importFlatRows, importRecordRows } from "./records/import.ts";
import type { RedcapStore } from "./store.ts";
import { numberReports } from "./_reports.ts";
import type { ProjectModel } from "./model.ts";

/** Where a project comes from: `"demo"`, a path to a Project XML file or a folder, or a definition. */
export type ProjectSource = "demo" | string | ProjectDefinition;

/** Options for {@linkcode loadProject}. */
export interface LoadProjectOptions {
  /** Fixes the full-rights token (32 hex characters) instead of generating one. */
  token?: string;
  /** Replaces the tokens the definition declares (the demo's published ones) with tokens
   * generated for this load.
   * @default {false}
   */
  freshTokens?: boolean;
  /** Number of records of the demo project.
   * @default {300}
   */
  demoRecords?: number;
  /**
   * Keep stored values that fail the dictionary's validation (values entered before a
   * validation was added, which a real project holds), with a printed report of them. Defaults
   * to true for Project XML files and folders of downloads, false for definitions built in code.
   */
  acceptInvalid?: boolean;
}

/** A project created in a store. */
export interface LoadedProject {
  /** The new project's id in the store. */
  projectId: number;
  /** Tokens declared for the project; the first has full rights. */
  tokens: string[];
  /** The project's definition (the demo's without its records: they are made as they load). */
  definition: ProjectDefinition;
}

/** Generates a random 32-hex-character token, upper-case as REDCap issues them. */
export function generateToken(length: 32 | 64 = 32): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length / 2));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/** Reads a project definition from `"demo"`, a Project XML file or a folder. */
export function readProjectSource(
  source: string,
  options: LoadProjectOptions = {},
): ProjectDefinition {
  if (source === "demo") return demoProject({ records: options.demoRecords });
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(source);
  } catch {
    throw new RangeError(`Cannot load project "${source}": no such file or folder`);
  }
  if (stat.isDirectory) return readProjectFolder(source);
  return readProjectXml(Deno.readTextFileSync(source));
}

/**
 * Creates a project in the store and loads its records through the import code path, all in one
 * transaction. The project gets a full-rights token (or the ones its definition declares).
 *
 * @example Load the demo project
 * ```ts
 * import { loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { tokens } = loadProject(store, "demo", { demoRecords: 20 });
 * strictEqual(tokens[0].length, 32);
 * ```
 *
 * @param store The store to create the project in.
 * @param source `"demo"`, a path to a Project XML file or folder, or a definition.
 * @param options A fixed token; the demo's size.
 * @returns The new project's id, tokens and definition.
 */
export function loadProject(
  store: RedcapStore,
  source: ProjectSource,
  options: LoadProjectOptions = {},
): LoadedProject {
  // The demo's rows are generated as the import reads them, never held all at once.
  const demo = source === "demo";
  const demoFiles: StoredFile[] = [];
  let definition = demo
    ? { ...demoProject({ records: 0 }), files: demoFiles }
    : typeof source === "string"
    ? readProjectSource(source, options)
    : source;
  if (definition.reports?.some((r) => !(r.report_id > 0))) {
    const taken = store.projectIds().flatMap((id) =>
      (store.project(id).definition.reports ?? []).map((r) => r.report_id)
    );
    definition = { ...definition, reports: numberReports(definition.reports, taken) };
  }
  if (options.freshTokens) {
    definition = {
      ...definition,
      tokens: definition.tokens?.map((t) => ({ ...t, token: generateToken() })),
    };
  }
  const acceptInvalid = options.acceptInvalid ?? (typeof source === "string" && source !== "demo");
  if (options.token !== undefined && !/^[0-9A-Fa-f]{32}$/.test(options.token)) {
    throw new RangeError("Cannot load project: the token must be 32 hexadecimal characters");
  }
  return store.transaction(() => {
    const projectId = store.createProject(definition);
    const tokens: string[] = [];
    const declared = definition.tokens ?? [];
    const users = new Map(definition.users.map((u) => [u.username, u]));
    if (declared.length === 0) {
      const username = definition.users[0]?.username ?? "denocap_user";
      declared.push({ token: options.token ?? generateToken(), username });
    } else if (options.token) declared[0] = { ...declared[0], token: options.token };
    declared.forEach(({ token, username }, index) => {
      const rights = users.get(username) ?? fullRights(username);
      store.addToken(token, projectId, index === 0 ? { ...rights, ...fullAccess(rights) } : rights);
      tokens.push(token);
    });
    const firstUser = declared[0].username;
    if (demo) {
      const header = flatColumns(store.project(projectId));
      // The demo's rows come grouped by record; each is made as its cells under the header
      // (seed 1: the demo's default, as `readProjectSource` uses).
      const rows = demoRecordCells(options.demoRecords ?? 300, 1, {}, demoFiles, header);
      importRecordRows(
        store,
        projectId,
        header,
        rows,
        {
          username: firstUser,
          seed: true,
          overwriteBehavior: "normal",
          acceptInvalid,
          trusted: true, // generated valid (tests/server/demo_test.ts checks it)
        },
      );
    } else if (definition.records.length > 0) {
      const { invalid } = importFlatRows(store, projectId, definition.records, {
        username: firstUser,
        seed: true,
        overwriteBehavior: "normal",
        acceptInvalid,
      });
      if (invalid) reportInvalid(definition, invalid);
    }
    fillFiles(store, projectId, definition);
    return { projectId, tokens, definition };
  });
}

/**
 * Prints the values a load kept although they fail today's validation: REDCap holds such data
 * when a validation or choice list was changed after data entry, and loads it from Project XML.
 */
function reportInvalid(
  definition: ProjectDefinition,
  invalid: readonly [string, string, string, string][],
): void {
  const title = String(definition.info.project_title ?? "");
  const lines = invalid.slice(0, 20).map(([record, field, value, message]) =>
    `  record ${record}, field ${field}, value '${value}': ${message}`
  );
  if (invalid.length > 20) lines.push(`  ... and ${invalid.length - 20} more`);
  console.warn(
    `Loaded project '${title}' with ${invalid.length} value(s) that fail today's validation, ` +
      `kept as REDCap holds them:\n${lines.join("\n")}`,
  );
}

/**
 * Every column of a project's flat rows (record id, the structural columns, then fields in
 * dictionary order with checkbox options, survey timestamps and form status): the header under
 * which generated rows are imported.
 */
function flatColumns(model: ProjectModel): string[] {
  const id = model.recordIdField;
  const header = [id, "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"];
  header.push("redcap_data_access_group");
  for (const form of model.forms) {
    if (form.survey) header.push(`${form.name}_timestamp`);
    for (const field of form.fields) {
      const name = field.field_name;
      if (name === id || field.field_type === "descriptive") continue;
      if (field.field_type === "checkbox") {
        for (const { column } of model.checkboxColumns(name)) header.push(column);
      } else header.push(name);
    }
    header.push(`${form.name}_complete`);
  }
  return header;
}

function fullAccess(rights: UserRights): Partial<UserRights> {
  return {
    api_export: 1,
    api_import: 1,
    data_export: 1,
    data_access_group: rights.data_access_group,
  };
}

/**
 * Rights to give a token declared with {@linkcode declareToken}; `dagSwitcher` lists the
 * groups (unique names, `""` for "[No Assignment]") the DAG Switcher lets the user switch into.
 */
export type TokenRights = Partial<UserRights> & { username: string; dagSwitcher?: string[] };

/**
 * Declares an extra token for a project with narrower rights (no export, no import,
 * de-identified export, a DAG), for testing how a pipeline copes.
 *
 * @example A token without import rights
 * ```ts
 * import { declareToken, loadProject, RedcapStore } from "denocap/server";
 * import { strictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { projectId } = loadProject(store, "demo", { demoRecords: 5 });
 * const token = declareToken(store, projectId, { username: "reader", api_import: 0 });
 * strictEqual(store.token(token)?.rights.api_import, 0);
 * ```
 *
 * @example A site monitor the DAG Switcher lets into two groups
 * ```ts
 * import { declareToken, loadProject, RedcapStore } from "denocap/server";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const store = RedcapStore.open();
 * const { projectId } = loadProject(store, "demo", { demoRecords: 5 });
 * declareToken(store, projectId, {
 *   username: "monitor",
 *   data_access_group: "boston_general",
 *   dagSwitcher: ["boston_general", "denver_clinic"],
 * });
 * deepStrictEqual(store.project(projectId).definition.dagSwitcher?.monitor, [
 *   "boston_general",
 *   "denver_clinic",
 * ]);
 * ```
 *
 * @param store The store holding the project.
 * @param projectId The project.
 * @param rights The user's name, the rights that differ from full rights, and the user's DAG
 *   Switcher assignments.
 * @param token A fixed token; generated when left out.
 * @returns The token.
 */
export function declareToken(
  store: RedcapStore,
  projectId: number,
  rights: TokenRights,
  token: string = generateToken(),
): string {
  const { dagSwitcher, ...userRights } = rights;
  const dags = store.project(projectId).dags.map((d) => d.unique_group_name);
  for (const dag of [rights.data_access_group ?? "", ...(dagSwitcher ?? [])]) {
    if (dag !== "" && !dags.includes(dag)) {
      throw new RangeError(`Cannot declare token: the data access group "${dag}" does not exist`);
    }
  }
  const full: UserRights = { ...fullRights(rights.username), ...userRights };
  store.transaction(() => {
    const definition = structuredClone(store.project(projectId).definition);
    const listed = definition.users.some((u) => u.username === rights.username);
    // A project that lists its users gets the new one, so user-DAG mapping imports reach it.
    if (!listed && definition.users.length > 0) definition.users.push(full);
    if (dagSwitcher) {
      definition.dagSwitcher = { ...definition.dagSwitcher, [rights.username]: [...dagSwitcher] };
    }
    if (dagSwitcher || (!listed && definition.users.length > 0)) {
      store.updateProject(projectId, definition);
    }
    store.addToken(token, projectId, full);
  });
  return token;
}

/** Gives seeded files their content (the import path stores a file field's name, empty). */
function fillFiles(store: RedcapStore, projectId: number, definition: ProjectDefinition): void {
  for (const file of definition.files ?? []) {
    const [docId] = store.values(
      projectId,
      file.record,
      file.event_id,
      file.instance,
      file.field_name,
    );
    if (docId === undefined) continue;
    store.replaceFile(projectId, Number(docId), file.name, file.mime_type, file.content);
  }
}
