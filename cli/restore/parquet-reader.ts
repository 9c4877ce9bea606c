// Reads a Parquet part (hyparquet reads the footer and page headers), turning it into lines of
// COPY / LOAD DATA text, row group by row group and, within a row group, a slice of rows at a
// time: each column decodes pages as the slice needs them (column-text.ts), and the slice's
// rows are cut from the columns' text. Memory holds the row group's compressed bytes and about a
// page of text per column, whatever the size of the row group or the table; the loader sends
// each slice as it comes, so the database parses one slice while the next is decoded.
import { gunzipSync } from 'node:zlib';
import { type FileMetaData, parquetMetadataAsync, type SchemaElement } from 'hyparquet';
import { describeParquetColumn, type Engine, type LoadAs, type ParquetColumn, RestoreError } from '../../handler/restore';
import type { RangeReader } from './archive-reader';
import { type ChunkPages, chunkPages } from './column-pages';
import { ColumnCursor, ColumnFormat } from './column-text';

// RDS writes .gz.parquet: GZIP pages. hyparquet decodes SNAPPY itself; GZIP comes from zlib.
// The page header gives the output's size: one output buffer of that size, not a chain of 16 KB
// ones (and a Buffer is a Uint8Array: no copy).
const COMPRESSORS = {
  GZIP: (input: Uint8Array, outputLength: number): Uint8Array => gunzipSync(input, { chunkSize: Math.max(1024, outputLength + 64) }),
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

/** One column chunk of a row group, opened for reading its pages. */
async function chunkOf(part: ParquetPart, source: RowGroupSource, group: number, name: string): Promise<ChunkPages> {
  const chunk = part.metadata.row_groups[group]!.columns.find((c) => c.meta_data?.path_in_schema[0] === name);
  if (chunk?.meta_data === undefined) throw new RestoreError(`row group ${group + 1} has no column "${name}": the file is damaged`);
  const offset = Number(chunk.meta_data.dictionary_page_offset || chunk.meta_data.data_page_offset);
  const bytes = await source.view(offset, offset + Number(chunk.meta_data.total_compressed_size));
  return chunkPages(part.metadata, chunk, bytes, COMPRESSORS);
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
  const formats = bindings.map((b) => new ColumnFormat(part.columns[b.index]!, engine, b.loadAs));
  const groups = rowGroupRanges(part);
  let next = first ?? (groups.length > 0 ? rowGroupSource(part, 0) : undefined);
  for (const [group, [start, end]] of groups.entries()) {
    const file = await next!;
    // The next row group's bytes arrive while this one is converted and sent.
    next = group + 1 < groups.length ? rowGroupSource(part, group + 1) : undefined;
    next?.catch(() => {});
    if (end === start) continue;
    const cursors: ColumnCursor[] = [];
    for (const [c, binding] of bindings.entries()) {
      const name = part.columns[binding.index]!.name;
      cursors.push(new ColumnCursor(await chunkOf(part, file, group, name), formats[c]!, `column "${name}" of row group ${group + 1}`));
    }
    const rows = end - start;
    for (let done = 0; done < rows; done += SLICE_ROWS) {
      const count = Math.min(SLICE_ROWS, rows - done);
      for (const cursor of cursors) cursor.fill(count);
      yield { text: sliceText(cursors, count), rows: count };
    }
    for (const cursor of cursors) cursor.finish();
  }
}

/** The next `rows` rows of the columns as lines, taken from the cursors. */
function sliceText(columns: readonly ColumnCursor[], rows: number): Buffer {
  let size = rows * columns.length;
  for (const c of columns) size += c.start(c.first + rows) - c.start(c.first);
  // Four bytes at a time through DataViews: twice as fast as byte by byte for the short fields
  // most columns have, and Buffer.copy's call costs more than it saves below a few dozen bytes.
  const text = Buffer.allocUnsafe(size);
  const out = new DataView(text.buffer, text.byteOffset, text.byteLength);
  const bytesOf = columns.map((c) => c.bytes);
  const viewOf = columns.map((c) => new DataView(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength));
  const endsOf = columns.map((c) => c.ends);
  const startOf = columns.map((c) => c.start(c.first));
  const firstOf = columns.map((c) => c.first);
  const last = columns.length - 1;
  let at = 0;
  for (let row = 0; row < rows; row++) {
    for (let c = 0; c <= last; c++) {
      const bytes = bytesOf[c]!;
      const from = startOf[c]!;
      const to = endsOf[c]![firstOf[c]! + row]!;
      startOf[c] = to;
      if (to - from > 64) at += bytes.copy(text, at, from, to);
      else {
        const view = viewOf[c]!;
        let k = from;
        for (; k + 4 <= to; k += 4, at += 4) out.setUint32(at, view.getUint32(k));
        for (; k < to; k++) text[at++] = bytes[k]!;
      }
      text[at++] = c === last ? 0x0a : 0x09;
    }
  }
  for (const column of columns) column.first += rows;
  return text;
}

/**
 * Every field of one column of a part as text (as the loaders send it; \N for NULL), slice by
 * slice, each handed to `visit` as bytes[from, to) (for reading numeric scales without a string
 * per value).
 */
export async function scanColumn(part: ParquetPart, name: string, engine: Engine, visit: (bytes: Uint8Array, from: number, to: number) => void): Promise<void> {
  const index = part.columns.findIndex((c) => c.name === name);
  if (index < 0) throw new RestoreError(`a part has no column "${name}", which the export's metadata lists: the file does not belong to this table's export`);
  const format = new ColumnFormat(part.columns[index]!, engine, 'text');
  const groups = rowGroupRanges(part);
  let next = groups.length > 0 ? rowGroupSource(part, 0, [name]) : undefined;
  for (const [group, [start, end]] of groups.entries()) {
    const file = await next!;
    next = group + 1 < groups.length ? rowGroupSource(part, group + 1, [name]) : undefined;
    next?.catch(() => {});
    if (end === start) continue;
    const cursor = new ColumnCursor(await chunkOf(part, file, group, name), format, `column "${name}" of row group ${group + 1}`);
    for (let done = 0; done < end - start; done += SLICE_ROWS) {
      const count = Math.min(SLICE_ROWS, end - start - done);
      cursor.fill(count);
      for (let row = cursor.first; row < cursor.first + count; row++) visit(cursor.bytes, cursor.start(row), cursor.ends[row]!);
      cursor.first += count;
    }
    cursor.finish();
  }
}
