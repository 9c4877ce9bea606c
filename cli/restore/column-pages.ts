// Decodes a flat column chunk page by page with hyparquet's page readers, handing each page's
// values and definition levels to the caller as they come. hyparquet's own column reader
// assembles every value of the chunk into one array through its nested-list assembly, which is
// most of its time and memory for the flat columns RDS writes; page by page, memory holds one
// page and the caller writes it out at once.
import { type ColumnChunk, type Compressors, type DecodedArray, type FileMetaData, parquetSchema } from 'hyparquet';
import type { ColumnDecoder } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel, getTreePath } from 'hyparquet/src/schema.js';

/** One page: its values (the non-null ones) and, for an optional column, one definition level per row. */
export interface PageValues {
  readonly rows: number;
  readonly values: DecodedArray;
  /** Undefined when every row has a value (a required column, or no nulls written). */
  readonly definitionLevels?: ArrayLike<number>;
  /** The level that means "a value" (0 for a required column). */
  readonly maxDefinitionLevel: number;
}

/**
 * The pages of one column chunk. `bytes` holds the chunk (from its dictionary page or first data
 * page, total_compressed_size long).
 */
export function* columnPages(metadata: FileMetaData, chunk: ColumnChunk, bytes: Uint8Array, compressors: Compressors): Generator<PageValues> {
  const meta = chunk.meta_data!;
  const schemaPath = getTreePath(parquetSchema(metadata), meta.path_in_schema);
  if (schemaPath.length !== 2) throw new Error(`column ${meta.path_in_schema.join('.')} is nested; RDS writes flat columns only`);
  const decoder: ColumnDecoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: schemaPath[1]!.element,
    schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
    utf8: false,
  };
  const maxDefinitionLevel = getMaxDefinitionLevel(schemaPath);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const total = Number(meta.num_values);
  let dictionary: DecodedArray | undefined;
  let rows = 0;
  while (rows < total && reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader);
    const compressed = new Uint8Array(bytes.buffer, bytes.byteOffset + reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
      const plain = readPlain(
        { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 },
        decoder.type,
        header.dictionary_page_header!.num_values,
        decoder.element.type_length,
      );
      dictionary = convert(plain, decoder);
      continue;
    }
    let read: { definitionLevels?: number[]; dataPage: DecodedArray };
    let count: number;
    let encoding: string;
    if (header.type === 'DATA_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
      read = readDataPage(page, header.data_page_header!, decoder);
      count = header.data_page_header!.num_values;
      encoding = header.data_page_header!.encoding;
    } else if (header.type === 'DATA_PAGE_V2') {
      read = readDataPageV2(compressed, header, decoder);
      count = header.data_page_header_v2!.num_values;
      encoding = header.data_page_header_v2!.encoding;
    } else {
      continue; // index pages carry no values
    }
    const values = convertWithDictionary(read.dataPage, dictionary, encoding as never, decoder);
    const levels = read.definitionLevels !== undefined && read.definitionLevels.length > 0 ? read.definitionLevels : undefined;
    yield { rows: count, values, ...(levels ? { definitionLevels: levels } : {}), maxDefinitionLevel };
    rows += count;
  }
}
