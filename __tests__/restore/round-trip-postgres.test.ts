// Restore into PostgreSQL, end to end: source tables with every type of AWS's PostgreSQL table
// and awkward values, exported as RDS writes them, archived in moto's S3 with the project's own
// manifest, restored through the CLI into a fresh database, and compared row for row. Also the
// safety rules: --if-exists fail, a killed restore, a missing export, --dry-run.
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_TYPE_COLUMNS, POSTGRES_TYPE_ROWS, POSTGRES_TYPES_SETUP, typeTableSql } from '../support/rds-export/all-types';
import { postgresMissing, startPostgres, type TestDatabaseServer } from '../support/databases';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../support/moto';
import { motoMissing, requireTool } from '../support/tools';
import { archiveExport, createArchiveBucket, deleteObjects, putManifest } from './support/archive';
import { deployTestExporter, runCli, startCli } from './support/cli';
import { execute, postgresColumnTypes, postgresRows, postgresTables } from './support/tables';
import { verifyExport } from '../../handler/verification/verdict';

const RUN = requireTool('restore into PostgreSQL', motoMissing() ?? postgresMissing());
const TYPE_NAMES = POSTGRES_TYPE_COLUMNS.map((c) => c.name);
const ORDER_COLUMNS = ['id', 'total', 'note', 'placed_at'];
// sales.orders: two files of four row groups each (the restore streams across row groups), and a
// load that takes long enough to be killed midway. `npm run test:deep` restores
// 300,000 (RESTORE_ROWS=300000).
const ORDER_ROWS = Number(process.env.RESTORE_ROWS ?? 50_000);
const ORDER_ROWS_TEXT = ORDER_ROWS.toLocaleString('en-US');

describe.runIf(RUN)('restore into PostgreSQL', () => {
  let moto: Moto;
  let s3: S3Client;
  let server: TestDatabaseServer;
  let source: string;
  const exportId = 'orders-db-2026-11-20-restore-test';

  beforeAll(async () => {
    [moto, server] = await Promise.all([startMoto(), startPostgres()]);
    s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint, forcePathStyle: true });
    await createArchiveBucket(s3);
    await deployTestExporter(moto.endpoint);
    source = await server.createDatabase('shop');
    await execute('postgres', source, [
      ...POSTGRES_TYPES_SETUP,
      ...typeTableSql('postgres', 'all_types', POSTGRES_TYPE_COLUMNS, POSTGRES_TYPE_ROWS),
      'CREATE SCHEMA sales',
      'CREATE TABLE sales.orders (id bigint, total numeric(12,2), note text, placed_at timestamptz)',
      `INSERT INTO sales.orders SELECT g, (g % 100000) / 100.0, CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g || E'\\twith tab' END,
         timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${ORDER_ROWS}) g`,
      'CREATE TABLE empty_numbers (amount numeric(10,3), label varchar(20))',
    ]);
    await archiveExport(s3, {
      engine: 'postgres',
      url: server.url,
      database: 'shop',
      instance: 'orders-db',
      exportTaskIdentifier: exportId,
      rowGroupSize: Math.ceil(ORDER_ROWS / 8),
      partsPerTable: 2,
    });
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), server?.stop()]);
  });

  it('restores every table with the source types, equal row for row', async () => {
    // Prepare
    const target = await server.createDatabase('restored');

    // Act
    const run = await runCli(moto.endpoint, ['--export', exportId, '--all', '--to', target, '--json']);

    // Assess
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      lines
        .filter((l) => l.status === 'restored')
        .map((l) => l.table)
        .sort(),
    ).toEqual(['public.all_types', 'public.empty_numbers', 'sales.orders']);
    expect(lines.at(-1)).toMatchObject({ summary: true, restored: 3, failed: 0, rows: ORDER_ROWS + 3 });
    expect(await postgresRows(target, 'public.all_types', TYPE_NAMES)).toEqual(await postgresRows(source, 'public.all_types', TYPE_NAMES));
    expect(await postgresRows(target, 'sales.orders', ORDER_COLUMNS)).toEqual(await postgresRows(source, 'sales.orders', ORDER_COLUMNS));
    const types = await postgresColumnTypes(target, 'public', 'all_types');
    expect(types).toMatchObject({
      c_bigint: 'bigint',
      c_decimal: 'numeric(12,2)',
      c_numeric: 'numeric',
      c_real: 'real',
      c_smallint: 'smallint',
      c_bit: 'bit(3)',
      c_varbit: 'bit varying(8)',
      c_bytea: 'bytea',
      c_char_n: 'character(5)',
      c_varchar: 'character varying(40)',
      c_timestamptz: 'timestamp with time zone',
      c_timestamp: 'timestamp without time zone',
      c_interval: 'interval',
      c_json: 'json',
      c_jsonb: 'jsonb',
      c_uuid: 'uuid',
      c_inet: 'inet',
      c_tstzrange: 'tstzrange',
      c_domain: 'integer',
      // The export says only ARRAY / USER-DEFINED: text, with the same values.
      c_int_array: 'text',
      c_enum: 'text',
    });
    expect(await postgresColumnTypes(target, 'sales', 'orders')).toEqual({
      id: 'bigint',
      total: 'numeric(12,2)',
      note: 'text',
      placed_at: 'timestamp with time zone',
    });
    // No value to read a scale from: an unconstrained numeric.
    expect(await postgresColumnTypes(target, 'public', 'empty_numbers')).toEqual({ amount: 'numeric', label: 'character varying(20)' });
  });

  it('--if-exists fail (the default) exits non-zero and leaves an existing table as it was', async () => {
    // Prepare
    const target = await server.createDatabase('existing');
    await execute('postgres', target, [
      'CREATE SCHEMA sales',
      'CREATE TABLE sales.orders (id bigint, total numeric(12,2), note text, placed_at timestamptz)',
      "INSERT INTO sales.orders VALUES (1, 2.50, 'mine', now())",
    ]);
    const before = await postgresRows(target, 'sales.orders', ORDER_COLUMNS);

    // Act
    const run = await runCli(moto.endpoint, ['--export', exportId, '--table', 'sales.orders', '--to', target]);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the table sales.orders exists in the target');
    expect(await postgresRows(target, 'sales.orders', ORDER_COLUMNS)).toEqual(before);
    expect(await postgresTables(target)).toEqual(['sales.orders']);
  });

  it('--if-exists replace swaps the table, append adds to it', async () => {
    // Prepare
    const target = await server.createDatabase('replaced');
    await execute('postgres', target, [
      'CREATE TABLE empty_numbers (amount numeric(10,3), label varchar(20))',
      "INSERT INTO empty_numbers VALUES (1.5, 'old')",
    ]);

    // Act
    const replaced = await runCli(moto.endpoint, [
      '--export',
      exportId,
      '--table',
      'all_types',
      '--table',
      'empty_numbers',
      '--to',
      target,
      '--if-exists',
      'replace',
    ]);
    const appended = await runCli(moto.endpoint, ['--export', exportId, '--table', 'public.all_types', '--to', target, '--if-exists', 'append']);

    // Assess
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(appended.status, appended.stderr).toBe(0);
    expect(await postgresRows(target, 'public.empty_numbers', ['amount', 'label'])).toEqual([]);
    const once = await postgresRows(source, 'public.all_types', TYPE_NAMES);
    expect(await postgresRows(target, 'public.all_types', TYPE_NAMES)).toEqual([...once, ...once].sort());
  });

  it('a restore killed while loading leaves no table behind, and a rerun succeeds', async () => {
    // Prepare
    const target = await server.createDatabase('killed');
    const child = startCli(moto.endpoint, ['--export', exportId, '--table', 'sales.orders', '--to', target]);
    const exited = new Promise((resolve) => child.on('close', resolve));

    // Act: kill it once its COPY is running.
    const copying = await waitFor(async () => {
      const rows = await postgresRows(server.url, 'pg_stat_activity', ['query']);
      return rows.some((r) => r.includes('COPY') && r.includes('_restore_orders'));
    });
    child.kill('SIGKILL');
    await exited;
    const afterKill = await waitFor(async () => (await postgresTables(target)).length === 0);
    const rerun = await runCli(moto.endpoint, ['--export', exportId, '--table', 'sales.orders', '--to', target]);

    // Assess
    expect(copying).toBe(true);
    expect(afterKill).toBe(true);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(await postgresTables(target)).toEqual(['sales.orders']);
    expect(await postgresRows(target, 'sales.orders', ORDER_COLUMNS)).toEqual(await postgresRows(source, 'sales.orders', ORDER_COLUMNS));
  });

  it('--dry-run prints the plan from the Parquet footers and changes nothing', async () => {
    // Prepare
    const target = await server.createDatabase('dry');

    // Act
    const run = await runCli(moto.endpoint, ['--database', 'orders-db', '--table', 'sales.orders', '--table', 'all_types', '--to', target, '--dry-run']);

    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`restore plan: export ${exportId} of orders-db`);
    expect(run.stdout).toContain(`sales.orders -> sales.orders: 2 file(s), ${ORDER_ROWS_TEXT} rows`);
    expect(run.stdout).toContain('total  numeric(12,?)  (scale read from the data while loading)');
    expect(run.stdout).toMatch(new RegExp(`2 table\\(s\\), 4 file\\(s\\), ${(ORDER_ROWS + 3).toLocaleString('en-US')} rows, [\\d.]+ MB; estimated \\d`));
    expect(await postgresTables(target)).toEqual([]);
  });

  it('refuses a missing export with its reason, and restoring it into MySQL', async () => {
    // Prepare: a second export whose data files are gone.
    const missingId = 'orders-db-2026-11-27-restore-test';
    const { keys, manifest } = await archiveExport(s3, {
      engine: 'postgres',
      url: server.url,
      database: 'shop',
      instance: 'orders-db',
      exportTaskIdentifier: missingId,
      tables: ['empty_numbers'],
      snapshotTime: new Date('2026-11-27T03:00:00Z'),
    });
    const parts = keys.filter((k) => k.key.endsWith('.parquet'));
    await deleteObjects(
      s3,
      parts.map((k) => k.key),
    );
    const rest = keys.filter((k) => !k.key.endsWith('.parquet'));
    const missing = verifyExport({
      task: {
        ExportTaskIdentifier: missingId,
        S3Bucket: manifest.bucket,
        S3Prefix: 'exports/orders-db',
        Status: 'COMPLETE',
        SnapshotTime: new Date(manifest.snapshotTime),
      },
      database: 'orders-db',
      listing: rest,
      tablesInfoTexts: [],
      verifiedAt: new Date(),
    });
    await putManifest(s3, missing);
    const target = await server.createDatabase('never');

    // Act
    const refused = await runCli(moto.endpoint, ['--export', missingId, '--all', '--to', target]);
    const newestVerified = await runCli(moto.endpoint, [
      '--database',
      'orders-db',
      '--at',
      '2026-12-01',
      '--table',
      'empty_numbers',
      '--to',
      target,
      '--dry-run',
    ]);
    const otherEngine = await runCli(moto.endpoint, ['--export', exportId, '--all', '--to', 'mysql://root@127.0.0.1:3306/x']);

    // Assess
    expect(missing.outcome).toBe('missing');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`the export ${missingId} is missing from the archive: ${missing.missingReason}`);
    expect(newestVerified.status, newestVerified.stderr).toBe(0);
    expect(newestVerified.stdout).toContain(`export ${exportId} of orders-db`);
    expect(otherEngine.status).toBe(2);
    expect(otherEngine.stderr).toContain('is of a PostgreSQL database; restoring it into MySQL/MariaDB is not supported');
    expect(await postgresTables(target)).toEqual([]);
  });
});

/** Polls `check` every 50 ms for up to 60 s; returns whether it became true. */
async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
