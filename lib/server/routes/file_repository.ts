/**
 * `content=fileRepository`: the project's File Repository. `action=list` lists a folder (the top
 * level without `folder_id`), `createFolder` makes one, `import` uploads a file, `export`
 * downloads one by `doc_id`, `delete` moves one to the Recycle Bin (REDCap keeps it 30 days, then
 * removes it for good; it is no longer listed nor downloadable). Folders may be restricted to a DAG (`dag_id`) or a role
 * (`role_id`): users in another DAG or role do not see them.
 *
 * @module
 */
import { type ApiContext, ApiError, fileHeaders, ok } from "../_http.ts";
import { mimeTypeOf } from "../_mime_types.ts";
import {
  exportFormat,
  NO_IMPORT_RIGHT,
  requireExport,
  requireRight,
  rowsBody,
} from "./_structure_io.ts";
import { logManage } from "./rights.ts";
import { roleId } from "../project.ts";
import { formatTimestamp } from "../store.ts";

/** Message when the user lacks the File Repository right (REDCap's text is not on record). */
export const NO_FILE_REPOSITORY_RIGHT = "You do not have File Repository privileges";

/** Listing columns, as REDCap's CSV has them (REDCapR's `file-repo-list-oneshot`). */
export const REPOSITORY_COLUMNS: readonly string[] = ["folder_id", "doc_id", "name", "role", "dag"];

interface Folder {
  folder_id: number;
  parent_id: number | null;
  name: string;
  dag_id: number | null;
  role_id: string | null;
}

function badFolder(id: string): ApiError {
  return new ApiError(
    400,
    `The File Repository folder folder_id=${id} does not exist or else you do not have ` +
      "permission to that folder because it is DAG-restricted or Role-restricted.",
  );
}

/** Days a deleted file stays in the Recycle Bin before REDCap removes it for good. */
export const RECYCLE_DAYS = 30;

function requireRepository(ctx: ApiContext, write: boolean): void {
  if (write) requireRight(ctx, "api_import", NO_IMPORT_RIGHT);
  else requireExport(ctx);
  requireRight(ctx, "file_repository", NO_FILE_REPOSITORY_RIGHT);
  emptyRecycleBin(ctx);
}

/** Removes for good the files deleted more than {@linkcode RECYCLE_DAYS} days ago. */
function emptyRecycleBin(ctx: ApiContext): void {
  const cutoff = new Date(ctx.store.now().getTime() - RECYCLE_DAYS * 24 * 3600 * 1000);
  const stale = ctx.store.sql(
    "SELECT doc_id FROM repo_files WHERE project_id = ? AND deleted_at IS NOT NULL AND deleted_at < ?",
  ).all(ctx.projectId, formatTimestamp(cutoff)).map((r) => Number(r.doc_id));
  if (stale.length === 0) return;
  ctx.store.transaction(() => {
    for (const docId of stale) {
      ctx.store.sql("UPDATE files SET content = ?, deleted = 1 WHERE project_id = ? AND doc_id = ?")
        .run(new Uint8Array(), ctx.projectId, docId);
      ctx.store.sql("DELETE FROM repo_files WHERE project_id = ? AND doc_id = ?")
        .run(ctx.projectId, docId);
    }
  });
}

function folders(ctx: ApiContext): Folder[] {
  return ctx.store.sql(
    "SELECT folder_id, parent_id, name, dag_id, role_id FROM repo_folders " +
      "WHERE project_id = ? AND deleted = 0 ORDER BY name, folder_id",
  ).all(ctx.projectId).map((r) => ({
    folder_id: Number(r.folder_id),
    parent_id: r.parent_id === null ? null : Number(r.parent_id),
    name: String(r.name),
    dag_id: r.dag_id === null ? null : Number(r.dag_id),
    role_id: r.role_id === null ? null : String(r.role_id),
  }));
}

/** Whether the token's user may see a folder (not restricted to another DAG or role). */
function visible(ctx: ApiContext, folder: Folder): boolean {
  // A folder inside a restricted folder is as restricted as its parents.
  if (folder.parent_id !== null) {
    const parent = folders(ctx).find((f) => f.folder_id === folder.parent_id);
    if (parent && !visible(ctx, parent)) return false;
  }
  const userDag = (ctx.grant.rights.data_access_group ?? "").trim();
  if (folder.dag_id !== null && userDag !== "") {
    const dag = ctx.project.dags.find((d) => Number(d.data_access_group_id) === folder.dag_id);
    if (dag?.unique_group_name !== userDag) return false;
  }
  if (folder.role_id !== null) {
    const user = ctx.project.definition.users.find((u) => u.username === ctx.grant.username);
    if (user?.role && user.role !== folder.role_id) return false;
  }
  return true;
}

/** Reads `folder_id`: `null` for the top level; a folder the user cannot see is an error. */
function readFolder(ctx: ApiContext): number | null {
  const text = (ctx.params.get("folder_id") ?? "").trim();
  if (text === "") return null;
  const folder = folders(ctx).find((f) => String(f.folder_id) === text);
  if (!folder || !visible(ctx, folder)) throw badFolder(text);
  return folder.folder_id;
}

/**
 * `action=list`: the sub-folders (by name), then the files (by name) of a folder. Folders carry
 * `folder_id`, files `doc_id`; `role` and `dag` name a folder's restriction.
 */
export function listRepository(ctx: ApiContext): Response {
  requireRepository(ctx, false);
  const parent = readFolder(ctx);
  const rows: Record<string, string | number>[] = [];
  for (const folder of folders(ctx)) {
    if (folder.parent_id !== parent || !visible(ctx, folder)) continue;
    const dag = ctx.project.dags.find((d) => Number(d.data_access_group_id) === folder.dag_id);
    const role = ctx.project.definition.roles?.find((r) => r.unique_role_name === folder.role_id);
    rows.push({
      folder_id: folder.folder_id,
      doc_id: "",
      name: folder.name,
      role: role?.role_label ?? "",
      dag: dag?.data_access_group_name ?? "",
    });
  }
  const files = ctx.store.sql(
    "SELECT f.doc_id, f.name FROM repo_files r JOIN files f ON f.doc_id = r.doc_id " +
      "WHERE r.project_id = ? AND r.deleted_at IS NULL AND r.folder_id IS ? ORDER BY f.name, f.doc_id",
  ).all(ctx.projectId, parent);
  for (const file of files) {
    rows.push({
      folder_id: "",
      doc_id: Number(file.doc_id),
      name: String(file.name),
      role: "",
      dag: "",
    });
  }
  const format = exportFormat(ctx);
  if (format === "csv" && rows.length === 0) return ok(REPOSITORY_COLUMNS.join(","), format);
  return ok(rowsBody(rows, REPOSITORY_COLUMNS, format, "items"), format);
}

/**
 * `action=createFolder`: makes folder `name` (at most 150 characters) inside `folder_id` (top
 * level without), optionally restricted to `dag_id` or `role_id`. An existing folder of that name
 * is not duplicated. Answers `[{"folder_id":N}]`.
 */
export function createRepositoryFolder(ctx: ApiContext): Response {
  requireRepository(ctx, true);
  const name = (ctx.params.get("name") ?? "").trim();
  if (name === "") throw new ApiError(400, `The parameter "name" is missing`);
  if (name.length > 150) {
    throw new ApiError(400, `The value of the parameter "name" is longer than 150 characters`);
  }
  const parent = readFolder(ctx);
  const dagText = (ctx.params.get("dag_id") ?? "").trim();
  let dagId: number | null = null;
  if (dagText !== "") {
    const dag = ctx.project.dags.find((d) => String(d.data_access_group_id) === dagText);
    if (!dag) {
      throw new ApiError(400, `The value of the parameter "dag_id" is not valid: '${dagText}'`);
    }
    dagId = Number(dag.data_access_group_id);
  }
  // REDCap's role_id is the role's numeric id (as dag_id is the group's), not its unique name.
  const roleText = (ctx.params.get("role_id") ?? "").trim();
  const roles = ctx.project.definition.roles ?? [];
  const role = roles.find((r) => String(roleId(roles, r)) === roleText);
  if (roleText !== "" && !role) {
    throw new ApiError(400, `The value of the parameter "role_id" is not valid: '${roleText}'`);
  }
  const existing = folders(ctx).find((f) => f.parent_id === parent && f.name === name);
  let id = existing?.folder_id;
  if (id === undefined) {
    id = ctx.store.transaction(() => {
      const result = ctx.store.sql(
        "INSERT INTO repo_folders (project_id, parent_id, name, dag_id, role_id) VALUES (?,?,?,?,?)",
      ).run(ctx.projectId, parent, name, dagId, role?.unique_role_name ?? null);
      logManage(ctx, `Create folder "${name}" in File Repository (API)`);
      return Number(result.lastInsertRowid);
    });
  }
  const format = exportFormat(ctx);
  if (format === "json") return ok(JSON.stringify([{ folder_id: id }]), format);
  return ok(rowsBody([{ folder_id: id }], ["folder_id"], format, "items"), format);
}

/** `action=import`: stores the uploaded `file` in `folder_id` (top level without); empty body. */
export function importRepositoryFile(ctx: ApiContext): Response {
  requireRepository(ctx, true);
  const folder = readFolder(ctx);
  const file = ctx.file;
  if (!file) {
    throw new ApiError(400, `The parameter "file" is missing (send it as multipart form data)`);
  }
  ctx.store.transaction(() => {
    const type = file.type && file.type !== "application/octet-stream"
      ? file.type
      : mimeTypeOf(file.name);
    const docId = ctx.store.addFile(ctx.projectId, file.name, type, file.content);
    ctx.store.sql("INSERT INTO repo_files (doc_id, project_id, folder_id) VALUES (?,?,?)")
      .run(docId, ctx.projectId, folder);
    logManage(ctx, `Upload file "${file.name}" to File Repository (API)`);
  });
  return new Response(null, { status: 200 });
}

function readDoc(ctx: ApiContext): number {
  const text = (ctx.params.get("doc_id") ?? "").trim();
  if (text === "") throw new ApiError(400, `The parameter "doc_id" is missing`);
  const row = ctx.store.sql(
    "SELECT folder_id FROM repo_files WHERE project_id = ? AND doc_id = ? AND deleted_at IS NULL",
  ).get(ctx.projectId, Number(text));
  const folder = row?.folder_id == null
    ? undefined
    : folders(ctx).find((f) => f.folder_id === Number(row.folder_id));
  if (!row || !/^\d+$/.test(text) || (folder && !visible(ctx, folder))) {
    throw new ApiError(
      400,
      `The doc_id ${text} does not exist in the File Repository or else you do not have ` +
        "permission to that file because it is DAG-restricted or Role-restricted.",
    );
  }
  return Number(text);
}

/** `action=export`: the file's bytes, its name in `Content-Type` as field files have it. */
export function exportRepositoryFile(ctx: ApiContext): Response {
  requireRepository(ctx, false);
  const docId = readDoc(ctx);
  const file = ctx.store.file(ctx.projectId, docId)!;
  return new Response(file.content as BodyInit, {
    status: 200,
    headers: fileHeaders(file.name, file.mime_type),
  });
}

/** `action=delete`: moves the file to the Recycle Bin; empty body. */
export function deleteRepositoryFile(ctx: ApiContext): Response {
  requireRepository(ctx, true);
  const docId = readDoc(ctx);
  ctx.store.transaction(() => {
    ctx.store.sql("UPDATE repo_files SET deleted_at = ? WHERE project_id = ? AND doc_id = ?")
      .run(ctx.store.timestamp(), ctx.projectId, docId);
    logManage(ctx, `Delete file (doc_id ${docId}) from File Repository (API)`);
  });
  return new Response(null, { status: 200 });
}
