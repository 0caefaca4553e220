/**
 * A project folder's `project.json`: project settings, as `content=project` exports them.
 *
 * @module
 */
import { join } from "node:path";

/**
 * Reads `project.json` (optional): one object (or an array of one) of settings; booleans become
 * 1 or 0, `null` becomes `""`.
 *
 * @param folder The folder.
 * @returns The settings, `{}` without the file.
 * @throws {SyntaxError} When the file is not one JSON object.
 */
export function readSettings(folder: string): Record<string, string | number> {
  const info: Record<string, string | number> = {};
  try {
    const text = Deno.readTextFileSync(join(folder, "project.json"));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (error) {
      throw new SyntaxError(`Cannot read project.json: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed) && parsed.length === 1) parsed = parsed[0];
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new SyntaxError("Cannot read project.json: expected one object of project settings");
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === "number") info[key] = value;
      else if (typeof value === "boolean") info[key] = value ? 1 : 0;
      else info[key] = value === null || value === undefined ? "" : String(value);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return info;
}
