/**
 * Frees native (Polars) memory held by unreachable DataFrames between the batches of a large
 * read. V8 does not see the native memory behind nodejs-polars objects, so it rarely collects
 * them on its own and a batched read would otherwise grow with every batch.
 *
 * @module
 */
import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | null | undefined;

/** Runs a full garbage collection when the runtime allows it; a no-op otherwise. */
export function collectNativeGarbage(): void {
  if (collect === undefined) {
    collect = null;
    try {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (typeof exposed === "function") collect = exposed;
      else {
        v8.setFlagsFromString("--expose-gc");
        const gc = vm.runInNewContext("gc") as unknown;
        if (typeof gc === "function") collect = gc as () => void;
      }
    } catch {
      collect = null;
    }
  }
  collect?.();
}
