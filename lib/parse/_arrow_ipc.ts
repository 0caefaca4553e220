/**
 * Arrow IPC streams of String columns, written by hand: columns are built cell by cell
 * (`StringColumn`: LargeUtf8 offsets, validity, bytes) and `ipcStream()` frames them as one
 * record batch after a schema message. Polars reads such a stream without parsing
 * (`pl.readIPCStream`). No Polars here: the EAV worker writes these.
 *
 * @module
 */

/** One String column of the Arrow record batch being built; rows not written are null. */
export class StringColumn {
  data = new Uint8Array(1 << 12);
  length = 0;
  /** Arrow LargeUtf8 offsets (int64, as low and high int32 words: the high word stays 0). */
  readonly offsets: Int32Array;
  readonly validity: Uint8Array;
  nulls = 0;
  /** The next row to write (rows before it are done). */
  row = 0;

  constructor(rows: number) {
    this.offsets = new Int32Array(2 * (rows + 1));
    this.validity = new Uint8Array((rows + 7) >> 3);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.length + n <= this.data.length) return;
    const grown = new Uint8Array(Math.max(this.data.length * 2, this.length + n));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  /** Rows up to `row` (excluded) not written are null. */
  skipTo(row: number): void {
    const offsets = this.offsets;
    for (let r = this.row; r < row; r++) offsets[2 * r + 2] = this.length;
    this.nulls += row - this.row;
    this.row = row;
  }

  /** A one-byte cell. */
  byte(row: number, value: number): void {
    if (row > this.row) this.skipTo(row);
    if (this.length === this.data.length) this.room(1);
    this.data[this.length++] = value;
    this.offsets[2 * row + 2] = this.length;
    this.validity[row >> 3] |= 1 << (row & 7);
    this.row = row + 1;
  }

  /** Ends the cell of `row`, whose bytes were written up to `end` (none: null). */
  close(row: number, end: number): void {
    this.offsets[2 * row + 2] = end;
    if (end === this.length) this.nulls++;
    else this.validity[row >> 3] |= 1 << (row & 7);
    this.length = end;
    this.row = row + 1;
  }

  /** Ends the column at `rows` rows. */
  end(rows: number): void {
    this.skipTo(rows);
  }
}

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * An Arrow IPC stream: the schema message (all LargeUtf8 columns, as Polars writes it), one
 * record batch of the columns, the end-of-stream marker.
 */
export function ipcStream(
  schema: Uint8Array,
  columns: StringColumn[],
  rows: number,
): Uint8Array {
  // The body: per column validity, offsets, data; each padded to 8 bytes.
  const buffers: number[] = [];
  let bodyLength = 0;
  for (const column of columns) {
    for (const size of [column.validity.length, column.offsets.byteLength, column.length]) {
      buffers.push(bodyLength, size);
      bodyLength += pad8(size);
    }
  }
  // The RecordBatch message (a flatbuffer): Message { version V5, header_type RecordBatch,
  // header, bodyLength } and RecordBatch { length, nodes, buffers }, tables laid out forward.
  const n = columns.length;
  const nodesAt = 96;
  const buffersAt = nodesAt + 16 * n + 8;
  const metaLength = pad8(buffersAt + 16 * buffers.length / 2);
  const total = schema.length + 8 + metaLength + bodyLength + 8;
  const out = new Uint8Array(total);
  out.set(schema);
  const view = new DataView(out.buffer);
  let at = schema.length;
  view.setInt32(at, -1, true);
  view.setInt32(at + 4, metaLength, true);
  const m = at + 8; // the flatbuffer
  const u16 = (offset: number, value: number) => view.setUint16(m + offset, value, true);
  const u32 = (offset: number, value: number) => view.setUint32(m + offset, value, true);
  const i64 = (offset: number, value: number) => {
    view.setUint32(m + offset, value % 2 ** 32, true);
    view.setUint32(m + offset + 4, Math.floor(value / 2 ** 32), true);
  };
  u32(0, 24); // root: the Message table
  // Message vtable at 4: size 14, table 20; version @16, header_type @18, header @4, bodyLength @8.
  [14, 20, 16, 18, 4, 8, 0].forEach((v, i) => u16(4 + 2 * i, v));
  view.setInt32(m + 24, 24 - 4, true);
  u32(28, 64 - 28); // header → RecordBatch table
  i64(32, bodyLength);
  u16(40, 4); // MetadataVersion V5
  out[m + 42] = 3; // MessageHeader.RecordBatch
  // RecordBatch vtable at 48: size 14, table 20; length @8, nodes @4, buffers @16.
  [14, 20, 8, 4, 16, 0, 0].forEach((v, i) => u16(48 + 2 * i, v));
  view.setInt32(m + 64, 64 - 48, true);
  u32(68, nodesAt - 4 - 68);
  i64(72, rows);
  u32(80, buffersAt - 4 - 80);
  u32(nodesAt - 4, n);
  columns.forEach((column, i) => {
    i64(nodesAt + 16 * i, rows);
    i64(nodesAt + 16 * i + 8, column.nulls);
  });
  u32(buffersAt - 4, buffers.length / 2);
  buffers.forEach((v, i) => i64(buffersAt + 8 * i, v));
  // The body.
  at = m + metaLength;
  for (const column of columns) {
    const parts = [
      column.validity,
      new Uint8Array(column.offsets.buffer),
      column.data.subarray(0, column.length),
    ];
    for (const part of parts) {
      out.set(part, at);
      at += pad8(part.length);
    }
  }
  view.setInt32(at, -1, true);
  view.setInt32(at + 4, 0, true);
  return out;
}
