import { match, strictEqual } from "node:assert/strict";
import { longitudinalProject, setup } from "./_setup.ts";

function production() {
  const project = longitudinalProject();
  project.info.in_production = "1";
  return setup(project);
}

Deno.test("deleteArms(), importEvents() and deleteEvents() need development status", async () => {
  const s = production();
  const requests: Record<string, string>[] = [
    { content: "arm", action: "delete", "arms[0]": "2" },
    {
      content: "event",
      action: "import",
      data: JSON.stringify([{ event_name: "New", arm_num: 1 }]),
    },
    { content: "event", action: "delete", "events[0]": "visit_1_arm_1" },
    {
      content: "event",
      action: "import",
      override: "1",
      data: JSON.stringify([{ event_name: "Only", arm_num: 1 }]),
    },
  ];
  for (const request of requests) {
    const answer = await s.post({ format: "json", ...request });
    strictEqual(answer.status, 400, JSON.stringify(request));
    match(answer.json().error, /Development status/);
  }
  strictEqual(s.store.project(s.projectId).events.length, 3, "nothing changed");
});

Deno.test("deleteArms() and deleteEvents() work in development status and need design rights", async () => {
  const s = setup(longitudinalProject());
  const noDesign = s.tokenWith({ design: 0 });
  const denied = await s.post({
    token: noDesign,
    content: "event",
    action: "delete",
    format: "json",
    "events[0]": "visit_1_arm_1",
  });
  strictEqual(denied.status, 400);
  strictEqual(denied.json().error, "You do not have Project Design and Setup privileges");
  const deleted = await s.post({
    content: "event",
    action: "delete",
    format: "json",
    "events[0]": "visit_1_arm_1",
  });
  strictEqual(deleted.text, "1");
  strictEqual(s.store.project(s.projectId).events.length, 2);
});
