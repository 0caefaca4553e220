import { strictEqual } from "node:assert/strict";
import { nativeGarbageCollector } from "../lib/_native_gc.ts";

Deno.test("nativeGarbageCollector counts growth from its creation, not from zero", () => {
  const rss = Deno.memoryUsage().rss / (1024 * 1024);
  // Half the process's memory has not been added since the collector was made: no collection,
  // however large the process already is.
  const collect = nativeGarbageCollector(0, rss / 2);
  strictEqual(collect(), false);
  strictEqual(collect(), false);
});

Deno.test("nativeGarbageCollector collects once memory grew past the bound", () => {
  const collect = nativeGarbageCollector(0, 16);
  // Grow resident memory by 64 MiB (filled, so the pages are resident) after the collector was
  // made: the growth bound is passed whatever the process did before.
  const ballast = new Uint8Array(64 * 1024 * 1024).fill(1);
  strictEqual(collect(), true);
  strictEqual(ballast[ballast.length - 1], 1);
  // Below the absolute floor nothing is collected.
  strictEqual(nativeGarbageCollector(1e9, 0)(), false);
});
