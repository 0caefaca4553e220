/**
 * Progress of a call: `onProgress` events, a bar on stderr when stderr is a terminal, and one
 * updating line when running under Jupyter (`Deno.jupyter`). Events never carry parameters or
 * the token: only counts.
 *
 * @module
 */
import type { ProgressEvent } from "./types.ts";

/** Where progress goes. */
export interface ProgressSinks {
  onProgress?: (event: ProgressEvent) => void;
  /** Draw a bar (stderr terminal or Jupyter) for calls of more than one request. */
  bar: boolean;
}

let displayCounter = 0;

/** The Jupyter API, looked up once (null: not under `deno jupyter`). */
let jupyter: Pick<typeof Deno.jupyter, "display"> | null | undefined;

/** The Jupyter API, or undefined outside `deno jupyter` (where `Deno.jupyter` throws: the
 * lookup costs an exception, so it is made once per process, not once per request). */
export function jupyterApi(): Pick<typeof Deno.jupyter, "display"> | undefined {
  if (jupyter === undefined) {
    try {
      jupyter = (Deno as { jupyter?: typeof Deno.jupyter }).jupyter ?? null;
    } catch {
      jupyter = null;
    }
  }
  return jupyter ?? undefined;
}

/** Where a bar is drawn (replaceable in tests). */
export interface ProgressHost {
  jupyter?: Pick<typeof Deno.jupyter, "display">;
  stderr: { writeSync(bytes: Uint8Array): number };
}

/** Tracks the requests of one call. */
export class ProgressTracker {
  readonly #content: string;
  readonly #sinks: ProgressSinks;
  #done = 0;
  #total: number;
  #records = 0;
  #bytes = 0;
  #displayId?: string;
  #drawn = false;

  readonly #host: ProgressHost;

  constructor(
    content: string,
    total: number,
    sinks: ProgressSinks,
    host: ProgressHost = { jupyter: jupyterApi(), stderr: Deno.stderr },
  ) {
    this.#host = host;
    this.#content = content;
    this.#total = total;
    this.#sinks = sinks;
  }

  /** Requests the call needs, once known. */
  set total(total: number) {
    this.#total = total;
  }

  /** Records one finished request. */
  step(bytes: number, records: number): void {
    this.#done++;
    this.#bytes += bytes;
    this.#records += records;
    const event: ProgressEvent = {
      content: this.#content,
      batchesDone: this.#done,
      batchesTotal: Math.max(this.#total, this.#done),
      records: this.#records,
      bytes: this.#bytes,
    };
    this.#sinks.onProgress?.(event);
    if (this.#sinks.bar && event.batchesTotal > 1) this.#draw(event);
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.#drawn) this.#host.stderr.writeSync(new TextEncoder().encode("\n"));
  }

  #draw(event: ProgressEvent): void {
    const line = renderProgress(event);
    const jupyter = this.#host.jupyter;
    if (jupyter) {
      const first = !this.#displayId;
      this.#displayId ??= `denocap-progress-${++displayCounter}`;
      // A failed display must not fail the export.
      Promise.resolve(jupyter.display({ "text/plain": line }, {
        raw: true,
        update: !first,
        display_id: this.#displayId,
      })).catch(() => {});
      return;
    }
    this.#drawn = true;
    this.#host.stderr.writeSync(new TextEncoder().encode(`\r${line}`));
  }
}

/**
 * One line of progress: `record [#####-----] 5/10 batches, 50000 records, 12.3 MB`.
 */
export function renderProgress(event: ProgressEvent, width = 20): string {
  const fraction = event.batchesTotal > 0 ? event.batchesDone / event.batchesTotal : 1;
  const filled = Math.round(Math.min(1, fraction) * width);
  const mb = (event.bytes / 1e6).toFixed(1);
  return `${event.content} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ` +
    `${event.batchesDone}/${event.batchesTotal} batches, ${event.records} records, ${mb} MB`;
}

/** Whether a bar can be shown: Jupyter, or stderr is a terminal. */
export function canShowBar(): boolean {
  if (jupyterApi()) return true;
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}
