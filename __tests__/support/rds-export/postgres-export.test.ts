// The emulator against a real PostgreSQL: every column of the all-types table gets the Parquet
// type AWS's "PostgreSQL data type mapping to Parquet" table gives it, the values read back are
// what PostgreSQL prints, the metadata files state what information_schema says, partitioned
// tables and odd names land where AWS's naming rules put them, and the project's verifier
// accepts the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../../handler/verification/verdict';
import { postgresMissing, startPostgres, type TestDatabaseServer } from '../databases';
import { requireTool } from '../tools';
import { POSTGRES_TYPE_COLUMNS, POSTGRES_TYPE_ROWS, POSTGRES_TYPES_SETUP, typeTableSql } from './all-types';
import { writeRdsExport } from './index';
import { partSchema, readPartRows } from './read-part';
import { readWrittenExport, verifyInputOf, type WrittenExport } from './read-export';
import { annotationOf } from './annotation';

// AWS's table, transcribed row by row: the Parquet primitive type and logical type annotation.
const STRING = { type: 'BYTE_ARRAY', logical: 'STRING' };
const AWS_POSTGRES_TABLE: Readonly<Record<string, { type: string; logical?: string }>> = {
  BIGINT: { type: 'INT64' },
  BIGSERIAL: { type: 'INT64' },
  DECIMAL: STRING,
  'DOUBLE PRECISION': { type: 'DOUBLE' },
  INTEGER: { type: 'INT32' },
  MONEY: STRING,
  REAL: { type: 'FLOAT' },
  SERIAL: { type: 'INT32' },
  SMALLINT: { type: 'INT32', logical: 'INT(16, true)' },
  SMALLSERIAL: { type: 'INT32', logical: 'INT(16, true)' },
  ARRAY: STRING,
  BIT: STRING,
  'BIT VARYING': STRING,
  BYTEA: { type: 'BYTE_ARRAY' },
  CHAR: STRING,
  'CHAR(N)': STRING,
  ENUM: STRING,
  NAME: STRING,
  TEXT: STRING,
  'TEXT SEARCH': STRING,
  'VARCHAR(N)': STRING,
  XML: STRING,
  DATE: STRING,
  INTERVAL: STRING,
  TIME: STRING,
  'TIME WITH TIME ZONE': STRING,
  TIMESTAMP: STRING,
  'TIMESTAMP WITH TIME ZONE': STRING,
  BOX: STRING,
  CIRCLE: STRING,
  LINE: STRING,
  LINESEGMENT: STRING,
  PATH: STRING,
  POINT: STRING,
  POLYGON: STRING,
  JSON: STRING,
  JSONB: STRING,
  BOOLEAN: { type: 'BOOLEAN' },
  CIDR: STRING,
  COMPOSITE: STRING,
  DOMAIN: STRING,
  INET: STRING,
  MACADDR: STRING,
  PG_LSN: STRING,
  RANGE: STRING,
  UUID: STRING,
};

/** Whether a value read from Parquet is what PostgreSQL printed (bytea printed as hex). */
function printsAs(sqlType: string, value: unknown, text: string | null): boolean {
  if (value === null || value === undefined) return text === null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex') === text;
  if (sqlType === 'real') return Object.is(Math.fround(Number(text)), value);
  if (sqlType === 'double precision') return Object.is(Number(text), value);
  return String(value) === text;
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.runIf(requireTool('RDS export emulator (PostgreSQL)', postgresMissing()))('writeRdsExport from PostgreSQL', () => {
  let server: TestDatabaseServer;
  let url: string;
  let outDir: string;
  let written: WrittenExport;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('shop');
    for (const sql of [
      ...POSTGRES_TYPES_SETUP,
      ...typeTableSql('postgres', 'all_types', POSTGRES_TYPE_COLUMNS, POSTGRES_TYPE_ROWS),
      'CREATE SCHEMA sales',
      'CREATE TABLE sales.orders (id integer, placed date, note text) PARTITION BY RANGE (placed)',
      "CREATE TABLE sales.orders_2025 PARTITION OF sales.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
      "CREATE TABLE sales.orders_2026 PARTITION OF sales.orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
      "INSERT INTO sales.orders VALUES (1, '2025-03-01', 'old'), (2, '2026-03-01', 'new'), (3, '2026-04-01', NULL)",
      'CREATE TABLE "odd name`x" (id integer)',
      'INSERT INTO "odd name`x" VALUES (1)',
      'CREATE TABLE skipped_one ("line total" integer)',
    ]) {
      await query(url, sql);
    }
    outDir = mkdtempSync(join(tmpdir(), 'rds-export-pg-'));
    await writeRdsExport({
      engine: 'postgres',
      url: server.url,
      database: 'shop',
      exportTaskIdentifier: 'shop-2026-11-20-03-10-abc123',
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
    const keys = [...written.parts.keys()].filter((k) => k.includes('/shop/public.all_types/1/'));
    expect(keys).toHaveLength(1);
    return written.parts.get(keys[0]!)!;
  };

  it("writes every column with the Parquet type of AWS's PostgreSQL table, all OPTIONAL, gzip-compressed", () => {
    // Act
    const { metadata, columns } = partSchema(allTypesPart());
    // Assess
    for (const column of POSTGRES_TYPE_COLUMNS) {
      const element = columns.get(column.name)!;
      const aws = AWS_POSTGRES_TABLE[column.awsRow]!;
      expect({ column: column.name, type: element.type, logical: annotationOf(element), repetition: element.repetition_type }).toEqual({
        column: column.name,
        type: aws.type,
        logical: aws.logical,
        repetition: 'OPTIONAL',
      });
    }
    expect(new Set(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)))).toEqual(new Set(['GZIP']));
  });

  it('holds the values PostgreSQL prints, NULLs as nulls, in row groups of the size asked for', async () => {
    // Prepare
    const bytes = allTypesPart();
    const printed = await query(
      url,
      `SELECT ${POSTGRES_TYPE_COLUMNS.map((c) => (c.sql === 'bytea' ? `encode(${c.name}, 'hex') AS ${c.name}` : `${c.name}::text AS ${c.name}`)).join(', ')} FROM ONLY all_types`,
    );
    // Act
    const rows = await readPartRows(bytes);
    // Assess
    expect(partSchema(bytes).metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([2, 1]);
    expect(rows).toHaveLength(POSTGRES_TYPE_ROWS.length);
    const mismatches = rows.flatMap((row, i) =>
      POSTGRES_TYPE_COLUMNS.flatMap((column) => {
        const text = printed[i]![column.name] as string | null;
        const value = row[column.name];
        return printsAs(column.sql, value, text) ? [] : [{ row: i, column: column.name, text, value }];
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it('states each column as information_schema describes it, with no scale, and the database-level entry', async () => {
    // Prepare
    const catalog = await query(
      url,
      "SELECT column_name, data_type, character_maximum_length, numeric_precision, datetime_precision FROM information_schema.columns WHERE table_name = 'all_types' ORDER BY ordinal_position",
    );
    // Act
    const entry = written.entries.find((e) => e.target === 'shop.public.all_types')!;
    const mappings = (entry.schemaMetadata as { originalTypeMappings: Record<string, unknown>[] }).originalTypeMappings;
    // Assess
    expect(entry.status).toBe('COMPLETE');
    expect(mappings.map((m) => [m.columnName, m.originalType, m.originalCharMaxLength, m.originalNumPrecision, m.originalDateTimePrecision])).toEqual(
      catalog.map((c) => [c.column_name, c.data_type, c.character_maximum_length ?? 0, c.numeric_precision ?? 0, c.datetime_precision ?? 0]),
    );
    expect(mappings.every((m) => !('originalNumScale' in m))).toBe(true);
    expect(mappings.find((m) => m.columnName === 'c_decimal')).toMatchObject({
      originalType: 'numeric',
      expectedExportedType: 'binary (UTF8)',
      originalNumPrecision: 12,
    });
    expect(mappings.find((m) => m.columnName === 'c_smallint')).toMatchObject({ expectedExportedType: 'int32 (INT_16)' });
    expect(mappings.find((m) => m.columnName === 'c_int_array')).toMatchObject({ originalType: 'ARRAY', expectedExportedType: 'binary (UTF8)' });
    expect(written.entries.find((e) => e.target === 'postgres')).toEqual({ warningMessage: expect.any(String), target: 'postgres' });
  });

  it("exports a partitioned table under its own folder, one batch per partition, and not its partitions (AWS's naming conventions)", async () => {
    // Act
    const keys = [...written.parts.keys()].filter((k) => k.includes('/sales.'));
    const rowsByBatch = await Promise.all(keys.map(async (k) => ({ batch: k.split('/').at(-2), rows: await readPartRows(written.parts.get(k)!) })));
    // Assess
    expect(keys.every((k) => k.startsWith('exports/shop/shop-2026-11-20-03-10-abc123/shop/sales.orders/'))).toBe(true);
    expect(rowsByBatch.sort((a, b) => a.batch!.localeCompare(b.batch!))).toEqual([
      { batch: '1', rows: [{ id: 1, placed: '2025-03-01', note: 'old' }] },
      {
        batch: '2',
        rows: [
          { id: 2, placed: '2026-03-01', note: 'new' },
          { id: 3, placed: '2026-04-01', note: null },
        ],
      },
    ]);
    expect(written.entries.map((e) => e.target)).not.toContain('shop.sales.orders_2025');
  });

  it('writes a table whose name holds a space and a backquote into a folder with _ for them', () => {
    // Act
    const keys = [...written.parts.keys()].filter((k) => k.includes('odd'));
    // Assess
    expect(keys).toEqual([
      expect.stringMatching(/^exports\/shop\/shop-2026-11-20-03-10-abc123\/shop\/public\.odd_name_x\/1\/part-00000-[0-9a-f-]{36}-c000\.gz\.parquet$/),
    ]);
    expect(written.entries.find((e) => e.target === 'shop.public.odd name`x')).toMatchObject({ status: 'COMPLETE' });
  });

  it('skips a table with a space in a column name, as AWS says, and the verifier reads the whole export', () => {
    // Act
    const manifest = verifyExport(verifyInputOf(written, 'shop-db', new Date('2026-11-21T08:00:00Z')));
    // Assess
    expect(written.entries.find((e) => e.target === 'shop.public.skipped_one')).toMatchObject({ status: 'SKIPPED', sizeGB: 0 });
    expect(written.listing.some((o) => o.key.includes('skipped_one'))).toBe(false);
    expect(manifest.outcome).toBe('incomplete');
    expect(manifest.tables.filter((t) => t.archived).map((t) => t.target)).toEqual(
      expect.arrayContaining(['shop.public.all_types', 'shop.sales.orders', 'shop.public.odd name`x']),
    );
    expect(manifest.tables.find((t) => t.target === 'shop.public.odd name`x')?.folder).toBe('shop/public.odd_name_x/');
    expect(manifest.databases).toEqual([{ name: 'postgres', message: expect.any(String) }]);
  });

  it('splits a table into several parts when asked, each a readable Parquet file', async () => {
    // Prepare
    const splitDir = mkdtempSync(join(tmpdir(), 'rds-export-pg-parts-'));
    try {
      // Act
      const { keys } = await writeRdsExport({
        engine: 'postgres',
        url: server.url,
        database: 'shop',
        tables: ['public.all_types'],
        exportTaskIdentifier: 'parts-1',
        s3Prefix: '',
        outDir: splitDir,
        partsPerTable: 2,
      });
      const parts = readWrittenExport(splitDir).parts;
      // Assess
      expect(keys.filter((k) => k.key.endsWith('.parquet')).map((k) => k.key.replace(/-[0-9a-f-]{36}-/, '-UUID-'))).toEqual([
        'parts-1/shop/public.all_types/1/part-00000-UUID-c000.gz.parquet',
        'parts-1/shop/public.all_types/1/part-00001-UUID-c000.gz.parquet',
      ]);
      const counts = await Promise.all([...parts.values()].map(async (bytes) => (await readPartRows(bytes)).length));
      expect(counts).toEqual([2, 1]);
    } finally {
      rmSync(splitDir, { recursive: true, force: true });
    }
  });
});
