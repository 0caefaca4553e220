import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { loadProject } from "../../../lib/server/load.ts";
import { serveRedcap } from "../../../lib/server/serve.ts";
import { RedcapStore } from "../../../lib/server/store.ts";

const METADATA = "field_name,form_name,field_type,field_label,select_choices_or_calculations," +
  "text_validation_type_or_show_slider_number\n" +
  "record_id,main,text,ID,,\n" +
  "balance,main,text,Balance,,number\n" +
  "age,main,text,Age,,integer\n" +
  "sex,main,radio,Sex,1, F | 2, M,\n" +
  "note,main,notes,Note,,\n";

/** A folder of a real project's downloads: CSV-injection escaping and values failing validation. */
async function downloads(): Promise<string> {
  const folder = await Deno.makeTempDir();
  await Deno.writeTextFile(
    join(folder, "metadata.csv"),
    METADATA.replace("1, F | 2, M", '"1, F | 2, M"'),
  );
  await Deno.writeTextFile(
    join(folder, "records.csv"),
    "record_id,balance,age,sex,note\n" +
      '1," -100",abc,1," =SUM(A1)"\n' +
      '2,5,7,9," plain"\n',
  );
  return folder;
}

Deno.test("a folder of real downloads loads as REDCap reads it: CSV-injection spaces removed, invalid values kept with a report", async () => {
  const folder = await downloads();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(" "));
  const store = RedcapStore.open();
  try {
    const { projectId } = loadProject(store, folder);
    const value = (record: string, field: string) =>
      store.sql("SELECT value FROM data WHERE project_id = ? AND record = ? AND field_name = ?")
        .get(projectId, record, field)?.value;
    strictEqual(value("1", "balance"), "-100", "the escaping space is removed");
    strictEqual(value("1", "note"), "=SUM(A1)");
    strictEqual(value("2", "note"), " plain", "other leading spaces are data");
    deepStrictEqual([value("1", "age"), value("2", "sex")], ["abc", "9"], "kept as REDCap holds");
    strictEqual(warnings.length, 1);
    ok(warnings[0].includes("2 value(s) that fail"), warnings[0]);
    ok(warnings[0].includes("record 1, field age, value 'abc'"), warnings[0]);
    ok(warnings[0].includes("record 2, field sex, value '9'"), warnings[0]);
  } finally {
    console.warn = warn;
    store.close();
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("serve starts on such a folder (one failing value no longer stops it)", async () => {
  const folder = await downloads();
  const warn = console.warn;
  console.warn = () => {};
  try {
    const server = await serveRedcap({ projects: [folder] });
    try {
      const response = await fetch(server.url, {
        method: "POST",
        body: new URLSearchParams({
          token: server.tokens[0].token,
          content: "record",
          format: "json",
          records: "1",
        }),
      });
      const [row] = await response.json();
      deepStrictEqual([row.balance, row.age], ["-100", "abc"]);
    } finally {
      await server.close();
    }
  } finally {
    console.warn = warn;
    await Deno.remove(folder, { recursive: true });
  }
});
