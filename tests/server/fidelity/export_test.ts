import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject, serve } from "../records/_projects.ts";

Deno.test("a flat CSV export matching no record is an empty body (REDCap 14+), JSON []", async () => {
  const s = serve(classicProject());
  await s.post({ content: "record", format: "csv", data: "record_id,name\n1,Ann\n" });
  const answers: string[] = [];
  for (const format of ["csv", "json", "csv"]) {
    const response = await s.post({
      content: "record",
      format,
      filterLogic: answers.length < 2 ? "[name] = 'nobody'" : "",
    });
    strictEqual(response.status, 200);
    answers.push(await response.text());
  }
  deepStrictEqual(answers.slice(0, 2), ["", "[]"]);
  strictEqual(answers[2].split("\n")[0].split(",")[0], "record_id", "rows still get the header");
});

Deno.test("an empty flat CSV export over a socket is an empty body too", async () => {
  const server = await serveRedcap({ projects: [classicProject()] });
  try {
    const response = await fetch(server.url, {
      method: "POST",
      body: new URLSearchParams({
        token: server.tokens[0].token,
        content: "record",
        format: "csv",
        dateRangeBegin: "2999-01-01 00:00:00",
      }),
    });
    strictEqual(response.status, 200);
    strictEqual(await response.text(), "");
  } finally {
    await server.close();
  }
});
