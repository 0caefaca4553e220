import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { classicProject, dump, serve } from "../records/_projects.ts";

Deno.test("dateFormat=MDY and DMY imports also read dates written Y-M-D in the same file", async () => {
  const s = serve(classicProject());
  for (const [dateFormat, local] of [["MDY", "12/31/2020"], ["DMY", "31/12/2020"]]) {
    const response = await s.post({
      content: "record",
      format: "csv",
      dateFormat,
      data: `record_id,dob\n${dateFormat}-1,${local}\n${dateFormat}-2,2020-12-31\n`,
    });
    strictEqual(response.status, 200, await response.clone().text());
  }
  deepStrictEqual(dump(s.store, s.projectId).filter((r) => r.includes("|dob=")), [
    "DMY-1|1|1|dob=2020-12-31",
    "DMY-2|1|1|dob=2020-12-31",
    "MDY-1|1|1|dob=2020-12-31",
    "MDY-2|1|1|dob=2020-12-31",
  ]);
});

Deno.test("forceAutoNumber is ignored where record auto-numbering is off (over a socket)", async () => {
  const definition = classicProject();
  definition.info.record_autonumbering_enabled = 0;
  const server = await serveRedcap({ projects: [definition] });
  try {
    const post = async (data: string) => {
      const response = await fetch(server.url, {
        method: "POST",
        body: new URLSearchParams({
          token: server.tokens[0].token,
          content: "record",
          format: "csv",
          returnFormat: "json",
          forceAutoNumber: "true",
          returnContent: "auto_ids",
          data,
        }),
      });
      return [response.status, await response.text()];
    };
    deepStrictEqual(await post("record_id,name\nabc,Ann\n"), [200, '["abc,abc"]']);
    deepStrictEqual(await post("record_id,name\nabc,Bo\n"), [200, '["abc,abc"]']);
    const records = server.store.records(server.tokens[0].projectId!).map((r) => r.record);
    deepStrictEqual(records, ["abc"], "the repeated import overwrote the same record");
  } finally {
    await server.close();
  }
});

Deno.test("forceAutoNumber still numbers records where auto-numbering is on", async () => {
  const s = serve(classicProject());
  const response = await s.post({
    content: "record",
    format: "csv",
    returnFormat: "json",
    forceAutoNumber: "true",
    returnContent: "auto_ids",
    data: "record_id,name\nabc,Ann\n",
  });
  strictEqual(await response.text(), '["1,abc"]');
});
