/**
 * `deno task demo`: starts the embedded REDCap server with the demo study and shows a few real
 * exports through the API. No credentials needed.
 *
 * @module
 */
import { serveRedcap } from "denocap/server";

const server = await serveRedcap();
const token = server.tokens[0].token;
async function post(params: Record<string, string>): Promise<string> {
  const response = await fetch(server.url, {
    method: "POST",
    body: new URLSearchParams({ token, ...params }),
  });
  return await response.text();
}

console.log(`denocap demo: embedded server at ${server.url}`);
console.log(`REDCap version: ${await post({ content: "version" })}`);
const project = JSON.parse(await post({ content: "project", format: "json" }));
console.log(`Project: ${project.project_title} (longitudinal: ${project.is_longitudinal === 1})`);
const arms = JSON.parse(await post({ content: "arm", format: "json" }));
console.log(`Arms: ${arms.map((a: { name: string }) => a.name).join(", ")}`);
const csv = await post({ content: "record", format: "csv", type: "flat" });
const lines = csv.trimEnd().split("\n");
console.log(`Records export: ${lines.length - 1} rows x ${lines[0].split(",").length} columns`);
console.log(lines.slice(0, 4).join("\n"));
await server.close();
