// The text the restore sends for each Parquet value: the page decoder's shortcuts (text bytes
// copied with their escapes, integers digit by digit, dictionary values formatted once, booleans)
// must give exactly what handler/restore's formatter gives for the same value, across page, slice
// and row group boundaries, with NULLs, for both engines, in data pages v2 (what the emulator
// writes) and v1 (what Spark, and so RDS, writes).
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ColumnChunk } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { describe, expect, it } from 'vitest';
import { chunkPages } from '../../../cli/restore/column-pages';
import { ColumnCursor, ColumnFormat } from '../../../cli/restore/column-text';
import { bindColumns, openPart, type ParquetPart, partLines } from '../../../cli/restore/parquet-reader';
import { describeParquetColumn, type Engine, fieldFormatter, type LoadAs, RestoreError } from '../../../handler/restore';

const ROWS = 10_000;
const utf8 = new TextEncoder();

const TEXTS = [
  '',
  'plain',
  'tab\there',
  'back\\slash',
  'new\nline',
  'carriage\rreturn',
  'nul\0byte',
  'ünïcødé',
  '表',
  '😀 emoji',
  '\uFEFFbom first',
  'x'.repeat(300),
];
const INT32S = [0, 1, -1, 9, 10, 99, 100, 2147483647, -2147483648, 1234567, -7654321];
const INT64S = [
  0n,
  -1n,
  2n ** 31n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  9223372036854775807n,
  -9223372036854775808n,
  4294967296n,
  -4294967297n,
];
/** A lone continuation byte and a truncated sequence, among escapes. */
const NOT_UTF8 = Uint8Array.from([0x61, 0xff, 0x5c, 0x0a, 0xe2, 0x82]);
const DOUBLES = [0, -0, 0.1, -2.5, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 123456.789];

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];
type PageHeader = Parameters<typeof writePageHeader>[1];

/** A column of the test file: how it is written, how it is loaded, and row r's value (null for NULL). */
interface TestColumn {
  readonly element: SchemaElement;
  readonly loadAs: LoadAs;
  readonly value: (row: number) => unknown;
}

const nullEvery = (n: number, value: (row: number) => unknown) => (row: number) => (row % n === n - 1 ? null : value(row));

const COLUMNS: readonly TestColumn[] = [
  // Many distinct strings: PLAIN pages.
  { element: { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8' }, loadAs: 'text', value: nullEvery(7, (r) => `${TEXTS[r % TEXTS.length]} ${r}`) },
  // Few distinct strings: a dictionary.
  { element: { name: 'status', type: 'BYTE_ARRAY', converted_type: 'UTF8' }, loadAs: 'text', value: nullEvery(5, (r) => TEXTS[r % TEXTS.length]) },
  // Text that is not all UTF-8: what cannot be read is replaced, in PLAIN pages and in a dictionary.
  {
    element: { name: 'broken', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    loadAs: 'text',
    value: nullEvery(7, (r) => (r % 13 === 0 ? NOT_UTF8 : `ok ${r}`)),
  },
  {
    element: { name: 'brokenFew', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    loadAs: 'text',
    value: nullEvery(7, (r) => (r % 13 === 0 ? NOT_UTF8 : TEXTS[r % 3])),
  },
  // Unannotated bytes loaded as text (MySQL CHAR).
  { element: { name: 'chars', type: 'BYTE_ARRAY' }, loadAs: 'text', value: nullEvery(6, (r) => utf8.encode(`${TEXTS[(r * 7) % TEXTS.length]}${r}`)) },
  // Bytes loaded as bytes (bytea, BLOB).
  { element: { name: 'blob', type: 'BYTE_ARRAY' }, loadAs: 'bytes', value: nullEvery(4, (r) => Uint8Array.from([r & 255, 0, 92, 9, 10, (r >> 8) & 255])) },
  {
    element: { name: 'int32', type: 'INT32' },
    loadAs: 'text',
    value: nullEvery(9, (r) => (r % 2 === 0 ? INT32S[r % INT32S.length]! : ((r * 7919) % 100_000) - 50_000)),
  },
  { element: { name: 'small', type: 'INT32' }, loadAs: 'text', value: nullEvery(8, (r) => (r % 4) - 2) },
  {
    element: { name: 'int64', type: 'INT64' },
    loadAs: 'text',
    value: nullEvery(10, (r) => (r % 2 === 0 ? INT64S[r % INT64S.length]! : BigInt(r) * 1_000_000_007n - 5_000_000_000_000n)),
  },
  { element: { name: 'double', type: 'DOUBLE' }, loadAs: 'text', value: nullEvery(11, (r) => (r % 2 === 0 ? DOUBLES[r % DOUBLES.length]! : r / 7)) },
  { element: { name: 'float', type: 'FLOAT' }, loadAs: 'text', value: nullEvery(12, (r) => Math.fround(r / 3)) },
  { element: { name: 'flag', type: 'BOOLEAN' }, loadAs: 'text', value: nullEvery(3, (r) => r % 5 < 2) },
];

/** The columns written as RDS writes them (gzip, every column OPTIONAL), in several row groups of several pages each. */
function writeFile(rows: number): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: COLUMNS.map((c) => ({ name: c.element.name, data: Array.from({ length: rows }, (_, r) => c.value(r)) as never, nullable: true })),
    schema: [{ name: 'spark_schema', num_children: COLUMNS.length }, ...COLUMNS.map((c) => ({ ...c.element, repetition_type: 'OPTIONAL' as const }))],
    codec: 'GZIP',
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
    rowGroupSize: 6000,
    pageSize: 8 * 1024,
  });
  return new Uint8Array(buffer);
}

function inMemory(bytes: Uint8Array) {
  return { byteLength: bytes.byteLength, slice: async (start: number, end = bytes.byteLength) => bytes.slice(start, end).buffer };
}

/** What the formatter, the one definition of each conversion, makes of the rows: the expected text. */
function expectedText(engine: Engine, part: ParquetPart, rows: number): string {
  const formats = COLUMNS.map((c) => fieldFormatter(describeParquetColumn(part.columns.find((p) => p.name === c.element.name)!), engine, c.loadAs));
  let text = '';
  for (let r = 0; r < rows; r++) text += `${COLUMNS.map((c, i) => formats[i]!(c.value(r))).join('\t')}\n`;
  return text;
}

/** Text as its UTF-8 bytes, one character a byte (latin1), for comparing bytes. */
function asBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The chunk's pages rewritten as data pages v1: levels (with their 4-byte length) and values compressed together. */
function asDataPagesV1(chunk: Uint8Array): Uint8Array {
  const reader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  const out = new ByteWriter();
  while (reader.offset < chunk.byteLength) {
    const header = parquetHeader(reader) as PageHeader;
    const body = chunk.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    const v2 = header.data_page_header_v2;
    if (v2 === undefined) {
      writePageHeader(out, header);
      out.appendBytes(body);
      continue;
    }
    const levelsEnd = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
    const levels = body.subarray(v2.repetition_levels_byte_length, levelsEnd);
    const values = levelsEnd < body.byteLength ? gunzipSync(body.subarray(levelsEnd)) : Buffer.alloc(0);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(levels.byteLength);
    const page = Buffer.concat([length, levels, values]);
    const compressed = gzipSync(page);
    const v1: PageHeader = {
      type: 'DATA_PAGE',
      uncompressed_page_size: page.byteLength,
      compressed_page_size: compressed.byteLength,
      data_page_header: { num_values: v2.num_values, encoding: v2.encoding, definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
    };
    writePageHeader(out, v1);
    out.appendBytes(compressed);
  }
  return out.getBytes();
}

/** One column chunk's text through a cursor, as the loaders get it (each byte as one character, latin1). */
function chunkText(part: ParquetPart, chunk: ColumnChunk, bytes: Uint8Array, format: ColumnFormat, rows: number): string {
  const compressors = { GZIP: (input: Uint8Array) => gunzipSync(input) };
  const cursor = new ColumnCursor(chunkPages(part.metadata, chunk, bytes, compressors), format, chunk.meta_data!.path_in_schema[0]!);
  cursor.fill(rows);
  const fields: string[] = [];
  for (let row = cursor.first; row < cursor.first + rows; row++) fields.push(cursor.bytes.subarray(cursor.start(row), cursor.ends[row]).toString('latin1'));
  cursor.first += rows;
  cursor.finish();
  return fields.join('\n');
}

describe('Parquet values as COPY / LOAD DATA text', () => {
  const file = writeFile(ROWS);

  it.each<Engine>(['postgres', 'mysql'])('gives for every value what the formatter gives (%s), page after page, row group after row group', async (engine) => {
    // Prepare
    const part = await openPart(inMemory(file), 'test.gz.parquet');
    const bindings = bindColumns(
      part,
      COLUMNS.map((c) => ({ name: c.element.name, loadAs: c.loadAs })),
      'test.gz.parquet',
    );
    const encodings = new Set(part.metadata.row_groups.flatMap((g) => g.columns.flatMap((c) => c.meta_data!.encodings)));
    // Act
    const slices: Buffer[] = [];
    let rows = 0;
    for await (const slice of partLines(part, bindings, engine)) {
      slices.push(slice.text);
      rows += slice.rows;
    }
    // Assess
    expect(encodings).toEqual(new Set(['PLAIN', 'RLE_DICTIONARY', 'RLE']));
    expect(part.metadata.row_groups.length).toBeGreaterThan(1);
    expect(rows).toBe(ROWS);
    // Compared byte for byte: decoding the text would hide bytes that are not UTF-8.
    expect(Buffer.concat(slices).toString('latin1')).toBe(asBytes(expectedText(engine, part, ROWS)));
  });

  it('reads a small part, whose booleans are PLAIN bits, as the formatter does', async () => {
    // Prepare
    const part = await openPart(inMemory(writeFile(10)), 'small.gz.parquet');
    const bindings = bindColumns(
      part,
      COLUMNS.map((c) => ({ name: c.element.name, loadAs: c.loadAs })),
      'small.gz.parquet',
    );
    const flag = part.metadata.row_groups[0]!.columns.find((c) => c.meta_data!.path_in_schema[0] === 'flag')!;
    // Act
    const slices: Buffer[] = [];
    for await (const slice of partLines(part, bindings, 'postgres')) slices.push(slice.text);
    // Assess
    expect(flag.meta_data!.encodings).toEqual(['PLAIN']);
    expect(Buffer.concat(slices).toString('latin1')).toBe(asBytes(expectedText('postgres', part, 10)));
  });

  it('reads data pages v1 as it reads v2: the same text for every column', async () => {
    // Prepare
    const part = await openPart(inMemory(file), 'test.gz.parquet');
    const group = part.metadata.row_groups[0]!;
    const rows = Number(group.num_rows);
    // Act
    const texts = COLUMNS.map((c) => {
      const chunk = group.columns.find((k) => k.meta_data!.path_in_schema[0] === c.element.name)!;
      const start = Number(chunk.meta_data!.dictionary_page_offset || chunk.meta_data!.data_page_offset);
      const v2 = file.subarray(start, start + Number(chunk.meta_data!.total_compressed_size));
      const format = new ColumnFormat(part.columns.find((p) => p.name === c.element.name)!, 'postgres', c.loadAs);
      return { v1: chunkText(part, chunk, asDataPagesV1(v2), format, rows), v2: chunkText(part, chunk, v2, format, rows) };
    });
    // Assess
    for (const { v1, v2 } of texts) expect(v1).toBe(v2);
    const expected = asBytes(expectedText('postgres', part, rows))
      .slice(0, -1)
      .split('\n')
      .map((line) => line.split('\t'));
    for (const [c, text] of texts.entries()) expect(text.v1.split('\n')).toEqual(expected.map((fields) => fields[c]));
  });

  it('calls a column with fewer values than its row group has rows a damaged file', async () => {
    // Prepare
    const part = await openPart(inMemory(file), 'test.gz.parquet');
    const group = part.metadata.row_groups[0]!;
    const chunk = group.columns[0]!;
    const start = Number(chunk.meta_data!.dictionary_page_offset || chunk.meta_data!.data_page_offset);
    const bytes = file.subarray(start, start + Number(chunk.meta_data!.total_compressed_size));
    const format = new ColumnFormat(part.columns[0]!, 'postgres', 'text');
    // Act
    const reading = () => chunkText(part, chunk, bytes, format, Number(group.num_rows) + 1);
    // Assess
    expect(reading).toThrow(RestoreError);
    expect(reading).toThrow(/the file is damaged/);
  });
});
