// A throw-away PostgreSQL server for tests: initdb with trust authentication in a temp folder
// owned by the postgres user, listening on 127.0.0.1 only, with its socket in that folder;
// borrowed from the test run's pool (../server-pool.ts) when there is one, and emptied there
// before it is lent again.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../free-port';
import { borrowServer } from '../server-pool';
import type { TestDatabaseServer } from './index';
import { makeServerDir, runAsUser, spawnServer, userMissing, waitUntilAccepting } from './server-process';

/** Where Debian's PostgreSQL 15 puts its server binaries; POSTGRES_BIN overrides it. */
const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const SERVER_USER = 'postgres';
const HOST = '127.0.0.1';

/** Why a PostgreSQL server can't be started here, or undefined when it can. */
export function postgresMissing(): string | undefined {
  for (const binary of ['initdb', 'postgres']) {
    if (!existsSync(join(POSTGRES_BIN, binary))) return `${join(POSTGRES_BIN, binary)} does not exist (apt-get install postgresql, or set POSTGRES_BIN)`;
  }
  return userMissing(SERVER_USER);
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function query(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const urlOf = (port: number, database: string): string => `postgres://${SERVER_USER}@${HOST}:${port}/${encodeURIComponent(database)}`;

/** The server on `port`, as the tests use it; `stop` ends their use of it. */
function postgresAt(port: number, stop: () => Promise<void>): TestDatabaseServer {
  const url = urlOf(port, 'postgres');
  return {
    engine: 'postgres',
    url,
    host: HOST,
    port,
    user: SERVER_USER,
    async createDatabase(name: string): Promise<string> {
      await query(url, `CREATE DATABASE ${quoteIdentifier(name)} ENCODING 'UTF8' TEMPLATE template0`);
      return urlOf(port, name);
    },
    stop,
  };
}

/**
 * An empty PostgreSQL server for the caller alone: borrowed from the test run's pool when there
 * is one (vitest.config.mts), else started (launchPostgres).
 */
export async function startPostgres(): Promise<TestDatabaseServer> {
  const borrowed = await borrowServer('postgres');
  return borrowed === undefined ? launchPostgres() : postgresAt(borrowed.port, borrowed.giveBack);
}

/** Starts a new PostgreSQL server on a free loopback port and waits until it accepts connections. */
export async function launchPostgres(): Promise<TestDatabaseServer> {
  const missing = postgresMissing();
  if (missing !== undefined) throw new Error(`cannot start PostgreSQL: ${missing}`);
  const dir = makeServerDir('test-postgres-', SERVER_USER);
  const data = join(dir, 'data');
  const port = await freePort();
  const url = urlOf(port, 'postgres');
  let server: ReturnType<typeof spawnServer> | undefined;
  try {
    runAsUser(SERVER_USER, join(POSTGRES_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', SERVER_USER, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], dir);
    // Throw-away data: no durability (fsync and friends off), the socket in our own folder.
    server = spawnServer({
      user: SERVER_USER,
      command: join(POSTGRES_BIN, 'postgres'),
      args: [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        `listen_addresses=${HOST}`,
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'shared_buffers=32MB',
        '-c',
        'max_connections=40',
      ],
      dir,
      // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for them.
      stopSignal: 'SIGINT',
      pidFile: join(data, 'postmaster.pid'),
    });
    await waitUntilAccepting('PostgreSQL', server, () => query(url, 'SELECT 1'));
  } catch (error) {
    if (server) await server.stop();
    else rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = server;
  return postgresAt(port, () => running.stop());
}

/**
 * Returns a server to what initdb left: ends every other session, drops every database (a fresh
 * `postgres` is made again from template1) and every role a test made.
 */
export async function emptyPostgres(port: number): Promise<void> {
  const client = new Client({ connectionString: urlOf(port, 'template1'), connectionTimeoutMillis: 30_000 });
  await client.connect();
  try {
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");
    const databases = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname NOT IN ('template0', 'template1')");
    for (const { datname } of databases.rows) await client.query(`DROP DATABASE ${quoteIdentifier(datname)} WITH (FORCE)`);
    await client.query('CREATE DATABASE postgres');
    const roles = await client.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname <> $1 AND rolname NOT LIKE 'pg\\_%'", [SERVER_USER]);
    for (const { rolname } of roles.rows) await client.query(`DROP ROLE ${quoteIdentifier(rolname)}`);
  } finally {
    await client.end();
  }
}
