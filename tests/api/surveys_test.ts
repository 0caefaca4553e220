/** Survey links and codes against the local server in-process. */
import assert from "node:assert/strict";
import type { RedcapClient } from "../../lib/client.ts";
import type { UserRights } from "../../lib/server/project.ts";
import { createTestServer } from "../_helpers.ts";
import { clientFor, limitedClient, refused } from "./_admin_client.ts";

async function surveyEvent(client: RedcapClient): Promise<string> {
  const mappings = await client.exportInstrumentEventMappings();
  return mappings.find((m) => m.form === "quality_of_life")!.unique_event_name;
}

Deno.test("survey links and codes come back as text for a survey record", async () => {
  const server = createTestServer();
  const client = clientFor(server);
  const event = await surveyEvent(client);
  const participants = await client.exportSurveyParticipantList({
    instrument: "quality_of_life",
    event,
  });
  assert.ok(participants.length > 0);
  const record = participants[0].record;
  const where = { record, instrument: "quality_of_life", event };
  const link = await client.exportSurveyLink(where);
  assert.match(link, /^https?:\/\/\S+\?s=\w+$/);
  const code = await client.exportSurveyAccessCode(where);
  assert.match(code, /^\w+$/);
  assert.equal(await client.exportSurveyAccessCode(where), code);
  assert.match(await client.exportSurveyReturnCode(where), /^\w+$/);
  const one = participants[0];
  assert.equal(one?.survey_link, link);
  assert.equal(one?.survey_access_code, code);
  await refused(
    client.exportSurveyLink({ record, instrument: "enrollment", event }),
    server.token,
    /not been enabled as a survey/,
  );
  assert.match(await client.exportSurveyQueueLink({ record }), /\?sq=\w+$/);
  await refused(client.exportSurveyQueueLink({ record: "no-such-record" }), server.token);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(client.exportSurveyLink({ record: "1" } as any), /"instrument" is required/);
  await assert.rejects(
    client.exportSurveyLink({ ...where, repeat_instance: 0 }),
    /"repeat_instance"/,
  );
  const limited = limitedClient(server, { manage_survey_participants: 0 } as Partial<UserRights>);
  await refused(
    limited.exportSurveyParticipantList({ instrument: "quality_of_life", event }),
    "C0FFEE".padEnd(32, "0"),
  );
});
