// Decodes a flat column chunk page by page, leaving the values in the page's bytes wherever it
// can: PLAIN pages as their bytes, dictionary pages as indices into the chunk's dictionary,
// booleans as one byte each. The text writer (column-text.ts) turns them into text without a
// JavaScript object per value, which is where most of the time and memory went when every value
// was decoded into an array first. Encodings RDS does not write (DELTA_*, BYTE_STREAM_SPLIT, ALP)
// are decoded by hyparquet's page readers, as before. Data pages v1 (what Spark, and so RDS,
// writes) and v2 (what hyparquet-writer, and so the tests' export emulator, writes) differ only
// in where the definition levels are and what is compressed.
import type { ColumnChunk, Compressors, DataPageHeader, DecodedArray, FileMetaData, PageHeader, ParquetType, SchemaElement } from 'hyparquet';
import { parquetSchema } from 'hyparquet';
import type { ColumnDecoder } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';

/** How one data page holds its values (the non-null ones, in row order). */
export type PageValues =
  /** PLAIN: `count` values back to back in `bytes` (BYTE_ARRAY: each after its 4-byte length). */
  | { readonly encoding: 'plain'; readonly bytes: Uint8Array; readonly count: number }
  /** Dictionary-encoded: each value is an index into the chunk's dictionary. */
  | { readonly encoding: 'indices'; readonly indices: Int32Array }
  /** BOOLEAN: 0 or 1 per value. */
  | { readonly encoding: 'booleans'; readonly bits: Uint8Array }
  /** Any other encoding, decoded by hyparquet into raw values. */
  | { readonly encoding: 'decoded'; readonly values: DecodedArray };

/** One data page. */
export interface DataPage {
  readonly rows: number;
  /** One byte per row, 1 when the row has a value; undefined when every row has one. */
  readonly present?: Uint8Array;
  readonly values: PageValues;
}

/** A column chunk, opened for reading. */
export interface ChunkPages {
  readonly type: ParquetType;
  /** FIXED_LEN_BYTE_ARRAY's length. */
  readonly typeLength?: number;
  /** The chunk's data pages; the dictionary, when the chunk has one, is read before the first. */
  readonly pages: Generator<DataPage>;
  /** The dictionary's raw values (undefined until read, or when the chunk has none). */
  dictionary(): DecodedArray | undefined;
  /** hyparquet's conversion of raw values of this column (strings for UTF8 columns, as the schema given says). */
  convert(raw: DecodedArray): DecodedArray;
}

function bitWidth(value: number): number {
  return 32 - Math.clz32(value);
}

/** The definition levels as "has a value" flags; undefined when every row has one. */
function presentFlags(levels: Uint8Array, defined: number): Uint8Array | undefined {
  let all = true;
  for (let r = 0; r < levels.length; r++) {
    const has = levels[r] === defined ? 1 : 0;
    levels[r] = has;
    if (has === 0) all = false;
  }
  return all ? undefined : levels;
}

function countPresent(present: Uint8Array | undefined, rows: number): number {
  if (present === undefined) return rows;
  let count = 0;
  for (let r = 0; r < rows; r++) count += present[r]!;
  return count;
}

/** PLAIN booleans: bit-packed, least significant bit first. */
function unpackBits(bytes: Uint8Array, count: number): Uint8Array {
  if (bytes.length * 8 < count) throw new Error(`a BOOLEAN page holds ${bytes.length * 8} bits for ${count} values`);
  const bits = new Uint8Array(count);
  for (let i = 0; i < count; i++) bits[i] = (bytes[i >> 3]! >> (i & 7)) & 1;
  return bits;
}

/** The values region of a page (after the levels), in the given encoding. */
function pageValues(type: ParquetType, encoding: string, bytes: Uint8Array, count: number): PageValues | undefined {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  if (encoding === 'PLAIN') return type === 'BOOLEAN' ? { encoding: 'booleans', bits: unpackBits(bytes, count) } : { encoding: 'plain', bytes, count };
  if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
    const indices = new Int32Array(count);
    if (count === 0) return { encoding: 'indices', indices };
    const width = bytes[0]!;
    reader.offset = 1;
    if (width > 0) readRleBitPackedHybrid(reader, width, indices, bytes.length - 1);
    return { encoding: 'indices', indices };
  }
  if (encoding === 'RLE' && type === 'BOOLEAN') {
    const bits = new Uint8Array(count);
    if (count > 0) readRleBitPackedHybrid(reader, 1, bits);
    return { encoding: 'booleans', bits };
  }
  return undefined;
}

/**
 * The pages of one column chunk. `bytes` holds the chunk (from its dictionary page or first data
 * page, total_compressed_size long).
 */
export function chunkPages(metadata: FileMetaData, chunk: ColumnChunk, bytes: Uint8Array, compressors: Compressors): ChunkPages {
  const meta = chunk.meta_data!;
  const schemaPath = getTreePath(parquetSchema(metadata), meta.path_in_schema);
  if (schemaPath.length !== 2 || getMaxRepetitionLevel(schemaPath) > 0) {
    throw new Error(`column ${meta.path_in_schema.join('.')} is nested or repeated; RDS writes flat columns only`);
  }
  const element = schemaPath[1]!.element as SchemaElement;
  const decoder: ColumnDecoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element,
    schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
    utf8: false,
  };
  const maxDefinitionLevel = getMaxDefinitionLevel(schemaPath);
  const levelWidth = bitWidth(maxDefinitionLevel);
  let dictionary: DecodedArray | undefined;

  /** hyparquet's reading of a page in an encoding this file does not handle itself. */
  function decodedPage(header: PageHeader, compressed: Uint8Array): DataPage {
    const v1 = header.type === 'DATA_PAGE';
    const read = v1
      ? readDataPage(decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, compressors), header.data_page_header!, decoder)
      : readDataPageV2(compressed, header, decoder);
    const rows = v1 ? header.data_page_header!.num_values : header.data_page_header_v2!.num_values;
    const levels = read.definitionLevels;
    const present = levels !== undefined && levels.length > 0 ? presentFlags(Uint8Array.from(levels), maxDefinitionLevel) : undefined;
    const values = read.dataPage;
    return { rows, ...(present ? { present } : {}), values: { encoding: 'decoded', values } };
  }

  function dataPageV1(header: PageHeader, compressed: Uint8Array): DataPage {
    const daph: DataPageHeader = header.data_page_header!;
    const rows = daph.num_values;
    const page = decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, compressors);
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    let present: Uint8Array | undefined;
    if (maxDefinitionLevel > 0) {
      const levels = new Uint8Array(rows);
      readRleBitPackedHybrid(reader, levelWidth, levels);
      present = presentFlags(levels, maxDefinitionLevel);
    }
    const values = pageValues(meta.type, daph.encoding, page.subarray(reader.offset), countPresent(present, rows));
    return values === undefined ? decodedPage(header, compressed) : { rows, ...(present ? { present } : {}), values };
  }

  function dataPageV2(header: PageHeader, compressed: Uint8Array): DataPage {
    const daph = header.data_page_header_v2!;
    const rows = daph.num_values;
    const levelsEnd = daph.repetition_levels_byte_length + daph.definition_levels_byte_length;
    let present: Uint8Array | undefined;
    if (maxDefinitionLevel > 0) {
      const levels = new Uint8Array(rows);
      const reader = { view: new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength), offset: daph.repetition_levels_byte_length };
      readRleBitPackedHybrid(reader, levelWidth, levels, daph.definition_levels_byte_length);
      present = presentFlags(levels, maxDefinitionLevel);
    }
    const count = countPresent(present, rows);
    if (count !== rows - daph.num_nulls) throw new Error(`a page counts ${daph.num_nulls} nulls in ${rows} rows, but its levels say ${rows - count}`);
    const size = Number(header.uncompressed_page_size) - levelsEnd;
    let region = compressed.subarray(levelsEnd);
    if (daph.is_compressed !== false && size > 0) region = decompressPage(region, size, meta.codec, compressors);
    const values = pageValues(meta.type, daph.encoding, region, count);
    return values === undefined ? decodedPage(header, compressed) : { rows, ...(present ? { present } : {}), values };
  }

  function* pages(): Generator<DataPage> {
    const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
    const total = Number(meta.num_values);
    let rows = 0;
    while (rows < total && reader.offset < bytes.byteLength - 1) {
      const header = parquetHeader(reader);
      const compressed = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      if (header.type === 'DICTIONARY_PAGE') {
        const page = decompressPage(compressed, Number(header.uncompressed_page_size), meta.codec, compressors);
        dictionary = readPlain(
          { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 },
          meta.type,
          header.dictionary_page_header!.num_values,
          element.type_length,
        );
        continue;
      }
      let page: DataPage;
      if (header.type === 'DATA_PAGE') page = dataPageV1(header, compressed);
      else if (header.type === 'DATA_PAGE_V2') page = dataPageV2(header, compressed);
      else continue; // index pages carry no values
      if (page.values.encoding === 'indices' && dictionary === undefined) throw new Error('a dictionary-encoded page comes before any dictionary page');
      yield page;
      rows += page.rows;
    }
  }

  return {
    type: meta.type,
    ...(element.type_length !== undefined ? { typeLength: element.type_length } : {}),
    pages: pages(),
    dictionary: () => dictionary,
    convert: (raw) => convert(raw, decoder),
  };
}

/** The raw values of a PLAIN page (hyparquet's PLAIN reader). */
export function plainValues(chunk: ChunkPages, values: { readonly bytes: Uint8Array; readonly count: number }): DecodedArray {
  const { bytes, count } = values;
  return readPlain({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }, chunk.type, count, chunk.typeLength);
}
