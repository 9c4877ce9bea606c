// Real database servers for tests (PostgreSQL and MariaDB), each started in a temporary folder
// on a free loopback port: startPostgres() / startMariadb() give the caller an empty one of its
// own, borrowed from the test run's pool (../server-pool.ts) where there is one, and stop()
// gives it back (or stops it). Where a server's binaries are missing, `postgresMissing()` /
// `mariadbMissing()` say why, for tools.ts's requireTool().

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
  /**
   * Ends the caller's use of the server; idempotent. A borrowed server goes back to the pool, which
   * empties it; a launched one stops and its folder is removed (it is also killed if the process exits).
   */
  stop(): Promise<void>;
}

export { emptyPostgres, launchPostgres, postgresMissing, startPostgres } from './postgres';
export { emptyMariadb, launchMariadb, mariadbContents, mariadbMissing, startMariadb } from './mariadb';
