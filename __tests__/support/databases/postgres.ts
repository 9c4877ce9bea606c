// Starts a throw-away PostgreSQL server for tests: initdb with trust authentication in a temp
// folder owned by the postgres user, listening on 127.0.0.1 only, with its socket in that folder.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../free-port';
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

/** Starts PostgreSQL on a free loopback port and waits until it accepts connections. */
export async function startPostgres(): Promise<TestDatabaseServer> {
  const missing = postgresMissing();
  if (missing !== undefined) throw new Error(`cannot start PostgreSQL: ${missing}`);
  const dir = makeServerDir('test-postgres-', SERVER_USER);
  const data = join(dir, 'data');
  const port = await freePort();
  const urlOf = (database: string): string => `postgres://${SERVER_USER}@${HOST}:${port}/${encodeURIComponent(database)}`;
  const url = urlOf('postgres');
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
  return {
    engine: 'postgres',
    url,
    host: HOST,
    port,
    user: SERVER_USER,
    async createDatabase(name: string): Promise<string> {
      await query(url, `CREATE DATABASE ${quoteIdentifier(name)} ENCODING 'UTF8' TEMPLATE template0`);
      return urlOf(name);
    },
    stop: () => running.stop(),
  };
}
