/**
 * Demo data generation: `demoProject()` for 100,000 records against ten runs of 10,000, so the
 * ratio shows whether generation stays linear in the record count (about 2.5 s for 100,000 on
 * an idle 2-core machine). The test suite checks only what it generates, never how fast.
 *
 * `deno bench -A bench/demo_bench.ts`
 *
 * @module
 */
import { demoProject } from "../lib/server/demo/mod.ts";

Deno.bench({
  name: "demoProject, 10 x 10,000 records",
  group: "demoProject",
  baseline: true,
  n: 3,
  warmup: 1,
  fn() {
    for (let i = 0; i < 10; i++) demoProject({ records: 10_000, seed: i + 1 });
  },
});

Deno.bench({
  name: "demoProject, 100,000 records",
  group: "demoProject",
  n: 3,
  warmup: 1,
  fn() {
    demoProject({ records: 100_000 });
  },
});
