import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { parseCsvObjects } from "../../../lib/parse/csv_rows.ts";
import { createRedcapHandler } from "../../../lib/server/handler.ts";
import { REPOSITORY_COLUMNS } from "../../../lib/server/routes/file_repository.ts";
import { classicProject, setup } from "./_setup.ts";

const CORPUS = new URL(
  "../../../../shared/redcap-corpus/OuhscBbmc/REDCapR/inst/test-data/specific-redcapr/file-repo-list-oneshot/",
  import.meta.url,
);
let corpusPresent = true;
try {
  Deno.statSync(CORPUS);
} catch {
  corpusPresent = false;
  console.log("file_repository_test: the REDCap corpus is absent; skipping the corpus comparison");
}

function upload(
  s: ReturnType<typeof setup>,
  params: Record<string, string>,
  file: File,
  token = s.token,
): Promise<Response> {
  const form = new FormData();
  form.set("token", token);
  for (const [k, v] of Object.entries(params)) form.set(k, v);
  form.set("file", file);
  return createRedcapHandler(s.store)(
    new Request("http://redcap.test/api/", { method: "POST", body: form }),
  );
}

async function repository() {
  const s = setup(classicProject());
  const folder = await s.post({
    content: "fileRepository",
    action: "createFolder",
    name: "the-state",
    format: "json",
  });
  const [{ folder_id }] = folder.json();
  strictEqual(folder_id, 1);
  for (let i = 1; i <= 5; i++) {
    const answer = await upload(
      s,
      { content: "fileRepository", action: "import" },
      new File([`mugshot ${i}`], `mugshot-${i}.jpg`, { type: "image/jpeg" }),
    );
    strictEqual(answer.status, 200);
    strictEqual(await answer.text(), "", "REDCap answers an upload with an empty body");
  }
  await upload(
    s,
    { content: "fileRepository", action: "import", folder_id: "1" },
    new File(["levon"], "levon-and-barry.jpg"),
  );
  return s;
}

Deno.test("listRepository() answers folders then files, with REDCap's csv columns", async () => {
  const s = await repository();
  const csv = await s.post({ content: "fileRepository", action: "list", format: "csv" });
  strictEqual(csv.status, 200);
  strictEqual(csv.text.split("\n")[0], REPOSITORY_COLUMNS.join(","));
  const rows = parseCsvObjects(csv.text);
  deepStrictEqual(rows.map((r) => r.name), [
    "the-state",
    "mugshot-1.jpg",
    "mugshot-2.jpg",
    "mugshot-3.jpg",
    "mugshot-4.jpg",
    "mugshot-5.jpg",
  ]);
  strictEqual(rows[0].folder_id, "1");
  strictEqual(rows[0].doc_id, "");
  strictEqual(rows[1].folder_id, "");
  match(rows[1].doc_id, /^\d+$/);
  const sub = await s.post({
    content: "fileRepository",
    action: "list",
    format: "json",
    folder_id: "1",
  });
  deepStrictEqual(sub.json().map((r: { name: string }) => r.name), ["levon-and-barry.jpg"]);
  const xml = await s.post({
    content: "fileRepository",
    action: "list",
    format: "xml",
    folder_id: "1",
  });
  match(xml.text, /<name><!\[CDATA\[levon-and-barry.jpg\]\]><\/name>/);
});

Deno.test({
  name: "listRepository() matches REDCapR's file-repo-list-oneshot expectations",
  ignore: !corpusPresent,
  fn: async () => {
    const s = await repository();
    for (
      const [file, params] of [
        ["default.R.json", {}],
        ["first-subdirectory.R.json", { folder_id: "1" }],
      ] as const
    ) {
      const expected = JSON.parse(Deno.readTextFileSync(new URL(file, CORPUS)));
      const answer = await s.post({
        content: "fileRepository",
        action: "list",
        format: "csv",
        ...params,
      });
      const rows = parseCsvObjects(answer.text);
      deepStrictEqual(Object.keys(rows[0]), expected.columns.map((c: { name: string }) => c.name));
      strictEqual(rows.length, expected.nrow);
      const names = expected.columns.find((c: { name: string }) => c.name === "name").values;
      deepStrictEqual(rows.map((r) => r.name), names);
      for (const column of expected.columns) {
        // Same blanks (NA) in the same places; ids are the server's own.
        deepStrictEqual(
          rows.map((r) => r[column.name] === ""),
          column.values.map((v: unknown) => v === null),
          column.name,
        );
      }
    }
    const bad = await s.post({
      content: "fileRepository",
      action: "list",
      format: "csv",
      returnFormat: "csv",
      folder_id: "99",
    });
    strictEqual(bad.status, 400);
    strictEqual(
      bad.text,
      "ERROR: The File Repository folder folder_id=99 does not exist or else you do not have " +
        "permission to that folder because it is DAG-restricted or Role-restricted.",
    );
  },
});

Deno.test("exportRepositoryFile() and deleteRepositoryFile(): deleted files go to the recycle bin", async () => {
  const s = await repository();
  const listing = (await s.post({ content: "fileRepository", action: "list", format: "json" }))
    .json();
  const docId = String(listing.find((r: { name: string }) => r.name === "mugshot-2.jpg").doc_id);
  const handler = createRedcapHandler(s.store);
  const body = new URLSearchParams({
    token: s.token,
    content: "fileRepository",
    action: "export",
    doc_id: docId,
  });
  const file = await handler(new Request("http://redcap.test/api/", { method: "POST", body }));
  strictEqual(file.status, 200);
  strictEqual(file.headers.get("content-type"), 'image/jpeg; name="mugshot-2.jpg"');
  strictEqual(await file.text(), "mugshot 2");
  const deleted = await s.post({ content: "fileRepository", action: "delete", doc_id: docId });
  strictEqual(deleted.status, 200);
  strictEqual(deleted.text, "");
  const after = (await s.post({ content: "fileRepository", action: "list", format: "json" }))
    .json();
  strictEqual(after.some((r: { name: string }) => r.name === "mugshot-2.jpg"), false);
  const again = await s.post({
    content: "fileRepository",
    action: "export",
    doc_id: docId,
    returnFormat: "json",
  });
  strictEqual(again.status, 400);
  match(again.json().error, /doc_id \d+ does not exist/);
  const row = s.store.sql("SELECT deleted_at FROM repo_files WHERE doc_id = ?").get(Number(docId));
  match(
    String(row?.deleted_at),
    /^\d{4}-\d{2}-\d{2} /,
    "kept in the recycle bin with its deletion time",
  );
  strictEqual(
    s.store.file(s.projectId, Number(docId))?.content.length,
    9,
    "content kept meanwhile",
  );
  s.store.sql("UPDATE repo_files SET deleted_at = '2000-01-01 00:00:00' WHERE doc_id = ?").run(
    Number(docId),
  );
  await s.post({ content: "fileRepository", action: "list", format: "json" });
  strictEqual(
    s.store.file(s.projectId, Number(docId)),
    undefined,
    "removed for good after 30 days",
  );
});

Deno.test("fileRepository folders restricted to a DAG are hidden from other DAGs; rights", async () => {
  const project = classicProject();
  project.dags.push({
    data_access_group_name: "Site B",
    unique_group_name: "site_b",
    data_access_group_id: 42,
  });
  const s = setup(project);
  const made = await s.post({
    content: "fileRepository",
    action: "createFolder",
    name: "B only",
    dag_id: "42",
    format: "csv",
  });
  strictEqual(made.text, "folder_id\n1\n");
  const same = await s.post({
    content: "fileRepository",
    action: "createFolder",
    name: "B only",
    format: "json",
  });
  deepStrictEqual(same.json(), [{ folder_id: 1 }], "an existing folder is not duplicated");
  const siteA = s.tokenWith({ data_access_group: "site_a" });
  const hidden = await s.post({
    token: siteA,
    content: "fileRepository",
    action: "list",
    format: "json",
  });
  deepStrictEqual(hidden.json(), []);
  const denied = await s.post({
    token: siteA,
    content: "fileRepository",
    action: "list",
    folder_id: "1",
    returnFormat: "json",
  });
  strictEqual(denied.status, 400);
  const shown = await s.post({
    token: s.tokenWith({ data_access_group: "site_b" }),
    content: "fileRepository",
    action: "list",
    format: "json",
  });
  deepStrictEqual(shown.json(), [{
    folder_id: 1,
    doc_id: "",
    name: "B only",
    role: "",
    dag: "Site B",
  }]);
  const noRight = await s.post({
    token: s.tokenWith({ file_repository: 0 }),
    content: "fileRepository",
    action: "list",
    returnFormat: "json",
  });
  strictEqual(noRight.status, 403);
  strictEqual(noRight.json().error, "You do not have File Repository privileges");
  const noImport = await upload(
    s,
    { content: "fileRepository", action: "import", returnFormat: "json" },
    new File(["x"], "x.txt"),
    s.tokenWith({ api_import: 0 }),
  );
  strictEqual(noImport.status, 403);
  const tooLong = await s.post({
    content: "fileRepository",
    action: "createFolder",
    name: "x".repeat(151),
  });
  strictEqual(tooLong.status, 400);
});
