import assert from "node:assert/strict";
import { ProgressTracker, renderProgress } from "../lib/_progress.ts";
import type { ProgressEvent } from "../lib/types.ts";

Deno.test("ProgressTracker reports running totals with counts only", () => {
  const events: ProgressEvent[] = [];
  const tracker = new ProgressTracker("record", 1, {
    onProgress: (e) => events.push(e),
    bar: false,
  });
  tracker.step(100, 0);
  tracker.total = 3;
  tracker.step(50, 10);
  tracker.step(25, 5);
  tracker.finish();
  assert.deepEqual(events, [
    { content: "record", batchesDone: 1, batchesTotal: 1, records: 0, bytes: 100 },
    { content: "record", batchesDone: 2, batchesTotal: 3, records: 10, bytes: 150 },
    { content: "record", batchesDone: 3, batchesTotal: 3, records: 15, bytes: 175 },
  ]);
});

Deno.test("renderProgress() draws a bar of the finished share", () => {
  const line = renderProgress({
    content: "record",
    batchesDone: 1,
    batchesTotal: 4,
    records: 10,
    bytes: 2_500_000,
  }, 8);
  assert.equal(line, "record [##------] 1/4 batches, 10 records, 2.5 MB");
});

Deno.test("ProgressTracker shows one updating Jupyter display line", () => {
  const shown: { text: string; options: Deno.jupyter.DisplayOptions }[] = [];
  const written: string[] = [];
  const jupyter = {
    display: (bundle: unknown, options?: Deno.jupyter.DisplayOptions) => {
      shown.push({ text: (bundle as { "text/plain": string })["text/plain"], options: options! });
      return Promise.resolve();
    },
  };
  const stderr = {
    writeSync: (b: Uint8Array) => (written.push(new TextDecoder().decode(b)), b.length),
  };
  const tracker = new ProgressTracker("record", 2, { bar: true }, { jupyter, stderr });
  tracker.step(10, 1);
  tracker.step(10, 1);
  tracker.finish();
  assert.equal(shown.length, 2);
  assert.equal(shown[0].options.update, false);
  assert.equal(shown[1].options.update, true);
  assert.equal(shown[0].options.display_id, shown[1].options.display_id);
  assert.match(shown[1].text, /2\/2 batches/);
  assert.deepEqual(written, []);
});

Deno.test("ProgressTracker draws a bar on stderr only for multi-request calls", () => {
  const written: string[] = [];
  const stderr = {
    writeSync: (b: Uint8Array) => (written.push(new TextDecoder().decode(b)), b.length),
  };
  const single = new ProgressTracker("metadata", 1, { bar: true }, { stderr });
  single.step(10, 1);
  single.finish();
  assert.deepEqual(written, []);
  const multi = new ProgressTracker("record", 2, { bar: true }, { stderr });
  multi.step(10, 1);
  multi.step(10, 1);
  multi.finish();
  assert.equal(written.length, 3);
  assert.match(written[0], /^\rrecord \[#{10}-{10}\] 1\/2 batches/);
  assert.equal(written[2], "\n");
});
