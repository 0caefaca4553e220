import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { RedcapStore } from "../../lib/server/store.ts";
import { fullRights } from "../../lib/server/project.ts";
import { tinyProject } from "./_fixtures.ts";

const TOKEN = "0123456789ABCDEF0123456789ABCDEF";

function setup(maxBodyBytes?: number) {
  const store = RedcapStore.open();
  const id = store.createProject(tinyProject());
  store.addToken(TOKEN, id, fullRights("tester"));
  const handler = createRedcapHandler(store, { maxBodyBytes });
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    handler(new Request("http://redcap.test/api/", { method: "POST", body, headers }));
  return { store, handler, post };
}

Deno.test("createRedcapHandler() answers version as plain text", async () => {
  const { post } = setup();
  const response = await post(new URLSearchParams({ token: TOKEN, content: "version" }));
  strictEqual(response.status, 200);
  strictEqual(await response.text(), "15.7.6");
});

Deno.test("createRedcapHandler() answers bad tokens with 403 in each error envelope", async (t) => {
  const { post } = setup();
  const cases: [Record<string, string>, string][] = [
    [{ format: "csv" }, "ERROR: You do not have permissions to use the API"],
    [{ format: "json" }, '{"error":"You do not have permissions to use the API"}'],
    [
      {},
      '<?xml version="1.0" encoding="UTF-8" ?><hash><error>You do not have permissions to use the API</error></hash>',
    ],
    [
      { format: "csv", returnFormat: "json" },
      '{"error":"You do not have permissions to use the API"}',
    ],
  ];
  for (
    const token of ["BAD00000000000000000000000000000", "short", "x".repeat(32), "", TOKEN + "'"]
  ) {
    for (const [params, body] of cases) {
      await t.step(
        `token ${JSON.stringify(token.slice(0, 6))} ${JSON.stringify(params)}`,
        async () => {
          const response = await post(new URLSearchParams({ token, content: "record", ...params }));
          strictEqual(response.status, 403);
          strictEqual(await response.text(), body);
        },
      );
    }
  }
});

Deno.test("createRedcapHandler() accepts a token with surrounding whitespace", async () => {
  const { post } = setup();
  const response = await post(new URLSearchParams({ token: ` ${TOKEN}\n`, content: "version" }));
  strictEqual(response.status, 200);
  await response.body?.cancel();
});

Deno.test("createRedcapHandler() rejects an unknown content with REDCap's 400", async () => {
  const { post } = setup();
  const response = await post(
    new URLSearchParams({ token: TOKEN, content: "recordz", returnFormat: "json" }),
  );
  strictEqual(response.status, 400);
  deepStrictEqual(await response.json(), {
    error: "The value of the parameter 'content' is not valid",
  });
});

Deno.test("createRedcapHandler() answers GET with 501 and other paths with 404", async () => {
  const { handler } = setup();
  const get = await handler(new Request("http://redcap.test/api/"));
  strictEqual(get.status, 501);
  strictEqual(
    await get.text(),
    '<?xml version="1.0" encoding="UTF-8" ?><hash><error>The requested method is not implemented.</error></hash>',
  );
  const other = await handler(new Request("http://redcap.test/apiFFFF/", { method: "POST" }));
  strictEqual(other.status, 404);
  strictEqual((await other.text()).includes("<title>404 Not Found</title>"), true);
});

Deno.test("createRedcapHandler() rejects bodies that are not UTF-8 or too large", async () => {
  const { post } = setup(1000);
  const bad = new Uint8Array([
    ...new TextEncoder().encode(`token=${TOKEN}&content=version&x=`),
    0xff,
  ]);
  const response = await post(bad, { "content-type": "application/x-www-form-urlencoded" });
  strictEqual(response.status, 400);
  strictEqual(
    await response.text(),
    '<?xml version="1.0" encoding="UTF-8" ?><hash><error>The request body is not valid UTF-8</error></hash>',
  );
  const big = await post(
    new URLSearchParams({ token: TOKEN, content: "version", data: "x".repeat(2000) }),
  );
  strictEqual(big.status, 413);
  strictEqual((await big.text()).includes("larger than 1000 bytes"), true);
});

Deno.test("createRedcapHandler() reads multipart bodies and never echoes the token", async () => {
  const { post } = setup();
  const form = new FormData();
  form.set("token", TOKEN);
  form.set("content", "nothing");
  form.set("returnFormat", "json");
  const response = await post(form);
  strictEqual(response.status, 400);
  strictEqual((await response.text()).includes(TOKEN), false);
});
