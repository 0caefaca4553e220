import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { parseServeArgs, serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject } from "../routes/_setup.ts";

const SERVE = new URL("../../../lib/server/serve.ts", import.meta.url).pathname;

function withRole() {
  const project = classicProject();
  project.roles = [{
    unique_role_name: "U-READER0001",
    role_label: "Reader",
    rights: { api_export: 1, api_import: 0, data_export: 1 },
  }];
  return project;
}

async function post(url: string, params: Record<string, string>) {
  const response = await fetch(url, { method: "POST", body: new URLSearchParams(params) });
  return { status: response.status, text: await response.text() };
}

Deno.test("parseServeArgs() reads repeatable --user NAME[:role=..][:dag=..] and --base-url", () => {
  deepStrictEqual(
    parseServeArgs([
      "--user",
      "eve",
      "--project",
      "a.xml",
      "--user=bob:role=U-X:dag=site_a",
      "--project",
      "b.xml",
      "--user",
      "carl:dag=site_b",
      "--base-url",
      "https://redcap.example.org/",
    ]).users,
    [
      { username: "eve", projects: undefined },
      { username: "bob", role: "U-X", dag: "site_a", projects: 1 },
      { username: "carl", dag: "site_b", projects: 2 },
    ],
  );
  for (const bad of ["bob:colour=red", "bob:role=", ":role=x"]) {
    let error: unknown;
    try {
      parseServeArgs(["--user", bad]);
    } catch (e) {
      error = e;
    }
    ok(error instanceof RangeError && error.message.includes("--user"), bad);
  }
});

Deno.test("serveRedcap() users get their role's rights and DAG, full rights otherwise", async () => {
  const server = await serveRedcap({
    projects: [withRole()],
    users: [{ username: "rita", role: "U-READER0001", dag: "site_a" }, { username: "fred" }],
  });
  try {
    const token = (name: string) => server.tokens.find((t) => t.username === name)!.token;
    const imported = await post(server.url, {
      token: token("rita"),
      content: "record",
      format: "csv",
      returnFormat: "json",
      data: "record_id,name\n1,A\n",
    });
    strictEqual(imported.status, 403, "the Reader role has no API import");
    const users = JSON.parse(
      (await post(server.url, { token: token("fred"), content: "userRoleMapping", format: "json" }))
        .text,
    );
    const rita = users.find((u: { username: string }) => u.username === "rita");
    deepStrictEqual([rita.unique_role_name, rita.data_access_group], ["U-READER0001", "site_a"]);
    const fredImport = await post(server.url, {
      token: token("fred"),
      content: "record",
      format: "csv",
      data: "record_id,name\n1,A\n",
    });
    strictEqual(fredImport.status, 200, "full rights");
  } finally {
    await server.close();
  }
  await rejects(
    serveRedcap({ projects: [withRole()], users: [{ username: "x", role: "U-NONE" }] }),
    /no role 'U-NONE'/,
  );
  await rejects(
    serveRedcap({ projects: [withRole()], users: [{ username: "x", dag: "nowhere" }] }),
    /no data access group 'nowhere'/,
  );
});

Deno.test("serve --user prints a token line per user, as the other token lines", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--records", "2", "--port", "0", "--user", "alice2"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/user alice2 project \d+\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  try {
    const url = /listening on (\S+)/.exec(text)![1];
    const line = /token (\w+) user alice2 project (\d+)/.exec(text);
    ok(line, text);
    const users = await post(url, { token: line[1], content: "user", format: "json" });
    ok(JSON.parse(users.text).some((u: { username: string }) => u.username === "alice2"));
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.stderr.cancel();
    await child.status;
  }
});

Deno.test("survey links use --base-url, else a proxy's X-Forwarded-Proto and -Host (socket)", async () => {
  const project = classicProject();
  project.surveys = [{ form_name: "demographics", title: "Demographics" }];
  project.records = [{ record_id: "1", name: "A", redcap_data_access_group: "site_a" }];
  const link = async (baseUrl?: string, headers: Record<string, string> = {}) => {
    const server = await serveRedcap({ projects: [structuredClone(project)], baseUrl });
    try {
      const response = await fetch(server.url, {
        method: "POST",
        headers,
        body: new URLSearchParams({
          token: server.tokens[0].token,
          content: "surveyLink",
          instrument: "demographics",
          record: "1",
          returnFormat: "json",
        }),
      });
      return [response.status, await response.text(), server.url] as const;
    } finally {
      await server.close();
    }
  };
  const [status, configured] = await link("https://redcap.example.org/study/");
  strictEqual(status, 200, configured);
  match(configured, /^https:\/\/redcap\.example\.org\/study\/surveys\/\?s=\w+$/);
  const [, proxied] = await link(undefined, {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "proxy.example.org",
  });
  match(proxied, /^https:\/\/proxy\.example\.org\/surveys\/\?s=/);
  const [, direct, url] = await link();
  ok(direct.startsWith(url.replace(/api\/$/, "surveys/")), "the address reached otherwise");
  await rejects(serveRedcap({ projects: [classicProject()], baseUrl: "ftp://x" }), /--base-url/);
});
