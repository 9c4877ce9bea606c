// Reads an emulated (or real) RDS Parquet part back exactly, for tests: its schema as written, and
// its values without hyparquet's lossy conversions (decimals stay unscaled integers, timestamps
// stay microseconds, unannotated byte arrays stay bytes).
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';

type Metadata = ReturnType<typeof parquetMetadata>;
type SchemaElement = Metadata['schema'][number];

/** RDS parts are gzip-compressed; hyparquet reads only snappy by itself. */
export const GZIP_DECOMPRESSORS = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The part's metadata and leaf columns' schema elements, by name. */
export function partSchema(bytes: Uint8Array): { metadata: Metadata; columns: Map<string, SchemaElement> } {
  const metadata = parquetMetadata(arrayBufferOf(bytes));
  const tree = parquetSchema(metadata);
  return { metadata, columns: new Map(tree.children.map((child) => [child.element.name, child.element])) };
}

/** A FIXED_LEN_BYTE_ARRAY decimal's unscaled value (big-endian two's complement). */
export function twosComplement(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return bytes.length > 0 && (bytes[0]! & 0x80) !== 0 ? value - (1n << BigInt(8 * bytes.length)) : value;
}

/**
 * The part's rows as written: DECIMAL as unscaled bigint (or number for INT32), TIMESTAMP as
 * bigint microseconds, BYTE_ARRAY without annotation as Uint8Array, strings as strings.
 */
export async function readPartRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const metadata = parquetMetadata(arrayBufferOf(bytes));
  const decimals = new Set<string>();
  const raw: Metadata = {
    ...metadata,
    schema: metadata.schema.map((element) => {
      const annotation = element.converted_type ?? element.logical_type?.type;
      if (annotation === 'DECIMAL' || annotation === 'TIMESTAMP_MICROS' || annotation === 'TIMESTAMP') {
        if (annotation === 'DECIMAL') decimals.add(element.name);
        const { converted_type: _c, logical_type: _l, ...plain } = element;
        return plain;
      }
      return element;
    }),
  };
  const rows = (await parquetReadObjects({ file: arrayBufferOf(bytes), metadata: raw, compressors: GZIP_DECOMPRESSORS, utf8: false })) as Record<
    string,
    unknown
  >[];
  for (const row of rows) {
    for (const name of decimals) {
      const value = row[name];
      if (value instanceof Uint8Array) row[name] = twosComplement(value);
    }
  }
  return rows;
}
