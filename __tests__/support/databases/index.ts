// Real database servers for tests (PostgreSQL and MariaDB), each started in a temporary folder
// on a free loopback port and stopped with the suite. Where a server's binaries are missing,
// `postgresMissing()` / `mariadbMissing()` say why, for tools.ts's requireTool().

/** A database server a test started. */
export interface TestDatabaseServer {
  readonly engine: 'postgres' | 'mysql';
  /** e.g. postgres://postgres@127.0.0.1:PORT/postgres or mysql://root@127.0.0.1:PORT/mysql (no password: trust auth on loopback). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder; idempotent. The server is also killed if the test process exits. */
  stop(): Promise<void>;
}

export { postgresMissing, startPostgres } from './postgres';
export { mariadbMissing, startMariadb } from './mariadb';
