/**
 * Reads the EAV CSV bodies of one batched read as flat String frames (`eavCsvToArrow`, then
 * `pl.readIPCStream`): the first body on the calling thread, later ones on a worker, so
 * converting a batch overlaps with typing the one before it. Where workers are not available
 * (no read permission for the worker's module, a remote import), everything runs inline.
 *
 * @module
 */
import pl from "../deps/polars.ts";
import { type EavCsvOptions, type EavCsvPlan, eavCsvToArrow } from "./eav_csv.ts";
import type { EavAnswer, EavJob } from "./_eav_worker.ts";

interface Pending {
  resolve: (ipc: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/** The Arrow IPC schema message of String columns, as Polars writes it (LargeUtf8). */
export function ipcSchema(columns: readonly string[]): Uint8Array {
  const empty = pl.DataFrame({}, {
    schema: Object.fromEntries(columns.map((c) => [c, pl.String])),
  });
  const stream = new Uint8Array(empty.writeIPCStream() as Uint8Array);
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  if (view.getInt32(0, true) !== -1) throw new Error("Cannot build Arrow schema: unexpected IPC");
  return stream.slice(0, 8 + view.getInt32(4, true));
}

/** Reads the EAV CSV bodies of one read; `close()` when done. */
export class EavCsvConverter {
  readonly #plan: EavCsvPlan;
  readonly #options: EavCsvOptions;
  /** The worker (started on the second body); `null` when unavailable or closed. (One:
   * a second one on a two-core machine only takes cores from Polars.) */
  #worker: Worker | null | undefined;
  #calls = 0;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  /**
   * @param plan The dictionary's plan.
   * @param columns The flat columns, in order.
   * @param flatRows Keep only the flat export's rows.
   */
  constructor(plan: EavCsvPlan, columns: readonly string[], flatRows: boolean) {
    this.#plan = plan;
    this.#options = { columns, flatRows, schema: ipcSchema(columns) };
  }

  /** The flat String frame of an EAV CSV body (the body is handed over: do not use it after). */
  async read(body: Uint8Array): Promise<pl.DataFrame> {
    const ipc = await this.#convert(body);
    return pl.readIPCStream(Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength));
  }

  /** Starts the worker now when there will be more than one body (it loads while the first
   * body is on its way). */
  prepare(bodies: number): void {
    if (bodies > 1) this.#start();
  }

  /** Stops the worker (pending conversions fail). */
  close(): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const { reject } of this.#pending.values()) {
      reject(new Error("Cannot convert EAV: the converter was closed"));
    }
    this.#pending.clear();
  }

  #convert(body: Uint8Array): Promise<Uint8Array> {
    this.#calls++;
    const worker = this.#calls > 1 ? this.#start() : null;
    if (!worker) {
      try {
        return Promise.resolve(eavCsvToArrow(body, this.#plan, this.#options));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const id = this.#nextId++;
    // A body that is a view of a larger buffer is copied, so the transfer takes only it.
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength
      ? body
      : body.slice();
    const job: EavJob = { id, body: own, options: this.#options };
    if (id === 0) job.plan = this.#plan;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage(job, [own.buffer as ArrayBuffer]);
    });
  }

  #start(): Worker | null {
    if (this.#worker !== undefined) return this.#worker;
    // A worker needs to read its module: without that permission (or from a remote copy of
    // denocap), bodies are converted inline.
    const url = new URL("./_eav_worker.ts", import.meta.url);
    try {
      if (
        url.protocol !== "file:" ||
        Deno.permissions.querySync({ name: "read", path: url }).state !== "granted"
      ) {
        this.#worker = null;
        return null;
      }
      this.#worker = new Worker(url.href, { type: "module" });
    } catch {
      this.#worker = null;
      return null;
    }
    this.#worker.onmessage = ({ data }: MessageEvent<EavAnswer>) => this.#answer(data);
    this.#worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`Cannot convert EAV: the worker failed: ${event.message}`);
      for (const { reject } of this.#pending.values()) reject(error);
      this.#pending.clear();
      this.#worker?.terminate();
      this.#worker = null;
    };
    return this.#worker;
  }

  #answer(data: EavAnswer): void {
    const pending = this.#pending.get(data.id);
    if (!pending) return;
    this.#pending.delete(data.id);
    if ("flat" in data) pending.resolve(data.flat);
    else {
      // Convert again here: the error is thrown with its own class and stack.
      try {
        pending.resolve(eavCsvToArrow(data.failed, this.#plan, this.#options));
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
