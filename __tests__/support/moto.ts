// moto_server (an AWS API emulator) for a test suite: an empty one of its own, from the test
// run's pool (server-pool.ts) or started on a free loopback port, and given back or stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';
import { borrowServer } from './server-pool';

/** A running moto_server. */
export interface Moto {
  /** Base URL, e.g. http://127.0.0.1:41234; use it as the SDK endpoint. */
  readonly endpoint: string;
  /** Ends the suite's use of the server: gives it back to the pool, or stops it (and its process group); safe to call twice. */
  stop(): Promise<void>;
}

/** Credentials and region for SDK clients talking to moto. */
export const MOTO_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
    try {
      // A bounded wait per try: a socket that accepts but never answers must not hang the suite.
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within 30 s:\n${output()}`);
}

/**
 * An empty moto_server for the caller alone: borrowed from the test run's pool when there is one
 * (vitest.config.mts), else started (launchMoto).
 */
export async function startMoto(): Promise<Moto> {
  const borrowed = await borrowServer('moto');
  if (borrowed === undefined) return launchMoto();
  return { endpoint: `http://127.0.0.1:${borrowed.port}`, stop: borrowed.giveBack };
}

/** Starts a new moto_server process on 127.0.0.1 and waits until it answers. */
export async function launchMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  let stopped = false;
  // moto runs in its own process group (detached, so stop() can end its workers too); if the
  // test process dies without calling stop(), end the group anyway rather than leave it running.
  const killOnExit = (): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilUp(endpoint, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/** Empties a moto_server: every service's state back to what a new server has (moto's own reset). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`moto_server at ${endpoint} answered its reset with ${response.status}`);
}
