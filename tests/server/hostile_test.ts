/**
 * Requests that once stalled or broke the local server (issue 21, "Requests that stall or break
 * the server"): PHP-style array indexes, long filterLogic, bodies over the size cap, NUL and
 * control characters, file names that are not ASCII, XML with a DOCTYPE, and two connections
 * writing to one database file.
 */
import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { RedcapClient } from "../../lib/client.ts";
import { downloadFileName } from "../../lib/api/_file_name.ts";
import { fileHeaders, MAX_PARAMS, Params } from "../../lib/server/_http.ts";
import { createRedcapHandler } from "../../lib/server/handler.ts";
import { readProjectXml } from "../../lib/server/odm/project_xml.ts";
import { RedcapStore } from "../../lib/server/store.ts";
import { loadProject } from "../../lib/server/load.ts";
import { classicProject, dump, longitudinalProject, serve } from "./records/_projects.ts";

const json = (rows: unknown[]) => JSON.stringify(rows);
const SERVE = new URL("../../lib/server/serve.ts", import.meta.url).pathname;

// --- PHP-style array parameters -------------------------------------------------------------

Deno.test("Params treats array indexes as order only, as PHP reads them", () => {
  const params = new Params();
  params.add("records[4294967294]", "b");
  params.add("records[2]", "a");
  params.add("records[]", "c"); // PHP: the index after the largest so far
  params.add("records[2]", "a2"); // a repeated index replaces
  deepStrictEqual(params.list("records"), ["a2", "b", "c"]);
  strictEqual(params.get("records"), "a2");
  params.add("fields[99999999999999999]", "x");
  deepStrictEqual(params.list("fields"), ["x"]);
  throws(() => params.add("fields[1000000000000000000000]", "y"), /"fields" is too large/);
});

Deno.test("Params refuses a request with more than MAX_PARAMS parameters", () => {
  const params = new Params();
  for (let i = 0; i < MAX_PARAMS; i++) params.add("records[]", String(i));
  throws(() => params.add("records[]", "one more"), /more than 1000000 parameters/);
});

Deno.test("serve answers a normal request while a hostile array request is sent", async () => {
  // The server runs in its own process, so this test's clock and timers stay free even when
  // the server is stuck: a stalled server fails the test after 20 s instead of hanging it.
  const token = "A1B2C3D4E5F6A1B2C3D4E5F6A1B2C3D4";
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVE, "--token", token, "--records", "5"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let text = "";
    while (!/listening on (\S+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the server exited: ${text}`);
      text += value;
    }
    const url = /listening on (\S+)/.exec(text)![1];
    // Today's main built a sparse array of 2^32 slots and then scanned it, holding the event
    // loop for a minute or more (per such parameter: one is enough here).
    const hostile = fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token[4294967294]=${token}&content=record&format=json&records=1`,
      signal: AbortSignal.timeout(20_000),
    }).catch((error: Error) => error);
    const normal = await fetch(url, {
      method: "POST",
      body: new URLSearchParams({ token, content: "version" }),
      signal: AbortSignal.timeout(20_000), // generous: both answer in milliseconds
    });
    strictEqual(normal.status, 200);
    await normal.text();
    const answer = await hostile;
    if (answer instanceof Error) throw answer;
    strictEqual(answer.status, 200);
    const ids = (await answer.json()).map((r: { record_id: string }) => r.record_id);
    deepStrictEqual([...new Set(ids)], ["1"]);
  } finally {
    server.kill("SIGKILL");
    await server.status;
    await reader.cancel().catch(() => {});
  }
});

// --- filterLogic ----------------------------------------------------------------------------

Deno.test("exportRecords route evaluates a filterLogic of 5,000 'or' terms and completes the body", async () => {
  const s = serve(classicProject());
  const rows = Array.from({ length: 30 }, (_, i) => ({ record_id: String(i + 1), name: `n${i}` }));
  strictEqual((await s.post({ content: "record", format: "json", data: json(rows) })).status, 200);
  const wanted = ["3", "17", "29"];
  const terms = Array.from({ length: 5_000 }, (_, i) => `[record_id] = '${i + 1000}'`);
  terms.splice(2500, 0, ...wanted.map((id) => `[record_id] = '${id}'`));
  const response = await s.post({
    content: "record",
    format: "json",
    fields: "record_id",
    filterLogic: terms.join(" or "),
  });
  strictEqual(response.status, 200);
  // Today's main overflowed the stack after the 200 went out: reading the body failed.
  const body = JSON.parse(await response.text()) as { record_id: string }[];
  deepStrictEqual(body.map((r) => r.record_id), wanted);
});

Deno.test("exportRecords route refuses a filterLogic it cannot evaluate before answering 200", async () => {
  const s = serve(classicProject());
  await s.post({ content: "record", format: "json", data: json([{ record_id: "1", age: "2" }]) });
  const sum = Array.from({ length: 5_000 }, () => "[age]").join(" + ") + " > 3";
  const response = await s.post({ content: "record", format: "json", filterLogic: sum });
  strictEqual(response.status, 400);
  match(await response.text(), /nested more than 500 levels deep/);
  const ands = Array.from({ length: 3_000 }, (_, i) => `[age] <> '${i + 5}'`).join(" and ");
  const passing = await s.post({
    content: "record",
    format: "csv",
    fields: "record_id",
    filterLogic: ands,
  });
  strictEqual(passing.status, 200);
  strictEqual(
    await passing.text(),
    "record_id,redcap_repeat_instrument,redcap_repeat_instance\n1,,\n",
  );
});

// --- body limits ----------------------------------------------------------------------------

/** A body of `chunks` chunks of 1,000 bytes that counts how many were pulled. */
function countedBody(first: Uint8Array, chunks: number) {
  const state = { pulled: 0 };
  let sentFirst = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        controller.enqueue(first);
        return;
      }
      if (state.pulled >= chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(1000).fill(0x61));
    },
  });
  return { stream, state };
}

Deno.test("createRedcapHandler() stops reading a chunked or multipart body at the cap", async (t) => {
  const store = RedcapStore.open();
  const { tokens } = loadProject(store, classicProject());
  const handler = createRedcapHandler(store, { maxBodyBytes: 10_000 });
  const cases: [string, string, string][] = [
    ["form", "application/x-www-form-urlencoded", `token=${tokens[0]}&content=version&x=`],
    [
      "multipart",
      "multipart/form-data; boundary=XyZ",
      `--XyZ\r\nContent-Disposition: form-data; name="token"\r\n\r\n${tokens[0]}\r\n` +
      `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n`,
    ],
  ];
  for (const [name, type, head] of cases) {
    await t.step(name, async () => {
      // 5 MB with no Content-Length: today's main read all of it (multipart without any cap).
      const { stream, state } = countedBody(new TextEncoder().encode(head), 5_000);
      const response = await handler(
        new Request("http://redcap.test/api/", {
          method: "POST",
          headers: { "content-type": type },
          body: stream,
        }),
      );
      strictEqual(response.status, 413);
      match(await response.text(), /larger than 10000 bytes/);
      ok(state.pulled <= 12, `read ${state.pulled} chunks of 1,000 bytes past a 10,000-byte cap`);
    });
  }
});

// --- NUL and control characters -------------------------------------------------------------

Deno.test("record import refuses NUL and control characters in record names with 400", async (t) => {
  const s = serve(classicProject());
  await s.post({ content: "record", format: "json", data: json([{ record_id: "a", name: "x" }]) });
  const before = dump(s.store, s.projectId);
  for (const name of ["a\0x", "a\0", "b\x01c", "line\nbreak", "del\x7f"]) {
    await t.step(JSON.stringify(name), async () => {
      const response = await s.post({
        content: "record",
        format: "json",
        data: json([{ record_id: name, name: "y" }]),
      });
      strictEqual(response.status, 400);
      match(await response.text(), /record name holds a control character/);
      deepStrictEqual(dump(s.store, s.projectId), before, "nothing is stored");
    });
  }
  await t.step("a raw NUL anywhere in a parameter", async () => {
    const response = await s.post({ content: "record", format: "csv", data: "record_id\nz\0z\n" });
    strictEqual(response.status, 400);
    match(await response.text(), /The parameter 'data' holds a NUL character/);
    deepStrictEqual(dump(s.store, s.projectId), before);
  });
  await t.step("rename", async () => {
    const response = await s.post({
      content: "record",
      action: "rename",
      record: "a",
      new_record_name: "b\tc",
    });
    strictEqual(response.status, 400);
    match(await response.text(), /'new_record_name' holds a control character/);
  });
});

Deno.test("record import keeps values exact or refuses them: a NUL is refused", async () => {
  const s = serve(classicProject());
  const kept = "Ann\tSmith\r\n\x01é";
  const good = await s.post({
    content: "record",
    format: "json",
    data: json([{ record_id: "1", name: kept }]),
  });
  strictEqual(good.status, 200);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "name"), [kept]);
  const bad = await s.post({
    content: "record",
    format: "json",
    data: json([{ record_id: "2", name: "Ann\0Smith" }]),
  });
  strictEqual(bad.status, 400);
  match(await bad.text(), /"2\\",\\"name\\",\\"Ann\\\\u0000Smith\\",\\"The value holds a NUL/);
  deepStrictEqual(s.store.values(s.projectId, "2", 1, 1, "name"), []);
});

// --- file names -----------------------------------------------------------------------------

Deno.test("file downloads name files that are not ASCII with RFC 6266 filename*", async (t) => {
  const s = serve(classicProject());
  await s.post({ content: "record", format: "json", data: json([{ record_id: "1" }]) });
  const name = "报告 (final) 'v2'.pdf";
  const file = () => new File([new Uint8Array([1, 2, 3])], name, { type: "application/pdf" });
  const client = new RedcapClient("http://redcap.test/api/", s.token, {
    fetch: (input, init) => createRedcapHandler(s.store)(new Request(input, init)),
    progressBar: false,
  });
  await t.step("file field", async () => {
    strictEqual(
      (await s.post({ content: "file", action: "import", record: "1", field: "photo" }, file()))
        .status,
      200,
    );
    const response = await s.post({
      content: "file",
      action: "export",
      record: "1",
      field: "photo",
    });
    strictEqual(response.status, 200);
    strictEqual(
      response.headers.get("content-type"),
      "application/pdf; name=\"__ (final) 'v2'.pdf\"",
    );
    strictEqual(
      response.headers.get("content-disposition"),
      `attachment; filename="__ (final) 'v2'.pdf"; ` +
        "filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%28final%29%20%27v2%27.pdf",
    );
    deepStrictEqual([...new Uint8Array(await response.arrayBuffer())], [1, 2, 3]);
    strictEqual((await client.exportFile({ record: "1", field: "photo" })).name, name);
  });
  await t.step("an ASCII name keeps REDCap's header alone", async () => {
    const upload = new File(["x"], "a b.txt", { type: "text/plain" });
    await s.post({ content: "file", action: "import", record: "1", field: "photo" }, upload);
    const response = await s.post({
      content: "file",
      action: "export",
      record: "1",
      field: "photo",
    });
    await response.body?.cancel();
    strictEqual(response.headers.get("content-type"), 'text/plain; name="a b.txt";charset=UTF-8');
    strictEqual(response.headers.get("content-disposition"), null);
  });
});

Deno.test("fileHeaders() keeps a name with a quote or a control character exact in filename*", () => {
  const headers = fileHeaders('say "hi"\r\n.txt', "text/plain");
  strictEqual(headers["Content-Type"], 'text/plain; name="say hi.txt";charset=UTF-8');
  strictEqual(
    downloadFileName(new Headers(headers)),
    'say "hi"\r\n.txt',
    "the client reads the exact name back",
  );
});

Deno.test("downloadFileName() reads filename*, REDCap's name= and raw UTF-8 read as Latin-1", () => {
  const headers = (init: Record<string, string>) => new Headers(init);
  strictEqual(
    downloadFileName(headers({
      "content-type": 'application/pdf; name="__.pdf"',
      "content-disposition": "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E6%8A%A5.pdf",
    })),
    "报.pdf",
  );
  strictEqual(
    downloadFileName(headers({ "content-type": 'text/plain; name="a b.txt"' })),
    "a b.txt",
  );
  // Real REDCap writes the name's UTF-8 bytes; fetch shows each byte as one Latin-1 character.
  const raw = String.fromCharCode(...new TextEncoder().encode("é.txt"));
  strictEqual(downloadFileName(headers({ "content-type": `text/plain; name="${raw}"` })), "é.txt");
  strictEqual(downloadFileName(headers({ "content-type": "text/plain" })), undefined);
});

// --- XML with a DOCTYPE ---------------------------------------------------------------------

Deno.test("XML bodies with a DOCTYPE are answered 400 and entities never resolved", async (t) => {
  const secret = await Deno.makeTempFile();
  await Deno.writeTextFile(secret, "TOP-SECRET-MARKER");
  const external = `<!DOCTYPE records [<!ENTITY x SYSTEM "file://${secret}">]>`;
  const internal = `<!DOCTYPE records [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;">]>`;
  try {
    const s = serve(classicProject());
    for (const [label, doctype] of [["external", external], ["internal", internal]]) {
      await t.step(`records, ${label} entity`, async () => {
        const data = `<?xml version="1.0" encoding="UTF-8" ?>\n<!-- c -->${doctype}` +
          `<records><item><record_id>1</record_id><name>&x;&b;</name></item></records>`;
        const response = await s.post({ content: "record", format: "xml", data });
        strictEqual(response.status, 400);
        match(await response.text(), /Cannot import records: the XML has a DOCTYPE declaration/);
        deepStrictEqual(dump(s.store, s.projectId), []);
      });
    }
    await t.step("structure import (arms)", async () => {
      const l = serve(longitudinalProject());
      const response = await l.post({
        content: "arm",
        action: "import",
        format: "xml",
        data: `<?xml version="1.0"?>${external}<arms><item><arm_num>3</arm_num>` +
          `<name>&x;</name></item></arms>`,
      });
      strictEqual(response.status, 400);
      match(await response.text(), /Cannot import arms: the XML has a DOCTYPE/);
    });
    await t.step("project settings", async () => {
      const response = await s.post({
        content: "project_settings",
        action: "import",
        format: "xml",
        data: `${internal}<item><project_title>&b;</project_title></item>`,
      });
      strictEqual(response.status, 400);
      match(await response.text(), /the XML has a DOCTYPE/);
    });
    await t.step("Project XML", () => {
      throws(
        () => readProjectXml(`<?xml version="1.0"?>${external}<ODM><Study/></ODM>`),
        (e: Error) => e instanceof SyntaxError && /DOCTYPE/.test(e.message),
      );
    });
    await t.step("a DOCTYPE-like text inside a value is data", async () => {
      const data = `<records><item><record_id>5</record_id><notes><![CDATA[<!DOCTYPE html>]]>` +
        `</notes></item></records>`;
      const response = await s.post({ content: "record", format: "xml", data });
      strictEqual(response.status, 200, await response.text());
      deepStrictEqual(s.store.values(s.projectId, "5", 1, 1, "notes"), ["<!DOCTYPE html>"]);
    });
  } finally {
    await Deno.remove(secret);
  }
});

Deno.test("malformed XML bodies are answered 400 naming the line, whichever reader", async (t) => {
  const s = serve(classicProject());
  const bodies: [string, Record<string, string>, RegExp][] = [
    [
      "records",
      { content: "record", format: "xml", data: "<records>\n<item><record_id>1</item></records>" },
      /Cannot import records: the data is not well-formed XML \(.+ on line 2\)/,
    ],
    [
      "structure import (DAGs)",
      {
        content: "dag",
        action: "import",
        format: "xml",
        data: "<dags>\n\n<item><data_access_group_name>A</item></dags>",
      },
      /Cannot import .+: the data is not well-formed XML \(.+ on line 3\)/,
    ],
    [
      "project settings",
      {
        content: "project_settings",
        action: "import",
        format: "xml",
        data: "<item><project_title>T</item>",
      },
      /the data is not well-formed XML \(.+ on line 1\)/,
    ],
  ];
  for (const [label, params, message] of bodies) {
    await t.step(label, async () => {
      const response = await s.post(params);
      strictEqual(response.status, 400);
      match(await response.text(), message);
    });
  }
  deepStrictEqual(dump(s.store, s.projectId), []);
});

// --- two connections on one database file ---------------------------------------------------

Deno.test("a write waits for another process's write lock instead of failing 'database is locked'", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/shared.db`;
  try {
    const store = RedcapStore.open(path);
    const { tokens } = loadProject(store, classicProject());
    const handler = createRedcapHandler(store);
    // Another process takes the write lock and holds it for half a second.
    const holder = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { DatabaseSync } from "node:sqlite";
         const db = new DatabaseSync(${JSON.stringify(path)});
         db.exec("BEGIN IMMEDIATE");
         console.log("locked");
         await new Promise((r) => setTimeout(r, 500));
         db.exec("COMMIT");`,
      ],
      stdout: "piped",
    }).spawn();
    const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
    strictEqual((await reader.read()).value?.trim(), "locked");
    const response = await handler(
      new Request("http://redcap.test/api/", {
        method: "POST",
        body: new URLSearchParams({
          token: tokens[0],
          content: "record",
          format: "json",
          data: json([{ record_id: "1", name: "waited" }]),
        }),
      }),
    );
    strictEqual(response.status, 200, await response.clone().text());
    deepStrictEqual(store.values(1, "1", 1, 1, "name"), ["waited"]);
    await reader.cancel();
    strictEqual((await holder.status).success, true);
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a server refuses with 503 when the database stays locked past the busy timeout", async () => {
  // Documented behaviour of sharing a file: see lib/server/store.ts. Checked in-process with a
  // second connection that never commits and a store whose timeout is the default.
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/shared.db`;
    const store = RedcapStore.open(path);
    const { tokens } = loadProject(store, classicProject());
    const other = RedcapStore.open(path);
    other.db.exec("PRAGMA busy_timeout = 0");
    other.db.exec("BEGIN IMMEDIATE");
    store.db.exec("PRAGMA busy_timeout = 50");
    const response = await createRedcapHandler(store)(
      new Request("http://redcap.test/api/", {
        method: "POST",
        body: new URLSearchParams({
          token: tokens[0],
          content: "record",
          format: "json",
          data: json([{ record_id: "1" }]),
        }),
      }),
    );
    strictEqual(response.status, 503);
    match(await response.text(), /database is busy/);
    other.db.exec("ROLLBACK");
    other.close();
    store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
