import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { classicProject, serve } from "./records/_projects.ts";

const TRICKY = 'a+b %zz 100% é€ & = ; "q"\n';

/** POSTs a form body in two chunks, with or without its length, to a fresh classic project. */
async function postBody(body: (token: string) => Uint8Array, length: boolean) {
  const s = serve(classicProject());
  const bytes = body(s.token);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
  };
  if (length) headers["content-length"] = String(bytes.length);
  const response = await createRedcapHandler(s.store)(
    new Request("http://redcap.test/api/", {
      method: "POST",
      headers,
      body: ReadableStream.from([bytes.subarray(0, 7), bytes.subarray(7)]),
    }),
  );
  return { s, status: response.status, text: await response.text() };
}

Deno.test("createRedcapHandler() decodes a form body exactly as URLSearchParams does", async () => {
  for (const length of [true, false]) {
    let sent = "";
    const { s, status, text } = await postBody((token) => {
      // `+` for spaces, an empty pair, a name without value, a truncated escape at the end.
      sent = new URLSearchParams({
        token,
        content: "record",
        format: "json",
        data: JSON.stringify([{ record_id: "1", name: TRICKY }]),
      }).toString() + "&&junk&extra=%4";
      return new TextEncoder().encode(sent);
    }, length);
    strictEqual(status, 200, text);
    strictEqual(JSON.parse(new URLSearchParams(sent).get("data")!)[0].name, TRICKY);
    deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "name"), [TRICKY]);
  }
});

Deno.test("createRedcapHandler() refuses a form body that is not UTF-8", async () => {
  const { status, text } = await postBody(
    (token) => new Uint8Array([...new TextEncoder().encode(`token=${token}&data=`), 0xff, 0xfe]),
    true,
  );
  strictEqual(status, 400);
  strictEqual(
    text,
    '<?xml version="1.0" encoding="UTF-8" ?><hash><error>The request body is not valid UTF-8</error></hash>',
  );
});

Deno.test("createRedcapHandler() turns invalid percent-encoded bytes into U+FFFD like URLSearchParams", async () => {
  const s = serve(classicProject());
  const handler = createRedcapHandler(s.store);
  const body = `token=${s.token}&content=record&format=csv&data=record_id,name%0A1,x%FFy`;
  const response = await handler(
    new Request("http://redcap.test/api/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    }),
  );
  strictEqual(response.status, 200, await response.text());
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "name"), [
    new URLSearchParams(body).get("data")!.split("\n")[1].split(",")[1],
  ]);
});
