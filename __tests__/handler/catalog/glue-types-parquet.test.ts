// The type mapping against real Parquet files: DuckDB writes columns with the physical and
// logical types RDS states in export_tables_info, we check what it wrote (parquet_schema), then
// read the files back as the Glue type glueType chose (in DuckDB's spelling) and compare values:
// timestamps as the same instants, decimals exactly, NULLs as NULLs.
// Not provable with DuckDB: INT96 timestamps (DuckDB cannot write them) and Athena reading a
// TIME_MICROS column as bigint (DuckDB reads it as TIME); for TIME the test shows the stored
// int64 is microseconds since midnight, which is what a bigint reader gets.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glueType } from '../../../handler/catalog/glue-types';

/** Hive DDL type names (what Glue stores) in DuckDB's spelling. */
function duckDbType(hiveType: string): string {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(hiveType);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const spelling: Record<string, string> = {
    string: 'VARCHAR',
    binary: 'BLOB',
    tinyint: 'TINYINT',
    smallint: 'SMALLINT',
    int: 'INTEGER',
    bigint: 'BIGINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
  };
  const duck = spelling[hiveType];
  if (duck === undefined) throw new Error(`no DuckDB spelling for the Glue type ${hiveType}`);
  return duck;
}

/** Microseconds since the epoch of a UTC time given to the millisecond, plus extra microseconds. */
const epochMicros = (iso: string, extraMicros = 0): string => (BigInt(Date.parse(iso)) * 1000n + BigInt(extraMicros)).toString();

interface ParquetCase {
  /** What RDS states in expectedExportedType. */
  readonly stated: string;
  /** The DuckDB type that writes that Parquet type. */
  readonly writer: string;
  /** SQL literals of the values written (NULL is added). */
  readonly literals: readonly string[];
  readonly physical: string;
  /** The converted type (legacy annotation) DuckDB writes, null for none. */
  readonly annotation: string | null;
  /** How to read a value back once cast to the mapped type; `v` is the cast value. @default text of v */
  readonly readBack?: (v: string) => string;
  /** The values expected back (NULL is added). */
  readonly expected: readonly string[];
}

const asText = (v: string) => `CAST(${v} AS VARCHAR)`;

const CASES: readonly ParquetCase[] = [
  {
    stated: 'int32',
    writer: 'INTEGER',
    literals: ['2147483647', '-2147483648'],
    physical: 'INT32',
    annotation: 'INT_32',
    expected: ['2147483647', '-2147483648'],
  },
  {
    stated: 'int64',
    writer: 'BIGINT',
    literals: ['9223372036854775807', '-9223372036854775808'],
    physical: 'INT64',
    annotation: 'INT_64',
    expected: ['9223372036854775807', '-9223372036854775808'],
  },
  { stated: 'int32 (INT_16)', writer: 'SMALLINT', literals: ['32767', '-32768'], physical: 'INT32', annotation: 'INT_16', expected: ['32767', '-32768'] },
  { stated: 'float', writer: 'FLOAT', literals: ['1.5', '-0.25'], physical: 'FLOAT', annotation: null, expected: ['1.5', '-0.25'] },
  { stated: 'double', writer: 'DOUBLE', literals: ['1234.5678', '-0.1'], physical: 'DOUBLE', annotation: null, expected: ['1234.5678', '-0.1'] },
  { stated: 'boolean', writer: 'BOOLEAN', literals: ['true', 'false'], physical: 'BOOLEAN', annotation: null, expected: ['true', 'false'] },
  {
    stated: 'binary (UTF8)',
    writer: 'VARCHAR',
    literals: [`'héllo wörld'`, `'{"tags": ["a", "b"]}'`],
    physical: 'BYTE_ARRAY',
    annotation: 'UTF8',
    expected: ['héllo wörld', '{"tags": ["a", "b"]}'],
  },
  {
    stated: 'binary',
    writer: 'BLOB',
    literals: [`'\\xAA\\x00\\xFF'`, `''`],
    physical: 'BYTE_ARRAY',
    annotation: null,
    readBack: (v) => `hex(${v})`,
    expected: ['AA00FF', ''],
  },
  {
    stated: 'decimal(9,2)',
    writer: 'DECIMAL(9,2)',
    literals: ['1234567.89', '-0.01'],
    physical: 'INT32',
    annotation: 'DECIMAL',
    expected: ['1234567.89', '-0.01'],
  },
  {
    stated: 'decimal(12,2)',
    writer: 'DECIMAL(12,2)',
    literals: ['9999999999.99', '-1234.50'],
    physical: 'INT64',
    annotation: 'DECIMAL',
    expected: ['9999999999.99', '-1234.50'],
  },
  {
    stated: 'decimal(20,0)',
    writer: 'DECIMAL(20,0)',
    literals: ['18446744073709551615', '0'],
    physical: 'FIXED_LEN_BYTE_ARRAY',
    annotation: 'DECIMAL',
    expected: ['18446744073709551615', '0'],
  },
  {
    stated: 'decimal(38,10)',
    writer: 'DECIMAL(38,10)',
    literals: ['1234567890123456789012345678.0123456789', '-0.0000000001'],
    physical: 'FIXED_LEN_BYTE_ARRAY',
    annotation: 'DECIMAL',
    expected: ['1234567890123456789012345678.0123456789', '-0.0000000001'],
  },
  {
    stated: 'int32 (DATE)',
    writer: 'DATE',
    literals: [`'2026-11-20'`, `'1969-07-20'`],
    physical: 'INT32',
    annotation: 'DATE',
    expected: ['2026-11-20', '1969-07-20'],
  },
  {
    // MySQL DATETIME, PostgreSQL timestamp without time zone: not adjusted to UTC.
    stated: 'int64 (TIMESTAMP_MICROS)',
    writer: 'TIMESTAMP',
    literals: [`'2026-11-20 03:10:41.123456'`, `'1969-07-20 20:17:40'`],
    physical: 'INT64',
    annotation: 'TIMESTAMP_MICROS',
    readBack: (v) => `epoch_us(${v})`,
    expected: [epochMicros('2026-11-20T03:10:41.123Z', 456), epochMicros('1969-07-20T20:17:40Z')],
  },
  {
    // PostgreSQL timestamp with time zone: adjusted to UTC; the same instant whatever offset it was written with.
    stated: 'int64 (TIMESTAMP_MICROS)',
    writer: 'TIMESTAMPTZ',
    literals: [`'2026-11-20 04:10:41.123456+01'`, `'1969-07-20 20:17:40+00'`],
    physical: 'INT64',
    annotation: 'TIMESTAMP_MICROS',
    readBack: (v) => `epoch_us(${v})`,
    expected: [epochMicros('2026-11-20T03:10:41.123Z', 456), epochMicros('1969-07-20T20:17:40Z')],
  },
  {
    stated: 'int64 (TIMESTAMP_MILLIS)',
    writer: 'TIMESTAMP_MS',
    literals: [`'2026-11-20 03:10:41.123'`, `'2000-02-29 23:59:59.999'`],
    physical: 'INT64',
    annotation: 'TIMESTAMP_MILLIS',
    readBack: (v) => `epoch_us(${v})`,
    expected: [epochMicros('2026-11-20T03:10:41.123Z'), epochMicros('2000-02-29T23:59:59.999Z')],
  },
];

describe('glueType against Parquet files', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'glue-types-parquet-'));
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    // Athena shows timestamps in UTC; so does this session.
    await db.run(`SET TimeZone = 'UTC'`);
  });

  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function writeColumn(file: string, writer: string, literals: readonly string[]): Promise<void> {
    const rows = [...literals, 'NULL'].map((literal, i) => `(${i}, ${literal})`).join(', ');
    await db.run(`COPY (SELECT i, CAST(v AS ${writer}) AS c FROM (VALUES ${rows}) AS t(i, v)) TO '${file}' (FORMAT parquet)`);
  }

  async function schemaOf(file: string): Promise<{ type: string; converted_type: string | null }> {
    const reader = await db.runAndReadAll(`SELECT type, converted_type FROM parquet_schema('${file}') WHERE name = 'c'`);
    return reader.getRowObjectsJson()[0] as { type: string; converted_type: string | null };
  }

  /** The type a Parquet reader gives the column from the file's own physical and logical types. */
  async function readerTypeOf(file: string): Promise<string> {
    const reader = await db.runAndReadAll(`DESCRIBE SELECT c FROM read_parquet('${file}')`);
    const type = String(reader.getRowObjectsJson()[0]!.column_type);
    // Athena has one timestamp type for instants with and without a zone adjustment.
    return type === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMP' : type;
  }

  it.each(CASES.map((c, index) => [`${c.writer} (RDS: ${c.stated})`, index] as const))('a %s column reads back as its Glue type', async (_label, index) => {
    // Prepare
    const c = CASES[index]!;
    const file = path.join(dir, `case-${index}.parquet`);
    await writeColumn(file, c.writer, c.literals);
    const mapped = glueType({ columnName: 'c', originalType: c.writer.toLowerCase(), expectedExportedType: c.stated });

    // Act
    const schema = await schemaOf(file);
    const readerType = await readerTypeOf(file);
    const cast = `CAST(c AS ${duckDbType(mapped.type)})`;
    const reader = await db.runAndReadAll(`SELECT ${(c.readBack ?? asText)(cast)} AS v FROM read_parquet('${file}') ORDER BY i`);
    const values = reader.getRowObjectsJson().map((row) => row.v);

    // Assess
    expect(mapped.note).toBeUndefined();
    expect(schema).toEqual({ type: c.physical, converted_type: c.annotation });
    expect(readerType).toBe(duckDbType(mapped.type));
    expect(values).toEqual([...c.expected, null]);
  });

  it('stores a time of day as int64 TIME_MICROS: microseconds since midnight, which Athena reads as the mapped bigint', async () => {
    // Prepare
    const file = path.join(dir, 'time.parquet');
    await writeColumn(file, 'TIME', [`'03:10:41.5'`, `'23:59:59.999999'`]);
    const mapped = glueType({ columnName: 'c', originalType: 'time without time zone', expectedExportedType: 'int64 (TIME_MICROS)' });

    // Act
    const schema = await schemaOf(file);
    const reader = await db.runAndReadAll(`SELECT CAST(epoch_us(c) AS ${duckDbType(mapped.type)}) AS v FROM read_parquet('${file}') ORDER BY i`);

    // Assess
    expect(schema).toEqual({ type: 'INT64', converted_type: 'TIME_MICROS' });
    expect(mapped.type).toBe('bigint');
    expect(reader.getRowObjectsJson().map((row) => row.v)).toEqual([String((3 * 3600 + 10 * 60 + 41) * 1_000_000 + 500_000), String(86_400_000_000 - 1), null]);
  });

  it('reads the parts of several batch folders under one table folder as one table', async () => {
    // Prepare: RDS's layout, <table folder>/<batch>/part-….gz.parquet
    const tableFolder = path.join(dir, 'orders', 'public.orders');
    for (const batch of ['1', '2']) {
      const folder = path.join(tableFolder, batch);
      mkdirSync(folder, { recursive: true });
      await db.run(
        `COPY (SELECT ${batch}::BIGINT AS id, 12.34::DECIMAL(12,2) AS total) TO '${path.join(folder, 'part-00000-6f2d0c1e-c000.gz.parquet')}' (FORMAT parquet, COMPRESSION gzip)`,
      );
    }
    const mapped = glueType({ columnName: 'total', originalType: 'numeric', expectedExportedType: 'decimal(12,2)' });

    // Act
    const reader = await db.runAndReadAll(
      `SELECT id, CAST(CAST(total AS ${duckDbType(mapped.type)}) AS VARCHAR) AS total FROM read_parquet('${tableFolder}/*/*.parquet') ORDER BY id`,
    );

    // Assess
    expect(reader.getRowObjectsJson()).toEqual([
      { id: '1', total: '12.34' },
      { id: '2', total: '12.34' },
    ]);
  });
});
