// The emulator against a real MariaDB: every column of the all-types table gets the Parquet type
// AWS's "MySQL and MariaDB data type mapping to Parquet" table gives it, the values read back are
// what MariaDB holds (checked through the server's own arithmetic and printing), the metadata
// states what information_schema says, and the project's verifier accepts the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../../handler/verification/verdict';
import { mariadbMissing, startMariadb, type TestDatabaseServer } from '../databases';
import { requireTool } from '../tools';
import { MYSQL_TYPE_COLUMNS, MYSQL_TYPE_ROWS, typeTableSql } from './all-types';
import { writeRdsExport } from './index';
import { partSchema, readPartRows } from './read-part';
import { readWrittenExport, verifyInputOf, type WrittenExport } from './read-export';
import { annotationOf } from './annotation';

// AWS's table, transcribed row by row (DECIMAL's four rows by the precision that selects them).
const STRING = { type: 'BYTE_ARRAY', logical: 'STRING' };
const BYTES = { type: 'BYTE_ARRAY' };
const AWS_MYSQL_TABLE: Readonly<Record<string, { type: string; length?: number; logical?: string }>> = {
  BIGINT: { type: 'INT64' },
  'BIGINT UNSIGNED': { type: 'FIXED_LEN_BYTE_ARRAY', length: 9, logical: 'DECIMAL(20,0)' },
  BIT: BYTES,
  'DECIMAL (INT32)': { type: 'INT32', logical: 'DECIMAL(9,2)' },
  'DECIMAL (INT64)': { type: 'INT64', logical: 'DECIMAL(18,4)' },
  'DECIMAL (FIXED_LEN_BYTE_ARRAY(N))': { type: 'FIXED_LEN_BYTE_ARRAY', length: 16, logical: 'DECIMAL(38,10)' },
  'DECIMAL (BYTE_ARRAY STRING, precision above 38)': STRING,
  DOUBLE: { type: 'DOUBLE' },
  FLOAT: { type: 'DOUBLE' },
  INT: { type: 'INT32' },
  'INT UNSIGNED': { type: 'INT64' },
  MEDIUMINT: { type: 'INT32' },
  'MEDIUMINT UNSIGNED': { type: 'INT64' },
  NUMERIC: { type: 'FIXED_LEN_BYTE_ARRAY', length: 9, logical: 'DECIMAL(20,0)' },
  SMALLINT: { type: 'INT32' },
  'SMALLINT UNSIGNED': { type: 'INT32' },
  TINYINT: { type: 'INT32' },
  'TINYINT UNSIGNED': { type: 'INT32', logical: 'INT(16, true)' },
  BINARY: BYTES,
  BLOB: BYTES,
  CHAR: BYTES,
  ENUM: STRING,
  LINESTRING: BYTES,
  LONGBLOB: BYTES,
  LONGTEXT: STRING,
  MEDIUMBLOB: BYTES,
  MEDIUMTEXT: STRING,
  MULTILINESTRING: BYTES,
  SET: STRING,
  TEXT: STRING,
  TINYBLOB: BYTES,
  TINYTEXT: STRING,
  VARBINARY: BYTES,
  VARCHAR: STRING,
  DATE: STRING,
  DATETIME: { type: 'INT64', logical: 'TIMESTAMP(MICROS)' },
  TIME: STRING,
  TIMESTAMP: { type: 'INT64', logical: 'TIMESTAMP(MICROS)' },
  YEAR: { type: 'INT32' },
  GEOMETRY: BYTES,
  GEOMETRYCOLLECTION: BYTES,
  MULTIPOINT: BYTES,
  MULTIPOLYGON: BYTES,
  POINT: BYTES,
  POLYGON: BYTES,
  JSON: STRING,
};

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const connection = await createConnection({ uri: url, charset: 'utf8mb4', multipleStatements: false });
  try {
    await connection.query("SET time_zone = '+00:00'");
    const [rows] = await connection.query(sql);
    return rows as Record<string, unknown>[];
  } finally {
    await connection.end();
  }
}

/** "YYYY-MM-DD HH:MM:SS.ffffff" of microseconds since 1970 UTC, as MariaDB's DATE_FORMAT prints it. */
function microsAsText(micros: bigint): string {
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const fraction = micros - seconds * 1_000_000n;
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(fraction).padStart(6, '0')}`;
}

// How to have the server print each column so that a Parquet value can be compared with it.
function printedBy(column: { name: string; sql: string }): string {
  const c = `\`${column.name}\``;
  const scale = /DECIMAL\(\d+,(\d+)\)|NUMERIC\(\d+,(\d+)\)/.exec(column.sql);
  if (/^(DATETIME|TIMESTAMP)/.test(column.sql)) return `DATE_FORMAT(${c}, '%Y-%m-%d %H:%i:%s.%f')`;
  // Exact decimal arithmetic: times 10^scale written as an integer literal.
  if (scale && !column.sql.startsWith('DECIMAL(65')) return `CAST(${c} * 1${'0'.repeat(Number(scale[1] ?? scale[2]))} AS DECIMAL(65,0))`;
  if (column.sql.startsWith('BIT')) return `CAST(${c} AS UNSIGNED)`;
  if (/BLOB|BINARY|BIT|GEOMETRY|POINT|LINESTRING|POLYGON/.test(column.sql)) return `HEX(${c})`;
  return `CAST(${c} AS CHAR)`;
}

/** Whether a value read from Parquet is what the server printed for it (see printedBy). */
function printsAs(sqlType: string, value: unknown, text: string | null): boolean {
  if (value === null || value === undefined) return text === null;
  if (/^(DATETIME|TIMESTAMP)/.test(sqlType)) return microsAsText(value as bigint) === text;
  if (sqlType === 'FLOAT') return Object.is(Math.fround(value as number), value) && Number((value as number).toPrecision(6)) === Number(text);
  if (sqlType === 'DOUBLE') return Object.is(Number(text), value);
  if (sqlType.startsWith('BIT')) return BigInt(`0x${Buffer.from(value as Uint8Array).toString('hex') || '0'}`) === BigInt(text as string);
  if (sqlType.startsWith('CHAR')) return Buffer.from(value as Uint8Array).toString('utf8') === text;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase() === text;
  return String(value) === text;
}

describe.runIf(requireTool('RDS export emulator (MariaDB)', mariadbMissing()))('writeRdsExport from MariaDB', () => {
  let server: TestDatabaseServer;
  let url: string;
  let outDir: string;
  let written: WrittenExport;

  beforeAll(async () => {
    server = await startMariadb();
    url = await server.createDatabase('shop');
    for (const sql of [
      ...typeTableSql('mysql', 'all_types', MYSQL_TYPE_COLUMNS, MYSQL_TYPE_ROWS),
      'CREATE TABLE `odd name``x` (id INT)',
      'INSERT INTO `odd name``x` VALUES (1)',
    ]) {
      await query(url, sql);
    }
    outDir = mkdtempSync(join(tmpdir(), 'rds-export-mysql-'));
    await writeRdsExport({
      engine: 'mysql',
      url: server.url,
      database: 'shop',
      exportTaskIdentifier: 'shop-manual-1',
      s3Prefix: 'exports/shop',
      outDir,
      rowGroupSize: 2,
    });
    written = readWrittenExport(outDir);
  });

  afterAll(async () => {
    await server?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  const allTypesPart = (): Uint8Array => {
    const keys = [...written.parts.keys()].filter((k) => k.includes('/shop/shop.all_types/1/'));
    expect(keys).toHaveLength(1);
    return written.parts.get(keys[0]!)!;
  };

  it("writes every column with the Parquet type of AWS's MySQL and MariaDB table, all OPTIONAL", () => {
    // Act
    const { columns } = partSchema(allTypesPart());
    // Assess
    for (const column of MYSQL_TYPE_COLUMNS) {
      const element = columns.get(column.name)!;
      const aws = AWS_MYSQL_TABLE[column.awsRow]!;
      expect({
        column: column.name,
        type: element.type,
        length: element.type_length,
        logical: annotationOf(element as Parameters<typeof annotationOf>[0]),
      }).toEqual({
        column: column.name,
        type: aws.type,
        length: aws.length,
        logical: aws.logical,
      });
      expect(element.repetition_type).toBe('OPTIONAL');
    }
  });

  it('holds the values MariaDB holds, NULLs as nulls, in row groups of the size asked for', async () => {
    // Prepare
    const bytes = allTypesPart();
    const printed = await query(url, `SELECT ${MYSQL_TYPE_COLUMNS.map((c) => `${printedBy(c)} AS \`${c.name}\``).join(', ')} FROM all_types`);
    // Act
    const rows = await readPartRows(bytes);
    // Assess
    expect(partSchema(bytes).metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([2, 1]);
    expect(rows).toHaveLength(MYSQL_TYPE_ROWS.length);
    const mismatches = rows.flatMap((row, i) =>
      MYSQL_TYPE_COLUMNS.flatMap((column) => {
        const text = printed[i]![column.name] === null ? null : String(printed[i]![column.name]);
        const value = row[column.name];
        return printsAs(column.sql, value, text) ? [] : [{ row: i, column: column.name, text, value }];
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it('states each column as information_schema describes it (unsigned named), with no scale', async () => {
    // Prepare
    const catalog = await query(
      url,
      "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, DATETIME_PRECISION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'all_types' ORDER BY ORDINAL_POSITION",
    );
    // Act
    const entry = written.entries.find((e) => e.target === 'shop.all_types')!;
    const mappings = (entry.schemaMetadata as { originalTypeMappings: Record<string, unknown>[] }).originalTypeMappings;
    // Assess
    expect(entry.status).toBe('COMPLETE');
    expect(mappings.map((m) => [m.columnName, m.originalType, m.originalCharMaxLength, m.originalNumPrecision, m.originalDateTimePrecision])).toEqual(
      catalog.map((c) => [
        c.COLUMN_NAME,
        String(c.COLUMN_TYPE).includes('unsigned') ? `${c.DATA_TYPE} unsigned` : c.DATA_TYPE,
        Number(c.CHARACTER_MAXIMUM_LENGTH ?? 0),
        Number(c.NUMERIC_PRECISION ?? 0),
        Number(c.DATETIME_PRECISION ?? 0),
      ]),
    );
    expect(mappings.every((m) => !('originalNumScale' in m))).toBe(true);
    const stated = Object.fromEntries(mappings.map((m) => [m.columnName, m.expectedExportedType]));
    expect(stated).toMatchObject({
      c_bigint_unsigned: 'decimal(20,0)',
      c_decimal_int32: 'decimal(9,2)',
      c_decimal_fixed: 'decimal(38,10)',
      c_decimal_string: 'binary (UTF8)',
      c_datetime: 'int64 (TIMESTAMP_MICROS)',
      c_tinyint_unsigned: 'int32 (INT_16)',
      c_char: 'binary',
      c_date: 'binary (UTF8)',
    });
    expect(written.entries.some((e) => !('status' in e))).toBe(false);
  });

  it('lays the export out as AWS names it (schema = database, _ for a space and a backquote) and the verifier accepts it', () => {
    // Act
    const manifest = verifyExport(verifyInputOf(written, 'shop-db', new Date('2026-11-21T08:00:00Z')));
    // Assess
    expect([...written.parts.keys()].map((k) => k.replace(/-[0-9a-f-]{36}-/, '-UUID-'))).toEqual([
      'exports/shop/shop-manual-1/shop/shop.all_types/1/part-00000-UUID-c000.gz.parquet',
      'exports/shop/shop-manual-1/shop/shop.odd_name_x/1/part-00000-UUID-c000.gz.parquet',
    ]);
    expect(manifest.outcome).toBe('verified');
    expect(manifest.tables.map((t) => [t.target, t.folder, t.archived])).toEqual([
      ['shop.all_types', 'shop/shop.all_types/', true],
      ['shop.odd name`x', 'shop/shop.odd_name_x/', true],
    ]);
  });
});
