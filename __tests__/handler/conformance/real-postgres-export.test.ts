// Verification, catalog and typed views against an export made the way RDS makes it from a real
// PostgreSQL server (the emulator of support/rds-export, which follows AWS's type tables and
// naming rules): the `postgres` database-level entry, a table whose name holds a space and one
// whose name holds a backquote (folders with `_`), numerics, dates and timestamps as
// PostgreSQL's own text. The typed view's SQL runs in DuckDB over the export's Parquet parts and
// must return what PostgreSQL itself says the values are.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { buildCatalogPlan } from '../../../handler/catalog/plan';
import { typedView } from '../../../handler/catalog/views';
import { formatManifestReport } from '../../../handler/verification/report';
import { verifyExport } from '../../../handler/verification/verdict';
import { postgresMissing, startPostgres, type TestDatabaseServer } from '../../support/databases';
import { writeRdsExport } from '../../support/rds-export';
import { readWrittenExport, verifyInputOf } from '../../support/rds-export/read-export';
import { requireTool } from '../../support/tools';

const runs = requireTool('a real PostgreSQL export', postgresMissing());
const EXPORT_ID = 'ledger-db-2026-11-20-03-10-0123456789';
const PREFIX = 'exports/ledger-db';

// Awkward values on purpose: offsets with minutes, infinity, BC, NaN, NULLs, the scale's own digits.
// The values are entered in India's time zone; the export prints them as RDS does, in its
// session time zone UTC (offsets other than +00 are covered in catalog-views.test.ts).
const SETUP = `
  SET TimeZone = 'Asia/Kolkata';
  CREATE TABLE public."order lines" (
    id bigint PRIMARY KEY,
    total numeric(12,2),
    placed_on date,
    created_at timestamp with time zone,
    issued_at timestamp without time zone,
    note text
  );
  INSERT INTO public."order lines" VALUES
    (1, 12.50, '2026-11-20', '2026-11-20 03:10:41.123456+00', '2026-11-20 03:10:41.123456', 'plain'),
    (2, -9999999999.99, '1999-12-31', '2026-11-19 23:10:41-04', '1999-12-31 23:59:59', 'tab\there'),
    (3, 0, 'infinity', 'infinity', '-infinity', ''),
    (4, 'NaN', '0044-03-15 BC', '1890-01-01 00:00:00+00', '0044-03-15 12:00:00 BC', 'quote '' and "double"'),
    (5, NULL, NULL, NULL, NULL, NULL);
  CREATE TABLE public."audit\`log" (id integer, at date);
  INSERT INTO public."audit\`log" VALUES (1, '2026-01-02');
`;

describe.runIf(runs)('an export of a real PostgreSQL database, as RDS writes it', () => {
  let server: TestDatabaseServer;
  let databaseUrl: string;
  let outDir: string;
  let manifest: ArchiveManifest;

  beforeAll(async () => {
    server = await startPostgres();
    databaseUrl = await server.createDatabase('ledger');
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(SETUP);
    await client.end();
    outDir = mkdtempSync(path.join(tmpdir(), 'real-postgres-export-'));
    await writeRdsExport({
      engine: 'postgres',
      url: server.url,
      database: 'ledger',
      exportTaskIdentifier: EXPORT_ID,
      s3Prefix: PREFIX,
      outDir,
      snapshotTime: new Date('2026-11-20T03:10:41Z'),
    });
    manifest = verifyExport(verifyInputOf(readWrittenExport(outDir), 'ledger-db', new Date('2026-11-21T08:00:00Z')));
  });
  afterAll(async () => {
    await server?.stop();
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  it('is verified: the postgres entry is a database, not a table, and the odd names are archived from their _ folders', () => {
    // Assess
    expect(manifest.outcome, JSON.stringify(manifest, null, 2)).toBe('verified');
    expect(manifest.databases?.map((d) => d.name)).toEqual(['postgres']);
    expect(manifest.tables.map((t) => [t.target, t.folder, t.archived])).toEqual(
      expect.arrayContaining([
        ['ledger.public.order lines', 'ledger/public.order_lines/', true],
        ['ledger.public.audit`log', 'ledger/public.audit_log/', true],
      ]),
    );
    expect(manifest.totals).toMatchObject({ tables: 2, archived: 2, skipped: 0 });
    // A verified export is reported to nobody; its report says every table is archived.
    expect(formatManifestReport(manifest).subject).toMatch(/export verified$/);
  });

  it('is cataloged with its text columns as strings and a typed view with the source types', () => {
    // Act
    const plan = buildCatalogPlan(manifest, 'rds-archive-prod');
    const lines = plan.tables.find((t) => t.target === 'ledger.public.order lines')!;
    const view = typedView(plan.databaseName, lines.tableInput)!;

    // Assess
    expect(plan.skipped).toEqual([]);
    expect(lines.partitionInput.StorageDescriptor?.Location).toBe(`s3://${manifest.bucket}/${PREFIX}/${EXPORT_ID}/ledger/public.order_lines/`);
    expect(lines.tableInput.StorageDescriptor?.Location).toBe(`s3://${manifest.bucket}/${PREFIX}/`);
    expect(Object.fromEntries(lines.tableInput.StorageDescriptor!.Columns!.map((c) => [c.Name, c.Type]))).toEqual({
      id: 'bigint',
      total: 'string',
      placed_on: 'string',
      created_at: 'string',
      issued_at: 'string',
      note: 'string',
    });
    expect(Object.fromEntries(view.columns.map((c) => [c.name, c.glueType]))).toEqual({
      id: 'bigint',
      total: 'decimal(24,12)',
      placed_on: 'date',
      created_at: 'timestamp',
      issued_at: 'timestamp',
      note: 'string',
      snapshot_time: 'string',
    });
  });

  it("returns, run in DuckDB over the export's Parquet, the values PostgreSQL holds (NULL where Athena has no such value)", async () => {
    // Prepare: what PostgreSQL says, as epoch microseconds and exact decimals; infinities and BC have no Athena value.
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const source = await client.query<Record<string, string | null>>(`
      SELECT id::text,
             CASE WHEN total <> 'NaN' THEN total::numeric(24,12)::text END AS total,
             CASE WHEN isfinite(placed_on) AND placed_on >= '0001-01-01' THEN placed_on::text END AS placed_on,
             CASE WHEN isfinite(created_at) THEN (extract(epoch FROM created_at) * 1000000)::bigint::text END AS created_at,
             CASE WHEN isfinite(issued_at) AND issued_at >= '0001-01-01' THEN (extract(epoch FROM issued_at) * 1000000)::bigint::text END AS issued_at,
             note
      FROM public."order lines" ORDER BY id`);
    await client.end();
    const plan = buildCatalogPlan(manifest, 'rds-archive-prod');
    const lines = plan.tables.find((t) => t.target === 'ledger.public.order lines')!;
    const view = typedView(plan.databaseName, lines.tableInput)!;
    const parts = path.join(outDir, PREFIX, EXPORT_ID, 'ledger', 'public.order_lines', '*', '*.parquet');
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    await duck.run(`CREATE SCHEMA "${plan.databaseName}"`);
    await duck.run(
      `CREATE VIEW "${plan.databaseName}"."${lines.tableName}" AS SELECT *, '${plan.partitionValue}' AS snapshot_time FROM read_parquet('${parts}')`,
    );

    // Act
    const reader = await duck.runAndReadAll(
      `SELECT CAST(id AS VARCHAR) id, CAST(total AS VARCHAR) total, CAST(placed_on AS VARCHAR) placed_on,
              CAST(epoch_us(created_at) AS VARCHAR) created_at, CAST(epoch_us(issued_at) AS VARCHAR) issued_at, note
       FROM (${view.sql}) ORDER BY CAST(id AS BIGINT)`,
    );
    duck.closeSync();

    // Assess
    expect(reader.getRowObjectsJson()).toEqual(source.rows);
    const written = await writtenCreatedAt(parts);
    expect(written).toEqual(['2026-11-20 03:10:41.123456+00', '2026-11-20 03:10:41+00', 'infinity', '1890-01-01 00:00:00+00']);
    expect(source.rows.map((r) => r.created_at)).toEqual([
      String(Date.parse('2026-11-20T03:10:41.123Z') * 1000 + 456),
      String(Date.parse('2026-11-20T03:10:41Z') * 1000),
      null,
      String(Date.parse('1890-01-01T00:00:00Z') * 1000),
      null,
    ]);
  });
});

/** The created_at text RDS wrote into the Parquet parts, in row order. */
async function writtenCreatedAt(parts: string): Promise<string[]> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const reader = await duck.runAndReadAll(`SELECT created_at FROM read_parquet('${parts}') WHERE created_at IS NOT NULL ORDER BY id`);
  duck.closeSync();
  return reader.getRows().map((r) => String(r[0]));
}
