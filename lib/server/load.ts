/**
 * Creating projects in a store from a Project XML file, a folder of API exports, the built-in
 * demo, or a definition built in code; and declaring tokens.
 *
 * @module
 */
import { demoProject, demoRecordRows } from "./demo.ts";
import { readProjectFolder } from "./folder.ts";
import { readProjectXml } from "./odm.ts";
import type { ProjectDefinition, StoredFile, UserRights } from "./project.ts";
import { fullRights } from "./project.ts";
import { importFlatRows, importRecordRows } from "./records/import.ts";
import type { RedcapStore } from "./store.ts";
import type { ProjectModel } from "./model.ts";

/** Where a project comes from: `"demo"`, a path to a Project XML file or a folder, or a definition. */
export type ProjectSource = "demo" | string | ProjectDefinition;

/** Options for {@linkcode loadProject}. */
export interface LoadProjectOptions {
  /** Fixes the full-rights token (32 hex characters) instead of generating one. */
  token?: string;
  /** Number of records of the demo project.
   * @default {300}
   */
  demoRecords?: number;
  /**
   * Keep stored values that fail the dictionary's validation (values entered before a
   * validation was added), as a Project XML may hold them. Defaults to true for Project XML
   * sources and false otherwise, so a folder's `records.csv` is checked like an API import.
   */
  acceptInvalid?: boolean;
}

/** A project created in a store. */
export interface LoadedProject {
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
  const definition = demo
    ? { ...demoProject({ records: 0 }), files: demoFiles }
    : typeof source === "string"
    ? readProjectSource(source, options)
    : source;
  // (seed 1: the demo's default, as `readProjectSource` builds it)
  const demoRows = demo ? demoRecordRows(options.demoRecords ?? 300, 1, {}, demoFiles) : [];
  const acceptInvalid = options.acceptInvalid ??
    (typeof source === "string" && source !== "demo" && !Deno.statSync(source).isDirectory);
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
      importRecordRows(
        store,
        projectId,
        header,
        demoRows.map((row) => header.map((name) => row[name])),
        { username: firstUser, seed: true, overwriteBehavior: "normal", acceptInvalid },
      );
    } else if (definition.records.length > 0) {
      importFlatRows(store, projectId, definition.records, {
        username: firstUser,
        seed: true,
        overwriteBehavior: "normal",
        acceptInvalid,
      });
    }
    fillFiles(store, projectId, definition);
    return { projectId, tokens, definition };
  });
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

/** Rights to give a token declared with {@linkcode declareToken}. */
export type TokenRights = Partial<UserRights> & { username: string };

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
 * @param store The store holding the project.
 * @param projectId The project.
 * @param rights The user's name and the rights that differ from full rights.
 * @param token A fixed token; generated when left out.
 * @returns The token.
 */
export function declareToken(
  store: RedcapStore,
  projectId: number,
  rights: TokenRights,
  token: string = generateToken(),
): string {
  if (rights.data_access_group) {
    const dags = store.project(projectId).dags.map((d) => d.unique_group_name);
    if (!dags.includes(rights.data_access_group)) {
      throw new RangeError(
        `Cannot declare token: the data access group "${rights.data_access_group}" does not exist`,
      );
    }
  }
  store.addToken(token, projectId, { ...fullRights(rights.username), ...rights });
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
