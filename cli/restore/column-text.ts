// Turns a column chunk's pages into escaped field text (COPY text / LOAD DATA: \N for NULL,
// backslash escapes), a page at a time, into one growing buffer with each row's end. The value
// conversions are handler/restore's (fieldFormatter); three shortcuts skip the JavaScript value
// and write bytes where the result is the same: text that arrives as UTF-8 bytes is copied with
// its escapes (a page whose bytes are not valid UTF-8 goes through the formatter, which replaces
// what it cannot read, as before), integers are written digit by digit, and a dictionary's
// values are formatted once each and then copied for every row that uses them.
import { isUtf8 } from 'node:buffer';
import type { DecodedArray } from 'hyparquet';
import { type Engine, fieldFormatter, type LoadAs, type ParquetColumn, RestoreError } from '../../handler/restore';
import { type ChunkPages, type DataPage, plainValues } from './column-pages';

// COPY text and LOAD DATA escapes, by byte: backslash, newline, carriage return, tab, NUL.
const BYTE_ESCAPES = new Uint8Array(256);
BYTE_ESCAPES[0x5c] = 0x5c;
BYTE_ESCAPES[0x0a] = 0x6e;
BYTE_ESCAPES[0x0d] = 0x72;
BYTE_ESCAPES[0x09] = 0x74;
BYTE_ESCAPES[0x00] = 0x30;

const NULL_FIELD = Buffer.from('\\N');

/** How one column's values become text, decided once per column. */
export class ColumnFormat {
  /** The formatter every value goes through unless a shortcut gives the same bytes. */
  readonly format: (value: unknown) => string;
  /** Text loaded as text, whose bytes are copied with their escapes. */
  readonly textBytes: boolean;
  /** Integers with no annotation, written digit by digit. */
  readonly integers: boolean;
  private booleanText: RenderedValues | undefined;

  constructor(
    readonly column: ParquetColumn,
    engine: Engine,
    loadAs: LoadAs,
  ) {
    this.format = fieldFormatter(column, engine, loadAs);
    // Only text columns: DECIMAL bytes are numbers, bytea and BLOB bytes are loaded as hex.
    this.textBytes = loadAs === 'text' && column.physical === 'BYTE_ARRAY' && (column.kind === 'string' || column.kind === 'plain');
    this.integers = column.kind === 'plain' && (column.physical === 'INT32' || column.physical === 'INT64');
  }

  /** The text of false and true. */
  booleans(): RenderedValues {
    this.booleanText ??= this.render([false, true]);
    return this.booleanText;
  }

  /** Each of `values` (converted values, or UTF-8 bytes for a text column) as field text. */
  render(values: DecodedArray | readonly unknown[]): RenderedValues {
    const out = new TextBuffer(values.length * 8);
    const ends = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (this.textBytes && value instanceof Uint8Array && (this.column.kind === 'plain' || isUtf8(value))) writeEscaped(out, value, 0, value.length);
      else writeText(out, this.format(value));
      ends[i] = out.used;
    }
    return { bytes: out.bytes.subarray(0, out.used), ends };
  }
}

/** Values formatted once: value i is bytes[ends[i - 1] ?? 0, ends[i]). */
export interface RenderedValues {
  readonly bytes: Buffer;
  readonly ends: Uint32Array;
}

/** A growable output buffer. */
class TextBuffer {
  bytes: Buffer;
  used = 0;
  private dataView: DataView | undefined;
  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(1024, capacity));
  }
  reserve(more: number): void {
    if (this.used + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + more));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
    this.dataView = undefined;
  }
  /** A DataView of the buffer (made again when it grows). */
  view(): DataView {
    this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.dataView;
  }
}

/**
 * Copies bytes[from, to) with COPY / LOAD DATA escapes. `view` is a DataView of `bytes`: a value
 * with nothing to escape (most) is copied four bytes at a time.
 */
function writeEscaped(out: TextBuffer, bytes: Uint8Array, from: number, to: number, view?: DataView): void {
  out.reserve((to - from) * 2);
  const target = out.bytes;
  let at = out.used;
  if (view !== undefined) {
    let clean = true;
    for (let k = from; k < to; k++) {
      if (BYTE_ESCAPES[bytes[k]!] !== 0) {
        clean = false;
        break;
      }
    }
    if (clean) {
      const targetView = out.view();
      let k = from;
      for (; k + 4 <= to; k += 4, at += 4) targetView.setUint32(at, view.getUint32(k));
      for (; k < to; k++) target[at++] = bytes[k]!;
      out.used = at;
      return;
    }
  }
  for (let k = from; k < to; k++) {
    const byte = bytes[k]!;
    const escaped = BYTE_ESCAPES[byte]!;
    if (escaped === 0) target[at++] = byte;
    else {
      target[at++] = 0x5c;
      target[at++] = escaped;
    }
  }
  out.used = at;
}

/**
 * Writes a field's UTF-8. Most fields are short and ASCII: copied character by character, which
 * beats a call into Buffer.write for each.
 */
function writeText(out: TextBuffer, field: string): void {
  const length = field.length;
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  out.reserve(length * 3);
  const bytes = out.bytes;
  let at = out.used;
  if (length > 64) {
    out.used = at + bytes.write(field, at, 'utf8');
    return;
  }
  for (let k = 0; k < length; k++) {
    const code = field.charCodeAt(k);
    if (code >= 0x80) {
      out.used = at + bytes.write(field.slice(k), at, 'utf8');
      return;
    }
    bytes[at++] = code;
  }
  out.used = at;
}

function copyBytes(out: TextBuffer, bytes: Buffer, from: number, to: number): void {
  out.reserve(to - from);
  const target = out.bytes;
  let at = out.used;
  // Short values byte by byte: Buffer.copy's call costs more than copying a few bytes.
  if (to - from > 32) at += bytes.copy(target, at, from, to);
  else for (let k = from; k < to; k++) target[at++] = bytes[k]!;
  out.used = at;
}

const DIGITS = new Uint8Array(20);

/** A safe integer in decimal, as String(value) writes it. */
function writeInteger(out: TextBuffer, value: number): void {
  out.reserve(17);
  const bytes = out.bytes;
  let at = out.used;
  if (value < 0) {
    bytes[at++] = 0x2d;
    value = -value;
  }
  let count = 0;
  if (value <= 0x7fffffff) {
    // 32-bit integer arithmetic where it fits.
    for (let rest = value | 0; count === 0 || rest > 0; rest = (rest / 10) | 0) DIGITS[count++] = 0x30 + (rest % 10);
  } else {
    // (v - v % 10) / 10 is exact for every safe integer; Math.floor(v / 10) is not.
    for (let rest = value; count === 0 || rest > 0; rest = (rest - (rest % 10)) / 10) DIGITS[count++] = 0x30 + (rest % 10);
  }
  while (count > 0) bytes[at++] = DIGITS[--count]!;
  out.used = at;
}

/**
 * One column of a row group as text, decoded page by page as rows are asked for: rows
 * [first, rows) are ready, row i at bytes[ends[i - 1] ?? 0, ends[i]).
 */
export class ColumnCursor {
  bytes: Buffer;
  ends: Uint32Array;
  first = 0;
  rows = 0;
  private readonly out: TextBuffer;
  private readonly rendered = new Map<DecodedArray, RenderedValues>();

  constructor(
    private readonly chunk: ChunkPages,
    private readonly format: ColumnFormat,
    private readonly where: string,
  ) {
    this.out = new TextBuffer(64 * 1024);
    this.bytes = this.out.bytes;
    this.ends = new Uint32Array(4096);
  }

  /** Where row `row` starts. */
  start(row: number): number {
    return row === 0 ? 0 : this.ends[row - 1]!;
  }

  /** Decodes pages until `wanted` rows past `first` are ready; the chunk ending before that means a damaged file. */
  fill(wanted: number): void {
    while (this.rows - this.first < wanted) {
      const next = this.chunk.pages.next();
      if (next.done === true) {
        throw new RestoreError(`${this.where} ends ${wanted - (this.rows - this.first)} values short of its row group's rows: the file is damaged`);
      }
      this.compact();
      this.writePage(next.value);
      this.bytes = this.out.bytes;
    }
  }

  /** Checks that every row was taken and no value is left over. */
  finish(): void {
    if (this.rows > this.first || this.chunk.pages.next().done !== true)
      throw new RestoreError(`${this.where} holds more values than its row group has rows: the file is damaged`);
  }

  /** Drops the rows already taken, keeping the rest at the start of the buffer. */
  private compact(): void {
    if (this.first === 0) return;
    const base = this.start(this.first);
    this.out.bytes.copy(this.out.bytes, 0, base, this.out.used);
    this.out.used -= base;
    for (let i = this.first; i < this.rows; i++) this.ends[i - this.first] = this.ends[i]! - base;
    this.rows -= this.first;
    this.first = 0;
  }

  private reserveRows(more: number): void {
    if (this.rows + more <= this.ends.length) return;
    const grown = new Uint32Array(Math.max(this.ends.length * 2, this.rows + more));
    grown.set(this.ends.subarray(0, this.rows));
    this.ends = grown;
  }

  private writePage(page: DataPage): void {
    this.reserveRows(page.rows);
    const { values } = page;
    const startUsed = this.out.used;
    const startRows = this.rows;
    if (values.encoding === 'indices' || values.encoding === 'booleans') {
      this.writeRendered(
        page,
        values.encoding === 'indices' ? this.dictionaryText() : this.format.booleans(),
        values.encoding === 'indices' ? values.indices : values.bits,
      );
      return;
    }
    const { textBytes, integers } = this.format;
    if (values.encoding === 'plain' && textBytes) this.writePlainText(page, values.bytes, values.count);
    else if (values.encoding === 'plain' && integers) this.writePlainIntegers(page, values.bytes, values.count);
    else {
      const raw = values.encoding === 'plain' ? plainValues(this.chunk, values) : values.values;
      // Text stays bytes, copied with its escapes; anything else is converted as hyparquet converts it.
      this.writeValues(page, textBytes ? raw : this.chunk.convert(raw));
    }
    // Text that is not UTF-8 goes through the formatter, which replaces what it cannot read.
    if (textBytes && this.format.column.kind === 'string' && !isUtf8(this.out.bytes.subarray(startUsed, this.out.used))) {
      this.out.used = startUsed;
      this.rows = startRows;
      this.writeValues(page, values.encoding === 'plain' ? plainValues(this.chunk, values) : values.values, true);
    }
  }

  /** The chunk's dictionary, formatted once. */
  private dictionaryText(): RenderedValues {
    const dictionary = this.chunk.dictionary()!;
    let text = this.rendered.get(dictionary);
    if (text === undefined) {
      text = this.format.render(this.format.textBytes ? dictionary : this.chunk.convert(dictionary));
      this.rendered.set(dictionary, text);
    }
    return text;
  }

  private writeNull(): void {
    copyBytes(this.out, NULL_FIELD, 0, 2);
  }

  private writeRendered(page: DataPage, text: RenderedValues, indices: ArrayLike<number>): void {
    const { present } = page;
    const { bytes, ends } = text;
    let next = 0;
    for (let r = 0; r < page.rows; r++) {
      if (present === undefined || present[r] === 1) {
        const index = indices[next++]!;
        if (index >= ends.length) throw new RestoreError(`${this.where} refers to dictionary value ${index} of ${ends.length}: the file is damaged`);
        copyBytes(this.out, bytes, index === 0 ? 0 : ends[index - 1]!, ends[index]!);
      } else this.writeNull();
      this.ends[this.rows++] = this.out.used;
    }
  }

  private writePlainText(page: DataPage, bytes: Uint8Array, count: number): void {
    const { present } = page;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    let left = count;
    for (let r = 0; r < page.rows; r++) {
      if (present === undefined || present[r] === 1) {
        if (left-- === 0 || at + 4 > bytes.length) throw new RestoreError(`${this.where} has a page with fewer values than rows: the file is damaged`);
        const length = view.getUint32(at, true);
        at += 4;
        if (at + length > bytes.length) throw new RestoreError(`${this.where} has a value running past its page: the file is damaged`);
        writeEscaped(this.out, bytes, at, at + length, view);
        at += length;
      } else this.writeNull();
      this.ends[this.rows++] = this.out.used;
    }
  }

  private writePlainIntegers(page: DataPage, bytes: Uint8Array, count: number): void {
    const { present } = page;
    const wide = this.chunk.type === 'INT64';
    if (bytes.length < count * (wide ? 8 : 4)) throw new RestoreError(`${this.where} has a page with fewer values than rows: the file is damaged`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    for (let r = 0; r < page.rows; r++) {
      if (present === undefined || present[r] === 1) {
        if (!wide) {
          writeInteger(this.out, view.getInt32(at, true));
          at += 4;
        } else {
          const high = view.getInt32(at + 4, true);
          // Within ±2^53 the value is a safe integer; beyond it, a BigInt.
          if (high >= -0x200000 && high < 0x200000) writeInteger(this.out, high * 4294967296 + view.getUint32(at, true));
          else writeText(this.out, view.getBigInt64(at, true).toString());
          at += 8;
        }
      } else this.writeNull();
      this.ends[this.rows++] = this.out.used;
    }
  }

  private writeValues(page: DataPage, values: DecodedArray, formatBytes = false): void {
    const { present } = page;
    const { format } = this.format;
    const textBytes = this.format.textBytes && !formatBytes;
    let next = 0;
    for (let r = 0; r < page.rows; r++) {
      const value = present === undefined || present[r] === 1 ? values[next++] : null;
      if (textBytes && value instanceof Uint8Array) writeEscaped(this.out, value, 0, value.length);
      else writeText(this.out, format(value));
      this.ends[this.rows++] = this.out.used;
    }
  }
}
