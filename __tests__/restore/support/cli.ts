// Runs `npm run archive -- restore ...` as a child process against moto, as an operator would,
// with the settings of a stand-in exporter function deployed in moto.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createExporterFunction, motoExporterEnvironment } from '../../support/moto-lambda';
import { motoProcessEnv } from '../../support/moto-rds';
import { TEST_ARCHIVE } from './archive';

const ROOT = join(__dirname, '..', '..', '..');
export const TEST_FUNCTION = 'rds-archive-restore-test-exporter';

/** Deploys the stand-in exporter whose settings name the test archive. */
export async function deployTestExporter(endpoint: string): Promise<void> {
  await createExporterFunction(endpoint, TEST_FUNCTION, motoExporterEnvironment({ archiveBucket: TEST_ARCHIVE.bucket, archivePrefix: TEST_ARCHIVE.prefix }));
}

/** Starts `restore` with the stand-in exporter; the caller may kill it. */
export function startCli(endpoint: string, args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return startArchive(endpoint, ['restore', ...args, '--function', TEST_FUNCTION], env);
}

/** Starts the CLI with any command line (`argv` after `npm run archive --`). */
function startArchive(endpoint: string, argv: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', ...argv], {
    cwd: ROOT,
    env: motoProcessEnv(endpoint, { HOME: process.env.HOME ?? '/tmp', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `restore` with the stand-in exporter to the end. */
export function runCli(
  endpoint: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return finished(startCli(endpoint, args, env));
}

/** Runs the CLI with any command line (`argv` after `npm run archive --`, with its own --function) to the end. */
export function runArchive(
  endpoint: string,
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return finished(startArchive(endpoint, argv, env));
}

function finished(child: ChildProcess): Promise<{ status: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
