/**
 * readDictionary(): the dictionary from the structure exports, asking a classic project only
 * what it can answer (REDCap refuses events and arms there), and each export once per client.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { RedcapClient } from "../../lib/client.ts";
import { readDictionary } from "../../lib/read/dictionary.ts";
import { createTestServer } from "../_helpers.ts";

const FOLDER_CLASSIC = new URL("../fixtures/folder_classic/", import.meta.url).pathname;

/** A client of a test server that records the `content` of every request. */
function recordingClient(source: string) {
  const server = createTestServer(source);
  const contents: string[] = [];
  const client = new RedcapClient("http://redcap.test/api/", server.token, {
    progressBar: false,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      contents.push(new URLSearchParams(await request.clone().text()).get("content") ?? "");
      return server.fetch(request);
    },
  });
  return { client, contents };
}

Deno.test("readDictionary() of the longitudinal demo has events, arms and repeating forms", async () => {
  const { client, contents } = recordingClient("demo");
  const dictionary = await readDictionary(client);
  strictEqual(dictionary.recordIdField, "record_id");
  ok(dictionary.longitudinal);
  ok(dictionary.events.length > 1);
  ok(dictionary.isRepeatingForm("adverse_events", "week_4_arm_1"));
  for (const content of ["metadata", "event", "arm", "formEventMapping", "repeatingFormsEvents"]) {
    ok(contents.includes(content), content);
  }
  const asked = contents.length;
  await readDictionary(client);
  strictEqual(contents.length, asked, "every export is cached by the client");
});

Deno.test("readDictionary() of a classic project asks no event, arm or mapping export", async () => {
  const { client, contents } = recordingClient(FOLDER_CLASSIC);
  const dictionary = await readDictionary(client);
  strictEqual(dictionary.longitudinal, false);
  deepStrictEqual(
    contents.filter((c) => ["event", "arm", "formEventMapping"].includes(c)),
    [],
  );
  ok(dictionary.fields.length > 0);
});
