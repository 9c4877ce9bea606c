// Runs a database server the tests start: in a temporary folder owned by the server's own user
// (PostgreSQL and MariaDB refuse to run as root), in its own process group so stop() ends it
// with its workers, and ended anyway if the test process exits without calling stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long a server may take to accept connections, and to stop, before we give up. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/** The command line that runs `command` as `user`: through runuser when we are root, as is otherwise. */
export function asUser(user: string, command: string, args: readonly string[]): { command: string; args: string[] } {
  return runningAsRoot() ? { command: 'runuser', args: ['-u', user, '--', command, ...args] } : { command, args: [...args] };
}

function ids(user: string): { uid: number; gid: number } {
  const read = (flag: string): number => {
    const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`the system user ${user} does not exist (${result.stderr.trim()}); install the server's package`);
    return Number(result.stdout.trim());
  };
  return { uid: read('-u'), gid: read('-g') };
}

/** Whether the user exists when we are root (runuser needs it); always fine when we are not. */
export function userMissing(user: string): string | undefined {
  if (!runningAsRoot()) return undefined;
  return spawnSync('id', ['-u', user], { stdio: 'ignore' }).status === 0 ? undefined : `the system user ${user} does not exist`;
}

/** A fresh private folder under the system temp folder, owned by `user` when we are root. */
export function makeServerDir(prefix: string, user: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o700);
  if (runningAsRoot()) {
    const { uid, gid } = ids(user);
    chownSync(dir, uid, gid);
  }
  return dir;
}

/** Runs a setup command (initdb, mariadb-install-db) as `user`; fails with its output when it fails. */
export function runAsUser(user: string, command: string, args: readonly string[], cwd: string): void {
  const line = asUser(user, command, args);
  const result = spawnSync(line.command, line.args, { cwd, encoding: 'utf8', timeout: START_TIMEOUT_MS });
  if (result.status !== 0) {
    const why = result.error ? String(result.error) : `exit status ${result.status}`;
    throw new Error(`${command} failed (${why}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`);
  }
}

/** A running server process. */
export interface ServerProcess {
  /** The last few kilobytes of what the server printed, for error messages. */
  output(): string;
  /** Non-null once the process has exited. */
  exitCode(): number | null;
  /** Stops the server, waits for it, and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  readonly user: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The server's folder (removed when it stops). */
  readonly dir: string;
  /** The signal that shuts the server down cleanly and quickly (PostgreSQL: SIGINT, MariaDB: SIGTERM). */
  readonly stopSignal: NodeJS.Signals;
  /** The file whose first line is the server's process id, once it runs. */
  readonly pidFile: string;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function signalServer(pidFile: string, signal: NodeJS.Signals): boolean {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server in its own process group; the caller waits until it accepts connections. */
export function spawnServer(options: ServerProcessOptions): ServerProcess {
  const line = asUser(options.user, options.command, options.args);
  const child = spawn(line.command, line.args, { cwd: options.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`${error}\n`)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // If the test process dies without stop(), nothing can be awaited any more: kill the group
  // outright and remove the folder rather than leave a server and its data behind.
  const killOnExit = (): void => {
    signalGroup(child, 'SIGKILL');
    rmSync(options.dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      // Signal the server itself: runuser, its parent, would answer a signal of its own by
      // killing the server two seconds later. runuser exits when the server has.
      if (!signalServer(options.pidFile, options.stopSignal)) signalGroup(child, options.stopSignal);
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      if (child.pid !== undefined) await exited;
      clearTimeout(timer);
      rmSync(options.dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { output: () => log, exitCode: () => child.exitCode ?? (child.signalCode === null ? null : -1), stop };
}

/**
 * Waits until `probe` succeeds (the server accepts a connection and answers a query), failing
 * with the server's output when it exits or does not answer within the bound.
 */
export async function waitUntilAccepting(name: string, server: ServerProcess, probe: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server.exitCode() !== null) throw new Error(`${name} exited with ${server.exitCode()} before accepting connections:\n${server.output()}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not accept connections within ${START_TIMEOUT_MS / 1000} s (last error: ${lastError}):\n${server.output()}`);
}
