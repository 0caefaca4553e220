/**
 * REDCap's EAV CSV body to the frame a flat export of the same records gives, as an Arrow IPC
 * stream of String columns that Polars reads without parsing: one pass over the bytes, values
 * copied (never decoded to JS strings). This is `readEavRecords()`' fast path; `pivotEav()`
 * does the same on a frame and is its reference (same rows, order, values and errors).
 *
 * @module
 */
import { RedcapResponseError } from "../errors.ts";
import { checkCsvBody, csvHeader } from "./csv_rows.ts";
import { ipcStream, StringColumn } from "./_arrow_ipc.ts";
import {
  isEscaped,
  LF,
  lineOf,
  parseRow,
  QUOTE,
  sameBytes,
  TAB,
  TOO_FEW,
  unquote,
  UNTERMINATED,
} from "./_csv_bytes.ts";
import {
  CHECKED,
  type EavCsvPlan,
  type Entry,
  entryOf,
  find,
  hashOf,
  ID,
  IGNORE,
  maskOf,
} from "./_eav_plan.ts";

export { type EavCsvPlan, eavCsvPlan } from "./_eav_plan.ts";

const decoder = new TextDecoder();

/** Options of {@linkcode eavCsvToArrow}. */
export interface EavCsvOptions {
  /** The flat columns to write, in order (a subset of `dictionary.columns()`). */
  columns: readonly string[];
  /** Leave out the rows REDCap's flat export leaves out (see `pivotEav`). */
  flatRows: boolean;
  /** The Arrow IPC schema message of the columns, all LargeUtf8 (`ipcSchema()`). */
  schema: Uint8Array;
}

/** A growable integer array. */
class Ints {
  data: Int32Array;
  length = 0;
  constructor(size = 1024) {
    this.data = new Int32Array(size);
  }
  push4(a: number, b: number, c: number, d: number): void {
    if (this.length + 4 > this.data.length) this.#grow();
    const data = this.data;
    data[this.length] = a;
    data[this.length + 1] = b;
    data[this.length + 2] = c;
    data[this.length + 3] = d;
    this.length += 4;
  }
  #grow(): void {
    const grown = new Int32Array(this.data.length * 2);
    grown.set(this.data);
    this.data = grown;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.#grow();
    this.data[this.length++] = v;
  }
}

/** Distinct values of one key field, by their bytes: id 0 is the blank value. The same text
 * written two ways (quoted or not) is two entries of the table with one id. */
class Interner {
  readonly strings = [""];
  #table = new Int32Array(256);
  /** Per entry of the table: where its bytes are, and the id of its text. */
  #starts = [0];
  #ends = [0];
  #ids = [0];
  readonly #byString = new Map([["", 0]]);

  /** The id of the field `b[start, end)` (quotes included). */
  id(b: Uint8Array, start: number, end: number): number {
    if (start === end) return 0;
    const mask = this.#table.length - 1;
    const length = end - start;
    let at = hashOf(b, start, end) & mask;
    for (; this.#table[at] !== 0; at = (at + 1) & mask) {
      const entry = this.#table[at] - 1;
      const s = this.#starts[entry];
      if (this.#ends[entry] - s === length && sameBytes(b, s, b, start, length)) {
        return this.#ids[entry];
      }
    }
    const text = unquote(b, start, end);
    let id = this.#byString.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.#byString.set(text, id);
    }
    const entry = this.#starts.length;
    this.#starts.push(start);
    this.#ends.push(end);
    this.#ids.push(id);
    this.#table[at] = entry + 1;
    if (entry * 4 > this.#table.length) this.#grow(b);
    return id;
  }

  /** A table four times larger, the entries placed again. */
  #grow(b: Uint8Array): void {
    this.#table = new Int32Array(this.#table.length * 4);
    const mask = this.#table.length - 1;
    for (let entry = 1; entry < this.#starts.length; entry++) {
      let at = hashOf(b, this.#starts[entry], this.#ends[entry]) & mask;
      while (this.#table[at] !== 0) at = (at + 1) & mask;
      this.#table[at] = entry + 1;
    }
  }
}

/** One record's flat rows, by key (event, instrument, instance ids), and its events. */
interface RecordRows {
  ord: number;
  text: string;
  rows: Map<number | string, number>;
  events: Map<number, number>;
}

/** The flat rows met so far (one per record, event, instrument and instance) and their cells. */
class FlatRows {
  count = 0;
  /** Per row: start and end of its record, event, instrument and instance fields. */
  readonly keys = new Ints(8192);
  /** Per row: sort keys (record by first appearance, event, form or -1, instance). */
  readonly record = new Ints();
  readonly event = new Ints();
  readonly form = new Ints();
  readonly instance = new Ints();
  /** Per row: has a value besides the id; is a base row (no instrument, no instance); its
   * record-event pair; its form mask. */
  readonly hasValue = new Ints();
  readonly base = new Ints();
  readonly recordEvent = new Ints();
  readonly mask = new Ints();
  /** [row, slot, start, end] per value, in EAV order. */
  readonly cells = new Ints(1 << 16);
  /** Whether some row's EAV rows are not contiguous. */
  split = false;
  readonly masks: Uint8Array[] = [];
  readonly recordEventCount: number[] = [];
  readonly events = new Interner();
  readonly instruments = new Interner();
  readonly instances = new Interner();
  readonly #records = new Map<string, RecordRows>();
  readonly #masks = new Map<number, number>();

  constructor(readonly plan: EavCsvPlan) {}

  /** The rows of a record (met before or new). */
  recordRows(text: string): RecordRows {
    let record = this.#records.get(text);
    if (!record) {
      record = { ord: this.#records.size, text, rows: new Map(), events: new Map() };
      this.#records.set(text, record);
    }
    return record;
  }

  /** The row of a key (a new one, or the earlier one of a key met apart). */
  rowOf(
    record: RecordRows,
    event: number,
    instrument: number,
    instance: number,
    ranges: readonly number[],
  ): number {
    // A small integer key while ids are small (the usual case), text otherwise.
    const key: number | string = event < 1024 && instrument < 1024 && instance < 1024
      ? (instance * 1024 + instrument) * 1024 + event
      : `${event},${instrument},${instance}`;
    const known = record.rows.get(key);
    if (known !== undefined) {
      this.split = true;
      return known;
    }
    const { plan } = this;
    const eventText = this.events.strings[event];
    const instrumentText = this.instruments.strings[instrument];
    const instanceText = this.instances.strings[instance];
    checkKey(plan, record.text, eventText, instrumentText, instanceText);
    const row = this.count++;
    record.rows.set(key, row);
    for (const r of ranges) this.keys.push(r);
    this.record.push(record.ord);
    this.event.push(plan.eventIndex.get(eventText) ?? plan.eventIndex.size);
    this.form.push(
      instrument === 0 ? -1 : plan.formIndex.get(instrumentText) ?? plan.formIndex.size,
    );
    this.instance.push(/^[0-9]+$/.test(instanceText) ? Number(instanceText) : 0);
    this.hasValue.push(0);
    this.base.push(Number(instrument === 0 && instance === 0));
    const maskKey = event * 65536 + instrument;
    let m = this.#masks.get(maskKey);
    if (m === undefined) {
      this.#masks.set(maskKey, m = this.masks.length);
      this.masks.push(maskOf(plan, eventText, instrumentText));
    }
    this.mask.push(m);
    let pair = record.events.get(event);
    if (pair === undefined) {
      record.events.set(event, pair = this.recordEventCount.length);
      this.recordEventCount.push(0);
    }
    this.recordEventCount[pair]++;
    this.recordEvent.push(pair);
    return row;
  }

  /** Rows in flat order (record, event, base row then instruments in form order, instance),
   * without the id-only base rows the flat export leaves out when **flatRows**. */
  order(flatRows: boolean): number[] {
    const out: number[] = [];
    const drop = flatRows && this.plan.hasRepeating;
    for (let r = 0; r < this.count; r++) {
      if (
        drop && this.base.data[r] === 1 && this.hasValue.data[r] === 0 &&
        this.recordEventCount[this.recordEvent.data[r]] > 1
      ) continue;
      out.push(r);
    }
    const ro = this.record.data, eo = this.event.data, fo = this.form.data;
    const io = this.instance.data;
    return out.sort((x, y) =>
      ro[x] - ro[y] || eo[x] - eo[y] || fo[x] - fo[y] || io[x] - io[y] || x - y
    );
  }

  /** Each row's first cell (index into `cells` / 4), and the cells grouped by row. */
  cellsByRow(): { first: Int32Array; cells: Int32Array } {
    const n = this.cells.length;
    const cells = this.cells.data;
    const first = new Int32Array(this.count + 1);
    for (let i = 0; i < n; i += 4) first[cells[i] + 1]++;
    for (let r = 0; r < this.count; r++) first[r + 1] += first[r];
    if (!this.split) return { first, cells };
    const grouped = new Int32Array(n);
    const next = first.slice(0, this.count);
    for (let i = 0; i < n; i += 4) {
      const at = next[cells[i]]++ * 4;
      for (let k = 0; k < 4; k++) grouped[at + k] = cells[i + k];
    }
    return { first, cells: grouped };
  }
}

/**
 * Converts an EAV CSV export body to the flat rows of the same records, as an Arrow IPC stream
 * (read with `pl.readIPCStream`): the columns asked for, all String, blanks null; the flat
 * export's rows and order; checkbox and form-status columns `0` where their form belongs to the
 * row; a TAB before `= - + @` taken off (REDCap's CSV-injection escaping).
 *
 * @param body The EAV CSV body (`type=eav&format=csv`).
 * @param plan The dictionary's plan ({@linkcode eavCsvPlan}).
 * @param options The columns to write; whether to keep only the flat export's rows.
 * @returns The Arrow IPC stream.
 * @throws {RedcapResponseError} When the body is not complete CSV.
 * @throws {TypeError} For repeat instances or events the dictionary does not know, or a
 *   missing `record`, `field_name` or `value` column.
 * @throws {RangeError} For a field or checkbox code the dictionary does not know.
 */
export function eavCsvToArrow(
  body: Uint8Array,
  plan: EavCsvPlan,
  options: EavCsvOptions,
): Uint8Array {
  const b = body;
  checkCsvBody(b, "record");
  const names = csvHeader(b);
  const lineEnd = b.indexOf(LF);
  const at = (name: string) => names.indexOf(name);
  const [iRecord, iField, iValue] = ["record", "field_name", "value"].map((c) => {
    const i = at(c);
    if (i < 0) throw new TypeError(`Cannot pivot EAV: the frame has no "${c}" column`);
    return i;
  });
  const keyColumns = [iRecord, at("redcap_event_name"), at("redcap_repeat_instrument")];
  keyColumns.push(at("redcap_repeat_instance"));
  const rows = readRows(b, lineEnd + 1, names.length, keyColumns, iField, iValue, plan);
  return writeBatch(b, rows, options);
}

/** Whether the key fields of this row equal the previous row's. `spans`: first and last
 * column of each run of adjacent key columns (compared as one stretch of bytes); `prev`: the
 * previous row's start and end of each. */
function sameKey(
  b: Uint8Array,
  words: DataView,
  spans: Int32Array,
  fs: Int32Array,
  fe: Int32Array,
  prev: Int32Array,
): boolean {
  for (let k = 0; k < spans.length; k += 2) {
    const s = fs[spans[k]];
    const length = fe[spans[k + 1]] - s;
    const ps = prev[k];
    if (prev[k + 1] - ps !== length) return false;
    // Four bytes at a time, then the rest.
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      if (words.getInt32(ps + i) !== words.getInt32(s + i)) return false;
    }
    for (; i < length; i++) if (b[ps + i] !== b[s + i]) return false;
  }
  return true;
}

/** Runs of adjacent key columns, as first and last column of each. */
function keySpans(keys: readonly number[]): Int32Array {
  const sorted = keys.filter((c) => c >= 0).sort((x, y) => x - y);
  const spans: number[] = [];
  for (const c of sorted) {
    if (spans.length > 0 && spans[spans.length - 1] === c - 1) spans[spans.length - 1] = c;
    else spans.push(c, c);
  }
  return Int32Array.from(spans);
}

/** Reads the EAV rows into flat rows and cells. */
function readRows(
  b: Uint8Array,
  p: number,
  width: number,
  keys: readonly number[],
  iField: number,
  iValue: number,
  plan: EavCsvPlan,
): FlatRows {
  const n = b.length;
  const rows = new FlatRows(plan);
  const fs = new Int32Array(width);
  const fe = new Int32Array(width);
  const spans = keySpans(keys);
  const words = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const prev = new Int32Array(spans.length).fill(-1);
  const ranges = [0, 0, 0, 0, 0, 0, 0, 0];
  const prevRecord = [-1, -1];
  let record: RecordRows | undefined;
  let row = -1;
  let last: Entry | undefined;
  while (p < n) {
    if (b[p] === LF) {
      p++;
      continue;
    }
    const next = parseRow(b, p, width, fs, fe);
    if (next < 0) {
      const problem = next === UNTERMINATED
        ? "has an unterminated quote"
        : `has ${next === TOO_FEW ? "fewer" : "more"} than ${width} fields`;
      throw new RedcapResponseError(
        "record",
        "truncated",
        `the EAV CSV body ${problem} on line ${lineOf(b, p)}`,
      );
    }
    p = next;
    // Where the value goes.
    const ns = fs[iField];
    const ne = fe[iField];
    let entry = last?.next;
    const nameLength = ne - ns;
    if (
      !entry || entry.name.length !== nameLength || !sameBytes(entry.name, 0, b, ns, nameLength)
    ) {
      entry = (b[ns] !== QUOTE ? find(plan, b, ns, ne, hashOf(b, ns, ne)) : undefined) ??
        entryOf(plan, unquote(b, ns, ne));
      if (last) last.next = entry;
    }
    last = entry;
    const vs = fs[iValue];
    const ve = fe[iValue];
    const blank = ve === vs || (ve - vs === 2 && b[vs] === QUOTE);
    let slot = entry.slot;
    let start = vs;
    if (entry.codes) {
      if (blank) continue;
      slot = checkboxSlot(entry, unquote(b, vs, ve));
      start = CHECKED;
    } else if (slot === IGNORE || (blank && slot !== ID)) continue;
    // Which flat row: a new one when the key changes.
    if (row < 0 || !sameKey(b, words, spans, fs, fe, prev)) {
      for (let k = 0; k < spans.length; k += 2) {
        prev[k] = fs[spans[k]];
        prev[k + 1] = fe[spans[k + 1]];
      }
      for (let k = 0; k < 4; k++) {
        const c = keys[k];
        ranges[2 * k] = c < 0 ? 0 : fs[c];
        ranges[2 * k + 1] = c < 0 ? 0 : fe[c];
      }
      const recordLength = ranges[1] - ranges[0];
      if (
        !record || prevRecord[1] - prevRecord[0] !== recordLength ||
        !sameBytes(b, prevRecord[0], b, ranges[0], recordLength)
      ) {
        record = rows.recordRows(unquote(b, ranges[0], ranges[1]));
        prevRecord[0] = ranges[0];
        prevRecord[1] = ranges[1];
      }
      const id = (k: number, interner: Interner) =>
        keys[k] < 0 ? 0 : interner.id(b, ranges[2 * k], ranges[2 * k + 1]);
      row = rows.rowOf(
        record,
        id(1, rows.events),
        id(2, rows.instruments),
        id(3, rows.instances),
        ranges,
      );
    }
    // The id row only makes the flat row (the id column is the record column).
    if (slot === ID) continue;
    rows.hasValue.data[row] = 1;
    rows.cells.push4(row, slot, start, ve);
  }
  return rows;
}

/** The value column of a checkbox export row's code. */
function checkboxSlot(entry: Entry, value: string): number {
  const code = /^\t[-=+@]/.test(value) ? value.slice(1) : value;
  const slot = entry.codes!.get(code);
  if (slot === undefined) {
    throw new RangeError(
      `Cannot pivot EAV: checkbox field "${
        decoder.decode(entry.name)
      }" has no choice code "${code}"`,
    );
  }
  return slot;
}

/** Writes the flat rows, in flat order, as an Arrow IPC stream of String columns. */
function writeBatch(b: Uint8Array, rows: FlatRows, options: EavCsvOptions): Uint8Array {
  const { plan } = rows;
  const order = rows.order(options.flatRows);
  const { first, cells } = rows.cellsByRow();
  const KEYS = [plan.id, "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"];
  // Pushed one by one: an array from `map()` was not always of the same kind, and `writeRow`
  // was compiled again (about 40 times in a 100,000-record read) each time it changed.
  const columns: StringColumn[] = [];
  for (let j = 0; j < options.columns.length; j++) columns.push(new StringColumn(order.length));
  // Which column each value slot and key field goes to (-1: not asked for).
  const columnOfSlot = new Int32Array(plan.targets.length).fill(-1);
  // Key columns as pairs of (column, key field).
  const keyColumns: number[] = [];
  options.columns.forEach((c, j) => {
    const slot = plan.slotOf.get(c);
    if (slot !== undefined) columnOfSlot[slot] = j;
    else if (KEYS.includes(c)) keyColumns.push(j, KEYS.indexOf(c));
  });
  // Per form mask: the checkbox and form-status columns that are `0` when blank, as one list
  // (`zeroColumns`) and where each mask's part starts (`zeroStart`).
  const zeroColumns: number[] = [];
  const zeroStart = new Int32Array(rows.masks.length + 1);
  rows.masks.forEach((mask, m) => {
    options.columns.forEach((c, j) => {
      const slot = plan.slotOf.get(c);
      const form = slot === undefined ? -1 : plan.fillForm[slot];
      if (form >= 0 && mask[form] === 1) zeroColumns.push(j);
    });
    zeroStart[m + 1] = zeroColumns.length;
  });
  const layout: RowLayout = {
    b,
    columns,
    first,
    cells,
    columnOfSlot,
    keyColumns,
    keys: rows.keys.data,
    zeroColumns,
    zeroStart,
  };
  const masks = rows.mask.data;
  for (let row = 0; row < order.length; row++) {
    const r = order[row];
    writeRow(layout, row, r, masks[r]);
  }
  for (let j = 0; j < columns.length; j++) columns[j].end(order.length);
  return ipcStream(options.schema, columns, order.length);
}

/** What {@linkcode writeRow} writes with: the body, the columns, the cells grouped by row
 * (`first`, `cells`), and the plain-integer maps built by `writeBatch`. */
interface RowLayout {
  b: Uint8Array;
  columns: StringColumn[];
  first: Int32Array;
  cells: Int32Array;
  columnOfSlot: Int32Array;
  keyColumns: number[];
  keys: Int32Array;
  zeroColumns: number[];
  zeroStart: Int32Array;
}

/**
 * Writes flat row `r` as output row `row`: its values (the first of each column), its key
 * fields, and `0` in the blank checkbox and form-status columns of its form mask `mask`. A
 * function of its own, with indexed loops only: as a loop inside `writeBatch` (with iterators)
 * V8 compiled it again for nearly every body.
 */
function writeRow(layout: RowLayout, row: number, r: number, mask: number): void {
  const { b, columns, cells, columnOfSlot, keyColumns, keys, zeroColumns, zeroStart } = layout;
  for (let i = layout.first[r] * 4, last = layout.first[r + 1] * 4; i < last; i += 4) {
    const j = columnOfSlot[cells[i + 1]];
    if (j < 0 || columns[j].row > row) continue; // not asked for, or not the first value
    const start = cells[i + 2];
    if (start === CHECKED) columns[j].byte(row, 49); // "1"
    else writeField(columns[j], row, b, start, cells[i + 3]);
  }
  for (let i = 0; i < keyColumns.length; i += 2) {
    const k = r * 8 + 2 * keyColumns[i + 1];
    writeField(columns[keyColumns[i]], row, b, keys[k], keys[k + 1]);
  }
  for (let i = zeroStart[mask], last = zeroStart[mask + 1]; i < last; i++) {
    const column = columns[zeroColumns[i]];
    if (column.row <= row) column.byte(row, 48); // "0"
  }
}

/** Writes a CSV field's text as the cell of `row` (quotes off, doubled quotes single,
 * REDCap's escaping TAB off). */
function writeField(column: StringColumn, row: number, b: Uint8Array, s: number, e: number) {
  if (row > column.row) column.skipTo(row);
  if (column.length + e - s > column.data.length) column.room(e - s);
  const data = column.data;
  let o = column.length;
  if (b[s] === QUOTE) {
    s++;
    e--;
    if (b[s] === TAB && isEscaped(b[s + 1])) s++;
    while (s < e) {
      const x = b[s++];
      data[o++] = x;
      if (x === QUOTE) s++; // the second of a doubled quote
    }
  } else {
    if (b[s] === TAB && isEscaped(b[s + 1])) s++;
    if (e - s > 32) {
      data.set(b.subarray(s, e), o);
      o += e - s;
    } else while (s < e) data[o++] = b[s++];
  }
  column.close(row, o);
}

function checkKey(
  plan: EavCsvPlan,
  record: string,
  event: string,
  instrument: string,
  instance: string,
): void {
  if (!plan.hasRepeating && (instrument !== "" || instance !== "")) {
    throw new TypeError(
      `Cannot pivot EAV: record "${record}" has repeat instances but the dictionary has no repeating forms or events (pass "repeating" to DataDictionary.fromMetadata)`,
    );
  }
  if (!plan.longitudinal && event !== "") {
    throw new TypeError(
      `Cannot pivot EAV: record "${record}" has event "${event}" but the dictionary has no events (pass "events" to DataDictionary.fromMetadata)`,
    );
  }
}
