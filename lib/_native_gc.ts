/**
 * Frees native (Polars) memory held by unreachable DataFrames between the batches of a large
 * read. V8 does not see the native memory behind nodejs-polars objects, so it rarely collects
 * them on its own and a batched read would otherwise grow with every batch.
 *
 * @module
 */
import v8 from "node:v8";
import vm from "node:vm";

type Gc = () => void;
let collect: Gc | null | undefined;

/** Runs a full garbage collection when the runtime allows it; a no-op otherwise. */
export function collectNativeGarbage(): void {
  if (collect === undefined) {
    collect = null;
    try {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (typeof exposed === "function") collect = exposed as Gc;
      else {
        v8.setFlagsFromString("--expose-gc");
        const gc = vm.runInNewContext("gc") as unknown;
        if (typeof gc === "function") collect = gc as Gc;
      }
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/**
 * A collector for the batches of one read: each call runs a full
 * {@linkcode collectNativeGarbage} only when resident memory is above `aboveMiB` and has grown
 * by `growthMiB` since the last collection, or since the collector was made (full: frames that
 * outlived a batch are old). Counting from the start of the read, not from zero, spares a read
 * that begins in a large process (a long notebook session) a full collection of everything
 * else at its first batch, which took seconds. Each
 * collection costs tens of milliseconds, too much to pay after every batch; the growth bound
 * keeps the garbage between two collections to about `growthMiB`.
 *
 * @param aboveMiB Resident memory below which nothing is collected.
 * @param growthMiB Growth since the last collection that triggers the next.
 * @returns A function to call after each batch; it returns whether it collected.
 */
export function nativeGarbageCollector(aboveMiB: number, growthMiB: number): () => boolean {
  let last = Deno.memoryUsage().rss / (1024 * 1024);
  return () => {
    const rss = Deno.memoryUsage().rss / (1024 * 1024);
    if (rss < aboveMiB || rss - last < growthMiB) return false;
    collectNativeGarbage();
    last = Deno.memoryUsage().rss / (1024 * 1024);
    return true;
  };
}
