import assert from "node:assert/strict";
import { parseRedcapXml, parseRedcapXmlRows } from "../../lib/parse/xml.ts";
import { RedcapResponseError } from "../../lib/errors.ts";

const XML = '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n' +
  "<item><record_id><![CDATA[007]]></record_id><notes><![CDATA[a ]]]]><![CDATA[> b\nc & <d>]]></notes><age></age></item>\n" +
  "<item><record_id><![CDATA[2]]></record_id><notes></notes><age><![CDATA[30]]></age></item>\n</records>\n";

Deno.test("parseRedcapXmlRows() reads CDATA values as text, split CDATA joined", () => {
  assert.deepEqual(parseRedcapXmlRows(XML, "record"), [
    { record_id: "007", notes: "a ]]> b\nc & <d>", age: "" },
    { record_id: "2", notes: "", age: "30" },
  ]);
  assert.deepEqual(
    parseRedcapXmlRows(
      '<?xml version="1.0" encoding="UTF-8" ?>\n<records>\n\n</records>\n',
      "record",
    ),
    [],
  );
});

Deno.test("parseRedcapXml() reports cut-short XML and parseRedcapXmlRows() a missing root", () => {
  assert.throws(
    () => parseRedcapXml(XML.slice(0, 80), "record"),
    (e: Error) => e instanceof RedcapResponseError && e.problem === "truncated",
  );
  assert.throws(() => parseRedcapXmlRows("<count>3</count>", "record"), /no <records> element/);
  assert.deepEqual(parseRedcapXml("<ids><id>1</id></ids>", "record"), { ids: { id: ["1"] } });
});
