// A throw-away MariaDB server for tests: mariadb-install-db in a temp folder owned by the mysql
// user, root without a password from 127.0.0.1, LOAD DATA LOCAL INFILE allowed (restore uses
// it), no binary log, a small buffer pool, and its socket in that folder; borrowed from the test
// run's pool (../server-pool.ts) when there is one, and emptied there before it is lent again.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { freePort } from '../free-port';
import { borrowServer } from '../server-pool';
import type { TestDatabaseServer } from './index';
import { makeServerDir, runAsUser, spawnServer, userMissing, waitUntilAccepting } from './server-process';

const SERVER_USER = 'mysql';
const HOST = '127.0.0.1';
const ROOT = 'root';

/** The first of `names` on PATH (or in the sbin folders, which a non-root PATH may lack). */
function findBinary(names: readonly string[]): string | undefined {
  for (const name of names) {
    const found = spawnSync('sh', ['-c', 'PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin" command -v "$1"', 'sh', name], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return undefined;
}

function binaries(): { server?: string; installDb?: string } {
  return { server: findBinary(['mariadbd', 'mysqld']), installDb: findBinary(['mariadb-install-db', 'mysql_install_db']) };
}

/** Why a MariaDB server can't be started here, or undefined when it can. */
export function mariadbMissing(): string | undefined {
  const { server, installDb } = binaries();
  if (server === undefined) return 'neither mariadbd nor mysqld is on PATH (apt-get install mariadb-server)';
  if (installDb === undefined) return 'neither mariadb-install-db nor mysql_install_db is on PATH (apt-get install mariadb-server)';
  return userMissing(SERVER_USER);
}

function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

async function query(port: number, sql: string): Promise<void> {
  const connection = await createConnection({ host: HOST, port, user: ROOT, connectTimeout: 5_000 });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

const urlOf = (port: number, database: string): string => `mysql://${ROOT}@${HOST}:${port}/${encodeURIComponent(database)}`;

/** The server on `port`, as the tests use it; `stop` ends their use of it. */
function mariadbAt(port: number, stop: () => Promise<void>): TestDatabaseServer {
  return {
    engine: 'mysql',
    url: urlOf(port, 'mysql'),
    host: HOST,
    port,
    user: ROOT,
    async createDatabase(name: string): Promise<string> {
      await query(port, `CREATE DATABASE ${quoteIdentifier(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      return urlOf(port, name);
    },
    stop,
  };
}

/**
 * An empty MariaDB server for the caller alone: borrowed from the test run's pool when there is
 * one (vitest.config.mts), else started (launchMariadb).
 */
export async function startMariadb(): Promise<TestDatabaseServer> {
  const borrowed = await borrowServer('mariadb');
  return borrowed === undefined ? launchMariadb() : mariadbAt(borrowed.port, borrowed.giveBack);
}

/** Starts a new MariaDB server on a free loopback port and waits until it accepts connections. */
export async function launchMariadb(): Promise<TestDatabaseServer> {
  const missing = mariadbMissing();
  if (missing !== undefined) throw new Error(`cannot start MariaDB: ${missing}`);
  const { server: serverBinary, installDb } = binaries();
  const dir = makeServerDir('test-mariadb-', SERVER_USER);
  const data = join(dir, 'data');
  const port = await freePort();
  let server: ReturnType<typeof spawnServer> | undefined;
  try {
    // 'normal' makes root@localhost, root@127.0.0.1 and root@::1 with no password (not the unix_socket plugin).
    runAsUser(
      SERVER_USER,
      installDb!,
      ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'],
      dir,
    );
    server = spawnServer({
      user: SERVER_USER,
      command: serverBinary!,
      args: [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--tmpdir=${dir}`,
        `--port=${port}`,
        `--bind-address=${HOST}`,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--local-infile=1',
        '--innodb-buffer-pool-size=32M',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-buffer-pool-dump-at-shutdown=0',
        '--innodb-buffer-pool-load-at-startup=0',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
      ],
      dir,
      stopSignal: 'SIGTERM',
      pidFile: join(dir, 'mysqld.pid'),
    });
    await waitUntilAccepting('MariaDB', server, () => query(port, 'SELECT 1'));
  } catch (error) {
    if (server) await server.stop();
    else rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = server;
  return mariadbAt(port, () => running.stop());
}

/** What a server holds that tests may add to: its databases, its accounts, the tables of its `mysql` database. */
export interface MariadbContents {
  readonly databases: readonly string[];
  readonly users: readonly string[];
  readonly systemTables: readonly string[];
}

async function rowsOf(connection: Awaited<ReturnType<typeof createConnection>>, sql: string): Promise<string[]> {
  const [rows] = await connection.query<RowDataPacket[]>(sql);
  return rows.map((row) => String(Object.values(row)[0]));
}

const quoteAccount = (account: string): string => {
  const at = account.lastIndexOf('@');
  return `'${account.slice(0, at).replaceAll("'", "''")}'@'${account.slice(at + 1).replaceAll("'", "''")}'`;
};

async function contentsOf(connection: Awaited<ReturnType<typeof createConnection>>): Promise<MariadbContents> {
  return {
    databases: await rowsOf(connection, 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA'),
    users: await rowsOf(connection, "SELECT CONCAT(User, '@', Host) FROM mysql.global_priv"),
    systemTables: await rowsOf(connection, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql'"),
  };
}

/** What a new server holds (read once after launchMariadb, for emptyMariadb). */
export async function mariadbContents(port: number): Promise<MariadbContents> {
  const connection = await createConnection({ host: HOST, port, user: ROOT, connectTimeout: 30_000 });
  try {
    return await contentsOf(connection);
  } finally {
    await connection.end();
  }
}

/** Returns a server to `initial` (what it held when new): ends every other session and drops what tests added. */
export async function emptyMariadb(port: number, initial: MariadbContents): Promise<void> {
  const connection = await createConnection({ host: HOST, port, user: ROOT, connectTimeout: 30_000 });
  try {
    const sessions = await rowsOf(
      connection,
      "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Killed') AND USER <> 'system user'",
    );
    for (const id of sessions) await connection.query(`KILL ${Number(id)}`).catch(() => undefined);
    const now = await contentsOf(connection);
    for (const name of now.databases.filter((d) => !initial.databases.includes(d))) await connection.query(`DROP DATABASE ${quoteIdentifier(name)}`);
    for (const account of now.users.filter((u) => !initial.users.includes(u))) await connection.query(`DROP USER ${quoteAccount(account)}`);
    for (const table of now.systemTables.filter((t) => !initial.systemTables.includes(t))) await connection.query(`DROP TABLE mysql.${quoteIdentifier(table)}`);
  } finally {
    await connection.end();
  }
}
