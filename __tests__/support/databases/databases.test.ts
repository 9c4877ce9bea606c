// The test database servers start, accept the connections the restore tests make (URLs with no
// password, fresh databases, odd names, LOAD DATA LOCAL INFILE on MariaDB), and stop for good.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../tools';
import { launchMariadb, launchPostgres, mariadbMissing, postgresMissing, startMariadb, startPostgres, type TestDatabaseServer } from './index';

const ODD_NAME = 'odd name "quoted" `ticked`';

async function pgRows(url: string, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function mysqlRows(url: string, sql: string, options: { infile?: string } = {}): Promise<Record<string, unknown>[]> {
  const connection = await createConnection({ uri: url, ...(options.infile ? { infileStreamFactory: () => createReadStream(options.infile!) } : {}) });
  try {
    const [rows] = await connection.query(sql);
    return rows as Record<string, unknown>[];
  } finally {
    await connection.end();
  }
}

describe.runIf(requireTool('PostgreSQL test server', postgresMissing()))('startPostgres', () => {
  let server: TestDatabaseServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('listens on loopback with trust authentication, UTF-8 and no fsync', async () => {
    // Act
    const [row] = await pgRows(
      server.url,
      "SELECT current_user AS who, current_setting('server_encoding') AS encoding, current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen",
    );
    // Assess
    expect(server).toMatchObject({ engine: 'postgres', host: '127.0.0.1', user: 'postgres' });
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    expect(row).toEqual({ who: 'postgres', encoding: 'UTF8', fsync: 'off', listen: '127.0.0.1' });
  });

  it('creates fresh databases, odd names included, and returns URLs that reach them', async () => {
    // Act
    const plain = await server.createDatabase('restored_plain');
    const odd = await server.createDatabase(ODD_NAME);
    await pgRows(odd, 'CREATE TABLE t (v text)');
    await pgRows(odd, 'INSERT INTO t VALUES ($1)', ['é\t\\']);
    // Assess
    expect(await pgRows(plain, 'SELECT current_database() AS db')).toEqual([{ db: 'restored_plain' }]);
    expect(await pgRows(odd, 'SELECT current_database() AS db, v FROM t')).toEqual([{ db: ODD_NAME, v: 'é\t\\' }]);
    await expect(server.createDatabase('restored_plain')).rejects.toThrow(/already exists/);
  });
});

describe.runIf(requireTool('MariaDB test server', mariadbMissing()))('startMariadb', () => {
  let server: TestDatabaseServer;
  let folder: string;
  beforeAll(async () => {
    server = await startMariadb();
    folder = mkdtempSync(join(tmpdir(), 'mariadb-infile-'));
  });
  afterAll(async () => {
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('lets root in over TCP without a password, with local_infile on, no binary log and utf8mb4', async () => {
    // Act
    const [row] = await mysqlRows(
      server.url,
      'SELECT CURRENT_USER() AS who, @@local_infile AS local_infile, @@log_bin AS binlog, @@character_set_server AS charset, @@bind_address AS bound',
    );
    // Assess
    expect(server).toMatchObject({ engine: 'mysql', host: '127.0.0.1', user: 'root' });
    expect(server.url).toBe(`mysql://root@127.0.0.1:${server.port}/mysql`);
    expect(row).toEqual({ who: 'root@127.0.0.1', local_infile: 1, binlog: 0, charset: 'utf8mb4', bound: '127.0.0.1' });
  });

  it('creates fresh databases, odd names included, that LOAD DATA LOCAL INFILE can fill', async () => {
    // Prepare
    const file = join(folder, 'rows.tsv');
    writeFileSync(file, '1\tfirst é\n2\tsecond\n');
    // Act
    const plain = await server.createDatabase('restored_plain');
    const odd = await server.createDatabase(ODD_NAME);
    await mysqlRows(odd, 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))');
    await mysqlRows(odd, `LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE t CHARACTER SET utf8mb4`, { infile: file });
    // Assess
    expect(await mysqlRows(plain, 'SELECT DATABASE() AS db')).toEqual([{ db: 'restored_plain' }]);
    expect(await mysqlRows(odd, 'SELECT DATABASE() AS db, id, v FROM t ORDER BY id')).toEqual([
      { db: ODD_NAME, id: 1, v: 'first é' },
      { db: ODD_NAME, id: 2, v: 'second' },
    ]);
    await expect(server.createDatabase('restored_plain')).rejects.toThrow(/exists/);
  });
});

describe.runIf(requireTool('PostgreSQL and MariaDB test servers', postgresMissing() ?? mariadbMissing()))('stop()', () => {
  it.each([
    ['PostgreSQL', launchPostgres],
    ['MariaDB', launchMariadb],
  ])('%s: stops for good (no more connections) and can be called twice', async (_name, start) => {
    // Prepare
    const server = await start();
    const connect = server.engine === 'postgres' ? () => pgRows(server.url, 'SELECT 1') : () => mysqlRows(server.url, 'SELECT 1');
    await connect();
    // Act
    await server.stop();
    await server.stop();
    // Assess
    await expect(connect()).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe.runIf(requireTool('PostgreSQL and MariaDB test servers', postgresMissing() ?? mariadbMissing()))('a test process that exits without stop()', () => {
  it.each([
    ['postgres', pgRows],
    ['mariadb', mysqlRows],
  ] as const)('%s: the server goes with it', async (engine, rows) => {
    // Prepare
    const script = join(__dirname, 'exit-without-stop.ts');
    // Act
    const run = spawnSync(process.execPath, [join(__dirname, '..', '..', '..', 'scripts', 'run-ts.js'), script, engine], { encoding: 'utf8', timeout: 90_000 });
    // Assess
    expect(run.status, run.stderr).toBe(0);
    const { url } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { url: string };
    await expect(rows(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
