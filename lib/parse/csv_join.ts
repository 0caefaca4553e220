/**
 * CSV bodies of one export joined under one header as they arrive, so they can be parsed once.
 *
 * @module
 */
import { RedcapResponseError } from "../errors.ts";
import { csvHeader } from "./csv_rows.ts";

/**
 * Joins the CSV bodies of the batches of one export (same header) into one body: the first
 * whole, the others without their header line. The bodies are copied into one buffer as they
 * come, sized from the first body times the number of batches (pages never written are never
 * resident), so no body is held after it was added and nothing is copied at the end. A single
 * body is kept as it is.
 *
 * @example Two batches as one body
 * ```ts
 * import { CsvJoin } from "./csv_join.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const enc = new TextEncoder();
 * const join = new CsvJoin(2);
 * join.add(enc.encode("id,a\n1,x\n"), 0);
 * join.add(enc.encode("id,a\n2,y\n"), 1);
 * strictEqual(new TextDecoder().decode(join.bytes()), "id,a\n1,x\n2,y\n");
 * ```
 */
export class CsvJoin {
  #batches: number;
  #buffer: Uint8Array | undefined;
  #length = 0;
  #headerLine: Uint8Array | undefined;
  #header: string[] = [];

  /** @param batches How many bodies are expected (for the buffer's size; more may come). */
  constructor(batches: number) {
    this.#batches = batches;
  }

  /** The column names of the first body. */
  get header(): readonly string[] {
    return this.#header;
  }

  /**
   * Adds a body (checked whole beforehand).
   *
   * @param body The CSV body.
   * @param batch Its batch (0-based), for the error message.
   * @throws {RedcapResponseError} When its header differs from the first body's.
   */
  add(body: Uint8Array, batch: number): void {
    const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
    const headerEnd = body.indexOf(10, start) + 1;
    const headerLine = body.subarray(start, headerEnd);
    if (!this.#headerLine) {
      this.#headerLine = headerLine;
      this.#header = csvHeader(body);
      if (this.#batches <= 1) {
        this.#buffer = body;
        this.#length = body.length;
        return;
      }
      this.#buffer = new Uint8Array(Math.ceil(body.length * this.#batches * 1.05));
      this.#append(body);
      return;
    }
    if (!sameBytes(headerLine, this.#headerLine)) {
      throw new RedcapResponseError("record", "shape", `batch ${batch + 1} has another header`);
    }
    this.#append(body.subarray(headerEnd));
  }

  /** The joined body so far (a view of the buffer, not a copy). */
  bytes(): Uint8Array {
    const buffer = this.#buffer ?? new Uint8Array();
    return buffer.length === this.#length ? buffer : buffer.subarray(0, this.#length);
  }

  #append(part: Uint8Array): void {
    let buffer = this.#buffer!;
    if (this.#length + part.length > buffer.length) {
      // More than the first body suggested: grow by half again (or to fit).
      const grown = new Uint8Array(
        Math.max(this.#length + part.length, Math.ceil(buffer.length * 1.5)),
      );
      grown.set(buffer.subarray(0, this.#length));
      this.#buffer = buffer = grown;
    }
    buffer.set(part, this.#length);
    this.#length += part.length;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
