// The test run's pool of servers (see server-pool.ts), kept in vitest's main process by
// global-setup.ts: a small HTTP service on 127.0.0.1 that lends a test file a moto_server,
// PostgreSQL or MariaDB of its own (one given back earlier, or a new one when all are lent),
// empties a server given back before lending it again, and stops them all when the run ends.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyMariadb, emptyPostgres, launchMariadb, launchPostgres, mariadbContents } from './databases';
import { launchMoto, resetMoto } from './moto';
import type { PoolLease, PooledServerKind } from './server-pool';

/** A server the pool started. */
interface PooledServer {
  readonly port: number;
  /** Returns the server to what it held when new. */
  empty(): Promise<void>;
  stop(): Promise<void>;
}

async function launch(kind: PooledServerKind): Promise<PooledServer> {
  if (kind === 'moto') {
    const moto = await launchMoto();
    return { port: Number(new URL(moto.endpoint).port), empty: () => resetMoto(moto.endpoint), stop: moto.stop };
  }
  if (kind === 'postgres') {
    const server = await launchPostgres();
    return { port: server.port, empty: () => emptyPostgres(server.port), stop: server.stop };
  }
  const server = await launchMariadb();
  const initial = await mariadbContents(server.port);
  return { port: server.port, empty: () => emptyMariadb(server.port, initial), stop: server.stop };
}

const KINDS: readonly PooledServerKind[] = ['moto', 'postgres', 'mariadb'];

/** The running pool. */
export interface ServerPoolHost {
  /** Where test files reach it, e.g. http://127.0.0.1:PORT. */
  readonly address: string;
  /** Stops every server the pool started, lent or not, and the pool's own service. */
  close(): Promise<void>;
}

export async function startServerPool(): Promise<ServerPoolHost> {
  /** Servers given back, each with its emptying (false when that failed: the server is then stopped, not lent). */
  const returned = new Map<PooledServerKind, Array<{ server: PooledServer; emptied: Promise<boolean> }>>(KINDS.map((kind) => [kind, []]));
  const lent = new Map<string, { kind: PooledServerKind; server: PooledServer }>();
  const launches: Promise<PooledServer>[] = [];
  let leases = 0;

  async function lend(kind: PooledServerKind): Promise<PoolLease> {
    const waiting = returned.get(kind)!;
    let server: PooledServer | undefined;
    while (server === undefined && waiting.length > 0) {
      const candidate = waiting.shift()!;
      if (await candidate.emptied) server = candidate.server;
      else await candidate.server.stop();
    }
    if (server === undefined) {
      const launching = launch(kind);
      launches.push(launching);
      server = await launching;
    }
    const id = String(++leases);
    lent.set(id, { kind, server });
    return { id, port: server.port };
  }

  function giveBack(id: string): boolean {
    const lease = lent.get(id);
    if (lease === undefined) return false;
    lent.delete(id);
    const emptied = lease.server.empty().then(
      () => true,
      (error: unknown) => {
        console.warn(`test server pool: a ${lease.kind} server given back could not be emptied, so it is stopped: ${error}`);
        return false;
      },
    );
    returned.get(lease.kind)!.push({ server: lease.server, emptied });
    return true;
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [, action, argument] = (request.url ?? '').split('/');
    if (request.method === 'POST' && action === 'lease' && KINDS.includes(argument as PooledServerKind)) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await lend(argument as PooledServerKind)));
    } else if (request.method === 'POST' && action === 'release' && argument !== undefined && giveBack(argument)) {
      response.writeHead(200).end();
    } else {
      response.writeHead(404).end(`no such request: ${request.method} ${request.url}`);
    }
  }

  const service = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => response.writeHead(500).end(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const { port } = service.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    async close(): Promise<void> {
      await new Promise<void>((resolve) => service.close(() => resolve()));
      // A server still being emptied is stopped once that is done, not in the middle of it.
      await Promise.all([...returned.values()].flat().map((given) => given.emptied));
      const started = await Promise.allSettled(launches);
      await Promise.all(started.flatMap((launched) => (launched.status === 'fulfilled' ? [launched.value.stop()] : [])));
    },
  };
}
