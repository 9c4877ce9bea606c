// The typed views (pure), and their SQL run in DuckDB over a Parquet file holding PostgreSQL's
// text output the way RDS writes it (BYTE_ARRAY STRING). The view uses only functions Athena
// engine 3 (Trino) and DuckDB both document, so DuckDB's answer is the one Athena gives, with one
// difference the README states: Athena's `timestamp` keeps milliseconds, DuckDB's microseconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalogPlan } from '../../../handler/catalog/plan';
import { decodePrestoView, numericDecimalType, typedView, viewColumn } from '../../../handler/catalog/views';
import { exampleManifest } from '../../support/export-fixtures';

const DATABASE = 'rds_archive_prod_orders_db';
const column = (name: string, originalType: string, extra: Record<string, string> = {}) => ({
  Name: name,
  Type: 'string',
  Parameters: { 'rds.originalType': originalType, ...extra },
});

describe('typedView', () => {
  it('types the PostgreSQL example table from its source types, passing the others through', () => {
    // Prepare
    const plan = buildCatalogPlan(exampleManifest('postgres-complete', 'orders-db'), 'rds-archive-prod');
    const orders = plan.tables.find((t) => t.target === 'orders.public.orders')!.tableInput;

    // Act
    const view = typedView(plan.databaseName, orders)!;

    // Assess
    expect(view.tableInput).toMatchObject({ Name: 'orders_public_orders_typed', TableType: 'VIRTUAL_VIEW', Parameters: { presto_view: 'true' } });
    expect(view.columns.map((c) => [c.name, c.glueType, c.trinoType])).toEqual([
      ['id', 'bigint', 'bigint'],
      ['customer_id', 'int', 'integer'],
      ['total', 'decimal(24,12)', 'decimal(24,12)'],
      ['status', 'string', 'varchar'],
      ['created_at', 'timestamp', 'timestamp(3)'],
      ['delivered_on', 'date', 'date'],
      ['is_gift', 'boolean', 'boolean'],
      ['attributes', 'string', 'varchar'],
      ['snapshot_time', 'string', 'varchar'],
    ]);
    expect(decodePrestoView(view.tableInput.ViewOriginalText)).toEqual({
      originalSql: view.sql,
      catalog: 'awsdatacatalog',
      schema: DATABASE,
      columns: view.columns.map((c) => ({ name: c.name, type: c.trinoType })),
    });
    expect(view.tableInput.ViewExpandedText).toBe('/* Presto View */');
  });

  it('makes no view for a MySQL export, whose types RDS keeps', () => {
    // Prepare
    const plan = buildCatalogPlan(exampleManifest('mysql-skipped-table', 'shop-db'), 'rds-archive-prod');

    // Act
    const views = plan.tables.map((t) => typedView(plan.databaseName, t.tableInput));

    // Assess
    expect(views).toEqual([undefined, undefined]);
  });

  it('reads a numeric as decimal(p,s) when RDS states the scale, as decimal(2p,p) when not, and leaves it text beyond decimal(38)', () => {
    expect(numericDecimalType(12, 2)).toEqual({ type: 'decimal(12,2)' });
    expect(numericDecimalType(12, undefined)).toMatchObject({ type: 'decimal(24,12)' });
    expect(numericDecimalType(19, undefined)).toMatchObject({ type: 'decimal(38,19)' });
    expect(numericDecimalType(20, undefined)).toBeUndefined();
    expect(numericDecimalType(undefined, undefined)).toBeUndefined();
    expect(viewColumn(column('n', 'numeric')).glueType).toBe('string');
    expect(viewColumn(column('n', 'numeric', { 'rds.originalNumPrecision': '30' })).glueType).toBe('string');
  });

  it('leaves time, interval, money, uuid, json and arrays as text', () => {
    for (const type of ['time without time zone', 'interval', 'money', 'uuid', 'jsonb', 'ARRAY', 'tstzrange']) {
      expect(viewColumn(column('c', type))).toMatchObject({ glueType: 'string', expression: '"c"' });
    }
  });

  it('quotes identifiers, doubling a double quote', () => {
    const view = typedView('db', { Name: 't"x', StorageDescriptor: { Columns: [column('a"b', 'date')] }, PartitionKeys: [] })!;
    expect(view.sql).toBe(`SELECT TRY_CAST(regexp_extract("a""b", '^(\\d{4}-\\d{2}-\\d{2})$', 1) AS date) AS "a""b" FROM "db"."t""x"`);
  });
});

describe('the typed view run in DuckDB over PostgreSQL text values', () => {
  // PostgreSQL's own output (DateStyle ISO) for each type; what the view must read them as.
  const ROWS: ReadonlyArray<{ d: string | null; ts: string | null; tz: string | null; n: string | null }> = [
    { d: '2026-11-20', ts: '2026-11-20 03:10:41.123456', tz: '2026-11-20 03:10:41.123456+00', n: '12.50' },
    { d: '1999-12-31', ts: '1999-12-31 23:59:59', tz: '2026-11-20 08:40:41+05:30', n: '-9999999999.99' },
    { d: 'infinity', ts: '-infinity', tz: '2026-11-19 23:10:41-04', n: 'NaN' },
    { d: '0044-03-15 BC', ts: '0044-03-15 12:00:00 BC', tz: '1890-01-01 00:00:00+00:09:21', n: '0.00' },
    { d: null, ts: null, tz: null, n: null },
  ];
  const EXPECTED = [
    { d: '2026-11-20', ts: '2026-11-20 03:10:41.123456', tz: '2026-11-20 03:10:41.123456', n: '12.50' },
    { d: '1999-12-31', ts: '1999-12-31 23:59:59', tz: '2026-11-20 03:10:41', n: '-9999999999.99' },
    { d: null, ts: null, tz: '2026-11-20 03:10:41', n: null },
    { d: null, ts: null, tz: '1889-12-31 23:50:39', n: '0.00' },
    { d: null, ts: null, tz: null, n: null },
  ];
  let folder: string;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'typed-view-'));
    connection = await (await DuckDBInstance.create(':memory:')).connect();
    const values = ROWS.map((r) => `(${[r.d, r.ts, r.tz, r.n].map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')})`).join(', ');
    const file = path.join(folder, 'part-00000.gz.parquet');
    await connection.run(`COPY (SELECT * FROM (VALUES ${values}) AS t(d, ts, tz, n)) TO '${file}' (FORMAT parquet)`);
    // The Glue table as Athena sees it: the Parquet's columns plus the partition column.
    await connection.run(`CREATE SCHEMA "${DATABASE}"`);
    await connection.run(`CREATE VIEW "${DATABASE}"."orders" AS SELECT *, '2026-11-20T03:10:41Z' AS snapshot_time FROM read_parquet('${file}')`);
  });
  afterAll(() => {
    connection?.closeSync();
    rmSync(folder, { recursive: true, force: true });
  });

  it('returns the source values: dates, local timestamps, instants in UTC and decimals, NULL for what does not parse', async () => {
    // Prepare
    const view = typedView(DATABASE, {
      Name: 'orders',
      StorageDescriptor: {
        Columns: [
          column('d', 'date'),
          column('ts', 'timestamp without time zone'),
          column('tz', 'timestamp with time zone'),
          column('n', 'numeric', { 'rds.originalNumPrecision': '12', 'rds.originalNumScale': '2' }),
        ],
      },
      PartitionKeys: [{ Name: 'snapshot_time', Type: 'string' }],
    })!;

    // Act
    const reader = await connection.runAndReadAll(
      `SELECT CAST(d AS VARCHAR) d, CAST(ts AS VARCHAR) ts, CAST(tz AS VARCHAR) tz, CAST(n AS VARCHAR) n FROM (${view.sql})`,
    );
    const types = await connection.runAndReadAll(`SELECT typeof(d), typeof(ts), typeof(tz), typeof(n), typeof(snapshot_time) FROM (${view.sql}) LIMIT 1`);

    // Assess
    expect(reader.getRowObjectsJson()).toEqual(EXPECTED);
    expect(types.getRows()[0]).toEqual(['DATE', 'TIMESTAMP', 'TIMESTAMP', 'DECIMAL(12,2)', 'VARCHAR']);
  });
});
