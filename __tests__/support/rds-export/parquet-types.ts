// The Parquet types an RDS export writes, each with the `expectedExportedType` text RDS states for
// it in export_tables_info (the spelling of our example exports: "int64", "binary (UTF8)",
// "decimal(10,2)", "int64 (TIMESTAMP_MICROS)"). Pure.
//
// Annotations are written both ways a reader may look for them (converted_type and logical_type),
// as parquet-mr and Spark do. Every column is OPTIONAL: Spark, whose part naming
// (part-00000-<uuid>-c000) the exports carry, writes all columns nullable.
import type { parquetWriteBuffer } from 'hyparquet-writer';

// hyparquet-writer brings its own hyparquet; its schema type is the one it takes.
export type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

/** A column's Parquet type: its schema element (without name and repetition) and RDS's name for it. */
export interface ParquetType {
  readonly element: Omit<SchemaElement, 'name' | 'repetition_type' | 'num_children'>;
  readonly expectedExportedType: string;
}

export const INT32: ParquetType = { element: { type: 'INT32' }, expectedExportedType: 'int32' };
export const INT64: ParquetType = { element: { type: 'INT64' }, expectedExportedType: 'int64' };
export const FLOAT: ParquetType = { element: { type: 'FLOAT' }, expectedExportedType: 'float' };
export const DOUBLE: ParquetType = { element: { type: 'DOUBLE' }, expectedExportedType: 'double' };
export const BOOLEAN: ParquetType = { element: { type: 'BOOLEAN' }, expectedExportedType: 'boolean' };
/** BYTE_ARRAY with no annotation: the bytes as they are. */
export const BINARY: ParquetType = { element: { type: 'BYTE_ARRAY' }, expectedExportedType: 'binary' };
/** BYTE_ARRAY annotated STRING: UTF-8 text. */
export const STRING: ParquetType = {
  element: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
  expectedExportedType: 'binary (UTF8)',
};
/**
 * INT32 annotated INT(16, true), AWS's "INT(16, true)", as the legacy converted type INT_16 only:
 * hyparquet-writer 0.17 writes the logical type's bitWidth as a thrift i32 where the format says
 * i8, which DuckDB (and any strict reader) rejects as invalid file metadata.
 */
export const INT16: ParquetType = {
  element: { type: 'INT32', converted_type: 'INT_16' },
  expectedExportedType: 'int32 (INT_16)',
};
/** INT64 microseconds since 1970-01-01 00:00 UTC, AWS's "TIMESTAMP_MICROS". */
export const TIMESTAMP_MICROS: ParquetType = {
  element: { type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
  expectedExportedType: 'int64 (TIMESTAMP_MICROS)',
};

/** Parquet's largest DECIMAL precision; AWS writes wider decimals as strings. */
export const MAX_PARQUET_DECIMAL_PRECISION = 38;

/** The fewest bytes whose two's complement holds every unscaled value of `precision` digits. */
export function decimalByteLength(precision: number): number {
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) <= 10n ** BigInt(precision)) bytes++;
  return bytes;
}

/**
 * DECIMAL(p,s) on the narrowest physical type (AWS's MySQL table): INT32 up to 9 digits, INT64 up
 * to 18, FIXED_LEN_BYTE_ARRAY(n) up to 38; wider precisions are strings.
 */
export function decimalType(precision: number, scale: number): ParquetType {
  if (precision > MAX_PARQUET_DECIMAL_PRECISION) return STRING;
  const annotation = { converted_type: 'DECIMAL', precision, scale, logical_type: { type: 'DECIMAL', precision, scale } } as const;
  const expectedExportedType = `decimal(${precision},${scale})`;
  if (precision <= 9) return { element: { type: 'INT32', ...annotation }, expectedExportedType };
  if (precision <= 18) return { element: { type: 'INT64', ...annotation }, expectedExportedType };
  return { element: { type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalByteLength(precision), ...annotation }, expectedExportedType };
}

/** The unscaled integer of a decimal the server printed with exactly `scale` fraction digits ("-12.50" → -1250n). */
export function unscaledDecimal(text: string, scale: number): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (match === null) throw new Error(`"${text}" is not a decimal number`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new Error(`"${text}" has more than ${scale} fraction digits`);
  const unscaled = BigInt(`${match[2] || '0'}${fraction}`);
  return match[1] === '-' ? -unscaled : unscaled;
}
