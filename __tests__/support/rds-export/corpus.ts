// The conformance corpus (__tests__/fixtures/rds-exports/<folder>/): exports the emulator writes
// from real servers, committed so that tests without servers can read real-shaped Parquet. One
// definition, used by scripts/make-export-corpus.ts (writes the folders) and by
// __tests__/fixtures-corpus.test.ts (regenerates them and compares).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { TestDatabaseServer } from '../databases';
import { MYSQL_TYPE_COLUMNS, MYSQL_TYPE_ROWS, POSTGRES_TYPE_COLUMNS, POSTGRES_TYPE_ROWS, POSTGRES_TYPES_SETUP, typeTableSql } from './all-types';
import { type RdsExportOptions, writeRdsExport } from './index';

const REGION_ACCOUNT = 'eu-west-1:111122223333';

interface CorpusExport {
  /** The folder under fixtures/rds-exports. */
  readonly folder: string;
  readonly engine: 'postgres' | 'mysql';
  readonly database: string;
  /** Statements that make the database's tables. */
  readonly setup: readonly string[];
  readonly options: Omit<RdsExportOptions, 'engine' | 'url' | 'database' | 'outDir'>;
}

export const CORPUS: readonly CorpusExport[] = [
  {
    folder: 'postgres-all-types',
    engine: 'postgres',
    database: 'catalog',
    setup: [...POSTGRES_TYPES_SETUP, ...typeTableSql('postgres', 'all_types', POSTGRES_TYPE_COLUMNS, POSTGRES_TYPE_ROWS)],
    options: {
      exportTaskIdentifier: 'catalog-db-2026-11-20-03-10-5e1d7a9c2b',
      s3Prefix: 'exports/catalog-db',
      sourceArn: `arn:aws:rds:${REGION_ACCOUNT}:snapshot:rds:catalog-db-2026-11-20-03-10`,
      snapshotTime: new Date('2026-11-20T03:10:41Z'),
      rowGroupSize: 2,
    },
  },
  {
    folder: 'mysql-all-types',
    engine: 'mysql',
    database: 'shop',
    setup: typeTableSql('mysql', 'all_types', MYSQL_TYPE_COLUMNS, MYSQL_TYPE_ROWS),
    options: {
      exportTaskIdentifier: 'shop-db-2026-11-20-04-00-7b3e9d1f4a',
      s3Prefix: 'exports/shop-db',
      sourceArn: `arn:aws:rds:${REGION_ACCOUNT}:snapshot:rds:shop-db-2026-11-20-04-00`,
      snapshotTime: new Date('2026-11-20T04:00:12Z'),
      rowGroupSize: 2,
    },
  },
  {
    // An Aurora PostgreSQL cluster snapshot: the same files; the source is a cluster snapshot.
    // Two schemas; one table in three parts of two row groups each.
    folder: 'aurora-postgres-cluster',
    engine: 'postgres',
    database: 'orders',
    setup: [
      'CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id integer NOT NULL, total numeric(12,2), status varchar(32), created_at timestamptz, is_gift boolean)',
      `INSERT INTO public.orders SELECT g, g % 7, g * 10.25, CASE WHEN g % 3 = 0 THEN 'shipped' ELSE 'open' END, timestamptz '2026-11-01 00:00+00' + g * interval '1 hour', g % 2 = 0 FROM generate_series(1, 12) g`,
      'CREATE SCHEMA billing',
      'CREATE TABLE billing.invoices (invoice_no uuid, amount double precision, issued_at timestamp)',
      "INSERT INTO billing.invoices VALUES ('9a7e3d21-1c44-4f0b-8e2a-77d0e5b1c9f3', 99.5, '2026-11-02 10:00'), (NULL, NULL, NULL)",
    ],
    options: {
      exportTaskIdentifier: 'orders-cluster-2026-11-20-03-10-2f8c6a1d9e',
      s3Prefix: 'exports/orders-cluster',
      sourceArn: `arn:aws:rds:${REGION_ACCOUNT}:cluster-snapshot:rds:orders-cluster-2026-11-20-03-10`,
      snapshotTime: new Date('2026-11-20T03:10:05Z'),
      rowGroupSize: 2,
      partsPerTable: 3,
    },
  },
  {
    // AWS, "Limitations": \ ` " and space in the S3 path become _.
    folder: 'postgres-odd-names',
    engine: 'postgres',
    database: 'odd db',
    setup: [
      'CREATE TABLE "order lines`2026" (id integer, "Note" text)',
      'INSERT INTO "order lines`2026" VALUES (1, \'first\'), (2, NULL)',
      'CREATE SCHEMA "Sales Team"',
      'CREATE TABLE "Sales Team"."a\\b""c" (id integer)',
      'INSERT INTO "Sales Team"."a\\b""c" VALUES (7)',
    ],
    options: {
      exportTaskIdentifier: 'odd-db-manual-2026-11-20-6d2b8e4f1a',
      s3Prefix: 'exports/odd-db',
      sourceArn: `arn:aws:rds:${REGION_ACCOUNT}:snapshot:odd-db-manual-2026-11-20`,
      snapshotTime: new Date('2026-11-20T05:30:00Z'),
    },
  },
  {
    // AWS, "File naming conventions": a table partitioned into several tables is exported with
    // one batch index folder per partition of the main table.
    folder: 'postgres-partitioned',
    engine: 'postgres',
    database: 'metrics',
    setup: [
      'CREATE TABLE measurements (id integer, taken date NOT NULL, value double precision) PARTITION BY RANGE (taken)',
      "CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
      "CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
      "CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
      "INSERT INTO measurements VALUES (1, '2024-06-01', 1.5), (2, '2025-06-01', 2.5), (3, '2026-06-01', 'NaN'), (4, '2026-07-01', NULL)",
    ],
    options: {
      exportTaskIdentifier: 'metrics-db-2026-11-20-03-10-4a9c1e7b3d',
      s3Prefix: 'exports/metrics-db',
      sourceArn: `arn:aws:rds:${REGION_ACCOUNT}:snapshot:rds:metrics-db-2026-11-20-03-10`,
      snapshotTime: new Date('2026-11-20T03:10:30Z'),
    },
  },
];

async function runPostgres(url: string, statements: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

async function runMysql(url: string, statements: readonly string[]): Promise<void> {
  const connection = await createConnection({ uri: url, charset: 'utf8mb4' });
  try {
    for (const sql of statements) await connection.query(sql);
  } finally {
    await connection.end();
  }
}

/** Writes every corpus export into `root/<folder>/` (replacing what is there) from the two servers. */
export async function makeExportCorpus(root: string, servers: { postgres: TestDatabaseServer; mysql: TestDatabaseServer }): Promise<string[]> {
  const folders: string[] = [];
  for (const entry of CORPUS) {
    const server = servers[entry.engine];
    const url = await server.createDatabase(entry.database);
    await (entry.engine === 'postgres' ? runPostgres(url, entry.setup) : runMysql(url, entry.setup));
    const outDir = join(root, entry.folder);
    rmSync(outDir, { recursive: true, force: true });
    await writeRdsExport({ ...entry.options, engine: entry.engine, url: server.url, database: entry.database, outDir });
    folders.push(entry.folder);
  }
  return folders;
}
