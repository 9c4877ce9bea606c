// The test run's pool of servers (moto_server, PostgreSQL, MariaDB), as a test file sees it.
// Starting a server costs seconds of CPU (moto imports its services, initdb and
// mariadb-install-db write a data folder), and a dozen files each wanted their own. Under
// vitest.config.mts the run keeps the servers (server-pool-host.ts, started by global-setup.ts)
// and lends each file one of its own until the file gives it back; a returned server is emptied
// before anyone else gets it. Elsewhere (scripts, a child process a test starts, the e2e config)
// there is no pool and the servers start and stop as before.
// This module does not import vitest: scripts run it through scripts/run-ts.js.
import { request } from 'node:http';

/** The servers the pool lends. */
export type PooledServerKind = 'moto' | 'postgres' | 'mariadb';

/** What the pool says about a server it lends. */
export interface PoolLease {
  /** The lease to give back. */
  readonly id: string;
  /** The server's port on 127.0.0.1. */
  readonly port: number;
}

/** The key under which global-setup.ts provides the pool's address to the test files. */
export const SERVER_POOL_KEY = 'serverPool';

let poolAddress: string | undefined;

/** Set by the test files' setup (use-server-pool.ts): where this run's pool answers. */
export function useServerPool(address: string | undefined): void {
  poolAddress = address;
}

function post(path: string): Promise<string> {
  const url = new URL(path, poolAddress);
  return new Promise((resolve, reject) => {
    const call = request(url, { method: 'POST', agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`the test server pool answered ${path} with ${response.statusCode}: ${body}`)),
      );
    });
    call.on('error', reject);
    call.end();
  });
}

/**
 * Borrows an empty server of `kind` for the caller alone, or returns undefined when this process
 * has no pool (the caller then starts its own). `giveBack` ends the loan; the pool empties the
 * server before lending it again.
 */
export async function borrowServer(kind: PooledServerKind): Promise<{ port: number; giveBack: () => Promise<void> } | undefined> {
  if (poolAddress === undefined) return undefined;
  const lease = JSON.parse(await post(`/lease/${kind}`)) as PoolLease;
  let given: Promise<void> | undefined;
  return { port: lease.port, giveBack: () => (given ??= post(`/release/${lease.id}`).then(() => undefined)) };
}
