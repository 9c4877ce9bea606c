// Reads a Parquet part with hyparquet, turning it into lines of COPY / LOAD DATA text, row group
// by row group and, within a row group, column by column: each column is decoded alone and
// written at once as escaped text into one buffer, then rows are cut from the columns' buffers.
// Memory holds one decoded column and the row group as text (about its CSV size), never the
// whole row group as JavaScript values, which costs several times that and most of the time in
// garbage collection.
import { gunzipSync } from 'node:zlib';
import { type FileMetaData, parquetMetadataAsync, type SchemaElement } from 'hyparquet';
import { describeParquetColumn, fieldFormatter, type LoadAs, type ParquetColumn, RestoreError, type Engine } from '../../handler/restore';
import type { RangeReader } from './archive-reader';
import { columnPages, type PageValues } from './column-pages';

// RDS writes .gz.parquet: GZIP pages. hyparquet decodes SNAPPY itself; GZIP comes from zlib.
// The page header gives the output's size: one output buffer of that size, not a chain of 16 KB ones.
const COMPRESSORS = {
  GZIP: (input: Uint8Array, outputLength: number) => new Uint8Array(gunzipSync(input, { chunkSize: Math.max(1024, outputLength + 64) })),
};

/** Rows per text slice handed to the loader. */
const SLICE_ROWS = 4096;

/** The byte range of a row group's column chunks (all, or the named ones). */
function rowGroupBytes(part: ParquetPart, group: number, columnNames?: readonly string[]): [number, number] {
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const chunk of part.metadata.row_groups[group]!.columns) {
    const meta = chunk.meta_data!;
    if (columnNames && !columnNames.includes(meta.path_in_schema[0]!)) continue;
    const offset = Number(meta.dictionary_page_offset || meta.data_page_offset);
    start = Math.min(start, offset);
    end = Math.max(end, offset + Number(meta.total_compressed_size));
  }
  return start < end ? [start, end] : [0, 0];
}

/** A row group's bytes, read once; columns are views into them. */
export interface RowGroupSource {
  view(from: number, to: number): Promise<Uint8Array>;
}

/** A row group's bytes in one ranged read (one S3 request instead of one per column); reads outside it go to the part. */
async function rowGroupSource(part: ParquetPart, group: number, columnNames?: readonly string[]): Promise<RowGroupSource> {
  const [start, end] = rowGroupBytes(part, group, columnNames);
  const bytes = end > start ? new Uint8Array(await part.file.slice(start, end)) : new Uint8Array(0);
  return {
    view: async (from: number, to: number) =>
      from >= start && to <= end ? bytes.subarray(from - start, to - start) : new Uint8Array(await part.file.slice(from, to)),
  };
}

/** Starts reading a part's first row group, so its bytes arrive while the previous file is loaded. */
export function prefetchFirstRowGroup(part: ParquetPart): Promise<RowGroupSource> | undefined {
  return part.metadata.row_groups.length > 0 ? rowGroupSource(part, 0) : undefined;
}

/** The pages of one column of a row group. */
async function pagesOf(part: ParquetPart, source: RowGroupSource, group: number, name: string): Promise<Generator<PageValues>> {
  const chunk = part.metadata.row_groups[group]!.columns.find((c) => c.meta_data?.path_in_schema[0] === name);
  if (chunk?.meta_data === undefined) throw new RestoreError(`row group ${group + 1} has no column "${name}": the file is damaged`);
  const offset = Number(chunk.meta_data.dictionary_page_offset || chunk.meta_data.data_page_offset);
  const bytes = await source.view(offset, offset + Number(chunk.meta_data.total_compressed_size));
  return columnPages(part.metadata, chunk, bytes, COMPRESSORS);
}

/** One column of a row group as escaped text: field i is bytes[ends[i - 1] ?? 0, ends[i]). */
interface ColumnText {
  readonly bytes: Buffer;
  readonly ends: Uint32Array;
}

/** An opened part: its footer and columns. */
export interface ParquetPart {
  readonly file: RangeReader;
  readonly metadata: FileMetaData;
  readonly rows: number;
  readonly columns: readonly ParquetColumn[];
}

/** Reads a part's footer. */
export async function openPart(file: RangeReader, name: string): Promise<ParquetPart> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new RestoreError(`${name} is not a readable Parquet file (${(error as Error).message}): the file is damaged or was replaced`);
  }
  const leaves = metadata.schema.slice(1) as SchemaElement[];
  if (leaves.some((e) => e.num_children !== undefined && e.num_children > 0)) {
    throw new RestoreError(`${name} has nested columns, which RDS never writes: the file is not an RDS export part`);
  }
  const columns = leaves.map((e) => describeParquetColumn(e as unknown as Parameters<typeof describeParquetColumn>[0]));
  // hyparquet's own conversions lose precision (DECIMAL to a double, TIMESTAMP_MICROS to a Date
  // in milliseconds): keep only the string annotation and convert the raw values here. (Strings
  // stay strings: as bytes, each value would be a view that keeps its whole page alive.)
  const raw: FileMetaData = {
    ...metadata,
    schema: metadata.schema.map((e, i) => {
      if (i === 0) return e;
      const keep =
        e.converted_type === 'UTF8' ||
        e.converted_type === 'JSON' ||
        e.converted_type === 'ENUM' ||
        ['STRING', 'JSON', 'ENUM'].includes(e.logical_type?.type ?? '');
      if (keep) return { ...e, converted_type: 'UTF8', logical_type: undefined };
      const { converted_type: _c, logical_type: _l, ...rest } = e;
      return rest as SchemaElement;
    }),
  };
  return { file, metadata: raw, rows: Number(metadata.num_rows), columns };
}

/** How each target column is filled: which Parquet column, loaded as what. */
export interface ColumnBinding {
  readonly index: number;
  readonly loadAs: LoadAs;
}

/** Matches target columns to the part's columns by name; a missing column is an error naming it. */
export function bindColumns(part: ParquetPart, names: readonly { name: string; loadAs: LoadAs }[], partName: string): ColumnBinding[] {
  return names.map(({ name, loadAs }) => {
    const index = part.columns.findIndex((c) => c.name === name);
    if (index < 0) {
      throw new RestoreError(`${partName} has no column "${name}", which the export's metadata lists: the file does not belong to this table's export`);
    }
    return { index, loadAs };
  });
}

/**
 * Writes a field's UTF-8 at `at`, returning the end. Most fields are short and ASCII: copied
 * character by character, which beats a call into Buffer.write for each.
 */
function writeField(bytes: Buffer, at: number, field: string): number {
  const length = field.length;
  if (length > 64) return at + bytes.write(field, at, 'utf8');
  for (let k = 0; k < length; k++) {
    const code = field.charCodeAt(k);
    if (code >= 0x80) return at + bytes.write(field.slice(k), at, 'utf8');
    bytes[at++] = code;
  }
  return at;
}

// COPY text and LOAD DATA escapes, by byte: backslash, newline, carriage return, tab, NUL.
const BYTE_ESCAPES = new Uint8Array(256);
BYTE_ESCAPES[0x5c] = 0x5c;
BYTE_ESCAPES[0x0a] = 0x6e;
BYTE_ESCAPES[0x0d] = 0x72;
BYTE_ESCAPES[0x09] = 0x74;
BYTE_ESCAPES[0x00] = 0x30;

/** A growable output buffer. */
class TextBuffer {
  bytes: Buffer;
  used = 0;
  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(1024, capacity));
  }
  reserve(more: number): void {
    if (this.used + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + more));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/**
 * Decodes one column of rows [start, end) and writes it as escaped text. Text that arrives as
 * bytes (MySQL CHAR, which RDS writes unannotated) is copied with its escapes byte by byte;
 * everything else goes through `format`.
 */
async function columnText(
  part: ParquetPart,
  source: RowGroupSource,
  group: number,
  binding: ColumnBinding,
  rows: number,
  format: (value: unknown) => string,
): Promise<ColumnText> {
  const column = part.columns[binding.index]!;
  const ends = new Uint32Array(rows);
  // The chunk's plain size is close to its text size: the buffer rarely grows.
  const chunk = part.metadata.row_groups[group]!.columns.find((c) => c.meta_data?.path_in_schema[0] === column.name);
  const out = new TextBuffer(Number(chunk?.meta_data?.total_uncompressed_size ?? 0) + rows * 2);
  // Only text columns: DECIMAL bytes are numbers, bytea and BLOB bytes are loaded as hex.
  const textBytes = binding.loadAs === 'text' && column.physical === 'BYTE_ARRAY' && (column.kind === 'string' || column.kind === 'plain');
  let row = 0;
  for (const page of await pagesOf(part, source, group, column.name)) {
    const { values, definitionLevels: levels, maxDefinitionLevel: defined } = page;
    if (row + page.rows > rows) break;
    let next = 0;
    for (let r = 0; r < page.rows; r++) {
      const value = levels === undefined || levels[r] === defined ? values[next++] : null;
      if (textBytes && value instanceof Uint8Array) {
        out.reserve(value.length * 2);
        const target = out.bytes;
        let at = out.used;
        for (let k = 0; k < value.length; k++) {
          const byte = value[k]!;
          const escaped = BYTE_ESCAPES[byte]!;
          if (escaped === 0) target[at++] = byte;
          else {
            target[at++] = 0x5c;
            target[at++] = escaped;
          }
        }
        out.used = at;
      } else {
        const field = format(value);
        // UTF-8 takes at most 3 bytes per UTF-16 unit.
        out.reserve(field.length * 3);
        out.used = writeField(out.bytes, out.used, field);
      }
      ends[row++] = out.used;
    }
  }
  if (row !== rows) throw new RestoreError(`column "${column.name}" of row group ${group + 1} holds ${row} values for ${rows} rows: the file is damaged`);
  return { bytes: out.bytes.subarray(0, out.used), ends };
}

/** The row groups of a part as [first row, end row). */
export function rowGroupRanges(part: ParquetPart): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (const group of part.metadata.row_groups) {
    const rows = Number(group.num_rows);
    ranges.push([start, start + rows]);
    start += rows;
  }
  return ranges;
}

/**
 * The part's rows as text lines (tab-separated, \N for NULL, escaped), SLICE_ROWS rows a
 * buffer, row group by row group.
 */
export async function* partLines(
  part: ParquetPart,
  bindings: readonly ColumnBinding[],
  engine: Engine,
  first?: Promise<RowGroupSource>,
): AsyncGenerator<{ text: Buffer; rows: number }> {
  const formatters = bindings.map((b) => fieldFormatter(part.columns[b.index]!, engine, b.loadAs));
  const groups = rowGroupRanges(part);
  let next = first ?? (groups.length > 0 ? rowGroupSource(part, 0) : undefined);
  for (const [group, [start, end]] of groups.entries()) {
    const file = await next!;
    // The next row group's bytes arrive while this one is converted and sent.
    next = group + 1 < groups.length ? rowGroupSource(part, group + 1) : undefined;
    next?.catch(() => {});
    if (end === start) continue;
    const columns: ColumnText[] = [];
    for (const [c, binding] of bindings.entries()) columns.push(await columnText(part, file, group, binding, end - start, formatters[c]!));
    yield* rowsOf(columns, end - start);
    // Let this row group's text go before the next one is decoded.
    columns.length = 0;
  }
}

/** Cuts rows out of the columns' text, SLICE_ROWS rows a buffer. */
function* rowsOf(columns: readonly ColumnText[], rows: number): Generator<{ text: Buffer; rows: number }> {
  for (let first = 0; first < rows; first += SLICE_ROWS) {
    const last = Math.min(rows, first + SLICE_ROWS);
    let size = (last - first) * columns.length;
    for (const { ends } of columns) size += ends[last - 1]! - (first === 0 ? 0 : ends[first - 1]!);
    const text = Buffer.allocUnsafe(size);
    let at = 0;
    for (let row = first; row < last; row++) {
      for (let c = 0; c < columns.length; c++) {
        const { bytes, ends } = columns[c]!;
        const from = row === 0 ? 0 : ends[row - 1]!;
        const to = ends[row]!;
        // Short fields byte by byte: Buffer.copy's call costs more than copying a few bytes.
        if (to - from > 32) at += bytes.copy(text, at, from, to);
        else for (let k = from; k < to; k++) text[at++] = bytes[k]!;
        text[at++] = c === columns.length - 1 ? 0x0a : 0x09;
      }
    }
    yield { text, rows: last - first };
  }
}

/** Every value of one column of a part as text (null for NULL), page by page (for reading numeric scales). */
export async function* columnValues(part: ParquetPart, name: string): AsyncGenerator<(string | null)[]> {
  const decoder = new TextDecoder();
  const text = (v: unknown) => (v === null || v === undefined ? null : v instanceof Uint8Array ? decoder.decode(v) : String(v));
  for (const [group, [start, end]] of rowGroupRanges(part).entries()) {
    if (end === start) continue;
    for (const page of await pagesOf(part, await rowGroupSource(part, group, [name]), group, name)) {
      const { values, definitionLevels: levels, maxDefinitionLevel: defined } = page;
      const out: (string | null)[] = new Array(page.rows);
      let next = 0;
      for (let r = 0; r < page.rows; r++) out[r] = levels === undefined || levels[r] === defined ? text(values[next++]) : null;
      yield out;
    }
  }
}
