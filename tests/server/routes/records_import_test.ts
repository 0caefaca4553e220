import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { classicProject, dump, longitudinalProject, serve } from "../records/_projects.ts";

const CSV = "record_id,name,age\n1,Ann,30\n2,Bob,41\n3,Cy,52\n";

Deno.test("content=record import answers count in the returnFormat as REDCap does", async () => {
  const s = serve(classicProject());
  const cases: [Record<string, string>, string, string][] = [
    [{ format: "csv" }, "text/csv", "3"],
    [
      { format: "json", data: '[{"record_id":"1"},{"record_id":"2"},{"record_id":"3"}]' },
      "application/json",
      '{"count": 3}',
    ],
    [
      {
        format: "xml",
        data: "<records>" + "<item><record_id>1</record_id></item>".repeat(3) + "</records>",
      },
      "text/xml",
      '<?xml version="1.0" encoding="UTF-8" ?><count>1</count>',
    ],
    [{ format: "csv", returnFormat: "csv" }, "text/csv", "3"],
    [{ format: "csv", returnFormat: "json" }, "application/json", '{"count": 3}'],
    [
      { format: "csv", returnFormat: "xml" },
      "text/xml",
      '<?xml version="1.0" encoding="UTF-8" ?><count>3</count>',
    ],
  ];
  for (const [params, type, body] of cases) {
    const response = await s.post({ content: "record", data: CSV, ...params });
    strictEqual(response.status, 200);
    strictEqual(await response.text(), body);
    ok(response.headers.get("content-type")?.startsWith(type));
  }
});

Deno.test("content=record import answers ids, auto_ids and nothing in each format", async () => {
  const s = serve(classicProject());
  const post = async (params: Record<string, string>) => {
    const response = await s.post({ content: "record", format: "csv", data: CSV, ...params });
    strictEqual(response.status, 200);
    return await response.text();
  };
  strictEqual(await post({ returnContent: "ids", returnFormat: "json" }), '["1","2","3"]');
  strictEqual(await post({ returnContent: "ids", returnFormat: "csv" }), "id\n1\n2\n3");
  strictEqual(
    await post({ returnContent: "ids", returnFormat: "xml" }),
    '<?xml version="1.0" encoding="UTF-8" ?><ids><id>1</id><id>2</id><id>3</id></ids>',
  );
  strictEqual(await post({ returnContent: "nothing", returnFormat: "json" }), "");
  // auto_ids without forceAutoNumber falls back to count.
  strictEqual(await post({ returnContent: "auto_ids", returnFormat: "json" }), '{"count": 3}');
  strictEqual(
    await post({ returnContent: "auto_ids", forceAutoNumber: "true", returnFormat: "json" }),
    '["4,1","5,2","6,3"]',
  );
  strictEqual(
    await post({ returnContent: "auto_ids", forceAutoNumber: "1", returnFormat: "csv" }),
    "id,original_id\n7,1\n8,2\n9,3",
  );
  strictEqual(
    await post({ returnContent: "auto_ids", forceAutoNumber: "TRUE", returnFormat: "xml" }),
    '<?xml version="1.0" encoding="UTF-8" ?><ids><id>10,1</id><id>11,2</id><id>12,3</id></ids>',
  );
  strictEqual(s.store.records(s.projectId).length, 12);
});

Deno.test("content=record import reads json (numbers as text) and xml with CDATA", async () => {
  const s = serve(classicProject());
  let response = await s.post({
    content: "record",
    format: "json",
    data: JSON.stringify([{ record_id: 3, age: 30, name: "x", sex: null }]),
  });
  strictEqual(await response.text(), '{"count": 1}');
  deepStrictEqual(s.store.values(s.projectId, "3", 1, 1, "age"), ["30"]);
  response = await s.post({
    content: "record",
    format: "xml",
    data: '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n<item><record_id>4</record_id>' +
      "<name><![CDATA[ <b>A & B</b> ]]></name><age></age></item>\n" +
      "<item><record_id>5</record_id><notes>x &amp; y</notes></item>\n</records>",
  });
  strictEqual(response.status, 200);
  strictEqual(await response.text(), '<?xml version="1.0" encoding="UTF-8" ?><count>2</count>');
  deepStrictEqual(s.store.values(s.projectId, "4", 1, 1, "name"), [" <b>A & B</b> "]);
  deepStrictEqual(s.store.values(s.projectId, "5", 1, 1, "notes"), ["x & y"]);
});

Deno.test("content=record import rejects malformed data with a message naming the problem", async () => {
  const s = serve(classicProject());
  const cases: [Record<string, string>, RegExp][] = [
    [{ format: "json", data: '{"record_id":"1"}' }, /^\{"error":"The JSON must be in an array"\}$/],
    [{ format: "json", data: "[{" }, /not valid JSON/],
    [{ format: "json", data: "[1]" }, /item 1 of the JSON array is not an object/],
    [
      { format: "json", data: '[{"record_id":"1","name":{"a":1}}]' },
      /JSON value of 'name' is an object/,
    ],
    [
      { format: "xml", data: "<records><item><record_id>1</item></records>" },
      /not well-formed XML/,
    ],
    [{ format: "xml", data: "<rows><item/></rows>" }, /no <records> root/],
    [{ format: "csv", data: 'record_id,name\n1,"open' }, /unterminated quote/],
    [{ format: "csv", data: "record_id,name\n1,a,b\n" }, /row 1 has 3 cells but the header has 2/],
  ];
  for (const [params, pattern] of cases) {
    const response = await s.post({ content: "record", returnFormat: "json", ...params });
    strictEqual(response.status, 400, params.data);
    const body = await response.text();
    ok(pattern.test(body), `${params.data}: ${body}`);
  }
  deepStrictEqual(dump(s.store, s.projectId), []);
});

Deno.test("content=record import returns REDCap's error lines and leaves the store unchanged", async () => {
  const s = serve(classicProject());
  const response = await s.post({
    content: "record",
    format: "csv",
    returnFormat: "csv",
    data: "record_id,age,sex\n1,30,1\n2,abc,1\n3,3,7\n",
  });
  strictEqual(response.status, 400);
  strictEqual(
    await response.text(),
    'ERROR: "2","age","abc","The value you provided could not be validated because it does not ' +
      'follow the expected format. Please try again."\n' +
      '"3","sex","7","The value is not a valid category for sex"',
  );
  deepStrictEqual(dump(s.store, s.projectId), []);
});

Deno.test("content=record import honours overwriteBehavior, dateFormat, csvDelimiter and the CSV space rule", async () => {
  const s = serve(classicProject());
  await s.post({ content: "record", format: "csv", data: "record_id,name,age\n1,Ann,30\n" });
  let response = await s.post({
    content: "record",
    format: "csv",
    csvDelimiter: ";",
    dateFormat: "DMY",
    data: "record_id;name;age;dob;notes\n1;;31;31/12/1999; =SUM(A1)\n",
  });
  strictEqual(response.status, 200);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "name"), ["Ann"]);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "dob"), ["1999-12-31"]);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "notes"), ["=SUM(A1)"]);
  response = await s.post({
    content: "record",
    format: "csv",
    csvDelimiter: "tab",
    overwriteBehavior: "overwrite",
    data: "record_id\tname\tage\n1\t\t32\n",
  });
  strictEqual(response.status, 200);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "name"), []);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "age"), ["32"]);
  // JSON keeps a leading space: the rule is CSV-only.
  await s.post({ content: "record", format: "json", data: '[{"record_id":"1","notes":" =x"}]' });
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "notes"), [" =x"]);
});

Deno.test("content=record import reads EAV rows, checkboxes as field___code and repeat instances", async () => {
  const s = serve(classicProject());
  const data = [
    { record: "1", field_name: "name", value: "Ann" },
    { record: "1", field_name: "race___2", value: "1" },
    { record: "1", field_name: "record_id", value: "1" },
    {
      record: "1",
      field_name: "visit_score",
      value: "7",
      redcap_repeat_instrument: "visits",
      redcap_repeat_instance: "2",
    },
    { record: "2", field_name: "age", value: "40" },
  ];
  const response = await s.post({
    content: "record",
    format: "json",
    type: "eav",
    data: JSON.stringify(data),
    returnContent: "ids",
  });
  strictEqual(await response.text(), '["1","2"]');
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 1, "race"), ["2"]);
  deepStrictEqual(s.store.values(s.projectId, "1", 1, 2, "visit_score"), ["7"]);
  deepStrictEqual(s.store.values(s.projectId, "2", 1, 1, "age"), ["40"]);
  const csv = await s.post({
    content: "record",
    format: "csv",
    type: "eav",
    returnFormat: "json",
    data: "record,field_name,value\n3,age,x\n",
  });
  strictEqual(csv.status, 400);
  ok((await csv.text()).includes('\\"3\\",\\"age\\",\\"x\\"'));
  const newInstance = await s.post({
    content: "record",
    format: "json",
    type: "eav",
    returnFormat: "json",
    data: JSON.stringify([{ ...data[3], redcap_repeat_instance: "new" }]),
  });
  strictEqual(newInstance.status, 400);
  ok((await newInstance.text()).includes("only allowed in flat imports"));
});

Deno.test("content=record import in a longitudinal project defaults to the first event", async () => {
  const s = serve(longitudinalProject());
  const response = await s.post({
    content: "record",
    format: "json",
    data:
      '[{"study_id":"1","dob":"2000-01-01"},{"study_id":"2","redcap_event_name":"baseline_arm_2"}]',
  });
  strictEqual(await response.text(), '{"count": 2}');
  deepStrictEqual(s.store.values(s.projectId, "1", 41, 1, "dob"), ["2000-01-01"]);
  deepStrictEqual(s.store.recordArms(s.projectId, "2"), [2]);
});

Deno.test("content=record import needs API import rights, and record_create for new records", async () => {
  const s = serve(classicProject());
  const reader = s.tokenFor({ username: "reader", api_import: 0 });
  let response = await s.post(
    { content: "record", format: "csv", returnFormat: "csv", data: CSV },
    undefined,
    reader,
  );
  strictEqual(response.status, 403);
  strictEqual(await response.text(), "ERROR: You do not have API Import/Update privileges");
  await s.post({ content: "record", format: "csv", data: "record_id,name\n1,A\n" });
  const editor = s.tokenFor({ username: "editor", record_create: 0 });
  response = await s.post(
    { content: "record", format: "csv", returnFormat: "csv", data: "record_id,name\n1,B\n" },
    undefined,
    editor,
  );
  strictEqual(await response.text(), "1");
  response = await s.post(
    { content: "record", format: "csv", returnFormat: "csv", data: "record_id,name\n2,B\n" },
    undefined,
    editor,
  );
  strictEqual(response.status, 403);
  strictEqual(
    await response.text(),
    "ERROR: Your user privileges do NOT allow you to create new records.",
  );
  deepStrictEqual(s.store.recordArms(s.projectId, "2"), []);
});

Deno.test("content=record import by a DAG user puts new records in the user's DAG", async () => {
  const s = serve(classicProject());
  const dagUser = s.tokenFor({ username: "site", data_access_group: "site_a" });
  const response = await s.post(
    {
      content: "record",
      format: "csv",
      returnFormat: "json",
      returnContent: "auto_ids",
      forceAutoNumber: "true",
      data: "record_id,name\nx,A\ny,B\n",
    },
    undefined,
    dagUser,
  );
  strictEqual(await response.text(), '["20-1,x","20-2,y"]');
  strictEqual(s.store.recordDag(s.projectId, "20-2"), "site_a");
});

Deno.test("content=record import with backgroundProcess answers REDCap's success body", async () => {
  const s = serve(classicProject());
  const bodies: [string, string][] = [
    ["json", '{"success":true}'],
    ["csv", "success\ntrue"],
    ["xml", '<?xml version="1.0" encoding="UTF-8" ?><success>true</success>'],
  ];
  for (const [returnFormat, body] of bodies) {
    const response = await s.post({
      content: "record",
      format: "csv",
      backgroundProcess: "1",
      returnFormat,
      data: CSV,
    });
    strictEqual(await response.text(), body);
  }
  strictEqual(s.store.records(s.projectId).length, 3);
});
