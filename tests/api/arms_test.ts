/** `exportArms` on a fake server: the `arms` filter, its check, the per-selection cache. */
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { exportArms } from "../../lib/api/arms.ts";
import { INTERNAL } from "../../lib/_request.ts";
import { fakeClient, json } from "./_fake.ts";

Deno.test("exportArms() sends arms[i], checks them, and caches each selection", async () => {
  const { client, seen } = fakeClient((params) =>
    json(
      params["arms[0]"] === "2"
        ? [{ arm_num: 2, name: "Drug" }]
        : [{ arm_num: 1, name: "Placebo" }, { arm_num: 2, name: "Drug" }],
    )
  );
  deepStrictEqual((await exportArms(client)).map((a) => a.name), ["Placebo", "Drug"]);
  deepStrictEqual(await exportArms(client, { arms: [2] }), [{ arm_num: 2, name: "Drug" }]);
  // Cached per selection: no new request.
  await exportArms(client);
  await exportArms(client, { arms: ["2"] });
  strictEqual(seen.length, 2);
  deepStrictEqual([seen[0].params.content, seen[1].params["arms[0]"]], ["arm", "2"]);
  await rejects(exportArms(client, { arms: ["two"] }), /"arms\[0\]" must be an arm number/);
  strictEqual(seen.length, 2);
});

Deno.test("exportArms() takes the client's internals, not only a RedcapClient", async () => {
  const { client, seen } = fakeClient(() => json([{ arm_num: 1, name: "Arm 1" }]));
  // What lib/api sees of a client: its transport and cache, nothing else.
  const connection = { [INTERNAL]: client[INTERNAL] };
  deepStrictEqual(await exportArms(connection), [{ arm_num: 1, name: "Arm 1" }]);
  strictEqual(seen.length, 1);
  await rejects(exportArms({} as never), /expected a RedcapClient/);
});
