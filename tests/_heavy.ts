/**
 * The few slow tests (whole notebooks, every notebook page in Chromium, 100,000 demo records,
 * the longest random-project sweeps) run when `DENOCAP_HEAVY_TESTS=1`, as CI sets it; a plain
 * `deno task test` runs a smaller sample of each and lists the rest as ignored.
 *
 * @module
 */

/** Whether the heavy tests run (`DENOCAP_HEAVY_TESTS=1`). */
export const HEAVY: boolean = (() => {
  try {
    return Deno.env.get("DENOCAP_HEAVY_TESTS") === "1";
  } catch {
    return false; // no --allow-env
  }
})();
