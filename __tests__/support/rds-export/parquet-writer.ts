// Writes one Parquet part as RDS does: gzip-compressed (the parts are named *.gz.parquet), every
// column OPTIONAL, the types of parquet-types.ts, row groups of a chosen size.
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ParquetType, SchemaElement } from './parquet-types';

/** A column of a part: its name, Parquet type and values (null for SQL NULL). */
export interface PartColumn {
  readonly name: string;
  readonly parquet: ParquetType;
  readonly values: readonly unknown[];
}

/** What wrote the parts, in each file's created_by: not RDS, so nobody mistakes them for real exports. */
export const CREATED_BY = 'rds-snapshot-archive RDS export emulator (test support)';

/** The Parquet bytes of one part; `rowGroupSize` rows per row group (default: all in one). */
export function writeParquetPart(columns: readonly PartColumn[], rowGroupSize?: number): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  const schema: SchemaElement[] = [
    { name: 'spark_schema', num_children: columns.length },
    ...columns.map((column): SchemaElement => ({ name: column.name, repetition_type: 'OPTIONAL', ...column.parquet.element })),
  ];
  const buffer = parquetWriteBuffer({
    columnData: columns.map((column) => ({ name: column.name, data: [...column.values] as never, nullable: true })),
    schema,
    codec: 'GZIP',
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) },
    rowGroupSize: rowGroupSize ?? Math.max(rows, 1),
    createdBy: CREATED_BY,
  });
  return new Uint8Array(buffer);
}
