// Restore into MariaDB, end to end: a table with every type of AWS's MySQL and MariaDB table and
// awkward values, exported as RDS writes it, archived in moto's S3 with the project's own
// manifest, restored through the CLI into a fresh database, and compared row for row; and the
// safety rules (--if-exists fail, a killed restore).
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MYSQL_TYPE_COLUMNS, MYSQL_TYPE_ROWS, typeTableSql } from '../support/rds-export/all-types';
import { mariadbMissing, startMariadb, type TestDatabaseServer } from '../support/databases';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../support/moto';
import { motoMissing, requireTool } from '../support/tools';
import { archiveExport, createArchiveBucket } from './support/archive';
import { deployTestExporter, runCli, startCli } from './support/cli';
import { execute, mysqlColumnTypes, mysqlRows } from './support/tables';

const RUN = requireTool('restore into MariaDB', motoMissing() ?? mariadbMissing());
const BINARY = /binary|blob|bit|geometry|point|linestring|polygon|collection/i;
const TYPE_COLUMNS = MYSQL_TYPE_COLUMNS.map((c) => ({ name: c.name, binary: BINARY.test(c.sql) }));
// events: two files of four row groups each (the restore streams across row groups), and a load
// that takes long enough to be killed midway. `npm run test:deep` restores
// 300,000 (RESTORE_ROWS=300000).
const EVENT_ROWS = Number(process.env.RESTORE_ROWS ?? 50_000);
const EVENT_COLUMNS = [
  { name: 'id', binary: false },
  { name: 'amount', binary: false },
  { name: 'payload', binary: false },
  { name: 'at', binary: false },
];

describe.runIf(RUN)('restore into MariaDB', () => {
  let moto: Moto;
  let s3: S3Client;
  let server: TestDatabaseServer;
  let source: string;
  const exportId = 'shop-db-2026-11-20-restore-test';

  beforeAll(async () => {
    [moto, server] = await Promise.all([startMoto(), startMariadb()]);
    s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint, forcePathStyle: true });
    await createArchiveBucket(s3);
    await deployTestExporter(moto.endpoint);
    source = await server.createDatabase('shop');
    await execute('mysql', source, [
      ...typeTableSql('mysql', 'all_types', MYSQL_TYPE_COLUMNS, MYSQL_TYPE_ROWS),
      'CREATE TABLE events (id BIGINT UNSIGNED, amount DECIMAL(12,2), payload TEXT, at DATETIME(6))',
      // MariaDB's sequence engine: seq_1_to_N is the numbers 1 to N.
      `INSERT INTO events SELECT seq, (seq % 100000) / 100, IF(seq % 7 = 0, NULL, CONCAT('event ', seq, '\\twith tab')), TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND
         FROM seq_1_to_${EVENT_ROWS}`,
    ]);
    await archiveExport(s3, {
      engine: 'mysql',
      url: server.url,
      database: 'shop',
      instance: 'shop-db',
      exportTaskIdentifier: exportId,
      rowGroupSize: Math.ceil(EVENT_ROWS / 8),
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
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ summary: true, restored: 2, failed: 0, rows: EVENT_ROWS + 3 });
    expect(await mysqlRows(target, 'restored', 'all_types', TYPE_COLUMNS)).toEqual(await mysqlRows(source, 'shop', 'all_types', TYPE_COLUMNS));
    expect(await mysqlRows(target, 'restored', 'events', EVENT_COLUMNS)).toEqual(await mysqlRows(source, 'shop', 'events', EVENT_COLUMNS));
    const types = await mysqlColumnTypes(target, 'restored', 'all_types');
    const sourceTypes = (await mysqlColumnTypes(source, 'shop', 'all_types'))!;
    // Every type comes back as the source had it, but for ENUM and SET, whose values the export does not state.
    for (const column of MYSQL_TYPE_COLUMNS.filter((c) => !['c_enum', 'c_set'].includes(c.name))) {
      expect({ [column.name]: types?.[column.name] }).toEqual({ [column.name]: sourceTypes[column.name] });
    }
    expect(types).toMatchObject({ c_enum: 'varchar(5)', c_set: 'varchar(7)' });
    expect(await mysqlColumnTypes(target, 'restored', 'events')).toEqual({
      id: 'bigint(20) unsigned',
      amount: 'decimal(12,2)',
      payload: 'text',
      at: 'datetime(6)',
    });
  });

  it('--if-exists fail exits non-zero and leaves an existing table as it was', async () => {
    // Prepare
    const target = await server.createDatabase('existing');
    await execute('mysql', target, [
      'CREATE TABLE events (id BIGINT UNSIGNED, amount DECIMAL(12,2), payload TEXT, at DATETIME(6))',
      "INSERT INTO events VALUES (1, 2.5, 'mine', NOW())",
    ]);
    const before = await mysqlRows(target, 'existing', 'events', EVENT_COLUMNS);

    // Act
    const run = await runCli(moto.endpoint, ['--export', exportId, '--table', 'shop.events', '--to', target]);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the table existing.events exists in the target');
    expect(await mysqlRows(target, 'existing', 'events', EVENT_COLUMNS)).toEqual(before);
  });

  it('a restore killed while loading leaves no table behind, and a rerun succeeds', async () => {
    // Prepare
    const target = await server.createDatabase('killed');
    const child = startCli(moto.endpoint, ['--export', exportId, '--table', 'events', '--to', target]);
    const exited = new Promise((resolve) => child.on('close', resolve));

    // Act: kill it once its LOAD DATA is running.
    const loading = await waitFor(async () => {
      const rows = await mysqlRows(server.url, 'information_schema', 'PROCESSLIST', [{ name: 'INFO', binary: false }]);
      return rows.some((r) => r.includes('LOAD DATA'));
    });
    child.kill('SIGKILL');
    await exited;
    const afterKill = await waitFor(async () => (await mysqlTableNames(server.url, 'killed')).length === 0);
    const rerun = await runCli(moto.endpoint, ['--export', exportId, '--table', 'events', '--to', target]);

    // Assess
    expect(loading).toBe(true);
    expect(afterKill).toBe(true);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(await mysqlTableNames(server.url, 'killed')).toEqual(['events']);
    expect(await mysqlRows(target, 'killed', 'events', EVENT_COLUMNS)).toEqual(await mysqlRows(source, 'shop', 'events', EVENT_COLUMNS));
  });
});

async function mysqlTableNames(url: string, database: string): Promise<string[]> {
  const rows = await mysqlRows(url, 'information_schema', 'TABLES', [
    { name: 'TABLE_NAME', binary: false },
    { name: 'TABLE_SCHEMA', binary: false },
  ]);
  return rows
    .map((r) => JSON.parse(r) as string[])
    .filter(([, schema]) => schema === database)
    .map(([name]) => name!)
    .sort();
}

/** Polls `check` every 50 ms for up to 60 s; returns whether it became true. */
async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
